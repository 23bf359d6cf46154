/**
 * What an ARM deployment of the pack (a playbook) creates, read at plan time, so that the plan lists by id every
 * resource a prune deletes and the apply deletes exactly that list (docs/deploy.md "What prune may delete").
 *
 * Deleting a deployment record does not delete what it created. The pack deletes a pruned playbook deployment's
 * inner resources only when each is proven the pack's:
 * - the pack's own template for that deployment (the playbook of the marker's template id, with this config's
 *   parameter values) creates a resource of that type and name (names evaluated by armExpressions.ts), inside the
 *   target resource group;
 * - the deployment lists it in its outputResources;
 * - a Logic App or API connection carries this config's marker (template id + packId) itself;
 * - a role assignment is at the workspace's scope exactly, for the Microsoft Sentinel Responder role the template
 *   assigns, and its principal is the managed identity of the playbook's own Logic App (which is deleted too).
 * Everything else the deployment names (another team's Logic App, a subscription-scope Owner assignment, any other
 * type) is left in place and shown with the reason. Without the pack's template (a playbook retired from the pack)
 * nothing but the deployment record is deleted.
 *
 * For a deployment the pack writes, a Logic App or API connection its template would create that exists and is not
 * this config's is a conflict: the deployment would overwrite someone else's resource.
 */
import { API_VERSIONS } from '../core/definitions';
import { ROLES } from '../emit/playbooks';
import { deploymentContext, evalArmString } from './armExpressions';
import { ArmCallError, ArmClients, Json } from './clients';
import { KIND_SPECS, ScopeIds } from './kinds';
import { CascadeItem, forcedBy, ownershipOf, PlanEntry } from './plan';

export interface TemplateResource {
  type: string;
  name?: string;
  /** the scope it is created at (the resource group, or an extension scope such as the workspace) */
  scopeId?: string;
  /** undefined when the name or scope is not a plain expression the evaluator knows (e.g. guid()) */
  id?: string;
}

const lower = (s: string) => s.toLowerCase();

/** Type of a resource id: `Microsoft.Logic/workflows`, `Microsoft.Authorization/roleAssignments` (the last provider). */
export function typeOfId(id: string): string {
  const segs = id.split('/').filter(Boolean);
  const p = segs.map(lower).lastIndexOf('providers');
  return p < 0 ? '' : [segs[p + 1], ...segs.slice(p + 2).filter((_, i) => i % 2 === 0)].join('/');
}

