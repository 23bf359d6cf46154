/**
 * test/setup.ts shares analyses and classifications between the test files of a Jest worker. Within this file two
 * fresh analyzers stand for two files: the second must not parse what the first analysed with the same declarations,
 * must get equal results, and must parse again when its declarations differ. If the analyzer's methods are renamed,
 * the sharing turns itself off and this test says so.
 */
import { kusto } from '../scripts/kql/kusto';
import { KqlAnalyzer } from '../scripts/kql/analyzer';
import { bundledSchemas } from '../scripts/kql/schemas';
import { loadConfig } from '../scripts/config/load';
import { loadPack } from '../scripts/content/pack';
import { accountMap } from '../scripts/livetest/accounts';
import { ruleTestSummaries } from '../scripts/livetest/offline';
import { EXAMPLE_CONFIG } from '../scripts/paths';

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

(process.env.BTG_TEST_SHARED_ANALYSES === '0' ? describe.skip : describe)(
  'rule test summaries shared by test files',
  () => {
    const shared = (globalThis as { __btgSharedAnalyses?: Map<string, string> }).__btgSharedAnalyses!;
    const summaryKeys = () => [...shared.keys()].filter((k) => k.startsWith('test-summary\u0000'));

    it('a rule summary is stored once per key, and other schemas make another key', () => {
      const config = loadConfig(EXAMPLE_CONFIG).config!;
      const rule = loadPack(config, EXAMPLE_CONFIG).rules.find((r) => r.templateId === 'btg-interactive-signin')!;
      const input = { watchlistAccounts: config.accounts, accounts: accountMap(config.accounts, config.accounts) };
      const first = ruleTestSummaries([rule], input);
      const keys = summaryKeys().filter((k) => k.includes('btg-interactive-signin'));
      expect(keys.length).toBeGreaterThanOrEqual(1);
      expect(first['btg-interactive-signin'].cases).toBeGreaterThan(0);
      // the same input again: answered from the shared store, nothing new stored, equal result
      expect(ruleTestSummaries([rule], input)).toEqual(first);
      expect(summaryKeys().filter((k) => k.includes('btg-interactive-signin'))).toEqual(keys);
      // schemas with the same number of tables but other columns are other keys (the key once held only the count);
      // the column names are unique per run, so no other file of the worker can have stored them
      const schemas = bundledSchemas();
      const withColumn = (name: string) =>
        Object.fromEntries(
          Object.entries(schemas).map(([t, cols]) => [
            t,
            t === 'SigninLogs' ? [...cols, { name, type: 'string' }] : cols,
          ]),
        );
      const unique = `${process.pid}_${Date.now()}`;
      ruleTestSummaries([rule], { ...input, schemas: withColumn(`A_${unique}`) });
      ruleTestSummaries([rule], { ...input, schemas: withColumn(`B_${unique}`) });
      expect(summaryKeys().filter((k) => k.includes('btg-interactive-signin')).length).toBe(keys.length + 2);
    });
  },
);
