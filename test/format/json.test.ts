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
});
