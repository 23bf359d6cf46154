/** `btg` command line. Only scripts/cli writes to stdout/stderr; stages return data. */
import { Command, CommanderError } from 'commander';
import { ExitCode, SetExit } from './exit';
import { redactOutput } from './io';
import { fastBuild } from './fastBuild';
import { PACK_VERSION } from '../paths';
import { terminalSafeLines } from '../security/terminal';

/** The commander program with every command registered (also read by tests, e.g. to check CI templates' flags). */
export function buildProgram(setExit: SetExit = () => undefined): Command {
  const program = new Command();
  program
    .name('btg')
    .description(
      'breakglass-sentinel: build, validate and deploy the break-glass account detection pack for Microsoft Sentinel',
    )
    .version(PACK_VERSION, '-V, --version', 'print the version')
    .option('--verbose', 'print stack traces on tool errors')
    .option(
      '--no-color',
      'no colours in the output (also when NO_COLOR is set, CI is set, or the output is not a terminal)',
    )
    .allowExcessArguments(false)
    .exitOverride()
    // a usage error is one line in the format of every other error (`btg: …`) and a pointer to the help, not the help
    .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'btg: ')) })
    .showHelpAfterError('(btg <command> --help lists the options)')
    .addHelpText(
      'after',
      '\nExit codes: 0 clean, 1 findings (validation errors, failed checks, failed deploy), 2 usage or input error (bad option, missing file, unknown id, sign-in).\nEnvironment: NO_COLOR (no colours), BTG_ACCESS_TOKEN (a bearer token instead of signing in).',
    )
    .hook('preAction', (cmd) => {
      if (cmd.opts().color === false) process.env.NO_COLOR = '1';
    });
  // the commands (and the stages they import) load here, not at start-up: a rebuild with nothing changed needs none
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  (require('./commands') as typeof import('./commands')).registerCommands(program, setExit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const restore = redactOutput();
  let fast: number | undefined;
  try {
    fast = fastBuild(argv, (s) => process.stdout.write(s));
  } finally {
    restore();
  }
  if (fast !== undefined) return fast;
  let code: number = ExitCode.Ok;
  const program = buildProgram((c) => {
    code = c;
  });
  const noColor = process.env.NO_COLOR;
  // nothing secret in any output: every write to stdout/stderr of this run goes through the redaction module
  const restoreOutput = redactOutput();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.ToolError;
    }
    // an error's text can carry what a server or file said: printed line by line, without control characters
    process.stderr.write(`btg: ${terminalSafeLines(String((e as Error).message))}\n`);
    if (program.opts().verbose) process.stderr.write(`${(e as Error).stack}\n`);
    return ExitCode.ToolError;
  } finally {
    restoreOutput();
    // --no-color sets NO_COLOR for this run only (in-process callers keep their environment)
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
  }
  return code;
}

if (require.main === module) {
  main(process.argv).then((c) => {
    process.exitCode = c;
  });
}
