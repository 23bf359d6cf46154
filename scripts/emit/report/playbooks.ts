/** Playbook flow diagrams: one inline SVG per Logic App workflow found in the emitted playbook artifacts. */
import type { Artifact } from '../artifacts';
import { flowSvg } from './flowSvg';
import { html, joinHtml, plural, relHref, SafeHtml, slug } from './html';
import { countActions, findWorkflows, flowGraph } from './logicApp';

/** The automation rules in the order they run, each with its trigger and actions: the response flow of an incident. */
export function renderResponseFlow(artifacts: readonly Artifact[]): SafeHtml | undefined {
  type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const rules: Json[] = [];
  for (const a of artifacts.filter((x) => x.kind === 'automation-arm')) {
    try {
      for (const r of (JSON.parse(a.content) as Json).resources ?? [])
        if (r?.properties?.triggeringLogic) rules.push(r.properties);
    } catch {
      /* not JSON: shown nowhere else either */
    }
  }
  if (!rules.length) return undefined;
  rules.sort((x, y) => (x.order ?? 0) - (y.order ?? 0));
  const action = (a: Json): SafeHtml | string => {
    const c = a.actionConfiguration ?? {};
    if (a.actionType === 'RunPlaybook')
      return html`run playbook <code>${/workflows\/([^'"\]/]+)/.exec(String(c.logicAppResourceId ?? ''))?.[1] ?? String(c.logicAppResourceId ?? '')}</code>`;
    if (a.actionType === 'AddIncidentTask') return html`task “${String(c.title ?? '')}”`;
    const parts = [
      c.status ? `status ${c.status}` : '',
      c.severity ? `severity ${c.severity}` : '',
      ...(c.labels ?? []).map((l: Json) => `label ${l.labelName}`),
      c.owner ? 'owner' : '',
    ].filter(Boolean);
    return parts.join(', ') || String(a.actionType);
  };
  const items = rules.map((p) => {
    const t = p.triggeringLogic;
    const added = (t.conditions ?? []).some((c: Json) => c.conditionType === 'PropertyArrayChanged');
    return html`<li><b>${String(p.displayName)}</b> (order ${String(p.order)}; incident ${t.triggersWhen === 'Created' ? 'created' : added ? 'updated: an alert was added' : 'updated'}): ${joinHtml((p.actions ?? []).map(action), ' → ')}</li>`;
  });
  const failures = failureAlerts(artifacts);
  return html`<h3>Response flow</h3>
<p>The automation rules run on every incident of the pack's rules, lowest order first, native actions before the playbooks. Nothing in them disables, blocks or resets an account.</p>
<ol class="response-flow">${joinHtml(items, '\n')}</ol>${
    failures.length
      ? html`
<p class="response-failure">When the response fails, the action group is told: ${joinHtml(failures, '; ')}.</p>`
      : ''
  }`;
}

/** The alerts on a failing response: the SentinelHealth log alert and the playbooks' run-failure metric alerts. */
function failureAlerts(artifacts: readonly Artifact[]): SafeHtml[] {
  type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const out: SafeHtml[] = [];
  const resources = (a: Artifact): Json[] => {
    try {
      const r = (JSON.parse(a.content) as Json).resources;
      return Array.isArray(r) ? r : [];
    } catch {
      return [];
    }
  };
  for (const a of artifacts.filter((x) => x.kind === 'monitor-arm'))
    for (const r of resources(a))
      if (r?.type === 'Microsoft.Insights/scheduledQueryRules' && /SentinelHealth/.test(JSON.stringify(r.properties)))
        out.push(
          html`<b>${String(r.properties.displayName)}</b> (a pack automation rule run that is not a success in SentinelHealth, e.g. a playbook it could not start)`,
        );
  const playbooks = artifacts
    .filter((x) => x.kind === 'playbook-arm')
    .filter((a) => resources(a).some((r) => r?.type === 'Microsoft.Insights/metricAlerts'))
    .map((a) => html`<code>${a.templateId ?? a.path}</code>`);
  if (playbooks.length)
    out.push(
      html`a run-failure alert per playbook (${joinHtml(playbooks, ', ')}: metric RunsFailed &gt; 0 in 5 minutes) for a run that fails inside`,
    );
  return out;
}

export function renderPlaybooks(artifacts: readonly Artifact[]): SafeHtml | undefined {
  const workflows = findWorkflows(artifacts);
  if (!workflows.length) return undefined;
  const parts = workflows.map((w, i) => {
    const g = flowGraph(w.definition);
    const triggers = g.nodes.filter((n) => n.role === 'trigger').length;
    const id = `pb-${i}-${slug(w.name)}`;
    return html`<article class="playbook" id="${id}"><h3>${w.name}</h3>
<p class="meta">${w.resourceName ? html`Logic App <code>${w.resourceName}</code> · ` : ''}${plural(triggers, 'trigger')} · ${plural(countActions(w.definition), 'action')} · <a href="${relHref(w.artifact.path)}">${w.artifact.path}</a></p>
<div class="diagram">${flowSvg(g, { id, key: w.key, label: `Flow of the playbook ${w.name}` })}</div></article>`;
  });
  return html`<section id="playbooks"><h2>Playbooks</h2>
${renderResponseFlow(artifacts)}
<p>Each diagram is drawn from the Logic App definition: the trigger at the top, then every action; edges follow <code>runAfter</code>, labels name the branch of a condition, switch or loop, or the statuses an action runs after when not just success.</p>
${joinHtml(parts, '\n')}
</section>`;
}
