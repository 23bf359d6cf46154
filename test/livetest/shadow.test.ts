/**
 * shadowQuery and the plan's validation: the query's shape (lets before the rule's lets, full schemas, typed nulls,
 * marker, `| count`), the time shift, account translation, the watchlist shadow, and negative controls for every
 * check (a datatable typed wrongly, a value of the wrong type, tables read by a name a let cannot shadow).
 */
import { bundledSchemas } from '../../scripts/kql/schemas';
import {
  accountMap,
  analyzeHermetic,
  describeTrigger,
  fires,
  markerOf,
  planTests,
  ruleTrigger,
  shadowQuery,
  testWindow,
  validateShadow,
} from '../../scripts/livetest';
import {
  B1,
  B2,
  cleanupTmp,
  configWith,
  exampleConfig,
  NOW,
  packForExample,
  packOf,
  ruleTemplate,
  UPN1,
  UPN2,
} from './helpers';

const schemas = bundledSchemas();
afterAll(cleanupTmp);

function rule(templateId: string) {
  const item = packForExample().rules.find((r) => r.templateId === templateId);
  if (!item) throw new Error(`no rule ${templateId}`);
  return item;
}
const shadowRule = (templateId: string) => {
  const item = rule(templateId);
  return { templateId, query: item.query.text, readTables: analyzeHermetic(item.query.text).unresolvedTables };
};

