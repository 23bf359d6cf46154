/**
 * KQL syntax highlighting at build time: Microsoft's Kusto.Language classifier names each token
 * (Table, Column, Keyword ...), and the report turns the ranges into `<span class="k-…">`, so the page
 * needs no script and colours exactly what the Kusto editors colour.
 */
import type { KqlClassifiedRange } from '../../kql/analyzer';
import { html, HtmlValue, SafeHtml } from './html';

export type KqlClassifier = (query: string) => KqlClassifiedRange[];

/** Escaped query text with one span per classified token; text between tokens (whitespace) stays plain. */
export function highlightKql(text: string, ranges: readonly KqlClassifiedRange[]): SafeHtml {
  const sorted = [...ranges].filter((r) => r.length > 0).sort((a, b) => a.start - b.start);
  const out: HtmlValue[] = [];
  let at = 0;
  for (const r of sorted) {
    if (r.start < at) continue; // overlapping ranges: keep the first
    const end = Math.min(text.length, r.start + r.length);
    if (r.start >= end) continue;
    out.push(text.slice(at, r.start));
    const token = text.slice(r.start, end);
    out.push(r.kind === 'PlainText' ? token : html`<span class="k-${r.kind.toLowerCase()}">${token}</span>`);
    at = end;
  }
  out.push(text.slice(at));
  return html`${out}`;
}

/** Workbook parameters in a query: `{TimeRange}`, `{TimeRange:grain}`, `{Account:escape}`. */
const WORKBOOK_PARAM = /\{[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z]+)?\}/g;

/**
 * A workbook query classified as KQL: each `{Parameter}` is blanked out first (a value where a value is expected,
 * spaces elsewhere, same length so offsets hold), so the tokens after it are still classified, and the parameter
 * itself is marked as a client parameter.
 */
export function classifyWorkbookQuery(text: string, classify: KqlClassifier): KqlClassifiedRange[] {
  const params: KqlClassifiedRange[] = [];
  const blanked = text.replace(WORKBOOK_PARAM, (m, offset: number) => {
    params.push({ kind: 'ClientParameter', start: offset, length: m.length } as KqlClassifiedRange);
    const before = text.slice(0, offset).trimEnd();
    const valueExpected = /[(,=<>!+\-*/[]$|\b(in|has|contains|startswith|endswith|between|ago)$/i.test(before);
    return (valueExpected ? '0' : ' ').padEnd(m.length, ' ');
  });
  if (!params.length) return classify(text);
  const inside = (r: KqlClassifiedRange) =>
    params.some((p) => r.start < p.start + p.length && r.start + r.length > p.start);
  return [...classify(blanked).filter((r) => !inside(r)), ...params].sort((a, b) => a.start - b.start);
}

/** A `<pre>` block of highlighted KQL (wrapped, not scrolled sideways). `workbook`: the text holds `{Parameters}`. */
export function kqlBlock(text: string, classify: KqlClassifier, opts: { workbook?: boolean } = {}): SafeHtml {
  // classify the text exactly as validated (the analyzer reuses that tree), show it without trailing blanks
  const ranges = opts.workbook ? classifyWorkbookQuery(text, classify) : classify(text);
  return html`<pre class="kql"><code>${highlightKql(text.replace(/\s+$/, ''), ranges)}</code></pre>`;
}
