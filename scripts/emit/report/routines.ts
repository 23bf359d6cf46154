/** Routines (Markdown runbooks among the artifacts), rendered with the report's safe Markdown subset. */
import type { Artifact } from '../artifacts';
import { esc, relHref, slug } from './html';
import { renderMarkdown } from './markdown';

export function isRoutine(a: Artifact): boolean {
  return a.path.endsWith('.md') && (a.path.startsWith('routines/') || a.kind.toLowerCase().includes('routine'));
}

export function renderRoutines(artifacts: readonly Artifact[]): string {
  const routines = artifacts.filter(isRoutine).sort((a, b) => a.path.localeCompare(b.path));
  if (!routines.length) return '';
  const parts = routines.map(
    (a) =>
      `<article class="routine" id="routine-${esc(slug(a.path.replace(/^routines\//, '').replace(/\.md$/, '')))}" data-routine="${esc(a.path)}"><p class="meta"><a href="${esc(relHref(a.path))}">${esc(a.path)}</a></p><div class="md">${renderMarkdown(a.content, { headingOffset: 2 })}</div></article>`,
  );
  return `<section id="routines"><h2>Routines</h2>\n${parts.join('\n')}\n</section>`;
}
