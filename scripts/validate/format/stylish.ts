/**
 * Human output: `file:line:col  severity  message  [code]` with the source line and a caret. What comes from the files
 * (paths, messages quoting values, the source line) is printed without control characters or direction overrides: a
 * hostile file could otherwise recolour, hide or reorder what the terminal shows.
 */
import { formatLocation, sortDiagnostics } from '../../core/diagnostic';
import { displayWidth, terminalSafe, terminalSafeColumns, terminalSafeLines } from '../../security/terminal';
import { Formatter } from './types';

/** A source line longer than this is shown as an excerpt around the range. */
const EXCERPT_MAX = 200;
const EXCERPT_CONTEXT = 60;
const EXCERPT_MARK_MAX = 80;

export const stylish: Formatter = (diags, opts) => {
  const color = opts.color ?? false;
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  for (const d of sortDiagnostics(diags)) {
    const loc = d.file
      ? `${terminalSafe(d.file)}${d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : ''}`
      : '(pack)';
    const sev =
      d.severity === 'error' ? c('31', 'error') : d.severity === 'warning' ? c('33', 'warning') : c('36', 'info');
    lines.push(`${loc}  ${sev}  ${terminalSafeLines(d.message)}  ${c('2', `[${d.code}]`)}`);
    if (d.sourceLine !== undefined && d.range) {
      const start = d.range.start.character;
      const width =
        d.range.end.line === d.range.start.line
          ? Math.max(1, d.range.end.character - start)
          : Math.max(1, d.sourceLine.length - start);
      const safe = terminalSafeColumns(d.sourceLine);
      const marked = Math.min(width, Math.max(1, d.sourceLine.length - start));
      // a long line (a minified file) is shown around the range, not whole: at most ~200 characters
      const from = safe.length > EXCERPT_MAX ? Math.max(0, start - EXCERPT_CONTEXT) : 0;
      const to =
        safe.length > EXCERPT_MAX
          ? Math.min(safe.length, start + Math.min(marked, EXCERPT_MARK_MAX) + EXCERPT_CONTEXT)
          : safe.length;
      const head = from > 0 ? '…' : '';
      lines.push(`    ${head}${safe.slice(from, to)}${to < safe.length ? '…' : ''}`);
      // padded and marked by terminal columns: a wide character is two, a combining mark none
      lines.push(
        `    ${' '.repeat(displayWidth(head + safe.slice(from, start)))}${c('31', '^'.repeat(Math.max(1, displayWidth(safe.slice(start, Math.min(start + marked, to))))))}`,
      );
    }
    for (const r of d.related ?? [])
      lines.push(`    ${terminalSafeLines(r.message)} ${terminalSafe(formatLocation(r))}`);
  }
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  lines.push(`${errors} error(s), ${warnings} warning(s)${opts.summary ? ` ${opts.summary}` : ''}`);
  return lines.join('\n') + '\n';
};
