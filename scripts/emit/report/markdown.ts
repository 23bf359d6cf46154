/**
 * A small, safe Markdown renderer for routines and workbook text tiles (no Markdown library is installed).
 * Supported: ATX headings, paragraphs, fenced code, lists (nested by indentation, `[ ]`/`[x]` tasks),
 * block quotes, horizontal rules, simple pipe tables; inline code, bold, italics, links and backslash escapes.
 * Everything else is text. All text is escaped; raw HTML is shown as text, images become links, and a
 * link is kept only for http(s), mailto and relative targets (no `javascript:` or `data:` URLs).
 */
import { esc } from './html';

export interface MarkdownOptions {
  /** added to heading levels (a routine's `#` becomes an `h3` inside the report) */
  headingOffset?: number;
}

export function renderMarkdown(md: string, opts: MarkdownOptions = {}): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  return blocks(lines, opts.headingOffset ?? 0).join('\n');
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)\s*([\w+-]*)\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s*>\s?(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

function blocks(lines: string[], offset: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++; // closing fence (or end of text)
      const lang = fence[2] ? ` class="lang-${esc(fence[2].toLowerCase())}"` : '';
      out.push(`<pre class="code"><code${lang}>${esc(body.join('\n'))}</code></pre>`);
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      const level = Math.min(6, h[1].length + offset);
      out.push(`<h${level}>${inline(h[2])}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) body.push(QUOTE.exec(lines[i++])![1]);
      out.push(`<blockquote>${blocks(body, offset).join('\n')}</blockquote>`);
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const end = listEnd(lines, i);
      out.push(list(lines.slice(i, end), offset));
      i = end;
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1])) {
      const rows: string[] = [line];
      i += 2;
      while (i < lines.length && lines[i].includes('|') && lines[i].trim()) rows.push(lines[i++]);
      out.push(pipeTable(rows));
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() && !startsBlock(lines, i)) para.push(lines[i++].trim());
    out.push(`<p>${inline(para.join(' '))}</p>`);
  }
  return out;
}

function startsBlock(lines: string[], i: number): boolean {
  const l = lines[i];
  return (
    FENCE.test(l) ||
    HEADING.test(l) ||
    RULE.test(l) ||
    QUOTE.test(l) ||
    LIST_ITEM.test(l) ||
    (l.includes('|') && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1]))
  );
}

const indentOf = (l: string) => /^\s*/.exec(l)![0].replace(/\t/g, '    ').length;

const isOrdered = (l: string) => /\d/.test(LIST_ITEM.exec(l)?.[2] ?? '');

/**
 * A list runs until a non-indented line that is not an item of the same list type (bullets after a
 * numbered list start a new list), or a blank line followed by one.
 */
function listEnd(lines: string[], start: number): number {
  const base = indentOf(lines[start]);
  const ordered = isOrdered(lines[start]);
  const sameList = (l: string) => LIST_ITEM.test(l) && isOrdered(l) === ordered;
  let i = start + 1;
  while (i < lines.length) {
    const l = lines[i];
    if (!l.trim()) {
      const next = lines[i + 1];
      if (next !== undefined && next.trim() && (indentOf(next) > base || sameList(next))) {
        i++;
        continue;
      }
      break;
    }
    if (indentOf(l) <= base && (LIST_ITEM.test(l) ? !sameList(l) : startsBlock(lines, i))) break;
    i++;
  }
  return i;
}

function list(lines: string[], offset: number): string {
  const first = LIST_ITEM.exec(lines[0])!;
  const base = first[1].replace(/\t/g, '    ').length;
  const ordered = isOrdered(lines[0]);
  const items: string[][] = [];
  for (const l of lines) {
    const m = LIST_ITEM.exec(l);
    if (m && indentOf(l) <= base) items.push([m[3]]);
    else if (items.length) items[items.length - 1].push(l);
  }
  const start = ordered ? parseInt(first[2], 10) : 1;
  const lis = items.map(([head, ...rest]) => {
    const task = /^\[([ xX])\]\s+(.*)$/.exec(head);
    const text = task
      ? `<input type="checkbox" disabled${task[1] === ' ' ? '' : ' checked'}> ${inline(task[2])}`
      : inline(head);
    const nested = rest.filter((l) => l.trim());
    // continuation lines of the item's own paragraph vs. nested blocks (lists, code)
    let body = text;
    const j = nested.findIndex((l) => LIST_ITEM.test(l) || FENCE.test(l));
    const cont = j === -1 ? nested : nested.slice(0, j);
    if (cont.length) body += ' ' + inline(cont.map((l) => l.trim()).join(' '));
    if (j !== -1) {
      const sub = rest.slice(rest.indexOf(nested[j]));
      const dedent = Math.min(...sub.filter((l) => l.trim()).map(indentOf));
      body +=
        '\n' +
        blocks(
          sub.map((l) => l.slice(Math.min(dedent, indentOf(l)))),
          offset,
        ).join('\n');
    }
    return `<li${task ? ' class="task"' : ''}>${body}</li>`;
  });
  const tag = ordered ? 'ol' : 'ul';
  return `<${tag}${ordered && start !== 1 ? ` start="${start}"` : ''}>\n${lis.join('\n')}\n</${tag}>`;
}

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

function pipeTable(rows: string[]): string {
  const [head, ...body] = rows.map(cells);
  const th = head.map((c) => `<th>${inline(c)}</th>`).join('');
  const tr = body.map((r) => `<tr>${head.map((_, k) => `<td>${inline(r[k] ?? '')}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** A link target the report may carry: http(s), mailto, or relative (no scheme). */
export function safeHref(url: string): string | undefined {
  const u = url.trim();
  if (/^(https?:|mailto:)/i.test(u)) return u;
  // relative: no scheme before the first path, query or fragment delimiter
  if (!/^[^/?#]*:/.test(u) && !u.startsWith('//')) return u;
  return undefined;
}

/**
 * Inline markup. Code spans and links are cut out first (their content is not further parsed), the rest
 * is escaped, then emphasis applies to the escaped text (escaping leaves `*` and `_` alone).
 */
export function inline(text: string): string {
  const held: string[] = [];
  const hold = (html: string) => `\u0000${held.push(html) - 1}\u0000`;
  let s = text.replace(/\u0000/g, '');
  s = s.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_, __, code: string) => hold(`<code>${esc(code.trim())}</code>`));
  // backslash escapes (CommonMark): the character is text, never markup (routines escape config values this way)
  s = s.replace(/\\([\\`*_[\]<>|#!~(){}+.-])/g, (_, c: string) => hold(esc(c)));
  // the target may hold one level of balanced parentheses: [x](https://example/a_(b))
  s = s.replace(
    /(!?)\[([^\]]*)\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)>?(?:\s+"[^"]*")?\s*\)/g,
    (_, bang: string, label: string, url: string) => {
      const href = safeHref(url);
      const text = label || url;
      if (!href) return hold(esc(text));
      return hold(`<a href="${esc(href)}">${bang ? 'image: ' : ''}${emphasis(esc(text))}</a>`);
    },
  );
  s = s.replace(/<(https?:\/\/[^>\s]+)>/g, (_, url: string) => hold(`<a href="${esc(url)}">${esc(url)}</a>`));
  s = emphasis(esc(s));
  return s.replace(/\u0000(\d+)\u0000/g, (_, n: string) => held[Number(n)]);
}

function emphasis(s: string): string {
  return s
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/__(?=\S)([\s\S]*?\S)__/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?![*\w])/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_(?=\S)([^_]*?\S)_(?![_\w])/g, '$1<em>$2</em>');
}
