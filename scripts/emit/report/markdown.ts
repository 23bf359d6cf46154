/**
 * Markdown of routines and workbook text tiles, rendered by markdown-it (CommonMark + pipe tables) with raw HTML off:
 * HTML in the text is shown as text, and a link or image is kept only when its target is http(s), mailto or relative
 * (no `javascript:`, `data:`, `vbscript:` or protocol-relative `//host` URLs); otherwise it stays text. Report touches
 * on top: heading levels shifted into the report's outline, `[ ]`/`[x]` task items as disabled check boxes, images
 * as links (the report loads nothing from elsewhere), fenced code as `<pre class="code">`.
 */
import MarkdownIt from 'markdown-it';
import { html, SafeHtml, trusted } from './html';

export interface MarkdownOptions {
  /** added to heading levels (a routine's `#` becomes an `h3` inside the report) */
  headingOffset?: number;
}

/** A link target the report may carry: http(s), mailto, or relative (no scheme). */
export function safeHref(url: string): string | undefined {
  const u = url.trim();
  if (/^(https?:|mailto:)/i.test(u)) return u;
  // relative: no scheme before the first path, query or fragment delimiter
  if (!/^[^/?#]*:/.test(u) && !u.startsWith('//')) return u;
  return undefined;
}

const TASK = /^\[([ xX])\]\s+/;
const CHECKBOX = { open: '<input type="checkbox" disabled>', done: '<input type="checkbox" disabled checked>' };

function createRenderer(): MarkdownIt.MarkdownIt {
  const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false });
  // markdown-it's own check (no javascript:/vbscript:/file:/data: except images) narrowed to the report's list
  md.validateLink = (url) => safeHref(url) !== undefined;

  md.core.ruler.push('btg_tasks', (state) => {
    const tokens = state.tokens;
    for (let i = 2; i < tokens.length; i++) {
      const inline = tokens[i];
      if (
        inline.type !== 'inline' ||
        tokens[i - 1].type !== 'paragraph_open' ||
        tokens[i - 2].type !== 'list_item_open'
      )
        continue;
      const first = inline.children?.[0];
      const m = first?.type === 'text' ? TASK.exec(first.content) : null;
      if (!first || !m) continue;
      first.content = first.content.slice(m[0].length);
      // fixed markup of ours (never text from the document): rendered as is
      const box = new state.Token('html_inline', '', 0);
      box.content = `${m[1] === ' ' ? CHECKBOX.open : CHECKBOX.done} `;
      inline.children!.unshift(box);
      tokens[i - 2].attrJoin('class', 'task');
    }
  });

  const rules = md.renderer.rules;
  const shift = (t: MarkdownIt.Token, env: { headingOffset?: number } | undefined) =>
    (t.tag = `h${Math.min(6, Number(t.tag.slice(1)) + (env?.headingOffset ?? 0))}`);
  rules.heading_open = (tokens, idx, options, env, self) => {
    shift(tokens[idx], env as { headingOffset?: number } | undefined);
    return self.renderToken(tokens, idx, options);
  };
  rules.heading_close = rules.heading_open;
  rules.fence = (tokens, idx) => {
    const t = tokens[idx];
    const lang = t.info.trim().split(/\s+/)[0].toLowerCase();
    const cls = lang ? html` class="lang-${lang}"` : '';
    return `${html`<pre class="code"><code${cls}>${t.content.replace(/\n$/, '')}</code></pre>`}\n`;
  };
  rules.code_block = (tokens, idx) =>
    `${html`<pre class="code"><code>${tokens[idx].content.replace(/\n$/, '')}</code></pre>`}\n`;
  // an image becomes a link to it (validateLink already refused unsafe targets)
  rules.image = (tokens, idx, options, env, self) => {
    const t = tokens[idx];
    const alt = self.renderInlineAsText(t.children ?? [], options, env);
    const src = t.attrGet('src') ?? '';
    return html`<a href="${src}">image: ${alt || src}</a>`.toString();
  };
  return md;
}

let renderer: MarkdownIt.MarkdownIt | undefined;

/** markdown-it with HTML off escapes all text and validates every link: its output is trusted as is. */
export function renderMarkdown(text: string, opts: MarkdownOptions = {}): SafeHtml {
  renderer ??= createRenderer();
  return trusted(renderer.render(text, { headingOffset: opts.headingOffset ?? 0 }).trimEnd());
}

/** One line of inline Markdown (no paragraph around it). */
export function inline(text: string): SafeHtml {
  renderer ??= createRenderer();
  return trusted(renderer.renderInline(text));
}
