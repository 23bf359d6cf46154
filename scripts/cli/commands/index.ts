/** Every CLI command, each in its own file exporting `register(program, setExit)`. */
import { Command } from 'commander';
import { SetExit } from '../exit';

type Register = (program: Command, setExit: SetExit) => void;

const commands: Register[] = [
  // (commands are added here, one import each)
];

export function registerCommands(program: Command, setExit: SetExit): void {
  for (const r of commands) r(program, setExit);
}
