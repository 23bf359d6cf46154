/** HTML building blocks for the report: every value from templates or config passes through `esc`. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for element content and quoted attribute values alike. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

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
export function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => `<p>${esc(p.replace(/\s*\n\s*/g, ' ').trim())}</p>`)
    .join('\n');
}

/** A two-column table, or '' when there are no rows (empty sections are omitted). */
export function table(head: string[], rows: string[][], cls = ''): string {
  if (!rows.length) return '';
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${esc(cls)}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
