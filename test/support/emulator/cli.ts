/**
 * `npm run emulator -- --port <n> --workspaces <btg.config.yaml>`: run the ARM emulator (test support) until SIGINT.
 * The workspaces of the config are pre-created with Sentinel onboarded.
 */
import * as fs from 'fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../../scripts/config/load';
import { FaultConfig } from './faults';
import { EmulatorWorkspace, startEmulator, ADMIN_PREFIX } from './server';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** resolves when the emulator should stop; default: SIGINT or SIGTERM */
  stop?: Promise<unknown>;
}

export async function main(argv: string[], io: CliIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  const program = new Command()
    .name('emulator')
    .description('Local Azure Resource Manager emulator for breakglass-sentinel tests (not a product feature)')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0 = pick a free one)', int('--port'), 0)
    .option('--workspaces <config.yaml>', 'btg config whose workspaces are pre-created (Sentinel onboarded)')
    .option('--page-size <n>', 'items per page of collection GETs', int('--page-size'), 5)
    .option('--latency-ms <n>', 'latency added to every ARM call', int('--latency-ms'))
    .option('--lro-polls <n>', 'InProgress answers before a long-running operation succeeds', int('--lro-polls'), 1)
    .option('--faults <file.json>', 'initial fault configuration (same JSON as POST /_emulator/faults)')
    .option('--ca-out <file>', 'write the self-signed certificate (PEM) here, for NODE_EXTRA_CA_CERTS or tlsOptions.ca')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) });
  try {
    program.parse(argv);
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const opts = program.opts<{
    port: number;
    workspaces?: string;
    pageSize: number;
    latencyMs?: number;
    lroPolls: number;
    faults?: string;
    caOut?: string;
  }>();

  let workspaces: EmulatorWorkspace[] = [];
  if (opts.workspaces) {
    const loaded = loadConfig(opts.workspaces);
    for (const d of loaded.diagnostics) io.err.write(`${d.severity}: ${d.file ? `${d.file}: ` : ''}${d.message}\n`);
    if (!loaded.config) return 2;
    workspaces = loaded.config.workspaces;
  }
  let faults: FaultConfig | undefined;
  if (opts.faults) faults = JSON.parse(fs.readFileSync(opts.faults, 'utf8')) as FaultConfig;

  const emu = await startEmulator({
    port: opts.port,
    workspaces,
    pageSize: opts.pageSize,
    latencyMs: opts.latencyMs,
    lroPolls: opts.lroPolls,
    faults,
  });
  if (opts.caOut) fs.writeFileSync(opts.caOut, emu.caCert);
  const out = io.out;
  out.write(`ARM emulator (test support) listening on ${emu.httpUrl}\n`);
  out.write(
    `  Azure SDK endpoint: ${emu.url} (self-signed certificate${opts.caOut ? ` in ${opts.caOut}` : `: GET ${emu.httpUrl}${ADMIN_PREFIX}/info`})\n`,
  );
  out.write(`  admin: ${emu.httpUrl}${ADMIN_PREFIX}/{requests,faults,seed,store,reset,info}\n`);
  for (const w of workspaces)
    out.write(
      `  workspace: ${w.subscriptionId}/${w.resourceGroup}/${w.workspaceName} (${w.location}, Sentinel onboarded)\n`,
    );

  await (io.stop ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }));
  await emu.close();
  return 0;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`emulator: ${e.message}\n`);
      process.exit(2);
    },
  );
}