/** `/a/b/…`: no empty, `.` or `..` segment, no percent-escape, query, fragment or backslash. */
export function isCanonicalId(id: string): boolean {
  if (!id.startsWith('/') || /[%?#\\\s]/.test(id)) return false;
  return id
    .slice(1)
    .split('/')
    .every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** The resources a deployment body's template creates, names evaluated with the body's parameter values. */
export function templateCreates(deploymentBody: Json, ids: ScopeIds): TemplateResource[] {
  const props = (deploymentBody.properties ?? {}) as Json;
  const template = (props.template ?? {}) as { resources?: unknown };
  const ctx = deploymentContext(props);
  const resources = Array.isArray(template.resources) ? (template.resources as Json[]) : [];
  return resources.map((r) => {
    const type = String(r.type ?? '');
    const name = evalArmString(r.name, ctx);
    let scopeId: string | undefined = ids.resourceGroupId;
    if (r.scope !== undefined) {
      const sc = evalArmString(r.scope, ctx);
      // a relative extension scope (`Microsoft.OperationalInsights/workspaces/ws`) is inside the resource group
      scopeId = sc && !sc.startsWith('/') && !sc.includes('..') ? `${ids.resourceGroupId}/providers/${sc}` : undefined;
    }
    const plainName = name !== undefined && /^[^/?#]+$/.test(name) && name !== '..' && name !== '.';
    return { type, name, scopeId, id: plainName && scopeId ? `${scopeId}/providers/${type}/${name}` : undefined };
  });
}

const INNER_API: Record<string, string> = {
  'microsoft.logic/workflows': API_VERSIONS.workflows,
  'microsoft.web/connections': API_VERSIONS.connections,
  'microsoft.authorization/roleassignments': API_VERSIONS.roleAssignments,
  'microsoft.insights/metricalerts': API_VERSIONS.metricAlerts,
};
/** children first: the run-failure alert on the Logic App and its identity's role assignment, the Logic App, then its connections */
const DELETE_ORDER = [
  'microsoft.insights/metricalerts',
  'microsoft.authorization/roleassignments',
  'microsoft.logic/workflows',
  'microsoft.web/connections',
];
/**
 * Inner types the template creates and marks with this config's tags (template id + packId) as it marks the Logic
 * App, without a deploy kind of their own: their marker is read like the Logic App's. The playbook's run-failure
 * metric alert (emit/playbooks.ts).
 */
const MARKED_LIKE_WORKFLOW = new Set(['microsoft.insights/metricalerts']);

async function getOrUndefined(c: ArmClients, id: string, apiVersion: string): Promise<Json | undefined> {
  try {
    const res = await c.send(c.generic(), 'GET', c.url(id, apiVersion));
    return (res.body ?? undefined) as Json | undefined;
  } catch (e) {
    if (e instanceof ArmCallError && e.status === 404) return undefined;
    throw e;
  }
}

const specOf = (type: string) =>
  KIND_SPECS.get(`resourceGroup:${lower(type)}`) ??
  (MARKED_LIKE_WORKFLOW.has(lower(type)) ? KIND_SPECS.get('resourceGroup:microsoft.logic/workflows') : undefined);

/** Whether a Logic App / API connection carries this config's marker for template `templateId`. */
function marked(
  type: string,
  id: string,
  body: Json,
  packId: string,
  templateId: string,
): { ok: boolean; reason: string } {
  const spec = specOf(type);
  if (!spec) return { ok: false, reason: `${type} is not a type the pack marks` };
  const own = ownershipOf(spec, id, body, { metadataByParent: new Map() }, { packId, templateId });
  return { ok: own.owner === 'pack', reason: own.reason };
}

/** The inner resources a prune of the orphaned deployment `e` deletes, and the ones it leaves, with why. */
export async function orphanCascade(
  c: ArmClients,
  ids: ScopeIds,
  e: PlanEntry,
  packId: string,
  template: Json | undefined,
): Promise<{ deletes: CascadeItem[]; keeps: { id: string; reason: string }[] }> {
  let deployed = e.deployed ?? {};
  if (!Array.isArray(((deployed.properties ?? {}) as Json).outputResources))
    deployed = (await getOrUndefined(c, e.id, e.apiVersion)) ?? {};
  const outputs = ((((deployed.properties ?? {}) as Json).outputResources ?? []) as { id?: unknown }[])
    .map((o) => o.id)
    .filter((id): id is string => typeof id === 'string' && id.length > 0);
  const keeps: { id: string; reason: string }[] = [];
  const deletes: CascadeItem[] = [];
  const templateId = e.templateId;
  if (!template || !templateId) {
    for (const id of outputs)
      keeps.push({
        id,
        reason: `the pack has no template for ${templateId ?? 'this deployment'} any more, so it cannot prove it created this`,
      });
    return { deletes, keeps };
  }
  const creates = templateCreates(template, ids);
  const createdIds = new Set(creates.filter((r) => r.id).map((r) => lower(r.id!)));
  const inRg = (id: string) => lower(id).startsWith(`${lower(ids.resourceGroupId)}/providers/`);
  const outputSet = new Set(outputs.map(lower));

  // the playbook's own Logic App (created by the template, listed by the deployment, marked as ours): its identity
  const wf = creates.find((r) => lower(r.type) === 'microsoft.logic/workflows' && r.id && outputSet.has(lower(r.id)));
  let principalId: string | undefined;
  const checked = new Map<string, { ok: boolean; reason: string; body?: Json }>();
  // what cannot be read cannot be proven: it stays (the reason says why)
  const unreadable = (e: unknown) => ({ ok: false, reason: `cannot read it (${(e as Error).message.split('\n')[0]})` });
  const check = async (id: string, type: string) => {
    let r = checked.get(lower(id));
    if (!r) {
      try {
        const body = await getOrUndefined(c, id, INNER_API[lower(type)]);
        r = body ? { ...marked(type, id, body, packId, templateId), body } : { ok: false, reason: 'gone' };
      } catch (e) {
        r = unreadable(e);
      }
      checked.set(lower(id), r);
    }
    return r;
  };
  if (wf?.id) {
    const w = await check(wf.id, wf.type);
    if (w.ok) principalId = ((w.body?.identity ?? {}) as Json).principalId as string | undefined;
  }

  for (const id of outputs) {
    const type = typeOfId(id);
    const t = lower(type);
    // `.`/`..` segments are resolved by the URL the request goes to, `%` escapes by the service: what the checks below
    // read would not be what is deleted
    if (!isCanonicalId(id)) {
      keeps.push({ id, reason: 'not a canonical resource id (dot segments, escapes or empty segments)' });
      continue;
    }
    if (!inRg(id)) {
      keeps.push({ id, reason: 'outside the target resource group' });
      continue;
    }
    if (t === 'microsoft.authorization/roleassignments') {
      const scope = id.slice(0, lower(id).lastIndexOf('/providers/microsoft.authorization/roleassignments/'));
      if (lower(scope) !== lower(ids.workspaceId)) {
        keeps.push({ id, reason: "a role assignment outside the workspace's scope" });
        continue;
      }
      if (!creates.some((r) => lower(r.type) === t && r.scopeId && lower(r.scopeId) === lower(ids.workspaceId))) {
        keeps.push({ id, reason: "the pack's template for this deployment assigns no role at the workspace" });
        continue;
      }
      let ra: Json | undefined;
      try {
        ra = await getOrUndefined(c, id, API_VERSIONS.roleAssignments);
      } catch (e) {
        keeps.push({ id, reason: unreadable(e).reason });
        continue;
      }
      if (!ra) continue;
      const p = (ra.properties ?? {}) as Json;
      if (!principalId || String(p.principalId ?? '').toLowerCase() !== principalId.toLowerCase()) {
        keeps.push({ id, reason: "its principal is not the managed identity of the playbook's own Logic App" });
        continue;
      }
      if (
        !String(p.roleDefinitionId ?? '')
          .toLowerCase()
          .endsWith(`/${ROLES.sentinelResponder}`)
      ) {
        keeps.push({ id, reason: 'not the Microsoft Sentinel Responder role the template assigns' });
        continue;
      }
      deletes.push({
        id,
        type,
        apiVersion: API_VERSIONS.roleAssignments,
        why: "Microsoft Sentinel Responder of the playbook's own managed identity on the workspace",
      });
      continue;
    }
    if (t === 'microsoft.logic/workflows' || t === 'microsoft.web/connections' || MARKED_LIKE_WORKFLOW.has(t)) {
      if (!createdIds.has(lower(id))) {
        keeps.push({ id, reason: "the pack's template for this deployment does not create it" });
        continue;
      }
      const r = await check(id, type);
      if (r.reason === 'gone') continue;
      if (!r.ok) {
        keeps.push({
          id,
          reason: r.reason.startsWith('cannot read') ? r.reason : `not marked as this config's (${r.reason})`,
        });
        continue;
      }
      deletes.push({
        id,
        type,
        apiVersion: INNER_API[t],
        why: `created by the pack's template ${templateId}, marked as this config's`,
      });
      continue;
    }
    keeps.push({ id, reason: `${type || 'unknown type'}: not a type prune deletes with a playbook` });
  }
  deletes.sort((a, b) => DELETE_ORDER.indexOf(lower(a.type)) - DELETE_ORDER.indexOf(lower(b.type)));
  return { deletes, keeps };
}

const INNER_LABEL: Record<string, string> = {
  'microsoft.logic/workflows': 'Logic App',
  'microsoft.web/connections': 'API connection',
  'microsoft.insights/metricalerts': 'metric alert',
};

/**
 * A deployment the pack writes: the Logic Apps, API connections and run-failure alerts its template creates must not
 * exist as someone else's (the deployment would overwrite them). Returns the reasons (empty: no conflict); `--force`
 * with the deployment's id, template id, or the inner resource's id overrides.
 */
export async function innerConflicts(
  c: ArmClients,
  e: PlanEntry,
  ids: ScopeIds,
  packId: string,
  force: readonly string[] | undefined,
): Promise<{ reasons: string[]; forced: boolean }> {
  const reasons: string[] = [];
  let forced = true;
  for (const r of templateCreates(e.item!.body, ids)) {
    const t = lower(r.type);
    if (!r.id || !INNER_LABEL[t]) continue;
    const body = await getOrUndefined(c, r.id, INNER_API[t]);
    if (!body) continue;
    const m = marked(r.type, r.id, body, packId, e.item!.templateId);
    if (m.ok) continue;
    reasons.push(
      `${INNER_LABEL[t]} ${r.id} exists and is not this config's (${m.reason}): the deployment would overwrite it`,
    );
    if (!forcedBy(force, e) && !forcedBy(force, { id: r.id })) forced = false;
  }
  return { reasons, forced: reasons.length > 0 && forced };
}

/** Fill in the cascade of every deployment entry of one workspace's plan (reads only). */
export async function planCascades(
  c: ArmClients,
  ids: ScopeIds,
  entries: PlanEntry[],
  packId: string,
  knownTemplates: ReadonlyMap<string, Json>,
  force: readonly string[] | undefined,
  limit: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<void> {
  await Promise.all(
    entries.map(async (e) => {
      if (lower(e.spec.type) !== 'microsoft.resources/deployments' || e.spec.scope !== 'resourceGroup') return;
      if (e.action === 'orphaned') {
        e.cascade = await limit(() =>
          orphanCascade(c, ids, e, packId, e.templateId ? knownTemplates.get(e.templateId) : undefined),
        );
      } else if (e.item && (e.action === 'create' || e.action === 'update')) {
        const { reasons, forced } = await limit(() => innerConflicts(c, e, ids, packId, force));
        if (reasons.length)
          Object.assign(e, {
            action: 'conflict',
            forced,
            reason: `${reasons.join('; ')}${forced ? '; --force: it will be overwritten' : `; left untouched (--force ${e.templateId} overwrites it)`}`,
          });
      }
    }),
  );
}
