/** pack-account-filter: every pack rule and hunting query filters (in a where) on the break-glass account set. */
import { configWith, findings, templateRule, validateTemplates, WATCHLIST_CONFIG } from '../helpers/pack';
import { loadConfig } from '../../scripts/config/load';

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
const cases: Case[] = [
  { name: 'where on BtgAccountIds', rules: { r: templateRule() }, expect: 'pass' },
  {
    name: 'where on BtgAccountUpns only',
    rules: {
      r: templateRule({
        query:
          '{{> btgAccounts}}\nSigninLogs\n| where tolower(UserPrincipalName) in (BtgAccountUpns)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
    },
    expect: 'pass',
  },
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
  { name: 'hunting query with the filter', hunting: { h: HUNTING }, expect: 'pass' },
  { name: 'no account filter at all', rules: { r: templateRule({ query: UNFILTERED }) }, expect: MESSAGE },
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
  { name: 'hunting query without the filter', hunting: { h: { ...HUNTING, query: UNFILTERED } }, expect: MESSAGE },
  {
    name: 'a rule that declares scope: tenant (a tenant-wide path) is exempt',
    rules: { r: templateRule({ scope: 'tenant', query: UNFILTERED }) },
    expect: 'pass',
  },
  {
    name: 'scope: accounts is not an exemption',
    rules: { r: templateRule({ scope: 'accounts', query: UNFILTERED }) },
    expect: MESSAGE,
  },
];

describe('pack-account-filter', () => {
  for (const c of cases) {
    it(c.name, () => {
      const config = c.watchlist ? loadConfig(WATCHLIST_CONFIG).config! : configWith(() => undefined);
      const { diagnostics } = validateTemplates(c.rules ?? {}, { hunting: c.hunting, config });
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
