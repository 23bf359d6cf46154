/**
 * Workbook outlines: the tiles of each emitted workbook (Notebook/1.0 JSON, bare or inside an ARM
 * template's `serializedData`), in order, with their queries highlighted.
 */
import type { Artifact } from '../artifacts';
import { stableStringify } from '../resources';
import { html, HtmlValue, joinHtml, plural, relHref, SafeHtml } from './html';
import { KqlClassifier, kqlBlock } from './kql';
import { renderMarkdown } from './markdown';
import { visualizationLabel } from './words';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

export interface Notebook {
  name: string;
  path: string;
  items: Json[];
}

const isNotebook = (o: Json) =>
  typeof o.version === 'string' && o.version.startsWith('Notebook/') && Array.isArray(o.items);

/** Every workbook in the artifacts whose kind names a workbook, once each. */
export function findNotebooks(artifacts: readonly Artifact[]): Notebook[] {
  const out: Notebook[] = [];
  const seen = new Set<string>();
  const add = (nb: Json, a: Artifact, name?: string) => {
    const key = stableStringify(nb.items);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name: name ?? a.name ?? a.templateId ?? a.path, path: a.path, items: nb.items as Json[] });
  };
  for (const a of artifacts) {
    if (!a.kind.toLowerCase().includes('workbook') || !a.path.endsWith('.json')) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(a.content);
    } catch {
      continue;
    }
    const walk = (v: unknown, name?: string) => {
      if (Array.isArray(v)) return v.forEach((x) => walk(x, name));
      if (!isObj(v)) return;
      if (isNotebook(v)) return add(v, a, name);
      const props = isObj(v.properties) ? v.properties : undefined;
      const serialized = str(props?.serializedData);
      if (serialized) {
        try {
          const inner = JSON.parse(serialized);
          if (isObj(inner) && isNotebook(inner))
            return add(inner, a, str(props?.displayName)?.startsWith('[') ? undefined : str(props?.displayName));
        } catch {
          /* an ARM expression, not JSON: nothing to outline */
        }
      }
      Object.values(v).forEach((x) => walk(x, name));
    };
    walk(doc);
  }
  return out;
}

const TYPE_NAMES: Record<number, string> = {
  1: 'text',
  3: 'query',
  9: 'parameters',
  10: 'metric',
  11: 'links',
  12: 'group',
};

/** Count tiles recursively (groups included). */
export function countTiles(items: readonly Json[]): number {
  return items.reduce<number>(
    (n, it) =>
      n + 1 + (isObj(it.content) && Array.isArray(it.content.items) ? countTiles(it.content.items as Json[]) : 0),
    0,
  );
}

function tile(item: Json, classify: KqlClassifier): SafeHtml {
  const type = typeof item.type === 'number' ? item.type : -1;
  const c = isObj(item.content) ? item.content : {};
  const kind = TYPE_NAMES[type] ?? `type ${type}`;
  const name = str(item.name);
  const head = (label: string | undefined) =>
    html`<span class="tile-kind">${kind}</span> ${label ? html`<strong>${label}</strong>` : ''}${name && name !== label ? html` <code>${name}</code>` : ''}`;
  let body: HtmlValue = '';
  let label: string | undefined;
  if (type === 1) {
    const md = str(c.json) ?? '';
    label = /^\s*#+\s*(.+)$/m.exec(md)?.[1]?.trim();
    body = md ? html`<div class="md">${renderMarkdown(md, { headingOffset: 3 })}</div>` : '';
  } else if (type === 3) {
    label = str(c.title) ?? str(c.chartSettings && isObj(c.chartSettings) ? c.chartSettings.title : undefined);
    const vis = str(c.visualization);
    const q = str(c.query);
    body = [
      vis ? html`<p class="meta">shown as a ${visualizationLabel(vis, c.size)}</p>` : '',
      q ? kqlBlock(q, classify, { workbook: true }) : '',
    ];
  } else if (type === 9) {
    const params = Array.isArray(c.parameters) ? (c.parameters as unknown[]).filter(isObj) : [];
    label = plural(params.length, 'parameter');
    body = params.length
      ? html`<ul class="params">${params.map(
          (p) =>
            html`<li><code>${String(p.name ?? '')}</code>${str(p.label) ? ` ${p.label as string}` : ''}${str(p.query) ? kqlBlock(p.query as string, classify, { workbook: true }) : ''}</li>`,
        )}</ul>`
      : '';
  } else if (type === 12) {
    const items = Array.isArray(c.items) ? (c.items as unknown[]).filter(isObj) : [];
    label = str(c.title) ?? str(c.groupType);
    body = items.length ? outline(items, classify) : '';
  }
  return html`<li class="tile tile-${kind.replace(/\s+/g, '-')}" data-tile="${name ?? ''}"><div class="tile-head">${head(label)}</div>${body}</li>`;
}

function outline(items: readonly Json[], classify: KqlClassifier): SafeHtml {
  return html`<ol class="tiles">\n${joinHtml(
    items.map((i) => tile(i, classify)),
    '\n',
  )}\n</ol>`;
}

export function renderWorkbooks(notebooks: readonly Notebook[], classify: KqlClassifier): SafeHtml | undefined {
  if (!notebooks.length) return undefined;
  const parts = notebooks.map(
    (nb) =>
      html`<article class="workbook" data-workbook="${nb.path}"><h3>${nb.name}</h3><p class="meta">${plural(countTiles(nb.items), 'tile')} · <a href="${relHref(nb.path)}">${nb.path}</a></p>${outline(nb.items, classify)}</article>`,
  );
  return html`<section id="workbooks"><h2>Workbook</h2>\n${joinHtml(parts, '\n')}\n</section>`;
}
