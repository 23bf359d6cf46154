/**
 * rule-no-search-star on pack templates: no `search *` and no `union *`, even with an account filter. The check reports
 * the unbounded scans the analyzer found (testCheck, canned); the analyzer finding them is tested in end-to-end.test.ts.
 */
import { templateRule } from '../helpers/pack';
import { ruleItem, testCheck } from '../helpers/checks';

const PROJECT =
  '| project TimeGenerated, UserId = tostring(column_ifexists("UserId", "")), UserPrincipalName = "", IPAddress = ""\n';
const UNION_STAR = `{{> btgAccounts}}\nunion *\n| where tolower(tostring(column_ifexists("UserId", ""))) in (BtgAccountIds)\n${PROJECT}`;
const SEARCH = `{{> btgAccounts}}\nsearch "btg-emergency"\n| where tolower(tostring(column_ifexists("UserId", ""))) in (BtgAccountIds)\n${PROJECT}`;
const NAMED =
  '{{> btgAccounts}}\nunion SigninLogs, AADNonInteractiveUserSignInLogs\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n';

/** The scan as the analyzer reports it: offsets of `text` in the query. */
const scan = (query: string, text: string) => ({
  unboundedScans: [{ start: query.indexOf(text), length: text.length, text }],
});
const item = (query: string) => ruleItem(templateRule({ query, tests: [] }), { fromPack: true });

testCheck('rule-no-search-star', [
  { name: 'a union of named tables', item: item(NAMED), expect: 'pass' },
  {
    name: 'union * with the account filter',
    item: item(UNION_STAR),
    analysis: scan(UNION_STAR, 'union *'),
    expect: /"union \*" scans every table, which analytics rules do not allow; name the tables/,
    count: 1,
    // the diagnostic points into the template's query
    line: /^\s*union \*/,
  },
  {
    name: 'search without in',
    item: item(SEARCH),
    analysis: scan(SEARCH, 'search "btg-emergency"'),
    expect: /"search "btg-emergency"" scans every table/,
    line: /^\s*search "btg-emergency"/,
  },
  {
    name: 'each scan once',
    item: item(UNION_STAR),
    analysis: {
      unboundedScans: [...scan(UNION_STAR, 'union *').unboundedScans, ...scan(UNION_STAR, 'union *').unboundedScans],
    },
    expect: /union \*/,
    count: 2,
  },
]);
