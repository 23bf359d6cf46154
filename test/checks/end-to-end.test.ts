/**
 * The check families end to end: templates written to a temp folder, loaded and rendered by the content stage and
 * validated with the real analyzer (validateDetectionTemplates). These are the cases whose outcome is the loader's or
 * the analyzer's finding (the look-back, where-clause resolution, scans and tables in the syntax tree); the table
 * cases of each check run in milliseconds with testCheck in test/checks/<id>.test.ts. One file, so the Kusto bridge
 * warms up once for all of them.
 */
import { loadConfig } from '../../scripts/config/load';
import { validateDetectionTemplates } from '../helpers/checks';
import { configWith, findings, templateRule, WATCHLIST_CONFIG } from '../helpers/pack';

const BTG = '00000000-0000-4000-8000-00000000b701';
const delayed = (lookback: string) =>
  `{{> btgAccounts}}\nSigninLogs\n| where ingestion_time() > ago(${lookback})\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n`;

describe('rule-ingestion-delay: the loader computes the look-back, the analyzer finds the filter and its ago()', () => {
  it('a template without queryPeriod looks back frequency + the configured delay, and passes', () => {
    const config = configWith((d) => {
      d.options.ingestionDelay = '2h';
    });
    const template = templateRule({ queryFrequency: '1h', query: delayed('1h') });
    delete template.queryPeriod;
    const { rules, diagnostics } = validateDetectionTemplates({ 'btg-test': template }, { config });
    expect(rules[0].rule.queryPeriod).toBe('3h');
    expect(findings(diagnostics, 'rule-ingestion-delay')).toEqual([]);
  });

  it('ago() that differs from the frequency is found in the syntax tree', () => {
    const template = templateRule({ queryFrequency: '10m', query: delayed('15m') });
    delete template.queryPeriod;
    const { diagnostics } = validateDetectionTemplates({ 'btg-test': template });
    expect(findings(diagnostics, 'rule-ingestion-delay')).toEqual([
      expect.stringMatching(/ingestion_time\(\) > ago\(15m\) must use the rule's queryFrequency \(10m\)/),
    ]);
  });
});

describe('rule-test-rows: the tables the query reads come from the analyzer', () => {
  it('rows for the table the query reads pass', () => {
    const { diagnostics } = validateDetectionTemplates({ 'btg-test': templateRule() });
    expect(findings(diagnostics, 'rule-test-rows')).toEqual([]);
  });
  it('rows for a table the query does not read fail, at that table', () => {
    const tables = { AuditLogs: [{ TimeGenerated: '2026-11-20T08:00:00Z', OperationName: 'Update user' }] };
    const rule = templateRule({
      tests: [
        { name: 'fires', expect: 'fire', tables },
        { name: 'does not fire', expect: 'no-fire', tables: { SigninLogs: [{ UserId: BTG }] } },
      ],
    });
    const { diagnostics } = validateDetectionTemplates({ 'btg-test': rule });
    const mine = diagnostics.filter((d) => d.code === 'rule-test-rows');
    expect(mine.map((d) => d.message)).toEqual([
      'tests[0].tables.AuditLogs: the query does not read AuditLogs (it reads SigninLogs)',
    ]);
    expect(mine[0].item).toBe('btg-test');
    expect(mine[0].sourceLine?.trim()).toMatch(/^AuditLogs:/);
  });
});

const UNFILTERED =
  'SigninLogs\n| where ResultType != "0"\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n';
const NOT_FILTERED =
  /the query never filters on the break-glass account set: add \{\{> btgAccounts\}\} and a where clause on BtgAccountIds \/ BtgAccountUpns/;

describe('pack-account-filter: which variables sit inside a where is the analyzer’s finding', () => {
  const cases: { name: string; query: string; watchlist?: boolean; expect: 'pass' | RegExp }[] = [
    { name: 'no account filter at all', query: UNFILTERED, expect: NOT_FILTERED },
    {
      name: 'inside a set function in a where (watchlist mode)',
      query:
        '{{> btgAccounts}}\nSigninLogs\n| where array_length(set_intersect(BtgAccountIds, pack_array(tolower(UserId)))) > 0\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      watchlist: true,
      expect: 'pass',
    },
    {
      name: 'the set declared but only used outside a where',
      query:
        '{{> btgAccounts}}\nSigninLogs\n| extend IsBtg = tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress, IsBtg\n',
      expect: NOT_FILTERED,
    },
    {
      name: 'a look-alike variable of the same shape',
      query:
        'let Admins = dynamic(["00000000-0000-4000-8000-00000000b701"]);\nSigninLogs\n| where tolower(UserId) in (Admins)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      expect: NOT_FILTERED,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const config = c.watchlist ? loadConfig(WATCHLIST_CONFIG).config! : configWith(() => undefined);
      const { diagnostics } = validateDetectionTemplates({ r: templateRule({ query: c.query }) }, { config });
      const f = findings(diagnostics, 'pack-account-filter');
      if (c.expect === 'pass') expect(f).toEqual([]);
      else {
        expect(f).toEqual([expect.stringMatching(c.expect)]);
        expect(diagnostics.find((d) => d.code === 'pack-account-filter')!.range).toBeDefined();
      }
    });
});

describe('rule-no-search-star: the scans are found in the syntax tree', () => {
  const PROJECT =
    '| project TimeGenerated, UserId = tostring(column_ifexists("UserId", "")), UserPrincipalName = "", IPAddress = ""\n';
  const cases: { name: string; query: string; expect: 'pass' | RegExp }[] = [
    {
      name: 'search in named tables',
      query:
        '{{> btgAccounts}}\nsearch in (SigninLogs) "btg-emergency"\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      expect: 'pass',
    },
    {
      name: 'union *',
      query: `{{> btgAccounts}}\nunion *\n| where tolower(tostring(column_ifexists("UserId", ""))) in (BtgAccountIds)\n${PROJECT}`,
      expect: /"union \*" scans every table/,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const { diagnostics } = validateDetectionTemplates({ 'btg-test': templateRule({ query: c.query, tests: [] }) });
      const f = findings(diagnostics, 'rule-no-search-star');
      if (c.expect === 'pass') expect(f).toEqual([]);
      else {
        expect(f).toEqual([expect.stringMatching(c.expect)]);
        expect(diagnostics.find((d) => d.code === 'rule-no-search-star')!.sourceLine).toMatch(/union \*/);
      }
    });
});

describe('pack checks over loaded templates', () => {
  it('pack-mitre-mapping: a template without techniques fails at its key', () => {
    const { diagnostics } = validateDetectionTemplates({ 'btg-test': templateRule({ relevantTechniques: [] }) });
    expect(findings(diagnostics, 'pack-mitre-mapping')).toEqual([
      expect.stringMatching(/a pack rule needs at least one tactic and one technique/),
    ]);
    expect(diagnostics.find((d) => d.code === 'pack-mitre-mapping')!.sourceLine).toMatch(/^relevantTechniques:/);
  });

  it('pack-unique-names: two templates with one title fail, at the name of the second', () => {
    const { diagnostics } = validateDetectionTemplates({
      'btg-a': templateRule({ name: 'Break-glass sign-in' }),
      'btg-b': templateRule({ name: ' break-glass SIGN-IN ' }),
    });
    expect(findings(diagnostics, 'pack-unique-names')).toEqual([
      'btg-b → duplicate name " break-glass SIGN-IN ": also used by btg-a',
    ]);
    expect(diagnostics.find((d) => d.code === 'pack-unique-names')!.sourceLine).toMatch(/^name:/);
  });
});
