/** Routines (Markdown runbooks among the artifacts), rendered with the report's safe Markdown subset. */
import type { Artifact } from '../artifacts';
import { html, joinHtml, relHref, SafeHtml, slug } from './html';
import { renderMarkdown } from './markdown';

export function isRoutine(a: Artifact): boolean {
  return a.path.endsWith('.md') && (a.path.startsWith('routines/') || a.kind.toLowerCase().includes('routine'));
}

export function renderRoutines(artifacts: readonly Artifact[]): SafeHtml | undefined {
  const routines = artifacts.filter(isRoutine).sort((a, b) => a.path.localeCompare(b.path));
  if (!routines.length) return undefined;
  const parts = routines.map(
    (a) =>
      html`<article class="routine" id="routine-${slug(a.path.replace(/^routines\//, '').replace(/\.md$/, ''))}" data-routine="${a.path}"><p class="meta"><a href="${relHref(a.path)}">${a.path}</a></p><div class="md">${renderMarkdown(a.content, { headingOffset: 2 })}</div></article>`,
  );
  return html`<section id="routines"><h2>Routines</h2>\n${joinHtml(parts, '\n')}\n</section>`;
}
