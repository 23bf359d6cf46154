import fc from 'fast-check';
import { kusto, netList } from '../scripts/kql/kusto';
import {
  kqlDatetime,
  kqlDynamicStrings,
  kqlGuid,
  kqlInt,
  kqlString,
  kqlTimespan,
  KqlLiteralError,
  toIsoDuration,
} from '../scripts/kql/literals';

/** Tokens of a parsed query, without the end-of-text token. */
function tokens(query: string): { kind: string; text: string; value: string }[] {
  const K = kusto();
  const code = K.KustoCode.Parse(query);
  const out: { kind: string; text: string; value: string }[] = [];
  code.Syntax.WalkTokens((t: any) => {
    if (t.Kind === K.Syntax.SyntaxKind.EndOfTextToken) return;
    out.push({ kind: K.Syntax.SyntaxKind.$names?.[t.Kind] ?? String(t.Kind), text: t.Text, value: t.ValueText });
  });
  const diags = [...netList(code.GetSyntaxDiagnostics?.() ?? code.GetDiagnostics())];
  if (diags.length)
    throw new Error(`syntax errors in ${JSON.stringify(query)}: ${diags.map((d: any) => d.Message).join('; ')}`);
  return out;
}

// Strings rich in the characters that could break out of a literal.
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(
      '"',
      "'",
      '\\',
      '\n',
      '\r',
      '\t',
      '\u2028',
      '\u2029',
      '|',
      ';',
      '/',
      '`',
      '@',
      'a',
      ' ',
      '\0',
      '\u0085',
      '😀',
      'é',
      '{',
      '}',
      ']',
      ')',
      'h',
    ),
    maxLength: 40,
  }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/*
 * Runs per property: 600 / 400 / 300 (were 3000 / 2000 / 1500). With the fixed seed, a kqlString that stops escaping
 * `"`, `\`, a newline or a carriage return fails within its first 7-60 inputs in both string properties; dropping the
 * escape of a tab, NUL, other control, non-ASCII, U+2028 or astral character is accepted by the parser (not a break-out)
 * and never failed in 3000 runs either. 600 runs is 10x the slowest detection; FC_SEED=<n> explores other inputs.
 */
describe('KQL literal helpers', () => {
  it('kqlString round-trips through the Kusto parser for any input, as one token', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const lit = kqlString(s);
        const toks = tokens(`print v = ${lit}`);
        const kinds = toks.map((t) => t.kind);
        expect(toks).toHaveLength(4); // print, v, =, literal: no input adds an operator
        expect(toks[3].value).toBe(s);
        expect(kinds[0]).toMatch(/Print/);
      }),
      { numRuns: 600 },
    );
  });

  it('kqlString inside a filter adds no pipe, statement or comment', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const toks = tokens(`T | where c == ${kqlString(s)}`);
        expect(toks.map((t) => t.text)).toEqual(['T', '|', 'where', 'c', '==', kqlString(s)]);
      }),
      { numRuns: 400 },
    );
  });

  it('kqlDynamic yields exactly the list of strings', () => {
    fc.assert(
      fc.property(fc.array(nasty, { maxLength: 6 }), (arr) => {
        const toks = tokens(`print v = ${kqlDynamicStrings(arr)}`);
        const strs = toks.slice(3).filter((t) => t.text.startsWith('"'));
        expect(strs.map((t) => t.value)).toEqual(arr);
        const punct = toks
          .slice(3)
          .filter((t) => !t.text.startsWith('"'))
          .map((t) => t.text);
        expect(punct).toEqual(['dynamic', '(', '[', ...arr.slice(1).map(() => ','), ']', ')']);
      }),
      { numRuns: 300 },
    );
  });

  it('the analyzer agrees: dynamic literal evaluates without errors', () => {
    const K = kusto();
    const code = K.KustoCode.ParseAndAnalyze(
      `print v = ${kqlDynamicStrings(['a"b', 'c\\d', 'e\u2028f', '😀'])}`,
      K.GlobalState.Default,
    );
    expect([...netList(code.GetDiagnostics())]).toHaveLength(0);
  });

  it('GUID, timespan, datetime and int helpers accept good values and reject bad ones', () => {
    expect(kqlGuid('00000000-0000-4000-8000-00000000B701')).toBe('guid(00000000-0000-4000-8000-00000000b701)');
    expect(() => kqlGuid('abc')).toThrow(KqlLiteralError);
    expect(() => kqlGuid('00000000-0000-4000-8000-00000000b701) | take 1 //')).toThrow(KqlLiteralError);
    expect(kqlTimespan('5m')).toBe('5m');
    expect(kqlTimespan('90m')).toBe('90m');
    expect(kqlTimespan('120m')).toBe('2h');
    expect(kqlTimespan('PT1H')).toBe('1h');
    expect(kqlTimespan(180)).toBe('180d');
    expect(() => kqlTimespan('1h; drop')).toThrow(KqlLiteralError);
    expect(() => kqlTimespan('5M')).toThrow(KqlLiteralError);
    expect(kqlDatetime('2026-01-02')).toBe('datetime(2026-01-02T00:00:00.000Z)');
    expect(kqlDatetime('2026-01-02T10:00:00')).toBe('datetime(2026-01-02T10:00:00.000Z)'); // no zone = UTC, as Kusto reads it
    expect(() => kqlDatetime('2026-13-45')).toThrow(KqlLiteralError);
    expect(() => kqlDatetime('now()')).toThrow(KqlLiteralError);
    expect(kqlInt(3)).toBe('3');
    expect(() => kqlInt('3 | take 1')).toThrow(KqlLiteralError);
    expect(toIsoDuration('5m')).toBe('PT5M');
    expect(toIsoDuration('1h')).toBe('PT1H');
    expect(toIsoDuration('14d')).toBe('P14D');
    expect(toIsoDuration('1d')).toBe('P1D');
  });

  it('timespan, GUID and datetime literals parse as single literal tokens', () => {
    for (const lit of [
      kqlTimespan('5m'),
      kqlTimespan('14d'),
      kqlGuid('00000000-0000-4000-8000-00000000b701'),
      kqlDatetime('2026-11-26T10:00:00Z'),
    ]) {
      const toks = tokens(`print v = ${lit}`);
      expect(toks.length).toBeLessThanOrEqual(4 + 3); // print v = then one literal (guid(...)/datetime(...) tokenise as one or three)
      expect(
        toks
          .slice(3)
          .map((t) => t.text)
          .join(''),
      ).toBe(lit);
    }
  });
});
