/**
 * The deploy stage: the emitted resources and the target workspaces in, a plan (read-only) and then an apply result
 * out. The CLI (scripts/cli/commands/plan.ts, deploy.ts) and the benchmark drive it; it never prints.
 */
import type { TokenCredential } from '@azure/identity';
import pLimit from 'p-limit';
import { WorkspaceRef } from '../config/schema';
import { substitute, TargetValues } from '../emit/placeholders';
import { WorkspaceResource } from '../emit/resources';
import { applyPlans, ApplyEvent, ApplyResult } from './apply';
import { ArmCallError, ArmClients, ClientSettings, Json } from './clients';
import { DRILL_WATCHLIST } from '../livetest/drillWatchlist';
import { planCascades } from './cascade';
import { desiredItems, placeholdersUsed } from './desired';
import { KIND_SPECS, ScopeIds } from './kinds';
import { PlanEntry, planEntries, reconcileShared } from './plan';
import { CallStats, DEFAULT_RETRY, newStats, RetrySettings, RunControl } from './policies';
import { graphSentinelPrincipalId, planPostDeploy, PostDeployPlan } from './postDeploy';
import { checkWorkspace, lookupTenant, readDeployed, workspaceTarget } from './read';
import { Target } from './target';

export interface DeploySettings {
  target: Target;
  credential: TokenCredential;
  /** max HTTP requests in flight over all workspaces (default 8) */
  concurrency?: number;
  /** per-request timeout in seconds (default 60) */
  timeoutSeconds?: number;
  retry?: Partial<RetrySettings>;
  /** long-running operation poll interval when the service sends no Retry-After (default 2000 ms) */
  pollIntervalMs?: number;
  /** give up on one long-running operation after this long (default 30 min) */
  operationTimeoutMs?: number;
  /** extra core-client options (tests: the emulator's `tlsOptions`) */
  clientOptions?: ClientSettings['clientOptions'];
  /** tenant id for `{tenantId}` placeholders (else looked up) */
  tenantId?: string;
  /** object id of the Microsoft Sentinel service principal in the tenant (else looked up in Graph when allowed) */
  sentinelPrincipalId?: string;
  /** look the Sentinel service principal up in Microsoft Graph (off with BTG_ACCESS_TOKEN or a custom endpoint) */
  graphLookup?: boolean;
  /** the action group's webhook URL for notify.webhook (else BTG_ALERT_WEBHOOK_URI); a secret */
  alertWebhookUri?: string;
}

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** One run: the clients, their shared policies' state, the call counters. */
export class DeploySession {
  readonly control = new RunControl();
  readonly stats: CallStats = newStats();
  readonly clients: ArmClients;
  readonly concurrency: number;

  constructor(readonly settings: DeploySettings) {
    this.concurrency = Math.max(1, settings.concurrency ?? DEFAULT_CONCURRENCY);
    this.clients = new ArmClients({
      target: settings.target,
      credential: settings.credential,
      retry: { ...DEFAULT_RETRY, ...settings.retry },
      timeoutMs: (settings.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      pollIntervalMs: settings.pollIntervalMs ?? 2000,
      operationTimeoutMs: settings.operationTimeoutMs ?? 30 * 60_000,
      control: this.control,
      stats: this.stats,
      concurrency: this.concurrency,
      clientOptions: settings.clientOptions,
    });
  }
}

export interface WorkspacePlan {
  label: string;
  ref: WorkspaceRef;
  ids?: ScopeIds;
  status: 'ok' | 'error';
  /** why the workspace cannot be deployed to */
  error?: string;
  location?: string;
  entries: PlanEntry[];
  postDeploy?: PostDeployPlan;
}

export interface DeploymentPlan {
  workspaces: WorkspacePlan[];
  /** `--force <id>` values: the conflicts they name are overwritten */
  force: readonly string[];
}

export interface PlanInput {
  resources: readonly WorkspaceResource[];
  workspaces: readonly WorkspaceRef[];
  /** this config's identity (content/ids.ts packIdOf): ownership markers and resource-group names carry it */
  packId: string;
  /**
   * the playbook deployments of every playbook the pack has, emitted or not (e.g. the Teams playbook without
   * notify.teams): a pruned deployment's inner resources are deleted only as the pack's own template creates them
   */
  knownPlaybooks?: readonly WorkspaceResource[];
}

const memo = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};

