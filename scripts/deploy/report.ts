/** Pure formatting of plans, progress events and apply results (text for people, JSON for CI). */
import { terminalSafe } from '../security/terminal';
import { ApplyEvent, ApplyResult, EntryResult, operationOf } from './apply';
import { DeploymentPlan, WorkspacePlan } from './session';
import { FieldChange } from './diff';
import { Action, ACTIONS, PlanEntry } from './plan';
import { PostDeployPlan } from './postDeploy';
import { redactValue } from '../security/redact';

const SIGN: Record<Action, string> = { create: '+', update: '~', unchanged: '=', orphaned: '-', conflict: '!' };
const COLOR: Record<Action, string> = { create: '32', update: '33', unchanged: '90', orphaned: '35', conflict: '31' };

export interface TextOptions {
  color?: boolean;
  prune?: boolean;
  /** print unchanged artifacts one per line (default) or only count them */
  showUnchanged?: boolean;
}

const paint = (on: boolean | undefined, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.length));

/** A deployed or desired value, short enough for one line; secrets masked (plan output is uploaded by CI). */
export function showValue(v: unknown, max = 60, path = ''): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(redactValue(v, path)) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function showChange(c: FieldChange): string {
  if (typeof c.from === 'string' && typeof c.to === 'string' && (c.from.length > 60 || c.to.length > 60)) {
    let i = 0;
    while (i < c.from.length && c.from[i] === c.to[i]) i++;
    const line = c.to.slice(0, i).split('\n').length;
    return `${c.path}: changed (${c.from.length} → ${c.to.length} characters, first difference on line ${line})`;
  }
  return `${c.path}: ${showValue(c.from, 60, c.path)} → ${showValue(c.to, 60, c.path)}`;
}

export function countActions(entries: readonly PlanEntry[]): Record<Action, number> {
  const n = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
  for (const e of entries) n[e.action]++;
  return n;
}

const countText = (n: Record<Action, number>) =>
  [
    `${n.create} to create`,
    `${n.update} to update`,
    `${n.unchanged} unchanged`,
    `${n.orphaned} orphaned`,
    `${n.conflict} conflict${n.conflict === 1 ? '' : 's'}`,
  ].join(', ');

function entryLines(e: PlanEntry, o: TextOptions, widths: { label: number; name: number }): string[] {
  const head = `  ${paint(o.color, COLOR[e.action], `${SIGN[e.action]} ${pad(e.action, 9)}`)}  ${pad(e.label, widths.label)}  ${pad(terminalSafe(e.displayName), widths.name)}  ${terminalSafe(e.name)}`;
  const out = [head];
  const note = (s: string) => out.push(`      ${terminalSafe(s)}`);
  for (const c of e.action === 'update' || e.action === 'conflict' ? e.changes.slice(0, 8) : []) note(showChange(c));
  if ((e.action === 'update' || e.action === 'conflict') && e.changes.length > 8)
    note(`… and ${e.changes.length - 8} more fields`);
  for (const r of e.removed) note(`${r}: removed from the pack`);
  if (e.reason && e.action !== 'orphaned') note(e.reason);
  if (e.action === 'orphaned')
    note(`${e.reason ?? ''}; ${o.prune ? '--prune: it will be deleted' : 'deploy --prune deletes it'}`);
  if (e.action === 'orphaned') {
    // by id: what a prune deletes is exactly what the plan lists
    note(`id ${e.id}`);
    for (const d of e.cascade?.deletes ?? [])
      note(`${o.prune ? 'deleted with it' : 'deleted with it by --prune'}: ${d.id} (${d.why})`);
    for (const k of e.cascade?.keeps ?? []) note(`left in place: ${k.id} (${k.reason})`);
  }
  if (e.sharedWith) note(`resource-group resource: applied with workspace ${e.sharedWith}`);
  return out;
}

function postDeployLines(p: PostDeployPlan | undefined): string[] {
  if (!p) return [];
  const out = ['  post-deploy (playbooks):'];
  for (const c of p.consents) {
    out.push(
      c.status === 'connected'
        ? `    connection ${c.name} (${c.api}): authorised`
        : `    authorise connection ${c.name} (${c.api}, playbook ${c.playbook}) once, interactively: ${c.portalUrl}`,
    );
  }
  const perm = p.permission;
  const what = `Microsoft Sentinel Automation Contributor for the Sentinel service principal on ${perm.scope}`;
  // the reason may quote a server's error
  if (perm.status === 'granted')
    out.push(terminalSafe(`    ${what}: granted${perm.reason ? ` (${perm.reason})` : ''}`));
  else if (perm.status === 'missing') out.push(`    ${what}: missing, deploy grants it`);
  else out.push(terminalSafe(`    ${what}: ${perm.reason ?? 'not granted; run'}`), `      ${perm.command}`);
  return out;
}

