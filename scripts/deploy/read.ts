/**
 * Read one workspace before planning: check that it exists and has Microsoft Sentinel, look up the values the pack's
 * placeholders need, and list what is deployed (every type of the deploy table, so owned leftovers show up).
 */
import { API_VERSIONS } from '../core/definitions';
import { isRestError } from '@azure/core-rest-pipeline';
import { WorkspaceRef } from '../config/schema';
import { ArmCallError, ArmClients, Json, toArmError } from './clients';
import { DesiredItem, scopeIdsOf } from './desired';
import { KIND_SPECS, KindSpec, ScopeIds } from './kinds';
import { DeployedSnapshot, snapshotOf } from './plan';
import { tenantOfToken } from './target';

export interface WorkspaceTarget {
  /** `name` from the config, else the workspace name */
  label: string;
  ref: WorkspaceRef;
  ids: ScopeIds;
}

export const workspaceTarget = (ref: WorkspaceRef): WorkspaceTarget => ({
  label: ref.name ?? ref.workspaceName,
  ref,
  ids: scopeIdsOf(ref),
});

/** A workspace that cannot be deployed to, with what to do about it. */
export class PreflightError extends Error {}

export interface WorkspaceFacts {
  location: string;
  sentinel: boolean;
}

const statusOf = (e: unknown) => (isRestError(e) ? e.statusCode : e instanceof ArmCallError ? e.status : undefined);

/** The workspace exists, is readable, and (when `needSentinel`) has Microsoft Sentinel onboarded. */
export async function checkWorkspace(
  c: ArmClients,
  ws: WorkspaceTarget,
  needSentinel: boolean,
): Promise<WorkspaceFacts> {
  const { ids } = ws;
  const where = `workspace ${ids.workspaceName} (resource group ${ids.resourceGroup}, subscription ${ids.subscriptionId})`;
  let location: string;
  try {
    const { options } = c.callOptions();
    const w = await c
      .operationalInsights(ids.subscriptionId)
      .workspaces.get(ids.resourceGroup, ids.workspaceName, options);
    location = w.location;
  } catch (e) {
    const err = toArmError(e);
    const status = statusOf(e);
    if (status === 404)
      throw new PreflightError(`${where} does not exist (${err.message}); check workspaces[] in the config`);
    if (status === 401 || status === 403)
      throw new PreflightError(
        `${where}: no read access (${err.message}); the deploying identity needs at least Microsoft Sentinel Contributor on the workspace`,
      );
    throw err;
  }
  if (!needSentinel) return { location, sentinel: false };
  try {
    const { options } = c.callOptions();
    await c
      .securityInsights(ids.subscriptionId, API_VERSIONS.automationRules)
      .sentinelOnboardingStates.get(ids.resourceGroup, ids.workspaceName, 'default', options);
  } catch (e) {
    const status = statusOf(e);
    // a workspace without Sentinel answers 404 for onboardingStates/default (and 400 "not onboarded" for the rest)
    if (status === 404 || status === 400) {
      throw new PreflightError(
        `Microsoft Sentinel is not enabled on ${where}: enable it (portal: Microsoft Sentinel > Create > add the workspace, or ` +
          `PUT ${ids.workspaceId}/providers/Microsoft.SecurityInsights/onboardingStates/default) and re-run`,
      );
    }
    throw toArmError(e);
  }
  return { location, sentinel: true };
}

/** The tenant id for `{tenantId}`: given, else the subscription's (ARM), else the token's `tid`, else AZURE_TENANT_ID. */
export async function lookupTenant(
  c: ArmClients,
  subscriptionId: string,
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (given) return given;
  try {
    const res = await c.send(c.generic(), 'GET', c.url(`/subscriptions/${subscriptionId}`, API_VERSIONS.subscriptions));
    const tid = (res.body as { tenantId?: unknown } | undefined)?.tenantId;
    if (typeof tid === 'string' && tid) return tid;
  } catch {
    /* fall through to the other sources */
  }
  const token = await c.settings.credential.getToken(c.settings.target.armScope).catch(() => null);
  const fromToken = token ? tenantOfToken(token.token) : undefined;
  if (fromToken) return fromToken;
  if (env.AZURE_TENANT_ID) return env.AZURE_TENANT_ID;
  throw new PreflightError(
    `cannot tell the tenant id of subscription ${subscriptionId} (the pack needs {tenantId}): set AZURE_TENANT_ID`,
  );
}

/** Specs to list in a workspace: every orphan-scanned type, plus the types of the pack's resources. */
export function specsToList(
  desired: readonly DesiredItem[],
): { spec: KindSpec; apiVersion: string; categories: string[] }[] {
  const byKey = new Map<string, { spec: KindSpec; versions: string[]; categories: string[] }>();
  for (const spec of KIND_SPECS.values())
    if (spec.orphanScan) byKey.set(spec.key, { spec, versions: [], categories: [] });
  for (const d of desired) {
    const e = byKey.get(d.spec.key) ?? { spec: d.spec, versions: [], categories: [] };
    e.versions.push(d.apiVersion);
    const category = ((d.body.properties ?? {}) as Json).category;
    if (typeof category === 'string') e.categories.push(category);
    byKey.set(d.spec.key, e);
  }
  return [...byKey.values()].map(({ spec, versions, categories }) => ({
    spec,
    // the newest version the pack writes this type with, so no field it sends is missing from the answer
    apiVersion: spec.listApiVersion ?? (versions.length ? [...versions].sort().pop()! : spec.defaultApiVersion),
    categories: [...new Set(categories)],
  }));
}

export type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * List what is deployed. Resource-group lists are shared by the workspaces of one resource group through `rgCache`.
 * A list that fails fails the workspace: a plan without it could miss a conflict or an orphan.
 */
export async function readDeployed(
  c: ArmClients,
  ws: WorkspaceTarget,
  desired: readonly DesiredItem[],
  limit: Limit,
  rgCache: Map<string, Promise<Json[]>>,
): Promise<DeployedSnapshot> {
  const plan = specsToList(desired);
  const lists = await Promise.all(
    plan.map(async ({ spec, apiVersion, categories }) => {
      const run = () => limit(() => spec.list(c, ws.ids, apiVersion, { categories }));
      let items: Json[];
      try {
        if (spec.scope === 'resourceGroup') {
          const key = `${ws.ids.resourceGroupId.toLowerCase()}|${spec.key}|${apiVersion}|${categories.join(',')}`;
          let p = rgCache.get(key);
          if (!p) {
            p = run();
            rgCache.set(key, p);
          }
          items = await p;
        } else {
          items = await run();
        }
      } catch (e) {
        const err = toArmError(e);
        throw Object.assign(
          new PreflightError(`cannot list the ${spec.label}s (${spec.type}) of workspace ${ws.label}: ${err.message}`),
          { cause: err },
        );
      }
      return { spec, items };
    }),
  );
  return snapshotOf(lists);
}
