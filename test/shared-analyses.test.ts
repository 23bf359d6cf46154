/**
 * test/setup.ts shares analyses and classifications between the test files of a Jest worker. Within this file two
 * fresh analyzers stand for two files: the second must not parse what the first analysed with the same declarations,
 * must get equal results, and must parse again when its declarations differ. If the analyzer's methods are renamed,
 * the sharing turns itself off and this test says so.
 */
import { kusto } from '../scripts/kql/kusto';
import { KqlAnalyzer } from '../scripts/kql/analyzer';

const tables = {
  Shared_CL: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'User', type: 'string' },
  ],
};

/** How many times the Kusto bridge parses during `fn`. */
function parses(fn: () => void): number {
  const code = kusto().KustoCode;
  const original = code.ParseAndAnalyze;
  let n = 0;
  code.ParseAndAnalyze = function (...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    fn();
  } finally {
    code.ParseAndAnalyze = original;
  }
  return n;
}

(process.env.BTG_TEST_SHARED_ANALYSES === '0' ? describe.skip : describe)('analyses shared by test files', () => {
  // unique per run, so nothing analysed by another file of the worker can answer it
  const query = `Shared_CL | where User == "${process.pid}-${Date.now()}" | project TimeGenerated, User`;

  it('a second analyzer with the same declarations takes the analysis and classification without parsing', () => {
    const first = new KqlAnalyzer({ tables });
    let analysis: unknown;
    let ranges: unknown;
    expect(
      parses(() => {
        analysis = first.analyze(query);
        ranges = first.classify(query);
      }),
    ).toBeGreaterThan(0);

    const second = new KqlAnalyzer({ tables });
    expect(
      parses(() => {
        expect(second.analyze(query)).toEqual(analysis);
        expect(second.classify(query)).toEqual(ranges);
      }),
    ).toBe(0);
    // frozen and memoised as the analyzer's own results are
    expect(Object.isFrozen(second.analyze(query))).toBe(true);
    expect(second.classify(query)).toBe(second.classify(query));
    expect(Object.isFrozen(second.classify(query))).toBe(true);
  });

  it('different declarations are analysed on their own', () => {
    new KqlAnalyzer({ tables }).analyze(query);
    const other = new KqlAnalyzer({ tables: { Shared_CL: [{ name: 'TimeGenerated', type: 'datetime' }] } });
    expect(parses(() => expect(other.analyze(query).diagnostics.length).toBeGreaterThan(0))).toBeGreaterThan(0);
  });
});
