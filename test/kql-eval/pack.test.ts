/**
 * The pack's rules, executed offline: every rule's every test case runs through its real rendered query in the KQL
 * evaluator, in both account modes (inline IDs, and a watchlist), and must come out as the case says. A rule that
 * stops firing on its positive rows fails here. Also: every query of the pack (rules, hunting, workbook tiles with
 * parameters substituted, playbook queries, the Monitor alert) is within the evaluator's scope, and what it returns
 * has exactly the columns and types Microsoft's analyzer computes for it.
 */
import { loadConfig } from '../../scripts/config/load';
import { Config } from '../../scripts/config/schema';
import { RuleItem } from '../../scripts/content/items';
import { loadPack, Pack } from '../../scripts/content/pack';
import { defaultAnalyzer } from '../../scripts/kql/analyzer';
import { compileQuery, evaluate, table } from '../../scripts/kql/eval';
import { bundledSchemas } from '../../scripts/kql/schemas';
import {
  accountMap,
  OfflineReport,
  planTests,
  ruleTestSummaries,
  runOffline,
  WATCHLIST_SHADOW_COLUMNS,
} from '../../scripts/livetest';
import { ruleSection } from '../../scripts/emit/report/items';
import { cleanupTmp, packOf, ruleTemplate } from '../livetest/helpers';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import { analysisRendered, parameterScopes, visibleAt } from '../../scripts/validate/workbookParams';

const NOW = new Date('2026-11-26T10:00:00.000Z');
const WATCHLIST_CONFIG = 'test/fixtures/configs/watchlist.yaml';
const schemas = bundledSchemas();

function config(file: string): Config {
  const { config: c, diagnostics } = loadConfig(file);
  if (!c) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return c;
}

function runPack(pack: Pack, example: Config, opts: { mutate?: boolean; rules?: RuleItem[] } = {}): OfflineReport {
  const rules = opts.rules ?? pack.rules;
  const plan = planTests({
    rules,
    schemas,
    now: NOW,
    accounts: accountMap(example.accounts, pack.config.accounts),
    watchlistAccounts: pack.config.accounts,
    validate: false,
  });
  return runOffline(plan, rules, {
    analyzer: defaultAnalyzer(),
    schemas,
    watchlistAccounts: pack.config.accounts,
    accounts: accountMap(example.accounts, pack.config.accounts),
    mutate: opts.mutate,
  });
}

/** What `npm test` asserts of the pack: every case executed and as expected. Lists every offender with its evidence. */
function packOffenders(report: OfflineReport): string[] {
  return report.rules.flatMap((r) =>
    r.cases
      .filter((c) => c.status !== 'pass')
      .map(
        (c) =>
          `${r.templateId} → ${c.name} → ${c.status}${c.error ? `: ${c.error}` : ''}${c.problems.length ? `: ${c.problems.join('; ')}` : ''}${c.details ? `\n    ${c.details.join('\n    ')}` : ''}`,
      ),
  );
}

const example = config(EXAMPLE_CONFIG);
const packs: [string, Pack][] = [
  ['inline accounts (examples/btg.config.yaml)', loadPack(example, EXAMPLE_CONFIG)],
  ['watchlist accounts (test/fixtures/configs/watchlist.yaml)', loadPack(config(WATCHLIST_CONFIG), WATCHLIST_CONFIG)],
];

