/** The Azure Monitor alert for workspaces without Sentinel: what ships, and the checks on it. */
import * as fs from 'fs';
import { ph } from '../scripts/emit/placeholders';
import * as path from 'path';
import { stringify } from 'yaml';
import { ruleNameFrom } from '../scripts/content/monitorAlert';
import { loadConfig } from '../scripts/config/load';
import { actionGroupName, monitorAlertEmitter } from '../scripts/emit/monitorAlert';
import { packIdOf } from '../scripts/content/ids';
import { PACK_TAG } from '../scripts/emit/resources';
import { defaultAnalyzer } from '../scripts/kql/analyzer';
import { validateMonitorAlerts } from '../scripts/validate/pack';
import { codes, packWith, folderWith, packFor } from './helpers/content';
import { configWith, exampleConfig, WATCHLIST_CONFIG } from './helpers/pack';
import { compileQuery, evaluate, table } from '../scripts/kql/eval';
import { bundledSchemas } from '../scripts/kql/schemas';
import { contentId } from '../scripts/content/ids';

jest.setTimeout(60_000);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TEMPLATE = fs.readFileSync(
  path.join(__dirname, '..', 'detections', 'monitor', 'btg-signin-monitor-alert.yaml'),
  'utf8',
);

describe('the Azure Monitor alert', () => {
  const pack = packFor(exampleConfig());
  const out = monitorAlertEmitter(pack);
  const alert = out.resources.find((r) => r.kind === 'monitorAlert')!;
  const group = out.resources.find((r) => r.kind === 'actionGroup')!;
  const p = alert.body.properties as Json;
  const ACTION_GROUP_NAME = actionGroupName(packIdOf(pack.config));

  it('validates without findings', () => {
    const ex = pack;
    expect(validateMonitorAlerts(ex, defaultAnalyzer())).toEqual([]);
  });

  it('is the guidance: SigninLogs by object id, more than 0 results, severity 0, every 5 minutes, enabled; late records still alert once', () => {
    expect(alert).toMatchObject({
      scope: 'resourceGroup',
      type: 'Microsoft.Insights/scheduledQueryRules',
      apiVersion: '2023-12-01',
      dependsOn: [`actionGroup:${ACTION_GROUP_NAME}`],
    });
    expect(alert.body).toMatchObject({
      kind: 'LogAlert',
      location: ph('location'),
      tags: { [PACK_TAG]: 'btg-signin-monitor-alert' },
    });
    expect(p).toMatchObject({
      severity: 0,
      enabled: true,
      scopes: [ph('workspaceResourceId')],
      evaluationFrequency: 'PT5M',
      windowSize: 'PT45M',
      autoMitigate: false,
    });
    expect(p.criteria.allOf).toEqual([
      expect.objectContaining({
        timeAggregation: 'Count',
        operator: 'GreaterThan',
        threshold: 0,
        failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
      }),
    ]);
    expect(p.criteria.allOf[0].query).toMatch(
      /^let BtgAccountIds = dynamic\(\["00000000-0000-4000-8000-00000000b701", "00000000-0000-4000-8000-00000000b702"\]\);/,
    );
    // window 5m + options.ingestionDelay (30m) rounded up to a window the service accepts; each record counted once
    expect(p.criteria.allOf[0].query).toContain(
      'SigninLogs\n| where ingestion_time() > ago(5m)\n| where tolower(UserId) in (BtgAccountIds)',
    );
    expect(p.muteActionsDuration).toBeUndefined();
  });

  it('mails notify.emails through its action group', () => {
    expect(group).toMatchObject({
      type: 'Microsoft.Insights/actionGroups',
      apiVersion: '2023-01-01',
      name: ACTION_GROUP_NAME,
      body: { location: 'Global' },
    });
    const g = group.body.properties as Json;
    expect(g.groupShortName.length).toBeLessThanOrEqual(12);
    expect(g.emailReceivers.map((r: Json) => r.emailAddress)).toEqual(['soc@contoso.example', 'ciso@contoso.example']);
    expect(p.actions.actionGroups).toEqual([
      ph('resourceGroupId', `/providers/Microsoft.Insights/actionGroups/${ACTION_GROUP_NAME}`),
    ]);
  });

  it('carries notify.emailSubject in its name, display name and custom properties', () => {
    const subject = 'Break-glass account activity: Break-glass account sign-in (Azure Monitor)';
    expect(p.displayName).toBe(subject);
    expect(p.actions.customProperties.Subject).toBe(subject);
    expect(alert.name).toBe(
      `Break-glass account activity - Break-glass account sign-in (Azure Monitor) (${packIdOf(pack.config)})`,
    );
    expect(ruleNameFrom('A: b/c? d#e|f* <g> 50% & h\\i+j.')).toBe('A - b - c - d - e - f - g - 50 - h - i - j');
  });

  it('is emitted as ARM with the action group', () => {
    const arm = JSON.parse(out.artifacts[0].content);
    expect(out.artifacts[0].path).toBe('arm/monitor/btg-signin-monitor-alert.json');
    expect(arm.resources.map((r: Json) => r.type)).toEqual([
      'Microsoft.Insights/actionGroups',
      'Microsoft.Insights/scheduledQueryRules',
    ]);
    expect(arm.resources[1].properties.scopes).toEqual([
      "[resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspace'))]",
    ]);
    expect(arm.resources[1].dependsOn).toEqual([
      `[resourceId('Microsoft.Insights/actionGroups', '${ACTION_GROUP_NAME}')]`,
    ]);
  });

  it('suppresses for options.monitorAlert.muteActionsDuration, and is not emitted when disabled', () => {
    const muted = monitorAlertEmitter(
      packFor(configWith((c) => (c.options.monitorAlert = { muteActionsDuration: 'PT1H' }))),
    );
    expect(muted.resources.find((r) => r.kind === 'monitorAlert')!.body.properties).toMatchObject({
      muteActionsDuration: 'PT1H',
      autoMitigate: false,
    });
    const off = monitorAlertEmitter(packFor(configWith((c) => (c.options.monitorAlert = { enabled: false }))));
    // the sign-in alert is left out; the response-failure alert (Sentinel automation) stays, with the action group
    expect(off.resources.map((r) => `${r.kind}:${r.templateId}`)).toEqual([
      'actionGroup:btg-response-failure-alert',
      'monitorAlert:btg-response-failure-alert',
    ]);
  });

  it('lists the object ids inline in watchlist mode too: a workspace without Sentinel has no watchlists', () => {
    const wl = monitorAlertEmitter(packFor(loadConfig(WATCHLIST_CONFIG).config!));
    const q = (wl.resources.find((r) => r.kind === 'monitorAlert')!.body.properties as Json).criteria.allOf[0].query;
    expect(q).not.toContain('_GetWatchlist');
    expect(q).toContain('"00000000-0000-4000-8000-00000000b701"');
  });

  it('without recipients: no action group, and a warning', () => {
    const cfg = configWith((c) => (c.notify.emails = []));
    const quiet = packFor(cfg);
    const r = monitorAlertEmitter(quiet);
    expect(r.resources.map((x) => x.kind)).toEqual(['monitorAlert', 'monitorAlert']);
    const diags = validateMonitorAlerts(quiet, defaultAnalyzer());
    expect(diags.map((d) => `${d.severity} ${d.code}: ${d.message}`)).toEqual([
      'warning monitor-alert-settings: notify.emails is empty: the Azure Monitor alert fires but mails nobody',
    ]);
  });
});

