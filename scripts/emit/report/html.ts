/**
 * HTML building blocks for the report. Markup is a `SafeHtml` value made by the `html` tagged template, which escapes
 * every interpolated string or number (element text and quoted attribute values alike) and passes `SafeHtml` through,
 * so a value from a template or the config cannot become markup by being forgotten. The only other way to make
 * `SafeHtml` is `trusted()`, for markup produced by a renderer that escapes by construction (markdown-it with HTML
 * off, the stylesheet, a section's own tags moved by `collapsible`).
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for element content and quoted attribute values alike. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Markup that is safe to insert as is (the brand: only `html` and `trusted` make one). */
export class SafeHtml {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
  get empty(): boolean {
    return this.#markup === '';
  }
}

/** What may be interpolated: text (escaped), markup, lists of either (concatenated); null, undefined, false: nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v instanceof SafeHtml) return v.toString();
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(v);
}

/** The report's one way to write markup: every interpolation is escaped unless it is SafeHtml already. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => (out += render(v) + strings[i + 1]));
  return new SafeHtml(out);
}

/** Markup from a renderer that escapes by construction; each call is a reviewed trust boundary. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Parts joined with a separator (the separator is text, escaped like any other). */
export function joinHtml(parts: readonly HtmlValue[], separator: string): SafeHtml {
  return new SafeHtml(parts.map(render).join(esc(separator)));
}

export const EMPTY_HTML = new SafeHtml('');

/** Whether a value renders to nothing. */
export const isEmptyHtml = (v: HtmlValue): boolean => render(v) === '';

/** A fragment id from arbitrary text: letters, digits and hyphens only. */
export function slug(value: string): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'item'
  );
}

/** `href` for a path inside the output directory (the report sits at its root). */
export function relHref(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** `InitialAccess` → `Initial Access`, `CommandAndControl` → `Command and Control`. */
export function humanize(id: string): string {
  return id.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/\bAnd\b/g, 'and');
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Plain text (rule descriptions) as paragraphs: blank lines separate paragraphs, single newlines are spaces. */
export function paragraphs(text: string): SafeHtml {
  return joinHtml(
    text
      .trim()
      .split(/\n\s*\n/)
      .filter((p) => p.trim())
      .map((p) => html`<p>${p.replace(/\s*\n\s*/g, ' ').trim()}</p>`),
    '\n',
  );
}

/** A table, or nothing when there are no rows (empty sections are omitted). */
export function table(head: string[], rows: HtmlValue[][], cls = ''): SafeHtml {
  if (!rows.length) return EMPTY_HTML;
  const th = head.map((h) => html`<th>${h}</th>`);
  const body = joinHtml(
    rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`),
    '\n',
  );
  return html`<table${cls ? html` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
