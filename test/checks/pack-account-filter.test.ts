/** pack-account-filter: every pack rule and hunting query filters (in a where) on the break-glass account set. */
import { configWith, findings, templateRule, WATCHLIST_CONFIG } from '../helpers/pack';
import { loadConfig } from '../../scripts/config/load';
import { huntingItem, ruleItem, testCheck, validateDetectionTemplates } from '../helpers/checks';
import { baseRule } from '../helpers/rules';

const HUNTING = {
  name: 'Test hunting query',
  description: 'A test hunting query.',
  tactics: ['InitialAccess'],
  relevantTechniques: ['T1078.004'],
  query: '{{> btgAccounts}}\nSigninLogs\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId\n',
};
const UNFILTERED =
  'SigninLogs\n| where ResultType != "0"\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n';
const MESSAGE =
  /the query never filters on the break-glass account set: add \{\{> btgAccounts\}\} and a where clause on BtgAccountIds \/ BtgAccountUpns/;

type Case = {
  name: string;
  rules?: Record<string, Record<string, unknown>>;
  hunting?: Record<string, Record<string, unknown>>;
  watchlist?: boolean;
  expect: 'pass' | RegExp;
};
/** Cases whose outcome is the analyzer's finding: they run end to end. */
const cases: Case[] = [
  { name: 'no account filter at all', rules: { r: templateRule({ query: UNFILTERED }) }, expect: MESSAGE },
  {
    name: 'inside a set function in a where (watchlist mode)',
    rules: {
      r: templateRule({
        query:
          '{{> btgAccounts}}\nSigninLogs\n| where array_length(set_intersect(BtgAccountIds, pack_array(tolower(UserId)))) > 0\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
    },
    watchlist: true,
    expect: 'pass',
  },
  {
    name: 'the set declared but only used outside a where',
    rules: {
      r: templateRule({
        query:
          '{{> btgAccounts}}\nSigninLogs\n| extend IsBtg = tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress, IsBtg\n',
      }),
    },
    expect: MESSAGE,
  },
  {
    name: 'a look-alike variable of the same shape',
    rules: {
      r: templateRule({
        query:
          'let Admins = dynamic(["00000000-0000-4000-8000-00000000b701"]);\nSigninLogs\n| where tolower(UserId) in (Admins)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
    },
    expect: MESSAGE,
  },
];

/** The check on in-memory items: `where` names what the analyzer resolved inside a where clause. */
const rule = (over: Record<string, unknown> = {}) => ruleItem(templateRule(over), { fromPack: true, templateId: 'r' });
const hunt = (over: Record<string, unknown> = {}) => huntingItem({ ...HUNTING, ...over }, { templateId: 'h' });
testCheck('pack-account-filter', [
  { name: 'where on BtgAccountIds', item: rule(), analysis: { filterVariables: ['BtgAccountIds'] }, expect: 'pass' },
  {
    name: 'where on BtgAccountUpns only',
    item: rule(),
    analysis: { filterVariables: ['BtgAccountUpns'] },
    expect: 'pass',
  },
  {
    name: 'hunting query with the filter',
    item: hunt(),
    analysis: { filterVariables: ['BtgAccountIds'] },
    expect: 'pass',
  },
  { name: 'no account filter at all', item: rule({ query: UNFILTERED }), expect: MESSAGE, count: 1, about: 'r' },
  {
    name: 'a look-alike variable of the same shape',
    item: rule(),
    analysis: { filterVariables: ['Admins'] },
    expect: MESSAGE,
    count: 1,
    line: /^query:/,
  },
  { name: 'hunting query without the filter', item: hunt({ query: UNFILTERED }), expect: MESSAGE, about: 'h' },
  {
    name: 'a rule that declares scope: tenant (a tenant-wide path) is exempt',
    item: rule({ scope: 'tenant', query: UNFILTERED }),
    expect: 'pass',
  },
  {
    name: 'scope: accounts is not an exemption',
    item: rule({ scope: 'accounts', query: UNFILTERED }),
    expect: MESSAGE,
  },
  {
    name: 'a query over a table without schema is not judged (kql-unknown-table says why)',
    item: rule({ query: UNFILTERED }),
    analysis: { unknownTables: ['Custom_CL'] },
    expect: 'pass',
  },
  {
    name: "a user's own rule file is not held to it",
    item: ruleItem(baseRule({ query: UNFILTERED })),
    expect: 'pass',
  },
  {
    name: 'each offender once, among several items',
    items: [
      { item: rule(), analysis: { filterVariables: ['BtgAccountIds'] } },
      { item: ruleItem(templateRule({ query: UNFILTERED }), { fromPack: true, templateId: 'r2' }) },
    ],
    expect: MESSAGE,
    count: 1,
    about: 'r2',
  },
]);

/** End to end: which variables sit inside a where is the analyzer's finding (syntax tree, resolved symbols). */
describe('pack-account-filter through the analyzer', () => {
  for (const c of cases) {
    it(c.name, () => {
      const config = c.watchlist ? loadConfig(WATCHLIST_CONFIG).config! : configWith(() => undefined);
      const { diagnostics } = validateDetectionTemplates(c.rules ?? {}, { hunting: c.hunting, config });
      const f = findings(diagnostics, 'pack-account-filter');
      if (c.expect === 'pass') expect(f).toEqual([]);
      else {
        expect(f).toHaveLength(1);
        expect(f[0]).toMatch(c.expect);
        expect(diagnostics.find((d) => d.code === 'pack-account-filter')!.range).toBeDefined();
      }
    });
  }
});
