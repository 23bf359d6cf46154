/** rule-test-rows: every pack rule carries fire and no-fire cases whose rows fit the tables its query reads. */
import { testRowFindings, valueProblem } from '../../scripts/validate/testRows';
import { bundledSchemas } from '../../scripts/kql/schemas';
import { templateRule } from '../helpers/pack';
import { baseRule } from '../helpers/rules';
import { ruleItem, runCheck, testCheck } from '../helpers/checks';

const BTG = '00000000-0000-4000-8000-00000000b701';
const OTHER = '11111111-2222-4333-8444-555555555555';
const row = (extra: Record<string, unknown> = {}) => ({ TimeGenerated: '2026-11-20T08:00:00Z', UserId: BTG, ...extra });
const cases = (
  fire: Record<string, unknown[]>,
  noFire: Record<string, unknown[]> = { SigninLogs: [row({ UserId: OTHER })] },
) => [
  { name: 'fires', expect: 'fire', tables: fire },
  { name: 'does not fire', expect: 'no-fire', tables: noFire },
];
const NON_INTERACTIVE_QUERY =
  '{{> btgAccounts}}\nAADNonInteractiveUserSignInLogs\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n';

type Case = { name: string; rule: Record<string, unknown>; reads?: string[]; expect: 'pass' | RegExp; line?: string };
const table: Case[] = [
  { name: 'rows that fit the schema', rule: templateRule(), expect: 'pass' },
  {
    name: 'dynamic column given as JSON text',
    rule: templateRule({
      tests: cases({ SigninLogs: [row({ LocationDetails: '{"city":"Oslo","countryOrRegion":"NO"}' })] }),
    }),
    expect: 'pass',
  },
  {
    name: 'dynamic column given as an object',
    rule: templateRule({
      tests: cases({ SigninLogs: [row({ LocationDetails: { city: 'Oslo' }, ConditionalAccessPolicies: [] })] }),
    }),
    expect: 'pass',
  },
  { name: 'no tests at all', rule: templateRule({ tests: [] }), expect: /tests: the rule has no test cases/ },
  {
    name: 'only firing cases',
    rule: templateRule({ tests: [cases({ SigninLogs: [row()] })[0]] }),
    expect: /tests: no case with expect: no-fire/,
  },
  {
    name: 'only non-firing cases',
    rule: templateRule({ tests: [cases({ SigninLogs: [row()] })[1]] }),
    expect: /tests: no case with expect: fire/,
  },
  {
    name: 'a table the query does not read',
    rule: templateRule({
      tests: cases({ AuditLogs: [{ TimeGenerated: '2026-11-20T08:00:00Z', OperationName: 'Update user' }] }),
    }),
    expect: /tests\[0\]\.tables\.AuditLogs: the query does not read AuditLogs \(it reads SigninLogs\)/,
    line: 'AuditLogs:',
  },
  {
    name: 'a misspelt column',
    rule: templateRule({ tests: cases({ SigninLogs: [row({ UserID: BTG })] }) }),
    expect: /tests\[0\]\.tables\.SigninLogs\[0\]\.UserID: SigninLogs has no column "UserID" \(did you mean UserId\?\)/,
    line: 'UserID:',
  },
  {
    name: 'a number in a string column',
    rule: templateRule({ tests: cases({ SigninLogs: [row({ ResultType: 0 })] }) }),
    expect: /SigninLogs\.ResultType is string; expected a string, got the number 0 \(quote it\)/,
    line: 'ResultType:',
  },
  {
    name: 'an object in a column that is JSON text in AADNonInteractiveUserSignInLogs',
    reads: ['AADNonInteractiveUserSignInLogs'],
    rule: templateRule({
      query: NON_INTERACTIVE_QUERY,
      tests: cases(
        { AADNonInteractiveUserSignInLogs: [row({ LocationDetails: { city: 'Oslo' } })] },
        { AADNonInteractiveUserSignInLogs: [row({ UserId: OTHER })] },
      ),
    }),
    expect:
      /AADNonInteractiveUserSignInLogs\.LocationDetails is string; expected a string, got an object: this column holds JSON as text/,
    line: 'LocationDetails:',
  },
  {
    name: 'a datetime that is not ISO-8601',
    rule: templateRule({ tests: cases({ SigninLogs: [row({ TimeGenerated: 'yesterday' })] }) }),
    expect: /SigninLogs\.TimeGenerated is datetime; expected an ISO-8601 date\/time/,
  },
  {
    name: 'a string in a bool column',
    rule: templateRule({ tests: cases({ SigninLogs: [row({ IsInteractive: 'true' })] }) }),
    expect: /SigninLogs\.IsInteractive is bool; expected true or false, got the string "true"/,
  },
  {
    name: 'a fraction in a long column',
    rule: templateRule({ tests: cases({ SigninLogs: [row({ DurationMs: 1.5 })] }) }),
    expect: /SigninLogs\.DurationMs is long; expected an integer, got the number 1\.5/,
  },
  {
    name: 'plain text in a dynamic column',
    rule: templateRule({ tests: cases({ SigninLogs: [row({ LocationDetails: 'Oslo' })] }) }),
    expect:
      /SigninLogs\.LocationDetails is dynamic; expected an object or list \(or its JSON text\), got the string "Oslo"/,
  },
  {
    name: 'null as a value',
    rule: templateRule({ tests: cases({ SigninLogs: [row({ IPAddress: null })] }) }),
    expect: /SigninLogs\.IPAddress is string; expected a string value, got null/,
  },
];