describe.each(packs)("the pack's rule tests executed offline, %s", (_mode, pack) => {
  let report: OfflineReport;
  beforeAll(() => {
    // with the mutation run: its score per rule is a goal of the pack (>= 80%), checked below
    report = runPack(pack, example, { mutate: true });
  });

  it('has rules with fire and no-fire cases (the assertion below is not vacuous)', () => {
    const cases = report.rules.flatMap((r) => r.cases);
    expect(report.rules.length).toBeGreaterThanOrEqual(11);
    expect(cases.filter((c) => c.expect === 'fire').length).toBeGreaterThanOrEqual(11);
    expect(cases.filter((c) => c.expect === 'no-fire').length).toBeGreaterThanOrEqual(11);
    // every rule with tests has at least one case that executed
    expect(
      report.rules
        .filter((r) => r.cases.length && !r.cases.some((c) => c.status === 'pass' || c.status === 'fail'))
        .map((r) => r.templateId),
    ).toEqual([]);
  });

  it('every case of every rule comes out as it says (fire / no-fire, alert values)', () => {
    expect(packOffenders(report)).toEqual([]);
  });

  it("every rule's rows kill at least 80% of its query's mutants", () => {
    const scored = report.rules.filter((r) => r.mutation && !r.mutation.notScored);
    expect(scored.length).toBe(report.rules.filter((r) => r.cases.length).length);
    const weak = scored
      .filter((r) => r.mutation!.score < 0.8)
      .map(
        (r) =>
          `${r.templateId}: ${r.mutation!.killed}/${r.mutation!.total}; survivors:\n    ${r.mutation!.survivors.join('\n    ')}`,
      );
    expect(weak).toEqual([]);
  });
});

describe('a rule whose filter is broken on purpose fails the pack test (negative control)', () => {
  const pack = packs[0][1];
  const broken = (id: string, from: RegExp, to: string): RuleItem[] =>
    pack.rules.map((r) => {
      if (r.templateId !== id) return r;
      const text = r.query.text.replace(from, to);
      expect(text).not.toBe(r.query.text);
      return { ...r, query: { ...r.query, text } };
    });

  it('`in (BtgAccountIds)` turned into `!in`: the interactive sign-in rule stops firing on its positive rows', () => {
    const report = runPack(pack, example, {
      rules: broken(
        'btg-interactive-signin',
        /tolower\(UserId\) in \(BtgAccountIds\) or tolower\(UserPrincipalName\) in \(BtgAccountUpns\)/,
        'tolower(UserId) !in (BtgAccountIds) and tolower(UserPrincipalName) !in (BtgAccountUpns)',
      ),
    });
    const offenders = packOffenders(report);
    expect(offenders.length).toBeGreaterThan(0);
    expect(offenders.every((o) => o.startsWith('btg-interactive-signin → '))).toBe(true);
    // the failure shows where the rows went
    expect(offenders.join('\n')).toMatch(
      /no row came out; where the rows were dropped:\n\s+query \d+:\d+ where tolower\(UserId\) !in \(BtgAccountIds\).*: 1 row\(s\) in, 0 out/,
    );
  });

  it('a threshold loosened by one makes the failed-sign-ins rule fire on its below-threshold rows', () => {
    const report = runPack(pack, example, {
      rules: broken('btg-failed-signins', /Failures >= (\d+)/, 'Failures >= 1'),
    });
    const offenders = packOffenders(report);
    expect(offenders.some((o) => /^btg-failed-signins → .* → fail\n\s+1 row\(s\) came out:/.test(o))).toBe(true);
  });

  it('`has` for `contains`-style matching: an alert expectation on a wrong value fails with the values the alert has', () => {
    const rule = pack.rules.find((r) => r.templateId === 'btg-failed-signins')!;
    const fire = rule.tests.find((t) => t.expect === 'fire')!;
    const wrong = {
      ...rule,
      tests: [{ ...fire, alert: { entities: { 'Account.AadUserId': '00000000-0000-4000-8000-000000000bad' } } }],
    };
    const report = runPack(pack, example, { rules: [wrong] });
    expect(packOffenders(report).join('\n')).toMatch(
      /entity Account\.AadUserId \(column UserId\): expected "00000000-0000-4000-8000-000000000bad", the alerts have "00000000-0000-4000-8000-00000000b701"/,
    );
  });

  it('an alert severity expectation reads the severity column, or the rule severity when it has none', () => {
    const withColumn = pack.rules.find((r) => r.templateId === 'btg-auth-methods-policy-changed')!;
    const medium = withColumn.tests.find((t) => t.alert?.severity === 'Medium')!;
    const high = withColumn.tests.find((t) => t.alert?.severity === 'High')!;
    const flipped = {
      ...withColumn,
      tests: [
        { ...medium, alert: { severity: 'High' as const } },
        { ...high, alert: { severity: 'High' as const } },
      ],
    };
    const dynamic = packOffenders(runPack(pack, example, { rules: [flipped] }));
    expect(dynamic).toHaveLength(1);
    expect(dynamic[0]).toMatch(/severity \(column AlertSeverity\): expected "High", the alerts have "Medium"/);

    const fixed = pack.rules.find((r) => r.templateId === 'btg-interactive-signin')!;
    expect(fixed.rule.alertDetailsOverride?.alertSeverityColumnName).toBeUndefined();
    const fire = fixed.tests.find((t) => t.expect === 'fire')!;
    const other = fixed.rule.severity === 'Low' ? 'Medium' : 'Low';
    const wrong = { ...fixed, tests: [{ ...fire, alert: { severity: other as 'Low' } }] };
    expect(packOffenders(runPack(pack, example, { rules: [wrong] })).join('\n')).toMatch(
      new RegExp(`alert\\.severity: expected ${other}, the rule's alerts are ${fixed.rule.severity}`),
    );
    const right = { ...fixed, tests: [{ ...fire, alert: { severity: fixed.rule.severity as 'High' } }] };
    expect(packOffenders(runPack(pack, example, { rules: [right] }))).toEqual([]);
  });
});

