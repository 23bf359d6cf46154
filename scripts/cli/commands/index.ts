/** Every CLI command, each in its own file exporting `register(program, setExit)`. */
import { Command } from 'commander';
import { SetExit } from '../exit';
import { register as init } from './init';
import { register as build } from './build';
import { register as render } from './render';
import { register as validate } from './validate';
import { register as check } from './check';
import { register as test } from './test';
import { register as drill } from './drill';
import { register as plan } from './plan';
import { register as deploy } from './deploy';

type Register = (program: Command, setExit: SetExit) => void;

const commands: Register[] = [init, build, validate, render, check, test, drill, plan, deploy];

export function registerCommands(program: Command, setExit: SetExit): void {
  for (const r of commands) r(program, setExit);
}