function workspaceHeader(w: WorkspacePlan): string {
  const ref = w.ref;
  return `${w.label}  ${ref.workspaceName} · resource group ${ref.resourceGroup} · subscription ${ref.subscriptionId}${w.location ? ` · ${w.location}` : ''}`;
}

export function formatPlanText(plan: DeploymentPlan, o: TextOptions = {}): string {
  const lines: string[] = [];
  const all: PlanEntry[] = [];
  for (const w of plan.workspaces) {
    if (w.status === 'error') {
      // a server's error message: printed as text, never as terminal control sequences
      lines.push(`${paint(o.color, '31', 'error')}  ${workspaceHeader(w)}`, `  ${terminalSafe(w.error ?? '')}`, '');
      continue;
    }
    lines.push(workspaceHeader(w));
    const shown = o.showUnchanged === false ? w.entries.filter((e) => e.action !== 'unchanged') : w.entries;
    const widths = {
      label: Math.max(0, ...shown.map((e) => e.label.length)),
      name: Math.min(60, Math.max(0, ...shown.map((e) => e.displayName.length))),
    };
    for (const e of shown) lines.push(...entryLines(e, o, widths));
    lines.push(...postDeployLines(w.postDeploy));
    lines.push(`  ${countText(countActions(w.entries))}`, '');
    all.push(...w.entries);
  }
  const failed = plan.workspaces.filter((w) => w.status === 'error').length;
  lines.push(
    `Plan: ${countText(countActions(all))} in ${plan.workspaces.length - failed} workspace${plan.workspaces.length - failed === 1 ? '' : 's'}${failed ? `; ${failed} workspace${failed === 1 ? '' : 's'} could not be read` : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}

const entryJson = (e: PlanEntry, prune: boolean) => ({
  action: e.action,
  operation: operationOf(e, prune),
  kind: e.kind,
  type: e.spec.type,
  label: e.label,
  name: e.name,
  displayName: e.displayName,
  id: e.id,
  apiVersion: e.apiVersion,
  // secrets (webhook keys, signed URLs, secret-named fields) masked: the plan JSON is a CI artifact
  changes: e.changes.map((c) => ({ path: c.path, from: redactValue(c.from, c.path), to: redactValue(c.to, c.path) })),
  removed: e.removed,
  ...(e.reason ? { reason: e.reason } : {}),
  ...(e.forced ? { forced: true } : {}),
  ...(e.templateId ? { templateId: e.templateId } : {}),
  // every resource a prune deletes with this one, by id (the apply deletes exactly these), and what it leaves
  ...(e.cascade
    ? {
        cascade: {
          deletes: e.cascade.deletes.map((d) => ({ id: d.id, type: d.type, why: d.why })),
          keeps: e.cascade.keeps,
        },
      }
    : {}),
  ...(e.sharedWith ? { sharedWith: e.sharedWith } : {}),
});

/** The plan as JSON for CI (stable field names; bodies are not included, ids and changed fields are). */
export function planJson(plan: DeploymentPlan, opts: { prune?: boolean } = {}): unknown {
  const all = plan.workspaces.flatMap((w) => w.entries);
  return {
    version: 1,
    summary: {
      ...countActions(all),
      workspaces: plan.workspaces.length,
      workspaceErrors: plan.workspaces.filter((w) => w.status === 'error').length,
    },
    workspaces: plan.workspaces.map((w) => ({
      name: w.label,
      subscriptionId: w.ref.subscriptionId,
      resourceGroup: w.ref.resourceGroup,
      workspaceName: w.ref.workspaceName,
      status: w.status,
      ...(w.error ? { error: w.error } : {}),
      summary: countActions(w.entries),
      entries: w.entries.map((e) => entryJson(e, !!opts.prune)),
      ...(w.postDeploy ? { postDeploy: w.postDeploy } : {}),
    })),
  };
}

const VERB: Record<EntryResult['operation'], string> = {
  create: 'created',
  update: 'updated',
  overwrite: 'overwritten',
  delete: 'deleted',
  none: 'unchanged',
};

/** One plain progress line (non-TTY). */
export function formatEvent(e: ApplyEvent): string | undefined {
  if (e.type === 'start') return undefined;
  if (e.type === 'permission')
    return `${e.workspace}  post-deploy  Sentinel permission on ${e.step.scope}: ${e.step.status}${e.step.reason ? ` (${e.step.reason})` : ''}`;
  const r = e.result;
  const what = terminalSafe(`${r.entry.label} ${r.entry.displayName} (${r.entry.name})`);
  if (r.status === 'applied') return `${e.workspace}  ${pad(VERB[r.operation], 11)}  ${what}`;
  if (r.status === 'failed') return `${e.workspace}  ${pad('FAILED', 11)}  ${what}: ${terminalSafe(r.message ?? '')}`;
  return `${e.workspace}  ${pad(r.status === 'interrupted' ? 'interrupted' : 'not applied', 11)}  ${what}: ${terminalSafe(r.message ?? r.status)}`;
}

export function resultCounts(entries: readonly EntryResult[]): Record<string, number> {
  const n: Record<string, number> = {
    created: 0,
    updated: 0,
    overwritten: 0,
    deleted: 0,
    unchanged: 0,
    kept: 0,
    failed: 0,
    skipped: 0,
    interrupted: 0,
  };
  for (const r of entries) {
    if (r.status === 'applied') n[VERB[r.operation]]++;
    else n[r.status]++;
  }
  return n;
}

const countsText = (n: Record<string, number>) =>
  Object.entries(n)
    .filter(([k, v]) => v > 0 || k === 'failed')
    .map(([k, v]) => `${v} ${k === 'skipped' ? 'not applied' : k === 'kept' ? 'orphans kept' : k}`)
    .join(', ');

/**
 * The result per workspace: counts, then every artifact that failed or was not applied (with why), and the applied
 * ones unless `listApplied: false` (the plain progress lines already named them).
 */
export function formatApplyText(result: ApplyResult, o: { color?: boolean; listApplied?: boolean } = {}): string {
  const lines: string[] = [];
  for (const w of result.workspaces) {
    if (w.status === 'error') {
      lines.push(`${paint(o.color, '31', 'not deployed')}  ${w.label}: ${terminalSafe(w.error ?? '')}`, '');
      continue;
    }
    lines.push(`${w.label}: ${countsText(resultCounts(w.entries))}`);
    for (const r of w.entries) {
      const what = terminalSafe(`${r.entry.label} ${r.entry.displayName} (${r.entry.name})`);
      if (r.status === 'applied' && o.listApplied !== false)
        lines.push(`  ${paint(o.color, '32', pad(VERB[r.operation], 12))}${what}`);
      else if (r.status === 'failed')
        lines.push(`  ${paint(o.color, '31', pad('FAILED', 12))}${what}: ${terminalSafe(r.message ?? '')}`);
      else if (r.status === 'skipped' || r.status === 'interrupted')
        lines.push(
          `  ${paint(o.color, '33', pad(r.status === 'skipped' ? 'not applied' : 'interrupted', 12))}${what}: ${terminalSafe(r.message ?? '')}`,
        );
      if (r.leftInPlace?.length)
        // ids a deployment record named (server data)
        lines.push(terminalSafe(`      left in place (delete by hand if unused): ${r.leftInPlace.join(', ')}`));
    }
    lines.push(...postDeployLines(w.postDeploy), '');
  }
  const all = result.workspaces.flatMap((w) => w.entries);
  const n = resultCounts(all);
  const errors = result.workspaces.filter((w) => w.status === 'error').length;
  const notApplied = n.failed + n.skipped + n.interrupted;
  let verdict: string;
  if (result.interrupted)
    verdict =
      'Interrupted: the artifacts above marked "interrupted" were not applied; re-run `btg deploy` to finish (it converges).';
  else if (notApplied || errors)
    verdict = `Not everything was applied: ${n.failed} failed, ${n.skipped} not applied${errors ? `, ${errors} workspace${errors === 1 ? '' : 's'} not reachable` : ''}. Fix the cause and re-run \`btg deploy\`: it converges.`;
  else verdict = 'Deploy complete.';
  lines.push(
    `Result: ${countsText(n)} in ${result.workspaces.length} workspace${result.workspaces.length === 1 ? '' : 's'}. ${verdict}`,
  );
  return `${lines.join('\n')}\n`;
}

export function applyJson(result: ApplyResult): unknown {
  return {
    version: 1,
    ok: result.ok,
    interrupted: result.interrupted,
    summary: resultCounts(result.workspaces.flatMap((w) => w.entries)),
    workspaces: result.workspaces.map((w) => ({
      name: w.label,
      status: w.status,
      ...(w.error ? { error: w.error } : {}),
      summary: resultCounts(w.entries),
      entries: w.entries.map((r) => ({
        status: r.status,
        operation: r.operation,
        kind: r.entry.kind,
        name: r.entry.name,
        displayName: r.entry.displayName,
        id: r.entry.id,
        ...(r.message ? { message: r.message } : {}),
        ...(r.blockedBy ? { blockedBy: r.blockedBy } : {}),
        ...(r.leftInPlace ? { leftInPlace: r.leftInPlace } : {}),
      })),
      ...(w.postDeploy ? { postDeploy: w.postDeploy } : {}),
    })),
  };
}