describe('shadowQuery', () => {
  it('shadows the table with all schema columns before the rule lets, ends in | count, and marks the case', () => {
    const item = rule('btg-interactive-signin');
    const q = shadowQuery(shadowRule('btg-interactive-signin'), item.tests[0], schemas, { now: NOW });
    expect(q.problems).toEqual([]);
    const lines = q.text.split('\n');
    expect(lines[0]).toBe(`// btg-test: "btg-interactive-signin/${item.tests[0].name}"`);
    expect(markerOf(q.text)).toBe(`btg-interactive-signin/${item.tests[0].name}`);
    expect(q.text.indexOf('let SigninLogs = datatable(')).toBeLessThan(q.text.indexOf('let BtgAccountIds'));
    expect(q.text.slice(q.ruleOffset)).toBe(`${item.query.text.replace(/\s+$/, '')}\n| count\n`);
    expect(q.tables).toEqual([{ name: 'SigninLogs', rows: 1, source: 'rows' }]);

    // the datatable declares every SigninLogs column, in schema order, with the schema's types (Kusto's reading)
    const a = analyzeHermetic(q.text);
    const dt = a.datatables.find((d) => d.letName === 'SigninLogs')!;
    expect(dt.columns).toEqual(schemas.SigninLogs);
    expect(dt.valueTypes).toEqual(schemas.SigninLogs.map((c) => c.type));
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(a.columns).toEqual([{ name: 'Count', type: 'long' }]);

    // values: given ones via the literal helpers, absent ones as typed nulls ("" for strings)
    expect(q.text).toContain(`"${B1}"`);
    expect(q.text).toContain('dynamic({"city": "Oslo", "countryOrRegion": "NO"})');
    expect(q.text).toContain('"[{\\"authenticationMethod\\":\\"FIDO2 security key\\",\\"succeeded\\":true}]"');
    expect(q.text).toContain('bool(null)');
    expect(q.text).toContain('long(null)');
    expect(q.text).toContain('real(null)');
  });

  it('shifts every datetime by one amount: the newest row lands at now − 1 minute, spacing kept', () => {
    const item = rule('btg-failed-signins');
    const fire = item.tests.find((t) => t.expect === 'fire')!; // rows at 08:01, 08:02 (SigninLogs) and 08:03 (non-interactive)
    const q = shadowQuery(shadowRule('btg-failed-signins'), fire, schemas, { now: NOW });
    expect(q.problems).toEqual([]);
    expect(q.shift).toEqual({
      ms: NOW.getTime() - 60_000 - Date.parse('2026-11-20T08:03:00Z'),
      newest: '2026-11-26T09:59:00.000Z',
    });
    for (const t of ['09:57:00', '09:58:00', '09:59:00']) expect(q.text).toContain(`datetime(2026-11-26T${t}.000Z)`);
    expect(q.text).not.toContain('2026-11-20');
  });

  it('shadows a table the rule reads but the test does not name with an empty datatable of the full schema', () => {
    const item = rule('btg-failed-signins');
    const few = item.tests.find((t) => t.expect === 'no-fire')!;
    expect(Object.keys(few.tables)).toEqual(['SigninLogs']);
    const q = shadowQuery(shadowRule('btg-failed-signins'), few, schemas, { now: NOW });
    expect(q.tables).toEqual([
      { name: 'SigninLogs', rows: few.tables.SigninLogs.length, source: 'rows' },
      { name: 'AADNonInteractiveUserSignInLogs', rows: 0, source: 'empty' },
    ]);
    expect(q.text).toMatch(/let AADNonInteractiveUserSignInLogs = datatable\(\["AADTenantId"\]:string, .*\)\[\];/);
    expect(validateShadow(q, schemas, item)).toEqual([]);
  });

  it('fills a missing TimeGenerated with the newest time', () => {
    const q = shadowQuery(
      { templateId: 't', query: 'SigninLogs', readTables: ['SigninLogs'] },
      { name: 'c', expect: 'fire', tables: { SigninLogs: [{ UserId: B1 }] } },
      schemas,
      { now: NOW },
    );
    expect(q.shift).toBeUndefined();
    expect(q.text).toContain('datetime(2026-11-26T09:59:00.000Z)');
  });

  it('names the table, row and column of every problem, and produces no query then', () => {
    const q = shadowQuery(
      { templateId: 't', query: 'SigninLogs | count', readTables: ['SigninLogs', 'MadeUpTable'] },
      {
        name: 'broken',
        expect: 'fire',
        tables: {
          SigninLogs: [
            {
              TimeGenerated: 'yesterday',
              ResultType: 0,
              IsInteractive: 'true',
              LocationDetails: '{"city":"Oslo"}',
              DurationMs: 1.5,
              NoSuchColumn: 'x',
            },
          ],
          AuditLogs: [{ OperationName: 'x' }],
          OfficeActivity: [{ Operation: 'x' }],
        },
      },
      schemas,
      { now: NOW },
    );
    expect(q.text).toBe('');
    expect(q.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^table AuditLogs: the rule does not read this table \(it reads MadeUpTable, SigninLogs\)$/,
        ),
        expect.stringMatching(/^table OfficeActivity: no schema for this table/),
        expect.stringMatching(/^the rule reads MadeUpTable, which has no schema/),
        'SigninLogs[0].NoSuchColumn: no such column in SigninLogs',
        expect.stringMatching(/^SigninLogs\[0\]\.TimeGenerated: expected an ISO-8601 date-time/),
        expect.stringMatching(/^SigninLogs\[0\]\.ResultType: expected a string, got number 0 \(quote it in YAML/),
        expect.stringMatching(/^SigninLogs\[0\]\.IsInteractive: expected true or false, got string "true"/),
        expect.stringMatching(/^SigninLogs\[0\]\.LocationDetails: dynamic column given JSON text in a string/),
        expect.stringMatching(/^SigninLogs\[0\]\.DurationMs: expected an integer \(long\), got number 1\.5/),
      ]),
    );
  });

  it('translates the example accounts in the rows to the configured ones, in one pass', () => {
    // configured account 1 is the example's account 2: a chained rewrite would turn it back into a different one
    const config = configWith((c) => {
      c.accounts = [
        { objectId: B2.toUpperCase(), userPrincipalName: UPN2 },
        {
          objectId: '11111111-1111-4111-8111-111111111111',
          userPrincipalName: 'bg2@fabrikam.example',
          displayName: 'Fabrikam BG 2',
        },
      ];
    });
    const map = accountMap(exampleConfig().accounts, config.accounts);
    const item = rule('btg-interactive-signin');
    const mentions = (b: string) =>
      item.tests.find(
        (t) => JSON.stringify(t.tables).includes(b) && !JSON.stringify(t.tables).includes(b === B1 ? B2 : B1),
      )!;
    const q = shadowQuery(shadowRule('btg-interactive-signin'), mentions(B1), schemas, { now: NOW, accounts: map });
    expect(q.text).toContain(`"${B2}"`);
    expect(q.text).toContain(`"${UPN2}"`);
    expect(q.text.slice(0, q.ruleOffset)).not.toContain(B1); // the rule's own lets name the example accounts: rendered for the example config
    const second = shadowQuery(shadowRule('btg-interactive-signin'), mentions(B2), schemas, {
      now: NOW,
      accounts: map,
    });
    expect(second.text).toContain('"11111111-1111-4111-8111-111111111111"');
    expect(second.text).toContain('"bg2@fabrikam.example"');

    const single = accountMap(exampleConfig().accounts, [
      { objectId: '11111111-1111-4111-8111-111111111111', userPrincipalName: 'only@fabrikam.example' },
    ]);
    const skipped = shadowQuery(shadowRule('btg-interactive-signin'), mentions(B2), schemas, {
      now: NOW,
      accounts: single,
    });
    expect(skipped.text).toBe('');
    expect(skipped.skipReason).toBe(`the rows mention example account(s) ${UPN2} and the config has only 1 account(s)`);
  });
});

