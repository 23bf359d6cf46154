/** A diagnostic's related locations (the first of two duplicates) in every output format. */
import { formatters } from '../../scripts/validate/format';
import { Diagnostic } from '../../scripts/core/diagnostic';

const dup: Diagnostic[] = [
  {
    code: 'pack-unique-ids',
    severity: 'error',
    message: 'duplicate analytic rule id "x"',
    file: 'rules/b.yaml',
    range: { start: { line: 0, character: 4 }, end: { line: 0, character: 40 } },
    related: [
      {
        message: 'also used by',
        file: 'rules/a.yaml',
        range: { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } },
      },
    ],
  },
];

describe('related locations', () => {
  it('stylish prints each after the diagnostic, 1-based', () => {
    expect(formatters.stylish(dup, { color: false })).toContain('\n    also used by rules/a.yaml:3:5\n');
  });
  it('json carries them with 1-based positions', () => {
    expect(JSON.parse(formatters.json(dup, {})).diagnostics[0].related).toEqual([
      { message: 'also used by', file: 'rules/a.yaml', line: 3, column: 5 },
    ]);
  });
  it('SARIF lists them as relatedLocations', () => {
    const result = JSON.parse(formatters.sarif(dup, {})).runs[0].results[0];
    expect(result.relatedLocations).toEqual([
      {
        id: 0,
        message: { text: 'also used by' },
        physicalLocation: {
          artifactLocation: { uri: 'rules/a.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 10 },
        },
      },
    ]);
  });
  it('JUnit names them in the failure text', () => {
    expect(formatters.junit(dup, {})).toContain('also used by rules/a.yaml:3:5');
  });
});
