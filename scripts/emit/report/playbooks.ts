/** Playbook flow diagrams: one inline SVG per Logic App workflow found in the emitted playbook artifacts. */
import type { Artifact } from '../artifacts';
import { flowSvg } from './flowSvg';
import { esc, plural, relHref, slug } from './html';
import { countActions, findWorkflows, flowGraph } from './logicApp';

export function renderPlaybooks(artifacts: readonly Artifact[]): string {
  const workflows = findWorkflows(artifacts);
  if (!workflows.length) return '';
  const parts = workflows.map((w, i) => {
    const g = flowGraph(w.definition);
    const triggers = g.nodes.filter((n) => n.role === 'trigger').length;
    const id = `pb-${i}-${slug(w.name)}`;
    return `<article class="playbook" id="${esc(id)}"><h3>${esc(w.name)}</h3>
<p class="meta">${w.resourceName ? `Logic App <code>${esc(w.resourceName)}</code> · ` : ''}${plural(triggers, 'trigger')} · ${plural(countActions(w.definition), 'action')} · <a href="${esc(relHref(w.artifact.path))}">${esc(w.artifact.path)}</a></p>
<div class="diagram">${flowSvg(g, { id, key: w.key, label: `Flow of the playbook ${w.name}` })}</div></article>`;
  });
  return `<section id="playbooks"><h2>Playbooks</h2>
<p>Each diagram is drawn from the Logic App definition: the trigger at the top, then every action; edges follow <code>runAfter</code>, labels name the branch of a condition, switch or loop, or the statuses an action runs after when not just success.</p>
${parts.join('\n')}
</section>`;
}