describe('validateShadow (negative controls)', () => {
  const item = () => rule('btg-interactive-signin');
  const good = () => shadowQuery(shadowRule('btg-interactive-signin'), item().tests[0], schemas, { now: NOW });

  it('a valid shadow query has no problems, in full and lets-only scope', () => {
    expect(validateShadow(good(), schemas, item(), 'full')).toEqual([]);
    expect(validateShadow(good(), schemas, item(), 'lets')).toEqual([]);
  });

  /** Replace once in the shadow lets, keeping ruleOffset right. */
  const tamper = (q: ReturnType<typeof good>, from: string, to: string) => {
    const i = q.text.indexOf(from);
    expect(i).toBeGreaterThan(-1);
    expect(i).toBeLessThan(q.ruleOffset);
    return {
      ...q,
      text: q.text.slice(0, i) + to + q.text.slice(i + from.length),
      ruleOffset: q.ruleOffset + to.length - from.length,
    };
  };

  it('catches a shadow column declared with the wrong type', () => {
    const q = tamper(good(), '["IsInteractive"]:bool', '["IsInteractive"]:string');
    expect(validateShadow(q, schemas, item(), 'lets')).toEqual([
      'table SigninLogs: shadow datatable columns differ from the schema (IsInteractive:bool declared as IsInteractive:string)',
    ]);
    expect(validateShadow(q, schemas, item(), 'full')).toEqual([
      'table SigninLogs: shadow datatable columns differ from the schema (IsInteractive:bool declared as IsInteractive:string)',
    ]);
  });

  it('catches a value whose type is not the column type, and a missing value', () => {
    // DurationMs is the only long column of SigninLogs, absent in this row
    expect(validateShadow(tamper(good(), 'long(null)', '"12"'), schemas, item(), 'lets')).toEqual([
      'SigninLogs[0].DurationMs: value typed string in a long column',
    ]);
    const n = schemas.SigninLogs.length;
    expect(validateShadow(tamper(good(), 'long(null), ', ''), schemas, item(), 'lets')).toEqual([
      `shadow query 3:5: KS173 Incorrect number of data values. The values should appear in multiples of ${n}.`,
      `table SigninLogs: ${n - 1} values for 1 row(s) of ${n} columns`,
    ]);
  });

  it('maps an error in the rule part back to the rule template file:line', () => {
    const q = good();
    const text = q.text.replace('tolower(UserId) in (BtgAccountIds)', 'tolower(NoSuchColumn) in (BtgAccountIds)');
    expect(text).not.toBe(q.text);
    const problems = validateShadow({ ...q, text }, schemas, item(), 'full');
    expect(problems).toEqual([
      expect.stringMatching(/detections\/btg-interactive-signin\.yaml:\d+:\d+: KS\d+ .*NoSuchColumn/),
    ]);
  });

  it('proves nothing real is read: a rule reading by table(), a table without schema, or a workspace function is refused', () => {
    const pack = packOf(exampleConfig(), {
      'by-name': ruleTemplate({
        query: '{{> btgAccounts}}\ntable("SigninLogs")\n| where tolower(UserId) in (BtgAccountIds)\n',
      }),
      'no-schema': ruleTemplate({
        query: '{{> btgAccounts}}\nunion SigninLogs, OfficeActivity\n| where tolower(UserId) in (BtgAccountIds)\n',
      }),
      function: ruleTemplate({
        query:
          '{{> btgAccounts}}\nSigninLogs\n| where tolower(UserId) in (BtgAccountIds)\n| join (MyParser()) on UserId\n',
      }),
      fine: ruleTemplate(),
    });
    const plan = planTests({ rules: pack.rules, schemas, now: NOW });
    const problems = Object.fromEntries(plan.rules.map((r) => [r.templateId, r.cases[0].problems]));
    expect(problems.fine).toEqual([]);
    expect(problems['by-name']).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /reads data by a name resolved at run time \(table\("SigninLogs"\)\), which a let cannot shadow/,
        ),
      ]),
    );
    expect(problems['no-schema']).toEqual(
      expect.arrayContaining([expect.stringMatching(/the rule reads OfficeActivity, which has no schema/)]),
    );
    expect(problems.function).toEqual(
      expect.arrayContaining(['the rule calls workspace function MyParser, which a test cannot shadow']),
    );
  });

  it('watchlist mode: _GetWatchlist is shadowed by the configured accounts, and without that shadow the query would not be hermetic', () => {
    const config = configWith((c) => void (c.accountSource = 'watchlist'));
    const pack = packOf(config, { wl: ruleTemplate() });
    expect(pack.rules[0].query.text).toContain('_GetWatchlist("BreakGlassAccounts")');
    const plan = planTests({ rules: pack.rules, schemas, now: NOW, watchlistAccounts: config.accounts });
    const c = plan.rules[0].cases[0];
    expect(c.problems).toEqual([]);
    expect(c.shadow.text).toContain(
      `let _GetWatchlist = (watchlistAlias:string) { datatable(["SearchKey"]:string, ["AccountObjectId"]:string, ["AccountUPN"]:string)[ "${B1}", "${B1}", "${UPN1}", "${B2}", "${B2}", "${UPN2}" ] };`,
    );
    const without = c.shadow.text.replace(/^let _GetWatchlist = .*$/m, '');
    expect(analyzeHermetic(without).diagnostics.map((d) => d.code)).toContain('KS211');
  });
});

