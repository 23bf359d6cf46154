/**
 * Property tests for the literal helpers test rows need: kqlDynamicValue (any JSON → dynamic(...)), kqlReal, kqlBool.
 * The check is Kusto's own parser: the dynamic literal's JSON nodes (JsonObjectExpression, JsonPair,
 * JsonArrayExpression, literal tokens) are read back into a value that must equal the input as JSON.
 */
import fc from 'fast-check';
import { kusto, netList } from '../../scripts/kql/kusto';
import { kqlBool, kqlDynamicValue, KqlLiteralError, kqlReal } from '../../scripts/kql/literals';

/* eslint-disable @typescript-eslint/no-explicit-any */
const K = kusto();
const SK = K.Syntax.SyntaxKind;
const kindName = (n: any): string => SK.$names?.[n.Kind] ?? String(n.Kind);

function children(n: any): any[] {
  const out: any[] = [];
  for (let i = 0; i < n.ChildCount; i++) {
    const c = n.GetChild(i);
    if (c) out.push(c);
  }
  return out;
}

/** Elements of a SyntaxList of SeparatedElements. */
function elements(list: any): any[] {
  return children(list).map((sep) => sep.Element ?? children(sep)[0]);
}

/** A JSON value from Kusto's parse tree of a dynamic literal body. */
function valueOf(n: any): unknown {
  switch (kindName(n)) {
    case 'JsonObjectExpression': {
      const list = children(n).find((c) => kindName(c) === 'List');
      const o: Record<string, unknown> = {};
      for (const pair of list ? elements(list) : []) {
        const [name, , value] = children(pair);
        expect(kindName(name)).toBe('StringLiteralToken');
        // an own property even for "__proto__" (plain assignment would set the prototype instead)
        Object.defineProperty(o, name.ValueText, {
          value: valueOf(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return o;
    }
    case 'JsonArrayExpression': {
      const list = children(n).find((c) => kindName(c) === 'List');
      return list ? elements(list).map(valueOf) : [];
    }
    case 'StringLiteralExpression':
      return children(n)[0].ValueText;
    case 'LongLiteralExpression': {
      const v = Number(children(n)[0].Text);
      expect(Number.isSafeInteger(v)).toBe(true); // a long literal never overflows or rounds
      return v;
    }
    case 'RealLiteralExpression':
      return Number(children(n)[0].Text);
    case 'UnaryMinusExpression':
      return -(valueOf(children(n)[1]) as number);
    case 'BooleanLiteralExpression':
      return children(n)[0].Text === 'true';
    case 'NullLiteralExpression':
      return null;
    default:
      throw new Error(`unexpected node ${kindName(n)} in a dynamic literal`);
  }
}

/** Parse `print v = <literal>`; no syntax errors; returns the DynamicExpression's body value. */
function parseDynamic(literal: string): unknown {
  const text = `print v = ${literal}`;
  const code = K.KustoCode.Parse(text);
  const diags = [...netList(code.GetDiagnostics())];
  if (diags.length) throw new Error(`syntax errors in ${literal}: ${diags.map((d: any) => d.Message).join('; ')}`);
  let dyn: any;
  code.Syntax.WalkNodes((n: any) => {
    if (!dyn && kindName(n) === 'DynamicExpression') dyn = n;
  });
  expect(dyn).toBeDefined();
  // exactly one literal: the print has one expression and it spans the whole literal text
  expect(text.substr(dyn.TextStart, dyn.Width)).toBe(literal);
  const body = children(dyn).filter(
    (c) => !['DynamicKeyword', 'OpenParenToken', 'CloseParenToken'].includes(kindName(c)),
  );
  expect(body).toHaveLength(1);
  return valueOf(body[0]);
}

const nastyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom(
      '"',
      "'",
      '\\',
      '\n',
      '\r',
      '\t',
      '\u2028',
      '|',
      ';',
      '/',
      '`',
      '{',
      '}',
      '[',
      ']',
      ':',
      ',',
      ')',
      '(',
      '😀',
      'é',
      '\0',
      'a',
      ' ',
    ),
    maxLength: 20,
  }),
  fc.string({ unit: 'binary', maxLength: 16 }),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    nastyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('kqlDynamicValue', () => {
  it('Kusto parses dynamic(<json>) back to exactly the input, for any JSON value', () => {
    fc.assert(
      fc.property(json, (v) => {
        const expected = JSON.parse(JSON.stringify(v)); // JSON semantics: -0 is 0
        expect(parseDynamic(kqlDynamicValue(v))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('integers beyond the safe range are written in exponent form (a real), never as an overflowing long', () => {
    for (const n of [1e19, -(2 ** 60), 2 ** 53 + 2, 123456789012345680000]) {
      const lit = kqlDynamicValue([n]);
      expect(lit).toMatch(/^dynamic\(\[-?\d(\.\d+)?e\+\d+\]\)$/);
      expect(parseDynamic(lit)).toEqual([n]);
    }
    expect(kqlDynamicValue([2 ** 53 - 1, -5])).toBe('dynamic([9007199254740991, -5])');
  });

  it('the analyzer types it dynamic without errors, also as a datatable value', () => {
    const v = { city: 'Oslo', 'a"b': ['x\\y', 1, -2.5, 1e21, true, null, {}], '': [] };
    const code = K.KustoCode.ParseAndAnalyze(
      `datatable(d:dynamic)[${kqlDynamicValue(v)}, ${kqlDynamicValue(null)}]`,
      K.GlobalState.Default,
    );
    expect([...netList(code.GetDiagnostics())]).toEqual([]);
    expect([...netList(code.ResultType.Columns)].map((c: any) => c.Type.Name)).toEqual(['dynamic']);
  });

  it('refuses what is not JSON', () => {
    expect(() => kqlDynamicValue(new Date())).toThrow(KqlLiteralError);
    expect(() => kqlDynamicValue(NaN)).toThrow(KqlLiteralError);
    expect(() => kqlDynamicValue({ a: Infinity })).toThrow(KqlLiteralError);
    expect(() => kqlDynamicValue(() => 1)).toThrow(KqlLiteralError);
    expect(() => kqlDynamicValue(new Map())).toThrow(KqlLiteralError);
    let deep: unknown = 1;
    for (let i = 0; i < 80; i++) deep = [deep];
    expect(() => kqlDynamicValue(deep)).toThrow(/deeper than 64/);
  });
});

describe('kqlReal and kqlBool', () => {
  it('kqlReal is one real literal token with the same value, for any finite number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const lit = kqlReal(x);
        const code = K.KustoCode.Parse(`print v = ${lit}`);
        expect([...netList(code.GetDiagnostics())]).toEqual([]);
        const toks: any[] = [];
        code.Syntax.WalkTokens((t: any) => {
          if (t.Kind !== SK.EndOfTextToken) toks.push(t);
        });
        expect(toks).toHaveLength(4);
        expect(kindName(toks[3])).toBe('RealLiteralToken');
        expect(Number(toks[3].ValueText)).toBe(Object.is(x, -0) ? 0 : x);
      }),
      { numRuns: 500 },
    );
    expect(() => kqlReal(NaN)).toThrow(KqlLiteralError);
    expect(() => kqlReal('1.5')).toThrow(KqlLiteralError);
  });

  it('kqlBool takes only booleans', () => {
    expect(kqlBool(true)).toBe('true');
    expect(kqlBool(false)).toBe('false');
    expect(() => kqlBool('false')).toThrow(KqlLiteralError);
    expect(() => kqlBool(0)).toThrow(KqlLiteralError);
  });
});
