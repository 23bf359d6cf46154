/** rule-no-search-star on pack templates: no `search *` and no `union *`, even with an account filter. */
import { findings, templateRule, validateTemplates } from '../helpers/pack';

const PROJECT =
  '| project TimeGenerated, UserId = tostring(column_ifexists("UserId", "")), UserPrincipalName = "", IPAddress = ""\n';
const cases: { name: string; query: string; expect: 'pass' | RegExp }[] = [
  {
    name: 'a union of named tables',
    query:
      '{{> btgAccounts}}\nunion SigninLogs, AADNonInteractiveUserSignInLogs\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
    expect: 'pass',
  },
  {
    name: 'search in named tables',
    query:
      '{{> btgAccounts}}\nsearch in (SigninLogs) "btg-emergency"\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
    expect: 'pass',
  },
  {
    name: 'union * with the account filter',
    query: `{{> btgAccounts}}\nunion *\n| where tolower(tostring(column_ifexists("UserId", ""))) in (BtgAccountIds)\n${PROJECT}`,
    expect: /"union \*" scans every table, which analytics rules do not allow; name the tables/,
  },
  {
    name: 'search without in',
    query: `{{> btgAccounts}}\nsearch "btg-emergency"\n| where tolower(tostring(column_ifexists("UserId", ""))) in (BtgAccountIds)\n${PROJECT}`,
    expect: /"search "btg-emergency"" scans every table/,
  },
];

describe('rule-no-search-star', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { diagnostics } = validateTemplates({ 'btg-test': templateRule({ query: c.query, tests: [] }) });
      const f = findings(diagnostics, 'rule-no-search-star');
      if (c.expect === 'pass') expect(f).toEqual([]);
      else {
        expect(f).toEqual([expect.stringMatching(c.expect)]);
        // the diagnostic points into the template's query
        expect(diagnostics.find((d) => d.code === 'rule-no-search-star')!.sourceLine).toMatch(
          /union \*|search "btg-emergency"/,
        );
      }
    });
  }
});
