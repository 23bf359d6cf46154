/** The workbook: rendering, query validation with parameter stand-ins, structure checks and what ships. */
import * as fs from 'fs';
import { ph } from '../scripts/emit/placeholders';
import * as path from 'path';
import { PACK_ID_TAG, packNames } from '../scripts/content/ids';
import { identityRendered } from '../scripts/content/render';
import { armTemplate } from '../scripts/emit/arm';
import { workbookEmitter, workbookResource } from '../scripts/emit/workbook';
import { monitorAlertEmitter } from '../scripts/emit/monitorAlert';
import { PACK_TAG } from '../scripts/emit/resources';
import { defaultAnalyzer } from '../scripts/kql/analyzer';
import { Diagnostic } from '../scripts/core/diagnostic';
import { validateWorkbooks } from '../scripts/validate/pack';
import {
  analysisRendered,
  DeclaredParameter,
  parameterRefs,
  standIn,
  substituteRendered,
} from '../scripts/validate/workbookParams';
import { codes, packWith, folderWith, packFor, positionOf, shippedJson } from './helpers/content';
import { configWith, exampleConfig, WATCHLIST_CONFIG } from './helpers/pack';
import { loadConfig } from '../scripts/config/load';
import { compileQuery, evaluate, KDate, table } from '../scripts/kql/eval';
import { bundledSchemas } from '../scripts/kql/schemas';

jest.setTimeout(60_000);

const pack = packFor(exampleConfig());
const wb = pack.workbooks[0];