describe('monitor alert checks', () => {
  function validateTemplate(text: string, config = exampleConfig()) {
    const dir = folderWith({ 'btg-signin-monitor-alert.yaml': text });
    try {
      const pack = packFor(config);
      return validateMonitorAlerts(packWith(pack, { monitor: dir }), defaultAnalyzer());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('rejects a suppression outside PT5M..P2D, naming the config field', () => {
    const diags = validateTemplate(
      TEMPLATE,
      configWith((c) => (c.options.monitorAlert = { muteActionsDuration: 'P3D' })),
    );
    expect(diags).toEqual([
      expect.objectContaining({
        code: 'monitor-alert-settings',
        file: 'btg.config.yaml',
        path: ['options', 'monitorAlert', 'muteActionsDuration'],
        message: expect.stringContaining('from PT5M to P2D, got "P3D"'),
      }),
    ]);
  });

  it('the window follows options.ingestionDelay: the smallest accepted window covering frequency + delay', () => {
    const windowFor = (delay: string) => {
      const pk = packFor(
        configWith((c) => {
          c.options.ingestionDelay = delay;
        }),
      );
      return (monitorAlertEmitter(pk).resources.find((r) => r.kind === 'monitorAlert')!.body.properties as Json)
        .windowSize;
    };
    expect([windowFor('1m'), windowFor('10m'), windowFor('2h'), windowFor('1d')]).toEqual([
      'PT10M',
      'PT15M',
      'PT3H',
      'P2D',
    ]);
  });

  it('rejects an evaluation frequency longer than the window', () => {
    const diags = validateTemplate(
      TEMPLATE.replace('evaluationFrequency: PT5M', 'evaluationFrequency: PT10M\nwindowSize: PT5M'),
    );
    expect(diags.map((d) => d.message)).toEqual([
      'evaluationFrequency PT10M is longer than windowSize PT5M: sign-ins between two windows would never alert',
    ]);
    expect(diags[0].range!.start.line).toBe(TEMPLATE.split('\n').findIndex((l) => l.startsWith('evaluationFrequency')));
  });

  it('rejects a query that does not filter on the account ids, and a bad column at its line', () => {
    expect(codes(validateTemplate(TEMPLATE.replace('| where tolower(UserId) in (BtgAccountIds)\n', '')))).toEqual([
      'monitor-alert-account-filter',
    ]);
    const bad = TEMPLATE.replace(
      '| where tolower(UserId) in (BtgAccountIds)',
      '| where tolower(UserIdd) in (BtgAccountIds)',
    );
    const diags = validateTemplate(bad);
    expect(codes(diags)).toContain('kql-semantic');
    const d = diags.find((x) => x.code === 'kql-semantic')!;
    const line = bad.split('\n').findIndex((l) => l.includes('UserIdd'));
    expect(d.range!.start).toEqual({ line, character: bad.split('\n')[line].indexOf('UserIdd') });
  });

  it('rejects a template with an unknown severity', () => {
    const dir = folderWith({
      'x.yaml': stringify({
        name: 'x',
        description: 'x',
        severity: 7,
        evaluationFrequency: 'PT5M',
        windowSize: 'PT5M',
        query: 'SigninLogs',
      }),
    });
    const ex = packWith(packFor(exampleConfig()), { monitor: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(ex.diagnostics.monitorAlerts.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'monitor-alert-schema: severity: Number must be less than or equal to 4',
    ]);
  });
});

describe('phones, webhook and the response-failure alert (issue 14 items 3, 4)', () => {
  const PHONES = {
    sms: [{ countryCode: '47', phoneNumber: '40000000' }],
    voice: [{ countryCode: 47, phoneNumber: 40000001 }],
  };
  const pack = packFor(configWith((c) => Object.assign(c.notify, PHONES)));
  const out = monitorAlertEmitter(pack);
  const group = out.resources.find((r) => r.kind === 'actionGroup')!;
  const failure = out.resources.find((r) => r.templateId === 'btg-response-failure-alert')!;

  it('the action group carries SMS and voice receivers from notify.sms / notify.voice (numbers from YAML as digits)', () => {
    const g = group.body.properties as Json;
    expect(g.smsReceivers).toEqual([{ name: 'sms-1', countryCode: '47', phoneNumber: '40000000' }]);
    expect(g.voiceReceivers).toEqual([{ name: 'voice-1', countryCode: '47', phoneNumber: '40000001' }]);
    expect(out.resources.filter((r) => r.kind === 'actionGroup')).toHaveLength(1);
  });

  it('refuses phone numbers that are not digits, naming the field', () => {
    for (const [bad, field] of [
      [{ countryCode: '+47', phoneNumber: '40000000' }, 'countryCode'],
      [{ countryCode: '47', phoneNumber: '400 00 000' }, 'phoneNumber'],
      [{ countryCode: '47', phoneNumber: '+4740000000' }, 'phoneNumber'],
      [{ countryCode: '4747', phoneNumber: '40000000' }, 'countryCode'],
    ] as const) {
      expect(() => configWith((c) => (c.notify.sms = [bad]))).toThrow(
        new RegExp(`notify\\.sms\\[0\\]\\.${field}: expected`),
      );
    }
    expect(() =>
      configWith((c) => (c.notify.voice = [{ countryCode: '47', phoneNumber: '40000000', extra: 1 }])),
    ).toThrow(/notify\.voice\[0\]/);
  });

  it("the playbook-failure alert goes to the same action group, on failed runs of the pack's automation rules and playbooks", () => {
    const p = failure.body.properties as Json;
    expect(failure).toMatchObject({
      kind: 'monitorAlert',
      type: 'Microsoft.Insights/scheduledQueryRules',
      dependsOn: [`actionGroup:${group.name}`],
    });
    expect(p.actions.actionGroups).toEqual([
      ph('resourceGroupId', `/providers/Microsoft.Insights/actionGroups/${group.name}`),
    ]);
    expect(failure.name.endsWith(` (${packIdOf(pack.config)})`)).toBe(true);
    const q: string = p.criteria.allOf[0].query;
    expect(q).toContain(
      'let PackAutomationRules = dynamic(["Break-glass: label, assign, add tasks and run the playbooks (incident created)", "Break-glass: re-raise and run the playbooks (alert added to an incident)"]);',
    );
    expect(q).toContain(`"btg-notify-enrich-${packIdOf(pack.config)}"`);
    expect(q).toContain('| where Status !~ "Success"');
    expect(
      defaultAnalyzer()
        .analyze(q)
        .diagnostics.filter((d) => d.severity === 'error'),
    ).toEqual([]);
    // the sign-in alert uses the same group
    expect(
      (
        out.resources.find((r) => r.kind === 'monitorAlert' && r.templateId === 'btg-signin-monitor-alert')!.body
          .properties as Json
      ).actions.actionGroups,
    ).toEqual(p.actions.actionGroups);
  });

  it('the playbook-failure alert fires on the SentinelHealth records a failed pack response writes, and only on those', () => {
    // record shapes from the Microsoft Sentinel health tables reference: "Automation rule run" (Success, Partial
    // success, Failure; SentinelResourceId = the rule's ARM id) and "Playbook was triggered" (on-demand runs only)
    const q: string = (failure.body.properties as Json).criteria.allOf[0].query;
    const packId = packIdOf(pack.config);
    const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws';
    const created = contentId('automationRule', 'btg-incident-created');
    const added = contentId('automationRule', 'btg-incident-alert-added');
    const ruleRecord = (name: string, guid: string, status: string, reason = '') => ({
      OperationName: 'Automation rule run',
      SentinelResourceType: 'Automation rule',
      SentinelResourceName: name,
      SentinelResourceId: `${WS}/providers/Microsoft.SecurityInsights/automationRules/${guid}`,
      Status: status,
      Description: reason,
      ExtendedProperties: { TriggeredOn: 'Incident', TriggeredWhen: 'Created', TotalActions: 9 },
    });
    const playbookRecord = (name: string, status: string) => ({
      OperationName: 'Playbook was triggered',
      SentinelResourceType: 'Playbook',
      SentinelResourceName: name,
      SentinelResourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Logic/workflows/${name}`,
      Status: status,
    });
    const records: [string, Json, boolean][] = [
      [
        'pack rule, playbook not triggered',
        ruleRecord(
          'Break-glass: label, assign, add tasks and run the playbooks (incident created)',
          created,
          'Partial success',
          'Could not trigger playbook: btg-notify-enrich. Microsoft Sentinel is missing permissions to run it.',
        ),
        true,
      ],
      [
        'pack rule renamed in the portal, failed',
        ruleRecord('Renamed by someone', added.toUpperCase(), 'Failure'),
        true,
      ],
      ['pack rule, success', ruleRecord('Break-glass: x', created, 'Success'), false],
      ['pack playbook run on demand, failed', playbookRecord(`btg-notify-enrich-${packId}`, 'Failure'), true],
      [
        'resource type and status spelled in another case',
        { ...ruleRecord('Renamed', created, 'failure'), SentinelResourceType: 'Automation Rule' },
        true,
      ],
      [
        "another tenant's rule, failed",
        ruleRecord('SOC triage', '00000000-0000-4000-8000-00000000abcd', 'Failure'),
        false,
      ],
      ["another config's playbook, failed", playbookRecord('btg-notify-enrich-otherpck', 'Failure'), false],
      [
        'analytics rule run of the pack, failed (not a response failure)',
        { ...ruleRecord('x', created, 'Failure'), SentinelResourceType: 'Analytics rule' },
        false,
      ],
    ];
    const NOW = Date.parse('2026-12-01T12:00:00Z');
    const cols = bundledSchemas().SentinelHealth.map((c) => ({
      name: c.name,
      type: c.type === 'int' ? 'long' : c.type,
    }));
    const c = compileQuery(q, defaultAnalyzer());
    expect([c.errors, c.unsupported]).toEqual([[], []]);
    const fired = (r: Json, ingestedAgo: number) =>
      evaluate(c, {
        tables: {
          SentinelHealth: table(
            cols,
            [Object.fromEntries(cols.map((col) => [col.name, (r[col.name] ?? null) as never]))],
            [NOW - ingestedAgo],
          ),
        },
        functions: {},
        now: NOW,
      }).rows.length > 0;
    for (const [what, r, fires] of records) expect({ what, fires: fired(r, 60_000) }).toEqual({ what, fires });
    // each record once: one ingested before the last 5 minutes was seen by the previous evaluation
    expect(fired(records[0][1], 6 * 60_000)).toBe(false);
  });

  it('the webhook is a secure deploy-time parameter of the ARM template, never a value in a file', () => {
    expect((group.body.properties as Json).webhookReceivers).toEqual([]);
    const hooked = monitorAlertEmitter(packFor(configWith((c) => (c.notify.webhook = true))));
    for (const a of hooked.artifacts) {
      const t = JSON.parse(a.content);
      expect(t.parameters.alertWebhookUri).toMatchObject({ type: 'securestring', defaultValue: '' });
      const ag = t.resources.find((r: Json) => r.type === 'Microsoft.Insights/actionGroups');
      expect(ag.properties.webhookReceivers).toBe(
        "[if(empty(parameters('alertWebhookUri')), createArray(), createArray(createObject('name', 'webhook-1', 'serviceUri', parameters('alertWebhookUri'), 'useCommonAlertSchema', true)))]",
      );
      expect(a.content).not.toMatch(/"serviceUri": "|hooks\./);
    }
    expect(() => configWith((c) => (c.notify.webhook = 'https://hooks.example/abc?key=secret'))).toThrow(
      /notify\.webhook/,
    );
  });
});
