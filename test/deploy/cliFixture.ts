/**
 * The one set-up of the end-to-end tests that run `btg plan` / `btg deploy` as a user does (in-process `main`, the real
 * Azure SDK clients over HTTPS) against the ARM emulator: one emulator per test file, the CLI's deploy dependencies
 * aimed at it (its certificate trusted, short retries and polls, no terminal), the bearer token in BTG_ACCESS_TOKEN and
 * the fake tenant in AZURE_TENANT_ID; all of it restored after the file.
 */
import { deployCliDeps } from '../../scripts/cli/deployRun';
import { runCli } from '../helpers/cli';
import { Emulator, EmulatorOptions, startEmulator } from '../support/emulator';
import { SENTINEL_SP, TENANT } from './helpers';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface DeployCli {
  /** the file's emulator (started in beforeAll) */
  readonly emu: Emulator;
  /** `btg <args…> -c <config> --arm-endpoint <endpoint> --sentinel-principal-id <SP>` (endpoint: the emulator's) */
  btg(config: string, args: string[], endpoint?: string): Promise<CliRun>;
}

export interface DeployCliOptions {
  /** the bearer token the CLI sends (BTG_ACCESS_TOKEN); tests check it never reaches the output */
  token: string;
  emulator: EmulatorOptions;
  /** retries of a failed request (default 3) */
  maxRetries?: number;
  /** the certificate the clients trust (default: the emulator's); e.g. a proxy's in front of it */
  ca?: string;
}

/** Registers the file's beforeAll/afterAll; call it at the top level of the test file (or of a describe). */
export function useDeployCli(opts: DeployCliOptions): DeployCli {
  const saved = { ...deployCliDeps };
  const env = { ...process.env };
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startEmulator(opts.emulator);
    deployCliDeps.clientOptions = { tlsOptions: { ca: opts.ca ?? emu.caCert } };
    deployCliDeps.settings = {
      retry: { maxRetries: opts.maxRetries ?? 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
      pollIntervalMs: 5,
    };
    deployCliDeps.stdinIsTTY = () => false;
    deployCliDeps.stdoutIsTTY = () => false;
    process.env.BTG_ACCESS_TOKEN = opts.token;
    // the emulator's subscription has no tenantId and its token is no JWT: the documented fallback
    process.env.AZURE_TENANT_ID = TENANT;
  });
  afterAll(async () => {
    Object.assign(deployCliDeps, saved);
    process.env = env;
    await emu?.close();
  });
  const started = (): Emulator => {
    if (!emu) throw new Error('useDeployCli: the emulator starts in beforeAll');
    return emu;
  };
  return {
    get emu() {
      return started();
    },
    async btg(config, args, endpoint) {
      const at = endpoint ?? started().url;
      const r = await runCli(...args, '-c', config, '--arm-endpoint', at, '--sentinel-principal-id', SENTINEL_SP);
      return { code: r.code, out: r.stdout, err: r.stderr };
    },
  };
}
