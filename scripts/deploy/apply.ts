/**
 * Apply a plan: write what is to be created or updated, delete owned orphans with --prune, grant the playbooks'
 * permission, in deploy order (schedule.ts), in every workspace at once. Returns, per workspace, exactly which
 * artifacts were applied, failed, or not applied and why. Never throws for one artifact's failure.
 */
import { LEVELS } from '../emit/resources';
import { ArmCallError, ArmClients, RawResponse, toArmError, wireBody } from './clients';
import { flattenBody, ScopeIds } from './kinds';
import { PlanEntry, writes } from './plan';
import { grantPermission, PermissionStep, PostDeployPlan } from './postDeploy';
import { runTasks, Task, TaskOutcome } from './schedule';
import type { WorkspacePlan } from './session';

export type EntryStatus =
  /** written or deleted by this run */
  | 'applied'
  /** nothing to do */
  | 'unchanged'
  /** orphan left in place (no --prune) */
  | 'kept'
  | 'failed'
  /** not applied: a dependency failed, a conflict, or another workspace's copy failed */
  | 'skipped'
  /** not started because of Ctrl-C */
  | 'interrupted';

export interface EntryResult {
  entry: PlanEntry;
  operation: 'create' | 'update' | 'overwrite' | 'delete' | 'none';
  status: EntryStatus;
  /** failure message, or why it was not applied */
  message?: string;
  blockedBy?: string[];
  /** resources a pruned deployment created that were left in place (unknown type) */
  leftInPlace?: string[];
}

export interface WorkspaceResult {
  label: string;
  ids?: ScopeIds;
  /** 'error': the workspace could not be planned (nothing was applied there) */
  status: 'ok' | 'error';
  error?: string;
  entries: EntryResult[];
  postDeploy?: PostDeployPlan;
}

export interface ApplyResult {
  workspaces: WorkspaceResult[];
  interrupted: boolean;
  /** every artifact applied or unchanged, nothing failed or skipped, every workspace reachable */
  ok: boolean;
}

export type ApplyEvent =
  | { type: 'start'; workspace: string; entry: PlanEntry; operation: EntryResult['operation'] }
  | { type: 'end'; workspace: string; result: EntryResult }
  | { type: 'permission'; workspace: string; step: PermissionStep };

export interface ApplyOptions {
  prune: boolean;
  concurrency: number;
  onEvent?: (e: ApplyEvent) => void;
}

export function operationOf(e: PlanEntry, prune: boolean): EntryResult['operation'] {
  if (e.sharedWith) return 'none';
  if (e.action === 'create') return 'create';
  if (e.action === 'update') return 'update';
  if (e.action === 'conflict' && e.forced) return 'overwrite';
  if (e.action === 'orphaned' && prune) return 'delete';
  return 'none';
}

/** Whether applying this plan would change anything (ignoring orphans without --prune). */
export const hasChanges = (plans: readonly WorkspacePlan[], prune: boolean): boolean =>
  plans.some(
    (p) => p.entries.some((e) => operationOf(e, prune) !== 'none') || p.postDeploy?.permission.status === 'missing',
  );

async function put(c: ArmClients, ids: ScopeIds, e: PlanEntry): Promise<void> {
  const item = e.item!;
  const spec = item.spec;
  const client = spec.client(c, ids, item.apiVersion);
  let res: RawResponse | undefined;
  const typed = spec.typedPut;
  if (typed && (typed.sdkApiVersion === undefined || typed.sdkApiVersion === item.apiVersion)) {
    const flat = flattenBody(item.body);
    if (flat)
      res = await c.typedWrite(item.body, item.apiVersion, (o) =>
        typed.call(c, ids, item.name, item.apiVersion, flat, o),
      );
  }
  const url = c.url(item.id, item.apiVersion);
  if (!res) res = await c.send(client, 'PUT', url, item.body);
  await c.waitForOperation(client, res, { method: 'PUT', url });
}

async function del(c: ArmClients, ids: ScopeIds, e: PlanEntry): Promise<string[]> {
  const spec = e.spec;
  const client = spec.client(c, ids, e.apiVersion);
  // deleting a deployment record does not delete what it created: the plan listed, by id, exactly which of its
  // resources the pack proved its own (cascade.ts); those and nothing else are deleted, children first
  for (const d of e.cascade?.deletes ?? []) await deleteUrl(c, c.generic(), c.url(d.id, d.apiVersion));
  const leftInPlace = (e.cascade?.keeps ?? []).map((k) => k.id);
  const typed = spec.typedDelete;
  if (typed && (typed.sdkApiVersion === undefined || typed.sdkApiVersion === e.apiVersion)) {
    const { options, raw } = c.callOptions();
    try {
      await typed.call(c, ids, e.name, e.apiVersion, options);
    } catch (err) {
      const a = toArmError(err);
      if (a instanceof ArmCallError && a.status === 404) return leftInPlace;
      throw a;
    }
    const r = raw();
    if (r)
      await c.waitForOperation(
        client,
        { status: r.status, headers: r.headers.toJSON(), body: wireBody(r) },
        { method: 'DELETE', url: c.url(e.id, e.apiVersion) },
      );
    return leftInPlace;
  }
  await deleteUrl(c, client, c.url(e.id, e.apiVersion));
  return leftInPlace;
}

async function deleteUrl(c: ArmClients, client: ReturnType<ArmClients['generic']>, url: string): Promise<void> {
  try {
    const res = await c.send(client, 'DELETE', url);
    await c.waitForOperation(client, res, { method: 'DELETE', url });
  } catch (err) {
    if (err instanceof ArmCallError && err.status === 404) return;
    throw err;
  }
}

