import { AnalysisStore, KqlAnalyzer } from '../../scripts/kql/analyzer';

const tables = {
  Alpha_CL: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'User', type: 'string' },
  ],
  Beta_CL: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'Count', type: 'long' },
  ],
  'My Table': [{ name: 'Id', type: 'string' }],
};

describe('KqlAnalyzer memo', () => {
  const analyzer = new KqlAnalyzer({ tables });

  it('analyses a query text once and hands every caller the same frozen result', () => {
    const q = 'Alpha_CL | where User == "x" | project TimeGenerated, User';
    const a = analyzer.analyze(q);
    expect(analyzer.analyze(q)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.columns)).toBe(true);
    expect(Object.isFrozen(a.columns[0])).toBe(true);
    expect(() => (a.columns as unknown as unknown[]).push({ name: 'x', type: 'y' })).toThrow(TypeError);
    expect(analyzer.analyze(q).columns).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'User', type: 'string' },
    ]);
  });

  it('classifications are memoised and frozen too', () => {
    const q = 'Beta_CL | summarize sum(Count)';
    const c = analyzer.classify(q);
    expect(analyzer.classify(q)).toBe(c);
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.some((r) => r.kind === 'Table')).toBe(true);
  });
});

describe('KqlAnalyzer declares only the tables a query names, with the same results', () => {
  // enough declared tables for the analyzer to scope them per query (below SCOPE_FROM it declares them all)
  const many = {
    ...tables,
    ...Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`Filler${i}_CL`, [{ name: 'x', type: 'string' }]])),
  };
  const queries = [
    'Alpha_CL | join kind=inner (Beta_CL) on TimeGenerated | project User, Count',
    "['My Table'] | project Id",
    'alpha_cl | take 1',
    'Gamma_CL | take 1',
    'union Alpha_CL, Beta_CL | summarize count() by bin(TimeGenerated, 1h)',
    'union withsource=T *_CL | summarize count() by T',
    'search "x" | take 1',
    'let t = table("Alpha_CL"); t | take 1',
    'Alpha_CL | extend Beta = 1 | where Beta > 0 | project Beta, User',
    '_GetWatchlist("accounts") | project SearchKey',
  ];

  it.each(queries)('%s', (q) => {
    // a query naming every table binds as the whole set does; compare against a fresh analyzer each time
    const scoped = new KqlAnalyzer({ tables: many }).analyze(q);
    // `search` in a comment makes the analyzer declare every table (the whole set)
    const whole = new KqlAnalyzer({ tables: many }).analyze(`${q}\n// search`);
    expect(scoped).toEqual(whole);
  });

  it('a table missing from the schemas is still reported, a wildcard union still reads every table', () => {
    const a = new KqlAnalyzer({ tables: many });
    expect(a.analyze('Gamma_CL | take 1').unknownTables).toEqual(['Gamma_CL']);
    const union = a.analyze('union *_CL | project User, Count');
    expect(union.diagnostics).toEqual([]);
    expect(union.columns).toEqual([
      { name: 'User', type: 'string' },
      { name: 'Count', type: 'long' },
    ]);
  });
});

describe('KqlAnalyzer store', () => {
  it('takes an analysis from the store without analysing, and fills the store after analysing', () => {
    const saved = new Map<string, unknown>();
    const store: AnalysisStore = {
      get: (kind, q) => saved.get(`${kind}:${q}`),
      set: (kind, q, v) => void saved.set(`${kind}:${q}`, JSON.parse(JSON.stringify(v))),
    };
    const first = new KqlAnalyzer({ tables });
    first.store = store;
    const q = 'Alpha_CL | project User';
    const a = first.analyze(q);
    first.classify(q);
    expect(saved.has(`analysis:${q}`)).toBe(true);
    expect(saved.has(`classification:${q}`)).toBe(true);

    // a planted value proves the second analyzer read the store instead of analysing
    const planted = { ...a, columns: [{ name: 'FromStore', type: 'string' }] };
    saved.set(`analysis:${q}`, planted);
    const second = new KqlAnalyzer({ tables });
    second.store = store;
    expect(second.analyze(q).columns).toEqual([{ name: 'FromStore', type: 'string' }]);
    expect(Object.isFrozen(second.analyze(q))).toBe(true);
  });
});
