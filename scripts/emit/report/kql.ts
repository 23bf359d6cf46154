/**
 * KQL syntax highlighting at build time: Microsoft's Kusto.Language classifier names each token
 * (Table, Column, Keyword ...), and the report turns the ranges into `<span class="k-…">`, so the page
 * needs no script and colours exactly what the Kusto editors colour.
 */
import type { KqlClassifiedRange } from '../../kql/analyzer';
import { esc } from './html';

export type KqlClassifier = (query: string) => KqlClassifiedRange[];

/** Escaped query text with one span per classified token; text between tokens (whitespace) stays plain. */
export function highlightKql(text: string, ranges: readonly KqlClassifiedRange[]): string {
  const sorted = [...ranges].filter((r) => r.length > 0).sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const r of sorted) {
    if (r.start < at) continue; // overlapping ranges: keep the first
    const end = Math.min(text.length, r.start + r.length);
    if (r.start >= end) continue;
    out += esc(text.slice(at, r.start));
    const cls = r.kind === 'PlainText' ? '' : ` class="k-${r.kind.toLowerCase()}"`;
    out += cls ? `<span${cls}>${esc(text.slice(r.start, end))}</span>` : esc(text.slice(r.start, end));
    at = end;
  }
  return out + esc(text.slice(at));
}

/** A `<pre>` block of highlighted KQL. */
export function kqlBlock(text: string, classify: KqlClassifier): string {
  // classify the text exactly as validated (the analyzer reuses that tree), show it without trailing blanks
  const ranges = classify(text);
  return `<pre class="kql"><code>${highlightKql(text.replace(/\s+$/, ''), ranges)}</code></pre>`;
}