describe("every query of the pack is within the offline scope, and its result has the analyzer's columns", () => {
  const watchlist = () => table(WATCHLIST_SHADOW_COLUMNS, []);
  for (const [mode, pack] of packs) {
    it(mode, () => {
      const ex = pack;
      const queries: [string, string][] = [
        ...pack.rules.map((r) => [`rule ${r.templateId}`, r.query.text] as [string, string]),
        ...pack.hunting.map((h) => [`hunting ${h.templateId}`, h.query.text] as [string, string]),
        ...ex.workbooks.flatMap((wb) => {
          const scopes = parameterScopes(wb.data);
          return wb.queries.map(
            (q) =>
              [`workbook ${q.itemName}`, analysisRendered(q.query.rendered, visibleAt(scopes, q.path)).text] as [
                string,
                string,
              ],
          );
        }),
        ...ex.playbookQueries.map((q) => [`playbook ${q.name}`, q.query.text] as [string, string]),
        ...ex.monitorAlerts.map((m) => [`monitor ${m.templateId}`, m.query.text] as [string, string]),
      ];
      expect(queries.length).toBeGreaterThanOrEqual(30);
      const offenders: string[] = [];
      for (const [name, text] of queries) {
        const q = compileQuery(text, defaultAnalyzer());
        if (q.errors.length) continue; // workbook stand-ins the analyzer rejects are the validator's business
        if (q.unsupported.length) {
          offenders.push(`${name}: ${q.unsupported.map((e) => e.message).join('; ')}`);
          continue;
        }
        const result = evaluate(q, { tables: {}, functions: { _GetWatchlist: watchlist }, now: NOW.getTime() });
        const rt = q.code.ResultType;
        if (!rt?.Columns || rt.IsOpen) continue;
        const want: string[] = [];
        for (let i = 0; i < rt.Columns.Count; i++)
          want.push(`${rt.Columns.getItem(i).Name}:${rt.Columns.getItem(i).Type.Name.replace(/^int$/, 'long')}`);
        const got = result.columns.map((c) => `${c.name}:${c.type}`);
        if (JSON.stringify(got) !== JSON.stringify(want))
          offenders.push(
            `${name}: evaluator columns (${got.join(', ')}) differ from the analyzer's (${want.join(', ')})`,
          );
      }
      expect(offenders).toEqual([]);
    });
  }
});