const PERMISSION_LEVEL = LEVELS.playbook + 0.5;

export async function applyPlans(
  c: ArmClients,
  plans: readonly WorkspacePlan[],
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const tasks: Task[] = [];
  const meta = new Map<string, { ws: WorkspacePlan; entry: PlanEntry; operation: EntryResult['operation'] }>();
  const leftovers = new Map<string, string[]>();
  const ownerIndex = new Map<string, number>();
  plans.forEach((p, i) => ownerIndex.set(p.label, i));
  const permissions = new Map<string, PermissionStep>();

  plans.forEach((ws, wi) => {
    if (ws.status !== 'ok' || !ws.ids) return;
    const ids = ws.ids;
    const g = (k: string) => `${wi}|${k}`;
    for (const entry of ws.entries) {
      const operation = operationOf(entry, opts.prune);
      const key = g(entry.key);
      meta.set(key, { ws, entry, operation });
      const deps = entry.dependsOn.map(g);
      if (entry.sharedWith) deps.push(`${ownerIndex.get(entry.sharedWith)}|${entry.key}`);
      const task: Task = {
        key,
        group: String(wi),
        level: entry.action === 'orphaned' ? 100 + (100 - entry.level) : entry.level,
        deps,
      };
      if (entry.action === 'conflict' && !entry.forced) task.refuse = entry.reason ?? 'conflict';
      else if (operation !== 'none') {
        task.run = async () => {
          opts.onEvent?.({ type: 'start', workspace: ws.label, entry, operation });
          if (operation === 'delete') leftovers.set(key, await del(c, ids, entry));
          else await put(c, ids, entry);
        };
      }
      tasks.push(task);
    }
    const step = ws.postDeploy?.permission;
    if (step && step.status === 'missing') {
      const scopeKey = step.scope.toLowerCase();
      const first = !permissions.has(scopeKey);
      permissions.set(scopeKey, step);
      tasks.push({
        key: g('post:permission'),
        group: String(wi),
        level: PERMISSION_LEVEL,
        deps: [],
        run: first
          ? async () => {
              const done = await grantPermission(c, step);
              permissions.set(scopeKey, done);
              opts.onEvent?.({ type: 'permission', workspace: ws.label, step: done });
            }
          : undefined,
      });
    }
  });

  const outcomes = await runTasks(tasks, {
    concurrency: opts.concurrency,
    stopped: () => c.control.stopRequested,
    onEnd: (t, o) => {
      const m = meta.get(t.key);
      if (m && (t.run || t.refuse))
        opts.onEvent?.({
          type: 'end',
          workspace: m.ws.label,
          result: toResult(m.entry, m.operation, o, leftovers.get(t.key)),
        });
    },
  });

  const workspaces: WorkspaceResult[] = plans.map((ws, wi) => {
    if (ws.status !== 'ok') return { label: ws.label, ids: ws.ids, status: 'error', error: ws.error, entries: [] };
    const entries = ws.entries.map((entry) => {
      const key = `${wi}|${entry.key}`;
      return toResult(entry, meta.get(key)!.operation, outcomes.get(key)!, leftovers.get(key));
    });
    let postDeploy = ws.postDeploy;
    if (postDeploy) {
      const after = permissions.get(postDeploy.permission.scope.toLowerCase());
      const outcome = outcomes.get(`${wi}|post:permission`);
      let permission = after && after.status !== 'missing' ? after : postDeploy.permission;
      if (outcome && outcome.status !== 'done')
        permission = {
          ...permission,
          status: 'manual',
          reason: `not granted (${outcome.error?.message ?? outcome.status}); run`,
        };
      postDeploy = { ...postDeploy, permission };
    }
    return { label: ws.label, ids: ws.ids, status: 'ok', entries, postDeploy };
  });
  const interrupted = c.control.stopRequested;
  const ok =
    !interrupted &&
    workspaces.every(
      (w) =>
        w.status === 'ok' &&
        w.entries.every((e) => e.status === 'applied' || e.status === 'unchanged' || e.status === 'kept'),
    );
  return { workspaces, interrupted, ok };
}

function toResult(
  entry: PlanEntry,
  operation: EntryResult['operation'],
  o: TaskOutcome,
  leftInPlace?: string[],
): EntryResult {
  const base = { entry, operation, ...(leftInPlace?.length ? { leftInPlace } : {}) };
  if (o.status === 'failed') return { ...base, status: 'failed', message: o.error?.message };
  if (o.status === 'interrupted')
    return { ...base, status: 'interrupted', message: o.error?.message ?? 'not started: interrupted' };
  if (o.status === 'skipped') {
    if (o.blockedBy?.length)
      return {
        ...base,
        status: 'skipped',
        blockedBy: o.blockedBy.map((k) => k.slice(k.indexOf('|') + 1)),
        message: `not applied: depends on ${o.blockedBy.map((k) => k.slice(k.indexOf('|') + 1)).join(', ')}, which was not applied`,
      };
    return { ...base, status: 'skipped', message: o.error?.message };
  }
  if (writes(entry) || operation === 'delete') return { ...base, status: 'applied' };
  if (entry.sharedWith)
    return {
      ...base,
      status: 'unchanged',
      message: `resource-group resource applied with workspace ${entry.sharedWith}`,
    };
  if (entry.action === 'orphaned')
    return { ...base, status: 'kept', message: 'orphan kept (deploy --prune deletes it)' };
  return { ...base, status: 'unchanged' };
}
