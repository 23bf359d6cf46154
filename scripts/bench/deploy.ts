/**
 * Deploy benchmark (`npm run bench -- deploy`): the example pack to 1 and to 50 workspaces on the ARM emulator with
 * 100 ms added to every call, then the no-op re-deploy. Prints wall time, calls made (GET / writes), calls per
 * artifact. Runs from dist/ (the emulator is compiled test support: dist/test/support/emulator).
 */
import { loadConfig } from '../config/load';
import { WorkspaceRef } from '../config/schema';
import { loadPack } from '../content/pack';
import { packIdOf } from '../content/ids';
import { applyDeployment, DEFAULT_CONCURRENCY, DeploySession, planDeployment } from '../deploy/session';
import { resolveTarget } from '../deploy/target';
import { emitPack } from '../emit/pack';
import { WorkspaceResource } from '../emit/resources';
import { EXAMPLE_CONFIG } from '../paths';
import { emulatorCredential, startEmulator } from '../../test/support/emulator';

const LATENCY_MS = 100;
const TENANT = '00000000-0000-4000-8000-0000000000f1';
const SENTINEL_SP = '00000000-0000-4000-8000-0000000000e5';

function workspaces(n: number): WorkspaceRef[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `ws${i + 1}`,
    subscriptionId: '00000000-0000-4000-8000-0000000000a1',
    resourceGroup: `rg-bench-${i + 1}`,
    workspaceName: `law-bench-${i + 1}`,
    location: 'westeurope',
  }));
}

interface Figures {
  ms: number;
  calls: number;
  gets: number;
  writes: number;
  artifacts: number;
  ok: boolean;
}

async function once(
  resources: WorkspaceResource[],
  n: number,
  concurrency: number,
): Promise<{ first: Figures; noop: Figures }> {
  const ws = workspaces(n);
  const emu = await startEmulator({ workspaces: ws, latencyMs: LATENCY_MS });
  const run = async (): Promise<Figures> => {
    emu.clearRequests();
    const session = new DeploySession({
      target: resolveTarget({ armEndpoint: emu.url }),
      credential: emulatorCredential,
      clientOptions: { tlsOptions: { ca: emu.caCert } },
      concurrency,
      tenantId: TENANT,
      sentinelPrincipalId: SENTINEL_SP,
    });
    const t0 = process.hrtime.bigint();
    const plan = await planDeployment(session, {
      resources,
      workspaces: ws,
      packId: packIdOf(loadConfig(EXAMPLE_CONFIG).config!),
    });
    const result = await applyDeployment(session, plan);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const log = emu.requests();
    const gets = log.filter((r) => r.method === 'GET').length;
    return {
      ms,
      calls: log.length,
      gets,
      writes: log.length - gets,
      artifacts: plan.workspaces.reduce((s, w) => s + w.entries.length, 0),
      ok: result.ok,
    };
  };
  try {
    const first = await run();
    const noop = await run();
    return { first, noop };
  } finally {
    await emu.close();
  }
}

const line = (label: string, f: Figures) =>
  `deploy  ${label}: ${(f.ms / 1000).toFixed(1)} s wall, ${f.calls} calls (${f.gets} GET, ${f.writes} writes), ${(f.calls / f.artifacts).toFixed(2)} calls per artifact (${f.artifacts} artifacts)${f.ok ? '' : ' — NOT OK'}`;

export async function benchDeploy(): Promise<void> {
  const loaded = loadConfig(EXAMPLE_CONFIG);
  if (!loaded.config) throw new Error(`bench deploy: ${EXAMPLE_CONFIG} does not load`);
  const resources = emitPack(loadPack(loaded.config, EXAMPLE_CONFIG, loaded.source), { report: false }).resources;
  console.log(
    `deploy  example pack (${resources.length} resources per workspace), ARM emulator with ${LATENCY_MS} ms per call, default settings (LRO poll 2 s when no Retry-After)`,
  );
  for (const [n, concurrency] of [
    [1, DEFAULT_CONCURRENCY],
    [50, DEFAULT_CONCURRENCY],
    [50, 32],
  ] as const) {
    const { first, noop } = await once(resources, n, concurrency);
    const label = `${n} workspace${n === 1 ? '' : 's'}, --concurrency ${concurrency}`;
    console.log(line(`${label}, first deploy`, first));
    console.log(line(`${label}, no-op re-deploy`, noop));
  }
}