/** The table cases run on in-memory templates (testCheck): the analyzer found that the query reads `reads`. */
const moved = table.map((c) => ({
  name: c.name,
  item: ruleItem(c.rule, { fromPack: true }),
  analysis: { tables: c.reads ?? ['SigninLogs'] },
  expect: c.expect,
  ...(c.line ? { line: new RegExp(`^\\s*(- )?${c.line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) } : {}),
}));
testCheck('rule-test-rows', moved);

describe('rule-test-rows', () => {
  it('user rule files (no tests key) are not held to it', () => {
    expect(runCheck('rule-test-rows', { item: ruleItem(baseRule()), analysis: { tables: ['SigninLogs'] } })).toEqual(
      [],
    );
  });

  it('an unknown table is reported even when the query names it', () => {
    const f = testRowFindings(
      cases({ MyCustomTable_CL: [{ Col: 'x' }] }) as never,
      ['MyCustomTable_CL', 'SigninLogs'],
      bundledSchemas(),
    );
    expect(f.map((x) => x.message)).toEqual([
      'tests[0].tables.MyCustomTable_CL: no schema for table MyCustomTable_CL, so its columns cannot be checked (pass --schemas)',
    ]);
  });
});

describe('valueProblem', () => {
  it.each([
    ['string', 'x'],
    ['datetime', '2026-11-20T08:15:00Z'],
    ['datetime', '2026-11-20T08:15:00.1234567+01:00'],
    ['datetime', '2026-11-20'],
    ['long', 50126],
    ['int', -3],
    ['real', 0.5],
    ['bool', false],
    ['dynamic', []],
    ['dynamic', '[{"authenticationMethod":"Password"}]'],
    ['guid', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c'],
    ['timespan', '00:05:00'],
  ])('%s accepts %j', (type, value) => expect(valueProblem(type, value)).toBeUndefined());

  it.each([
    ['string', 1],
    ['string', true],
    ['datetime', '2026-13-45T99:00:00Z'],
    ['datetime', 1700000000],
    ['long', '5'],
    ['int', 2 ** 31],
    ['real', 'NaN'],
    ['bool', 0],
    ['dynamic', 3],
    ['dynamic', '{not json'],
    ['guid', 'not-a-guid'],
  ])('%s rejects %j', (type, value) => expect(valueProblem(type, value)).toMatch(/^expected /));
});