/** Read every workspace and plan it (read-only: the session's pipelines refuse writes). */
export async function planDeployment(
  session: DeploySession,
  input: PlanInput,
  opts: { force?: readonly string[] } = {},
): Promise<DeploymentPlan> {
  const c = session.clients;
  const { settings } = session;
  session.control.readOnly = true;
  // the clients bound the requests in flight; this only keeps the number of started reads reasonable
  const limit = pLimit(session.concurrency * 4);
  const rgCache = new Map<string, Promise<Json[]>>();
  const tenants = new Map<string, Promise<string>>();
  const needs = placeholdersUsed(input.resources);
  const needSentinel = input.resources.some((r) => r.scope === 'sentinel');
  const principal = memo(async () => {
    const given = settings.sentinelPrincipalId ?? process.env.BTG_SENTINEL_PRINCIPAL_ID;
    if (given) return given;
    return settings.graphLookup
      ? graphSentinelPrincipalId(
          settings.credential,
          settings.target.cloud,
          (settings.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        )
      : undefined;
  });

  const workspaces = await Promise.all(
    input.workspaces.map(async (ref): Promise<WorkspacePlan> => {
      const ws = workspaceTarget(ref);
      try {
        const facts = await limit(() => checkWorkspace(c, ws, needSentinel));
        let tenantId = '';
        if (needs.has('tenantId')) {
          let t = tenants.get(ws.ids.subscriptionId);
          if (!t) {
            t = limit(() => lookupTenant(c, ws.ids.subscriptionId, settings.tenantId));
            tenants.set(ws.ids.subscriptionId, t);
          }
          tenantId = await t;
        }
        const values: TargetValues = {
          workspaceResourceId: ws.ids.workspaceId,
          resourceGroupId: ws.ids.resourceGroupId,
          subscriptionId: ws.ids.subscriptionId,
          tenantId,
          location: facts.location,
          workspaceName: ws.ids.workspaceName,
          alertWebhookUri: settings.alertWebhookUri ?? (process.env.BTG_ALERT_WEBHOOK_URI?.trim() || undefined),
        };
        const desired = desiredItems(input.resources, ws.ids, values, input.packId);
        const snapshot = await readDeployed(c, ws, desired, limit, rgCache);
        const entries = planEntries({ desired, snapshot, packId: input.packId }, { force: opts.force });
        const known = new Map<string, Json>();
        for (const r of [
          ...(input.knownPlaybooks ?? []),
          ...input.resources.filter((x) => x.type === 'Microsoft.Resources/deployments'),
        ]) {
          known.set(r.templateId, substitute(JSON.parse(JSON.stringify(r.body)) as Json, values));
        }
        await planCascades(c, ws.ids, entries, input.packId, known, opts.force, limit);
        const postDeploy = await limit(() => planPostDeploy(c, ws.ids, desired, settings.target.cloud, principal));
        return { label: ws.label, ref, ids: ws.ids, status: 'ok', location: facts.location, entries, postDeploy };
      } catch (e) {
        return { label: ws.label, ref, ids: ws.ids, status: 'error', error: (e as Error).message, entries: [] };
      }
    }),
  );
  reconcileShared(workspaces.filter((w) => w.status === 'ok'));
  return { workspaces, force: opts.force ?? [] };
}

/** Apply a plan made by planDeployment with the same session. */
export async function applyDeployment(
  session: DeploySession,
  plan: DeploymentPlan,
  opts: { prune?: boolean; onEvent?: (e: ApplyEvent) => void } = {},
): Promise<ApplyResult> {
  session.control.readOnly = false;
  try {
    // artifacts are not limited here: the clients bound the requests in flight (--concurrency), so an artifact
    // waiting for a long-running operation does not hold back the others
    return await applyPlans(session.clients, plan.workspaces, {
      prune: !!opts.prune,
      concurrency: Number.MAX_SAFE_INTEGER,
      onEvent: opts.onEvent,
    });
  } finally {
    session.control.readOnly = true;
  }
}

/**
 * The analytics rules deployed in a workspace (id, display name, enabled), read with this session's clients: what
 * `btg check`'s workspace check needs (scripts/posture/workspace.ts `WorkspaceRuleReader`), typed structurally so
 * deploy does not depend on posture.
 */
export function workspaceRuleReader(
  session: DeploySession,
): (ws: WorkspaceRef) => Promise<{ id: string; displayName: string; enabled: boolean }[]> {
  return async (ref) => {
    const ws = workspaceTarget(ref);
    const spec = KIND_SPECS.get('sentinel:alertrules')!;
    const items = await spec.list(session.clients, ws.ids, spec.listApiVersion ?? spec.defaultApiVersion, {
      categories: [],
    });
    return items.map((r) => {
      const p = (r.properties ?? {}) as Json;
      return { id: String(r.id ?? r.name), displayName: String(p.displayName ?? r.name), enabled: p.enabled === true };
    });
  };
}

/**
 * Read-only: the drills on record in the workspace (items of the BreakGlassDrills watchlist that `btg drill` writes),
 * for `btg check`'s test-interval check. A missing watchlist (the pack not deployed) is an error naming it.
 */
export function drillRecordReader(
  session: DeploySession,
): (
  ws: WorkspaceRef,
) => Promise<{ accountObjectId: string; result: string; drillStart: string; workspace?: string }[]> {
  return async (ref) => {
    const ws = workspaceTarget(ref);
    const c = session.clients;
    const url = c.url(
      `${ws.ids.workspaceId}/providers/Microsoft.SecurityInsights/watchlists/${DRILL_WATCHLIST.alias}/watchlistItems`,
      DRILL_WATCHLIST.apiVersion,
    );
    let items: Json[];
    try {
      items = await c.list(c.generic(), url);
    } catch (e) {
      if (e instanceof ArmCallError && e.status === 404)
        throw new Error(`the watchlist ${DRILL_WATCHLIST.alias} does not exist (btg deploy creates it)`);
      throw e;
    }
    return items
      .map((i) => (i.properties ?? {}) as Json as { itemsKeyValue?: Record<string, unknown>; isDeleted?: unknown })
      .filter((p) => p.isDeleted !== true && p.itemsKeyValue)
      .map((p) => {
        const v = p.itemsKeyValue!;
        return {
          accountObjectId: String(v.AccountObjectId ?? ''),
          result: String(v.Result ?? ''),
          drillStart: String(v.DrillStart ?? ''),
          workspace: v.Workspace === undefined ? undefined : String(v.Workspace),
        };
      });
  };
}

/**
 * Read-only: the automation rules of the workspace and the Logic Apps of its resource group, for `btg check`'s
 * other-automation warning (posture/otherAutomation.ts).
 */
export function otherAutomationReader(session: DeploySession): (ws: WorkspaceRef) => Promise<{
  automationRules: { name: string; properties: Json }[];
  workflows: { id: string; name: string; tags?: Record<string, string>; properties: Json }[];
}> {
  return async (ref) => {
    const ws = workspaceTarget(ref);
    const rules = KIND_SPECS.get('sentinel:automationrules')!;
    const flows = KIND_SPECS.get('resourceGroup:microsoft.logic/workflows')!;
    const [ar, wf] = await Promise.all([
      rules.list(session.clients, ws.ids, rules.defaultApiVersion, { categories: [] }),
      flows.list(session.clients, ws.ids, flows.defaultApiVersion, { categories: [] }),
    ]);
    return {
      automationRules: ar.map((r) => ({ name: String(r.name ?? ''), properties: (r.properties ?? {}) as Json })),
      workflows: wf.map((w) => ({
        id: String(w.id ?? w.name),
        name: String(w.name ?? ''),
        tags: (w.tags ?? undefined) as Record<string, string> | undefined,
        properties: (w.properties ?? {}) as Json,
      })),
    };
  };
}