/** Validate one workbook JSON (written to a temp folder) as the pack's workbook; returns its diagnostics and file text. */
function validateVariant(doc: unknown): { diags: Diagnostic[]; text: string; file: string } {
  const dir = folderWith({ 'btg-accounts.json': doc });
  try {
    const file = path.join(dir, 'btg-accounts.json');
    const text = fs.readFileSync(file, 'utf8');
    return { diags: validateWorkbooks(packWith(pack, { workbooks: dir }), defaultAnalyzer()), text, file };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const itemNamed = (doc: { items: { name: string }[] }, name: string) =>
  doc.items.find((i) => i.name === name) as { name: string; content: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the shipped workbook', () => {
  it('loads, renders and validates without findings in both account modes', () => {
    expect(pack.diagnostics.workbooks).toEqual([]);
    expect(validateWorkbooks(pack, defaultAnalyzer())).toEqual([]);
    const wl = packFor(loadConfig(WATCHLIST_CONFIG).config!);
    expect([...wl.diagnostics.workbooks, ...validateWorkbooks(wl, defaultAnalyzer())]).toEqual([]);
    expect(
      wl.workbooks[0].queries.filter((q) => q.query.text.includes('_GetWatchlist("BreakGlassAccounts")')).length,
    ).toBeGreaterThan(5);
  });

  it('has the tiles the SOC needs, each a Log Analytics query', () => {
    const names = wb.queries.map((q) => q.itemName);
    expect(names).toEqual(
      expect.arrayContaining([
        'parameters.Account',
        'signins-over-time',
        'last-signin',
        'signin-details',
        'auth-methods',
        'ca-exclusion-changes',
        'account-changes',
        'account-activity',
        'pack-incidents',
        'pack-alerts',
      ]),
    );
  });

  it('renders every template away: no Handlebars and no pack metadata in what ships', () => {
    const shipped = JSON.stringify(wb.notebook);
    expect(shipped).not.toMatch(/\{\{[#>/]?\s*[A-Za-z]/);
    expect(wb.notebook.$btg).toBeUndefined();
    expect(shipped).toContain('00000000-0000-4000-8000-00000000b701');
    expect(wb.displayName).toBe('Break-glass accounts (Contoso)');
  });

  it('marks accounts overdue past testIntervalDays, from the config', () => {
    const last = wb.queries.find((q) => q.itemName === 'last-signin')!.query.text;
    expect(last).toContain('let TestIntervalDays = 90;');
    const other = packFor(configWith((c) => (c.options.testIntervalDays = 90))).workbooks[0];
    expect(other.queries.find((q) => q.itemName === 'last-signin')!.query.text).toContain('let TestIntervalDays = 90;');
    const grid = JSON.stringify(
      (itemNamed(wb.notebook as never, 'last-signin').content as Record<string, unknown>).gridSettings,
    );
    expect(grid).toContain('"thresholdValue":"Overdue","representation":"redBright"');
  });

  it("finds the pack's incidents by the pack's rule ids", () => {
    const q = wb.queries.find((x) => x.itemName === 'pack-incidents')!.query.text;
    for (const r of pack.rules) expect(q).toContain(`"${r.rule.id}"`);
  });
});

describe('workbook validation failures name the file, the item and the position', () => {
  it('a duplicate item name', () => {
    const doc = shippedJson('workbooks/btg-accounts.json');
    itemNamed(doc, 'auth-methods').name = 'signin-details';
    const { diags, text, file } = validateVariant(doc);
    expect(codes(diags)).toEqual(['workbook-unique-names']);
    expect(diags[0]).toMatchObject({ file, item: 'btg-accounts:signin-details' });
    expect(diags[0].message).toMatch(/duplicate item name "signin-details": also used at items\.\d+/);
    // the second occurrence is the one reported
    const second = text.indexOf('"name": "signin-details"', text.indexOf('"name": "signin-details"') + 1);
    expect(diags[0].range!.start.line).toBe(text.slice(0, second).split('\n').length - 1);
  });

  it('an undeclared parameter, at the reference inside the query string', () => {
    const doc = shippedJson('workbooks/btg-accounts.json');
    const item = itemNamed(doc, 'account-activity');
    item.content.query = item.content.query.replace('{TimeRange}', '{TimeWindow}');
    const { diags, text } = validateVariant(doc);
    expect(codes(diags)).toEqual(['workbook-parameters']);
    expect(diags[0].message).toBe(
      'item "account-activity": {TimeWindow}: parameter "TimeWindow" is not declared (declared so far: TimeRange, Account)',
    );
    expect(diags[0].range!.start).toEqual(positionOf(text, '{TimeWindow}'));
  });

  it('a parameter used before the parameters item that declares it', () => {
    const doc = shippedJson('workbooks/btg-accounts.json');
    const [header, params, ...rest] = doc.items;
    doc.items = [header, rest[0], params, ...rest.slice(1)];
    const { diags } = validateVariant(doc);
    expect(diags.filter((d) => d.code === 'workbook-parameters').map((d) => d.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\{TimeRange\}: parameter "TimeRange" is declared only after this item/),
        expect.stringMatching(/timeContextFromParameter "TimeRange"/),
      ]),
    );
  });

  it('a format the parameter type does not support', () => {
    const doc = shippedJson('workbooks/btg-accounts.json');
    const item = itemNamed(doc, 'account-changes');
    item.content.query = item.content.query.replace('{TimeRange}', '{TimeRange:middle}');
    const { diags } = validateVariant(doc);
    expect(diags.map((d) => d.message)).toEqual([
      expect.stringContaining('{TimeRange:middle}: a time range parameter supports {TimeRange}, {TimeRange:start}'),
    ]);
  });

  it('a bad query: the analyzer error points at the offending name in the file', () => {
    const doc = shippedJson('workbooks/btg-accounts.json');
    const item = itemNamed(doc, 'signin-details');
    item.content.query = item.content.query.replace('| order by TimeGenerated desc', '| order by NoSuchColumn desc');
    const { diags, text } = validateVariant(doc);
    expect(codes(diags)).toEqual(['kql-semantic']);
    expect(diags[0]).toMatchObject({ item: 'btg-accounts:signin-details' });
    expect(diags[0].message).toMatch(/^item "signin-details": KS\d+: .*NoSuchColumn/);
    expect(diags[0].range!.start).toEqual(positionOf(text, 'NoSuchColumn'));
    expect(diags[0].sourceLine).toContain('NoSuchColumn');
  });

  it('an error after a parameter reference still lands on the right characters', () => {
    const doc = shippedJson('workbooks/btg-accounts.json');
    const item = itemNamed(doc, 'auth-methods');
    item.content.query = item.content.query.replace(
      '| where ResultType == "0"',
      '| where ResultType == "0" and Bogus > {TimeRange:start}',
    );
    const { diags, text } = validateVariant(doc);
    expect(diags.map((d) => d.code)).toEqual(['kql-semantic']);
    expect(diags[0].range!.start).toEqual(positionOf(text, 'Bogus'));
  });

  it('a raw interpolation in a query is a render error at its position', () => {
    const doc = shippedJson('workbooks/btg-accounts.json');
    const item = itemNamed(doc, 'pack-alerts');
    item.content.query = item.content.query.replace(
      'SecurityAlert',
      'SecurityAlert | where AlertName == {{tenantName}}',
    );
    const dir = folderWith({ 'btg-accounts.json': doc });
    const ex = packWith(pack, { workbooks: dir });
    const text = fs.readFileSync(path.join(dir, 'btg-accounts.json'), 'utf8');
    fs.rmSync(dir, { recursive: true, force: true });
    expect(ex.diagnostics.workbooks.map((d) => d.code)).toEqual(['template-render']);
    expect(ex.diagnostics.workbooks[0].message).toMatch(/^item "pack-alerts": raw interpolation \{\{tenantName\}\}/);
    expect(ex.diagnostics.workbooks[0].range!.start).toEqual(positionOf(text, '{{tenantName}}', 'pack-alerts'));
  });

  it('an unknown item type, a non-time-range time context and an undeclared visibility parameter', () => {
    const doc = shippedJson('workbooks/btg-accounts.json');
    doc.items.push({ type: 10, name: 'metric', content: { version: 'MetricsItem/2.0' } });
    itemNamed(doc, 'account-changes').content.timeContextFromParameter = 'Account';
    (itemNamed(doc, 'pack-alerts') as Record<string, unknown>).conditionalVisibility = {
      parameterName: 'ShowAlerts',
      comparison: 'isEqualTo',
      value: 'yes',
    };
    const { diags } = validateVariant(doc);
    expect(diags.map((d) => `${d.code}: ${d.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^workbook-schema: item "metric": items\[\d+\]\.type: expected type to be one of 1, 3, 9, 11, 12/,
        ),
        'workbook-parameters: item "account-changes": timeContextFromParameter "Account" is a drop-down parameter; expected a time range (type 4)',
        'workbook-parameters: item "pack-alerts": conditional visibility uses parameter "ShowAlerts", which is not declared',
      ]),
    );
  });

  it('invalid JSON is reported with its position', () => {
    const dir = folderWith({ 'btg-accounts.json': '{\n  "version": "Notebook/1.0",\n  "items": [,]\n}\n' });
    const ex = packWith(pack, { workbooks: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(ex.diagnostics.workbooks.map((d) => d.code)).toEqual(['json-syntax']);
    expect(ex.diagnostics.workbooks[0].range!.start.line).toBe(2);
  });
});

describe('workbook parameter stand-ins for analysis', () => {
  const tr: DeclaredParameter = {
    name: 'TimeRange',
    type: 4,
    multiSelect: false,
    quote: "'",
    value: undefined,
    path: [],
  };
  const acc: DeclaredParameter = {
    name: 'Account',
    type: 2,
    multiSelect: true,
    quote: "'",
    value: undefined,
    path: [],
  };
  const visible = new Map([
    ['TimeRange', tr],
    ['Account', acc],
  ]);

  it('gives each reference a value of the shape the workbook inserts', () => {
    const refs = parameterRefs(
      'where TimeGenerated {TimeRange} and TimeGenerated > {TimeRange:start} | where x in ({Account}) | summarize by bin(TimeGenerated, {TimeRange:grain})',
    );
    expect(refs.map((r) => standIn(r, visible.get(r.name)))).toEqual(['> ago(1d)', 'ago(1d)', "'x'", '1h']);
  });

  it('makes workbook queries analysable', () => {
    const q =
      'SigninLogs\n| where TimeGenerated {TimeRange}\n| where "*" in ({Account}) or UserId in ({Account})\n| summarize count() by bin(TimeGenerated, {TimeRange:grain})';
    const r = analysisRendered(identityRendered(q), visible);
    expect(
      defaultAnalyzer()
        .analyze(r.text)
        .diagnostics.filter((d) => d.severity === 'error'),
    ).toEqual([]);
  });

  it('maps offsets after a longer or shorter stand-in back to the original text', () => {
    const src = 'ab{X}cd{LongParameterName}ef';
    const r = substituteRendered(identityRendered(src), [
      { start: 2, end: 5, text: '0123456789' },
      { start: 7, end: 26, text: '!' },
    ]);
    expect(r.text).toBe('ab0123456789cd!ef');
    const back = (i: number) => {
      const s = r.segments.find((x) => i >= x.outStart && i < x.outEnd)!;
      return s.exact ? s.tplStart + (i - s.outStart) : s.tplStart;
    };
    expect(src[back(r.text.indexOf('cd'))]).toBe('c');
    expect(src[back(r.text.indexOf('ef'))]).toBe('e');
    expect(back(r.text.indexOf('5'))).toBe(2); // inside a stand-in: the reference's '{'
  });
});

describe('what ships for the workbook', () => {
  const res = workbookResource(wb, 'team-a');

  it('is a Sentinel workbook resource on the workspace with a deterministic GUID name (template id + packId)', () => {
    expect(res).toMatchObject({
      kind: 'workbook',
      scope: 'resourceGroup',
      type: 'Microsoft.Insights/workbooks',
      apiVersion: '2023-06-01',
      name: packNames.workbook('btg-accounts', 'team-a'),
    });
    expect(workbookResource(wb, 'team-b').name).not.toBe(res.name);
    expect(res.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.body).toMatchObject({
      location: ph('location'),
      kind: 'shared',
      tags: { [PACK_TAG]: 'btg-accounts', [PACK_ID_TAG]: 'team-a', 'hidden-title': wb.displayName },
    });
    expect(res.body.properties).toMatchObject({
      category: 'sentinel',
      sourceId: ph('workspaceResourceId'),
      version: 'Notebook/1.0',
      displayName: wb.displayName,
    });
  });

  it('serializes the same document as the gallery JSON', () => {
    const out = workbookEmitter(pack);
    const gallery = out.artifacts.find((a) => a.kind === 'workbook-json')!;
    expect(gallery.path).toBe('workbooks/btg-accounts.json');
    expect(JSON.parse(res.body.properties.serializedData as string)).toEqual(JSON.parse(gallery.content));
    expect(out.artifacts.find((a) => a.kind === 'workbook-arm')!.path).toBe('arm/workbooks/btg-accounts.json');
  });

  it('turns the placeholders into ARM expressions', () => {
    const t = armTemplate([res], 'wb');
    const r = t.resources[0] as { location: string; properties: { sourceId: string } };
    expect(r.location).toBe("[parameters('location')]");
    expect(r.properties.sourceId).toBe(
      "[resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspace'))]",
    );
  });
});

describe('workbook tiles that do not mislead (issue 14 item 5)', () => {
  const ex = pack;
  const tile = (name: string) => ex.workbooks[0].queries.find((q) => q.itemName === name)!;
  const schemas = bundledSchemas();
  const cols = (name: string) => schemas[name].map((c) => ({ name: c.name, type: c.type === 'int' ? 'long' : c.type }));
  const fill = (name: string, rows: Record<string, unknown>[]) =>
    table(
      cols(name),
      rows.map((r) => Object.fromEntries(cols(name).map((col) => [col.name, (r[col.name] ?? null) as never]))),
    );
  const NOW = Date.parse('2026-12-01T12:00:00Z');
  const run = (text: string, tables: Record<string, Record<string, unknown>[]>) => {
    const c = compileQuery(text, defaultAnalyzer());
    expect(c.errors).toEqual([]);
    expect(c.unsupported).toEqual([]);
    return evaluate(c, {
      tables: Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, fill(k, v)])),
      functions: {},
      now: NOW,
    }).rows;
  };
  const B1 = '00000000-0000-4000-8000-00000000b701';
  const B2 = '00000000-0000-4000-8000-00000000b702';
  const GROUP = pack.config.options.exclusionGroupIds[0];
  const policyUpdate = (id: string, users: { excludeUsers?: string[]; excludeGroups?: string[] }) => ({
    TimeGenerated: new KDate(NOW - 3_600_000),
    OperationName: 'Update conditional access policy',
    Result: 'success',
    CorrelationId: `c-${id}`,
    InitiatedBy: { user: { userPrincipalName: 'admin@contoso.example', id: 'u1' } },
    TargetResources: [
      {
        id,
        displayName: `Policy ${id}`,
        modifiedProperties: [
          {
            oldValue: JSON.stringify({
              id,
              displayName: `Policy ${id}`,
              state: 'enabled',
              conditions: { users: { includeUsers: ['All'], excludeUsers: [B1, B2], excludeGroups: [] } },
            }),
            newValue: JSON.stringify({
              id,
              displayName: `Policy ${id}`,
              state: 'enabled',
              conditions: {
                users: {
                  includeUsers: ['All'],
                  excludeUsers: users.excludeUsers ?? [],
                  excludeGroups: users.excludeGroups ?? [],
                },
              },
            }),
          },
        ],
      },
    ],
  });

  it('CA coverage agrees with btg-ca-policy-exclusion-removed: a policy that excludes only the exclusion group is excluded', () => {
    expect(GROUP).toBeDefined();
    const rule = pack.rules.find((r) => r.templateId === 'btg-ca-policy-exclusion-removed')!;
    const cases: [string, { excludeUsers?: string[]; excludeGroups?: string[] }, string, boolean][] = [
      ['p-group', { excludeGroups: [GROUP] }, 'excluded (exclusion group)', false],
      ['p-users', { excludeUsers: [B1, B2] }, 'excluded (every account by user id)', false],
      ['p-none', {}, `NOT EXCLUDED: ${B1}, ${B2}`, true],
      ['p-one', { excludeUsers: [B1] }, `NOT EXCLUDED: ${B2}`, true],
    ];
    for (const [id, users, coverage, fires] of cases) {
      const audit = { AuditLogs: [policyUpdate(id, users)] };
      const shown = run(tile('ca-coverage').query.text, audit).map((r) => r.Coverage);
      const alerts = run(rule.query.text, audit);
      expect({ id, shown, fires: alerts.length > 0 }).toEqual({ id, shown: [coverage], fires });
    }
  });

  it('last test comes from drill records, not from a sign-in; the earliest data is shown', () => {
    const q = tile('last-signin');
    // the workbook puts the selected accounts where {Account} is: all of them ('*')
    const text = q.query.text.replace(/\{Account\}/g, "'*'");
    const signIn = {
      TimeGenerated: new KDate(NOW - 86_400_000),
      UserId: B2,
      UserPrincipalName: 'btg-emergency-02@contoso.example',
      ResultType: '0',
    };
    const oldest = { TimeGenerated: new KDate(NOW - 30 * 86_400_000), UserId: 'someone', ResultType: '0' };
    const drillItem = {
      WatchlistAlias: 'BreakGlassDrills',
      _DTItemType: 'watchlist-item',
      _DTItemId: 'd1',
      _DTItemStatus: 'Create',
      _DTTimestamp: new KDate(NOW - 86_400_000),
      WatchlistItem: {
        AccountObjectId: B1,
        Result: 'passed',
        DrillStart: new Date(NOW - 2 * 86_400_000).toISOString(),
      },
    };
    const rows = run(text, { SigninLogs: [signIn, oldest], Watchlist: [drillItem] });
    const byAccount = Object.fromEntries(rows.map((r) => [r.Account, r]));
    expect(byAccount['btg-emergency-01@contoso.example'].Status).toBe('OK');
    // B2 signed in yesterday, but that is not a test
    expect(byAccount['btg-emergency-02@contoso.example'].Status).toBe('Overdue');
    expect((byAccount['btg-emergency-02@contoso.example'].EarliestSignInData as KDate).ms).toBe(NOW - 30 * 86_400_000);
  });

  it('data health lists every table the pack reads (rules, hunting, tiles, playbooks, alerts), drill history and the device per sign-in are shown', () => {
    const health = tile('data-health').query.text;
    const texts = [
      ...pack.rules.map((r) => r.query.text),
      ...pack.hunting.map((h) => h.query.text),
      ...pack.playbookQueries.map((q) => q.query.text),
      // the sign-in alert and the response-failure alert (SentinelHealth), as emitted
      ...monitorAlertEmitter(pack)
        .resources.filter((r) => r.kind === 'monitorAlert')
        .map((r) => (r.body.properties as { criteria: { allOf: { query: string }[] } }).criteria.allOf[0].query),
      ...pack.workbooks[0].queries
        .filter((q) => q.itemName !== 'data-health')
        .map((q) =>
          q.query.text
            .replace(/\{TimeRange:grain\}/g, '1h')
            .replace(/\{TimeRange\}/g, '> ago(1d)')
            .replace(/\{Account\}/g, "'*'"),
        ),
    ];
    const read = new Set(texts.flatMap((t) => defaultAnalyzer().analyze(t).tables));
    expect(read.has('SentinelHealth') && read.has('Watchlist') && read.has('SecurityIncident')).toBe(true);
    for (const t of read) expect({ t, listed: health.includes(`"${t}"`) }).toEqual({ t, listed: true });
    expect(tile('drill-history').query.text).toContain('IncidentLatencySeconds');
    expect(tile('signin-details').query.text).toContain('Device = tostring(DeviceDetail.displayName)');
  });

  it('sign-in details show the device of each sign-in, interactive and non-interactive (whose columns are strings)', () => {
    const text = tile('signin-details')
      .query.text.replace(/\{TimeRange\}/g, '> ago(1d)')
      .replace(/\{Account\}/g, "'*'");
    const device = {
      displayName: 'PAW-01',
      deviceId: 'd-1',
      isCompliant: true,
      isManaged: true,
      operatingSystem: 'Windows',
    };
    const rows = run(text, {
      SigninLogs: [
        {
          TimeGenerated: new KDate(NOW - 3_600_000),
          UserId: B1,
          UserPrincipalName: 'btg-emergency-01@contoso.example',
          ResultType: '0',
          DeviceDetail: device,
          LocationDetails: { city: 'Oslo', countryOrRegion: 'NO' },
          AuthenticationDetails: JSON.stringify([{ authenticationMethod: 'FIDO2 security key' }]),
        },
      ],
      AADNonInteractiveUserSignInLogs: [
        {
          TimeGenerated: new KDate(NOW - 1_800_000),
          UserId: B1,
          UserPrincipalName: 'btg-emergency-01@contoso.example',
          ResultType: '0',
          DeviceDetail: JSON.stringify({ ...device, displayName: 'PAW-02', isCompliant: false }),
          LocationDetails: JSON.stringify({ city: 'Oslo', countryOrRegion: 'NO' }),
          AuthenticationDetails: '[]',
        },
      ],
    });
    expect(rows.map((r) => [r.SignInType, r.Device, r.DeviceId, r.Compliant, r.Managed, r.OS])).toEqual([
      ['Non-interactive', 'PAW-02', 'd-1', 'false', 'true', 'Windows'],
      ['Interactive', 'PAW-01', 'd-1', 'true', 'true', 'Windows'],
    ]);
  });

  it('data health: the newest data per table from Usage, stale after a day, a table without data named', () => {
    const hour = 3_600_000;
    const usage = (DataType: string, hoursAgo: number) => ({
      TimeGenerated: new KDate(NOW - hoursAgo * hour),
      DataType,
    });
    const rows = run(tile('data-health').query.text, {
      Usage: [usage('SigninLogs', 2), usage('SigninLogs', 30), usage('AuditLogs', 50), usage('SomethingElse', 1)],
    });
    const byTable = Object.fromEntries(rows.map((r) => [r.Table, [r.Health, r.HoursSinceData]]));
    expect(byTable.SigninLogs).toEqual(['OK', 2]);
    expect(byTable.AuditLogs).toEqual(['stale', 50]);
    expect(byTable.AADNonInteractiveUserSignInLogs).toEqual(['no data in 30 days', null]);
    expect(byTable.SomethingElse).toBeUndefined();
  });
});
