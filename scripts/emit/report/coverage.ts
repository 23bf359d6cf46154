/**
 * The MITRE ATT&CK coverage view: one column per Enterprise tactic (in kill-chain order), listing the
 * techniques the pack's detections and hunting queries map to under it, each with the items that cover it.
 */
import { SUBTECHNIQUE_NAMES, TACTICS, TECHNIQUE_TACTICS } from '../../content/attack';
import { html, humanize, joinHtml, plural, SafeHtml } from './html';

export interface MappedItem {
  /** fragment id of the item's section in the report */
  anchor: string;
  name: string;
  kind: 'rule' | 'hunting';
  tactics: readonly string[];
  techniques: readonly string[];
}

export interface CoverageCell {
  tactic: string;
  /** technique id ('' for items that name the tactic but no technique of it) → items */
  techniques: { id: string; name: string; items: MappedItem[] }[];
  items: number;
}

/** Sentinel's tactic list also holds the pre-ATT&CK and ICS tactics: show those only when an item uses them. */
const SHOWN_WHEN_USED = new Set<string>(['PreAttack', 'ImpairProcessControl', 'InhibitResponseFunction']);

export function techniqueName(id: string): string | undefined {
  return SUBTECHNIQUE_NAMES[id] ?? TECHNIQUE_TACTICS[id.split('.')[0]]?.name;
}

/** Where a technique goes: the item's tactics that the technique belongs to; all the item's tactics when unknown. */
function placements(item: MappedItem, technique: string): string[] {
  const known = TECHNIQUE_TACTICS[technique.split('.')[0]]?.tactics as readonly string[] | undefined;
  const both = known ? item.tactics.filter((t) => known.includes(t)) : [];
  return both.length ? both : [...item.tactics];
}

export function coverage(items: readonly MappedItem[]): CoverageCell[] {
  const used = new Set(items.flatMap((i) => i.tactics));
  const columns = [
    ...TACTICS.filter((t) => !SHOWN_WHEN_USED.has(t) || used.has(t)),
    ...[...used].filter((t) => !(TACTICS as readonly string[]).includes(t)).sort(),
  ];
  const cells = new Map<string, Map<string, MappedItem[]>>(columns.map((t) => [t, new Map()]));
  const add = (tactic: string, technique: string, item: MappedItem) => {
    const col = cells.get(tactic)!;
    const list = col.get(technique) ?? [];
    if (!list.includes(item)) list.push(item);
    col.set(technique, list);
  };
  for (const item of items) {
    const placed = new Set<string>();
    for (const t of item.techniques) {
      for (const tactic of placements(item, t)) {
        add(tactic, t, item);
        placed.add(tactic);
      }
    }
    // a tactic the item names without any of its techniques still counts as covered
    for (const tactic of item.tactics) if (!placed.has(tactic)) add(tactic, '', item);
  }
  return columns.map((tactic) => {
    const col = cells.get(tactic)!;
    const techniques = [...col.entries()]
      .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
      .map(([id, its]) => ({ id, name: id ? (techniqueName(id) ?? '') : 'no technique named', items: its }));
    return { tactic, techniques, items: new Set(techniques.flatMap((t) => t.items)).size };
  });
}

export function attackUrl(technique: string): string {
  const [base, sub] = technique.split('.');
  return `https://attack.mitre.org/techniques/${base}/${sub ? `${sub}/` : ''}`;
}

/** Cover intensity 0-4 for the tile colour: a tactic covered by more items reads darker. */
const heat = (n: number, max: number) => (n === 0 ? 0 : Math.max(1, Math.ceil((4 * n) / Math.max(1, max))));

export function renderCoverage(items: readonly MappedItem[]): SafeHtml | undefined {
  if (!items.some((i) => i.tactics.length)) return undefined;
  const cells = coverage(items);
  const covered = cells.filter((c) => c.items > 0).length;
  const max = Math.max(...cells.map((c) => c.items));
  const tiles = cells.map((c) => {
    const chips = joinHtml(
      c.techniques.map((t) => {
        const names = t.items.map((i) => i.name).join('\n');
        return t.id
          ? html`<a class="tchip" data-technique="${t.id}" href="#technique-${t.id}" title="${`${t.id} ${t.name}\n${names}`}">${t.id} <span class="n">${t.items.length}</span></a>`
          : html`<span class="tchip none" title="${names}">tactic only <span class="n">${t.items.length}</span></span>`;
      }),
      ' ',
    );
    return html`<div class="tactic heat-${heat(c.items, max)} ${c.items ? 'covered' : 'uncovered'}" data-tactic="${c.tactic}"><h3>${humanize(c.tactic)}</h3><p class="count">${c.items ? plural(c.items, 'item') : 'not covered'}</p>${chips.empty ? '' : html`<div class="tchips">${chips}</div>`}</div>`;
  });
  // technique rows: which tactics the pack maps it under, and every item that names it
  const byTechnique = new Map<string, { tactics: Set<string>; items: MappedItem[] }>();
  for (const c of cells) {
    for (const t of c.techniques) {
      if (!t.id) continue;
      const row = byTechnique.get(t.id) ?? { tactics: new Set<string>(), items: [] };
      row.tactics.add(c.tactic);
      for (const i of t.items) if (!row.items.includes(i)) row.items.push(i);
      byTechnique.set(t.id, row);
    }
  }
  const rows = [...byTechnique.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([id, row]) =>
        html`<tr id="technique-${id}"><td><a class="tid" href="${attackUrl(id)}">${id}</a> ${techniqueName(id) ?? ''}</td><td>${[...row.tactics].map((t) => humanize(t)).join(', ')}</td><td>${joinHtml(
          row.items.map((i) => html`<a class="${i.kind}" href="#${i.anchor}">${i.name}</a>`),
          ', ',
        )}</td></tr>`,
    );
  return html`<section id="coverage" class="coverage"><h2>MITRE ATT&amp;CK coverage</h2><p>${plural(covered, 'tactic')} and ${plural(byTechnique.size, 'technique')} covered by ${plural(items.length, 'detection or hunting query', 'detections and hunting queries')}.</p><div class="matrix">\n${joinHtml(tiles, '\n')}\n</div>${
    rows.length
      ? html`<table class="techniques"><thead><tr><th>Technique</th><th>Tactics</th><th>Covered by (<em>hunting queries</em> in italics)</th></tr></thead><tbody>\n${joinHtml(rows, '\n')}\n</tbody></table>`
      : ''
  }</section>`;
}
