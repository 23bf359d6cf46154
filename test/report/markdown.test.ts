/** The report's Markdown (routines, workbook text tiles): markdown-it with raw HTML off and links validated. */
import * as md from '../../scripts/emit/report/markdown';
import { safeHref } from '../../scripts/emit/report/markdown';

const renderMarkdown = (text: string, opts?: md.MarkdownOptions) => String(md.renderMarkdown(text, opts));
const inline = (text: string) => String(md.inline(text));
import { fixtureArtifacts } from './fixtures';

describe('Markdown in the report', () => {
  const routine = fixtureArtifacts().find((a) => a.kind === 'routine')!.content;

  it('renders headings (shifted into the outline), lists, tasks, code, quotes, tables, bold and links', () => {
    const html = renderMarkdown(routine, { headingOffset: 2 });
    expect(html).toContain('<h3>Six-monthly break-glass test</h3>');
    expect(html).toContain('<h4>Steps</h4>');
    expect(html).toContain('<strong>every 180 days</strong>');
    expect(html).toMatch(/<ol>\n<li>Announce the test/);
    expect(html).toMatch(/<ul>\n<li>use the FIDO2 key from the safe<\/li>/); // nested list
    expect(html).toContain('<a href="https://contoso.example/btg-log">test log</a>');
    expect(html).toContain('<li class="task"><input type="checkbox" disabled> incident raised</li>');
    expect(html).toContain('<li class="task"><input type="checkbox" disabled checked> custodians notified</li>');
    expect(html).toContain('<blockquote>\n<p>Never disable the account at the end of the test.</p>\n</blockquote>');
    expect(html).toContain(
      '<pre class="code"><code class="lang-kql">SigninLogs | where UserPrincipalName startswith &quot;btg-&quot;</code></pre>',
    );
    expect(html).toContain('<td>btg-emergency-01</td>\n<td>CISO</td>');
    // a bullet list right after a numbered one is a list of its own
    expect(html).toMatch(/<\/ol>\n<ul>\n<li class="task">/);
    // an unsafe link stays text; raw HTML is shown, not run
    expect(html).toContain(
      '<p>A [bad link](javascript:alert(1)) and &lt;img src=x onerror=alert(1)&gt; stay inert.</p>',
    );
  });

  it('heading levels stop at h6', () => {
    expect(renderMarkdown('##### deep', { headingOffset: 3 })).toBe('<h6>deep</h6>');
    expect(renderMarkdown('# top')).toBe('<h1>top</h1>');
  });

  it.each([
    ['javascript:alert(1)'],
    ['JAVASCRIPT:alert(1)'],
    ['java&#x09;script:alert(1)'],
    ['vbscript:x'],
    ['data:text/html,<script>x</script>'],
    ['//evil.example/x'],
    ['file:///etc/passwd'],
  ])('a link or image to %s is not a link', (url) => {
    for (const md of [`[x](${url})`, `![x](${url})`, `<${url}>`, `[x][r]\n\n[r]: ${url}`]) {
      const html = renderMarkdown(md);
      expect(html).not.toMatch(/<a |<img|<script/i);
    }
  });

  it('keeps http(s), mailto and relative links; an image becomes a link to it', () => {
    expect(inline('[a](https://x.example/a_(b)) [m](mailto:soc@contoso.example) [r](../docs/ci.md)')).toBe(
      '<a href="https://x.example/a_(b)">a</a> <a href="mailto:soc@contoso.example">m</a> <a href="../docs/ci.md">r</a>',
    );
    expect(inline('![diagram](https://x.example/d.png)')).toBe('<a href="https://x.example/d.png">image: diagram</a>');
    expect(inline('<https://x.example/p?q=1&r=2>')).toBe(
      '<a href="https://x.example/p?q=1&amp;r=2">https://x.example/p?q=1&amp;r=2</a>',
    );
  });

  it('shows raw HTML as text, block and inline', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\ntext <b onclick="x()">bold</b> &amp; more');
    expect(html).not.toMatch(/<script|<b /);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('text &lt;b onclick=&quot;x()&quot;&gt;bold&lt;/b&gt; &amp; more');
  });

  it('does not read markup inside code spans, and backslash escapes are text', () => {
    expect(inline('`**not bold** <b>` and **bold**')).toBe(
      '<code>**not bold** &lt;b&gt;</code> and <strong>bold</strong>',
    );
    expect(inline('\\*\\*not bold\\*\\* \\[x\\](https://a.example)')).toBe('**not bold** [x](https://a.example)');
  });

  it('a task box only at the start of a list item', () => {
    expect(renderMarkdown('- see [ ] here\n- [x] done')).toBe(
      '<ul>\n<li>see [ ] here</li>\n<li class="task"><input type="checkbox" disabled checked> done</li>\n</ul>',
    );
    expect(renderMarkdown('[ ] not in a list')).toBe('<p>[ ] not in a list</p>');
  });

  it('safeHref', () => {
    expect([
      safeHref('JAVASCRIPT:x'),
      safeHref('vbscript:x'),
      safeHref('//evil.example/x'),
      safeHref('mailto:soc@contoso.example'),
      safeHref('https://a.example'),
      safeHref('routines/a.md#step-2'),
    ]).toEqual([
      undefined,
      undefined,
      undefined,
      'mailto:soc@contoso.example',
      'https://a.example',
      'routines/a.md#step-2',
    ]);
  });
});
