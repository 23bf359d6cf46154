/** JSON syntax errors at file:line:col (jsonc-parser locates them; JSON.parse decides what is valid). */
import fc from 'fast-check';
import { parseJsonSource } from '../../scripts/core/jsonSource';

const at = (text: string) => {
  const { source, diagnostics } = parseJsonSource('wb.json', text);
  expect(source).toBeUndefined();
  expect(diagnostics).toHaveLength(1);
  const [d] = diagnostics;
  expect(d.code).toBe('json-syntax');
  return { line: d.range!.start.line, character: d.range!.start.character, message: d.message, src: d.sourceLine };
};

describe('parseJsonSource', () => {
  test.each([
    ['a missing value', '{\n  "version": "Notebook/1.0",\n  "items": [,]\n}\n', 2, 12, 'expected a value'],
    ['a trailing comma', '{\n  "a": 1,\n}', 2, 0, 'expected a property name in double quotes'],
    ['a missing comma', '{\n  "a": 1\n  "b": 2\n}', 2, 2, "expected ','"],
    ['a comment', '{\n  // note\n  "a": 1\n}', 1, 2, 'comments are not allowed in JSON'],
    ['a single-quoted name', "{\n    'a': 1\n}", 1, 4, 'unexpected character'],
    ['an unterminated string', '{\n  "a": "abc\n}', 1, 7, 'unterminated string'],
    ['a raw tab inside a string', '{ "q": "a\tb" }', 0, 9, 'control character in a string (escape it)'],
    ['an unclosed array', '{ "a": [1, 2 }', 0, 13, "expected ','"],
    ['a bad escape', '{ "q": "ab\\x" }', 0, 10, 'invalid escape character'],
    ['a bad unicode escape', '{ "q": "ab\\u12G4" }', 0, 10, 'invalid \\u escape'],
    ['a leading zero', '[01]', 0, 2, "expected ','"],
    ['text after the value', '{}\n{}', 1, 0, 'expected the end of the file'],
    ['CRLF line ends', '{\r\n  "a": 1,\r\n  "b": tru\r\n}', 2, 7, 'unexpected character'],
    ['an empty file', '', 0, 0, 'expected a value'],
  ])('%s', (_what, text, line, character, words) => {
    const got = at(text);
    expect({ line: got.line, character: got.character }).toEqual({ line, character });
    expect(got.message).toBe(`not valid JSON: ${words}`);
    expect(got.src).toBe(text.split(/\r?\n/)[line]);
  });

  test('valid JSON: the data is what JSON.parse gives, with a source map', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const { source, diagnostics } = parseJsonSource('x.json', text);
        expect(diagnostics).toEqual([]);
        expect(source!.data).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  test('any text JSON.parse refuses gets one diagnostic inside the file', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', '"', '\t', 'x'), (text, n, insert) => {
        const i = n % (text.length + 1);
        const broken = text.slice(0, i) + insert + text.slice(i + 1);
        let valid = true;
        try {
          JSON.parse(broken);
        } catch {
          valid = false;
        }
        const { diagnostics } = parseJsonSource('x.json', broken);
        if (valid) return expect(diagnostics).toEqual([]);
        expect(diagnostics).toHaveLength(1);
        const r = diagnostics[0].range!;
        const lines = broken.split(/\r?\n/);
        expect(r.start.line).toBeLessThan(lines.length);
        expect(r.start.character).toBeLessThanOrEqual(lines[r.start.line].length);
        expect(diagnostics[0].message).not.toMatch(/position|undefined/);
      }),
      { numRuns: 300 },
    );
  });
});
