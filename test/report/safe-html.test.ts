/** The report's one way to write markup: the `html` tagged template escapes every interpolation. */
import fc from 'fast-check';
import { html, isEmptyHtml, joinHtml, SafeHtml, trusted } from '../../scripts/emit/report/html';

test('text is escaped in element content and attribute values; markup passes through', () => {
  const evil = `"><script>alert('x')</script>&`;
  expect(String(html`<a title="${evil}">${evil}</a>`)).toBe(
    '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
  );
  const inner = html`<b>${'<i>'}</b>`;
  expect(String(html`<p>${inner}</p>`)).toBe('<p><b>&lt;i&gt;</b></p>');
  expect(String(html`<p>${['a<', inner, 3]}</p>`)).toBe('<p>a&lt;<b>&lt;i&gt;</b>3</p>');
  expect(String(html`<p>${null}${undefined}${false}</p>`)).toBe('<p></p>');
  expect(String(joinHtml(['<x>', html`<y/>`], ' <sep> '))).toBe('&lt;x&gt; &lt;sep&gt; <y/>');
  expect(isEmptyHtml(html``) && isEmptyHtml([]) && !isEmptyHtml(' ')).toBe(true);
  // only html`` and trusted() make markup: a plain string is never taken as markup
  expect(trusted('<hr>')).toBeInstanceOf(SafeHtml);
  expect(String(html`${'<hr>'}`)).toBe('&lt;hr&gt;');
});

test('whatever the text, it comes out as text: in content, in double- and single-quoted attributes', () => {
  // an independent oracle for the five characters HTML gives meaning to
  const text = (v: string) =>
    v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  fc.assert(
    fc.property(fc.string(), fc.array(fc.string(), { maxLength: 3 }), (s, list) => {
      const out = String(html`<a href="#${s}" title='${s}'>${s}${list}</a>`);
      expect(out).toBe(`<a href="#${text(s)}" title='${text(s)}'>${text(s)}${list.map(text).join('')}</a>`);
    }),
  );
});
