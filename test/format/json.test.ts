import { formatters } from '../../scripts/validate/format';
import { count, MIXED, OPTIONS } from './fixture';

describe('json', () => {
  const out = JSON.parse(formatters.json(MIXED, { ...OPTIONS, extra: { checked: 'the pack' } }));

  it('counts errors and warnings and says whether the run is ok', () => {
    expect(out).toMatchObject({ ok: false, errors: count('error'), warnings: count('warning'), checked: 'the pack' });
    expect(out.diagnostics).toHaveLength(MIXED.length);
  });

  it('gives 1-based positions, the path and the item', () => {
    const d = out.diagnostics.find((x: { code: string }) => x.code === 'rule-entity-column');
    expect(d).toEqual({
      code: 'rule-entity-column',
      severity: 'error',
      message: MIXED[2].message,
      file: 'detections/btg-interactive-signin.yaml',
      line: 36,
      column: 21,
      endLine: 36,
      endColumn: 32,
      path: ['entityMappings', 0, 'fieldMappings', 1, 'columnName'],
      item: 'btg-interactive-signin',
    });
  });

  it('is ok with warnings only', () => {
    expect(
      JSON.parse(
        formatters.json(
          MIXED.filter((d) => d.severity !== 'error'),
          OPTIONS,
        ),
      ).ok,
    ).toBe(true);
  });
  it('escapes C1 controls and direction overrides (JSON.stringify leaves them raw): the same values', () => {
    const d = { ...MIXED[0], message: 'a\u202eb\u009b31mc\u2066d\x7f', file: 'x\u0085.yaml' };
    for (const format of ['json', 'sarif'] as const) {
      const text = formatters[format]([d], OPTIONS);
      // eslint-disable-next-line no-control-regex -- the characters a terminal would act on
      expect({ format, raw: /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(text) }).toEqual({ format, raw: false });
      expect(text).toContain('a\\u202eb\\u009b31mc\\u2066d\\u007f');
      expect(JSON.stringify(JSON.parse(text))).toContain(JSON.stringify(d.message).slice(1, -1));
    }
  });
});