describe('triggers and windows', () => {
  it('NRT fires on any row; Scheduled rules apply their operator and threshold', () => {
    expect(ruleTrigger({ kind: 'NRT' })).toEqual({ operator: 'gt', threshold: 0 });
    expect(ruleTrigger({ kind: 'Scheduled', triggerOperator: 'GreaterThan', triggerThreshold: 2 })).toEqual({
      operator: 'gt',
      threshold: 2,
    });
    expect(() => ruleTrigger({ kind: 'Scheduled', triggerOperator: 'ge', triggerThreshold: 2 })).toThrow(
      /expected gt, lt, eq or ne/,
    );
    const t = (operator: 'gt' | 'lt' | 'eq' | 'ne', threshold: number) => ({ operator, threshold });
    expect([0, 1, 2, 3].map((n) => fires(n, t('gt', 2)))).toEqual([false, false, false, true]);
    expect([0, 1, 2, 3].map((n) => fires(n, t('lt', 2)))).toEqual([true, true, false, false]);
    expect([0, 1, 2, 3].map((n) => fires(n, t('eq', 2)))).toEqual([false, false, true, false]);
    expect([0, 1, 2, 3].map((n) => fires(n, t('ne', 2)))).toEqual([true, true, false, true]);
    expect(describeTrigger(t('gt', 0))).toBe('count > 0');
  });

  it('the query window is the rule queryPeriod ending now, or one day for NRT', () => {
    expect(testWindow({ kind: 'Scheduled', queryPeriod: '1h' }, NOW)).toEqual({
      period: '1h',
      startTime: new Date('2026-11-26T09:00:00Z'),
      endTime: NOW,
    });
    expect(testWindow({ kind: 'NRT' }, NOW)).toEqual({
      period: '1d',
      startTime: new Date('2026-11-25T10:00:00Z'),
      endTime: NOW,
    });
  });
});