describe("report.html shows each detection's offline tests and mutation score", () => {
  it('from the real mutation run of the pack', () => {
    const pack = packs[0][1];
    const rule = pack.rules.find((r) => r.templateId === 'btg-failed-signins')!;
    // the run the build makes, for the one rule this looks at
    const tests = ruleTestSummaries([rule], {
      accounts: accountMap(example.accounts, pack.config.accounts),
      watchlistAccounts: pack.config.accounts,
      now: NOW,
    });
    const t = tests[rule.templateId];
    expect(t.passed).toBe(t.cases);
    expect(t.mutation!.total).toBeGreaterThan(5);
    const html = String(ruleSection(rule, { artifacts: [], classify: () => [], tests }));
    const pct = Math.round(t.mutation!.score * 100);
    expect(html).toContain(
      `<dt>Tests</dt><dd>${t.passed}/${t.cases} cases pass offline · <span class="mutation-score${pct < 80 ? ' low' : ''}" data-mutation-score="${pct}"`,
    );
    expect(html).toContain(`mutation score ${pct}% (${t.mutation!.killed}/${t.mutation!.total} mutants killed)`);
  });
});

describe("btg test --mutate scores how many query mutants a rule's rows kill", () => {
  const B1 = '00000000-0000-4000-8000-00000000b701';
  const UPN1 = 'btg-emergency-01@contoso.example';
  const query =
    '{{> btgAccounts}}\nSigninLogs\n| where tolower(UserId) in (BtgAccountIds) or tolower(UserPrincipalName) in (BtgAccountUpns)\n| extend Outcome = iff(ResultType == "0", "success", "failure")\n| project TimeGenerated, UserId, UserPrincipalName, Outcome\n';
  const fire = {
    name: 'btg sign-in fires',
    expect: 'fire',
    tables: {
      SigninLogs: [{ TimeGenerated: '2026-11-20T08:15:00Z', UserId: B1, UserPrincipalName: UPN1, ResultType: '0' }],
    },
  };
  const other = {
    name: "another user's sign-in does not fire",
    expect: 'no-fire',
    tables: {
      SigninLogs: [
        {
          TimeGenerated: '2026-11-20T08:15:00Z',
          UserId: '00000000-0000-4000-8000-0000000000ff',
          UserPrincipalName: 'someone@contoso.example',
          ResultType: '0',
        },
      ],
    },
  };
  afterAll(cleanupTmp);
  const score = (tests: unknown[]) => {
    const pack = packOf(example, {
      'btg-mutate-probe': ruleTemplate({ query, tests, customDetails: { Outcome: 'Outcome' } }),
    });
    return runPack(pack, example, { mutate: true }).rules[0].mutation!;
  };

  it('a lone firing case kills only the negated filter; the survivors are listed with line:col', () => {
    const m = score([fire]);
    // mutants: negate/drop the where, swap each `in`, swap the `==` of the enrichment
    expect(m.total).toBe(5);
    expect(m.killed).toBe(1);
    expect(m.survivors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\d+:\d+ drop: where tolower\(UserId\) in \(BtgAccountIds\)/),
        expect.stringMatching(/^\d+:\d+ swap in: tolower\(UserId\) in \(BtgAccountIds\)$/),
      ]),
    );
  });

  it("another user's row kills the filter mutants; an alert: expectation kills the enrichment mutant", () => {
    expect(score([fire, other])).toMatchObject({
      total: 5,
      killed: 4,
      survivors: [expect.stringMatching(/swap ==: ResultType == "0"$/)],
    });
    expect(score([{ ...fire, alert: { customDetails: { Outcome: 'success' } } }, other])).toMatchObject({
      total: 5,
      killed: 5,
      score: 1,
      survivors: [],
    });
  });
});

describe('a rule using something outside the offline scope is refused, never guessed', () => {
  afterAll(cleanupTmp);
  it('names the function and its place in the rule template, and points at --live', () => {
    const query =
      '{{> btgAccounts}}\nSigninLogs\n| where tolower(UserId) in (BtgAccountIds)\n| extend Digest = hash_sha256(UserId)\n';
    const pack = packOf(example, { 'btg-scope-probe': ruleTemplate({ query }) });
    const report = runPack(pack, example);
    const c = report.rules[0].cases[0];
    expect(c.status).toBe('error');
    expect(c.error).toMatch(
      /^not supported offline: hash_sha256\(\) at .*btg-scope-probe\.yaml:\d+:\d+ \(run btg test --live\)$/,
    );
  });
});
