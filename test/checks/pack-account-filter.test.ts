/**
 * pack-account-filter: every pack rule and hunting query filters (in a where) on the break-glass account set. Which
 * variables sit inside a where is the analyzer's finding (its cases run in end-to-end.test.ts); here the check's
 * decision on what the analyzer found.
 */
import { templateRule } from '../helpers/pack';
import { huntingItem, ruleItem, testCheck } from '../helpers/checks';
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
