/** Shared set-up of the deploy tests: the real pack, workspaces in the emulator, a deploy session aimed at it. */
import { loadConfig } from '../../scripts/config/load';
import { WorkspaceRef } from '../../scripts/config/schema';
import { loadPack } from '../../scripts/content/pack';
import { packIdOf } from '../../scripts/content/ids';
import { emitPack } from '../../scripts/emit/pack';
import { WorkspaceResource } from '../../scripts/emit/resources';
import { ApplyResult } from '../../scripts/deploy/apply';
import {
  applyDeployment,
  DeploymentPlan,
  DeploySession,
  DeploySettings,
  planDeployment,
} from '../../scripts/deploy/session';
import { resolveTarget } from '../../scripts/deploy/target';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import { Emulator, emulatorCredential, RequestLogEntry } from '../support/emulator';

export const SUB = '00000000-0000-4000-8000-0000000000a1';
export const TENANT = '00000000-0000-4000-8000-0000000000f1';
/** object id of the "Azure Security Insights" service principal in the fake tenant */
export const SENTINEL_SP = '00000000-0000-4000-8000-0000000000e5';

export function workspace(i: number, over: Partial<WorkspaceRef> = {}): WorkspaceRef {
  return {
    name: `ws${i}`,
    subscriptionId: SUB,
    resourceGroup: `rg-btg-${i}`,
    workspaceName: `law-btg-${i}`,
    location: 'westeurope',
    ...over,
  };
}

const cached = new Map<string, WorkspaceResource[]>();
/** Every resource a config's pack emits (default: the example config, i.e. what `btg deploy -c examples/btg.config.yaml` applies). */
export function packResources(configFile = EXAMPLE_CONFIG): WorkspaceResource[] {
  if (!cached.has(configFile)) {
    const loaded = loadConfig(configFile);
    if (!loaded.config) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    cached.set(configFile, emitPack(loadPack(loaded.config, configFile, loaded.source), { report: false }).resources);
  }
  return JSON.parse(JSON.stringify(cached.get(configFile))) as WorkspaceResource[];
}

/** The packId of a config (default: the example config's, which sets none: the default hash). */
export function packIdFor(configFile = EXAMPLE_CONFIG): string {
  const loaded = loadConfig(configFile);
  if (!loaded.config) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return packIdOf(loaded.config);
}

export function session(emu: Emulator, over: Partial<DeploySettings> = {}): DeploySession {
  return new DeploySession({
    target: resolveTarget({ armEndpoint: emu.url }),
    credential: emulatorCredential,
    clientOptions: { tlsOptions: { ca: emu.caCert } },
    retry: { maxRetries: 5, retryDelayInMs: 5, maxRetryDelayInMs: 40 },
    pollIntervalMs: 5,
    timeoutSeconds: 10,
    // the emulator's subscription GET has no tenantId and its token is not a JWT (see the emulator notes)
    tenantId: TENANT,
    sentinelPrincipalId: SENTINEL_SP,
    ...over,
  });
}

export interface Run {
  plan: DeploymentPlan;
  result: ApplyResult;
  session: DeploySession;
}

/** plan + apply, like `btg deploy --yes` */
export async function deploy(
  emu: Emulator,
  resources: WorkspaceResource[],
  workspaces: WorkspaceRef[],
  opts: {
    prune?: boolean;
    force?: string[];
    settings?: Partial<DeploySettings>;
    packId?: string;
    knownPlaybooks?: WorkspaceResource[];
  } = {},
): Promise<Run> {
  const s = session(emu, opts.settings);
  const plan = await planDeployment(
    s,
    { resources, workspaces, packId: opts.packId ?? packIdFor(), knownPlaybooks: opts.knownPlaybooks },
    { force: opts.force },
  );
  const result = await applyDeployment(s, plan, { prune: opts.prune });
  return { plan, result, session: s };
}

export const writeRequests = (emu: Emulator): RequestLogEntry[] => emu.requests().filter((r) => r.method !== 'GET');

const VOLATILE = new Set([
  'systemData',
  'etag',
  'lastModifiedUtc',
  'createdTimeUtc',
  'lastModifiedTimeUtc',
  'created',
  'updated',
  'timeModified',
  'revision',
  'createdTime',
  'changedTime',
  'version',
  'timestamp',
  'correlationId',
  'createdOn',
  'updatedOn',
  'templateHash',
]);
function stripVolatile(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripVolatile);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, x]) => [k, stripVolatile(x)]),
    );
  return v;
}

/** The emulator's resources under a resource group, without the fields that change from write to write (timestamps, etags). */
export function storeState(emu: Emulator, under: string): Record<string, unknown> {
  return Object.fromEntries(emu.store.list({ under }).map((r) => [r.id.toLowerCase(), stripVolatile(r.body)]));
}

export const rgPath = (ws: WorkspaceRef) => `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}`;

/** action per entry key of one workspace's plan */
export const actions = (plan: DeploymentPlan, ws = 0): Record<string, string> =>
  Object.fromEntries(plan.workspaces[ws].entries.map((e) => [e.key, e.action]));
