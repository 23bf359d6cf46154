/** Playbooks and the automation rules that run them: what ships, the lock-out safety invariant and the other checks. */
import * as fs from 'fs';
import { ph } from '../scripts/emit/placeholders';
import * as path from 'path';
import { contentId, PACK_ID_TAG, packIdOf } from '../scripts/content/ids';
import { PlaybookContent, USE_RULE_TEMPLATES, walkActions } from '../scripts/content/playbooks';
import { automationRuleEmitter } from '../scripts/emit/automationRules';
import { monitorAlertEmitter } from '../scripts/emit/monitorAlert';
import { renderResponseFlow } from '../scripts/emit/report/playbooks';
import { playbookEmitter, playbookTemplate, ROLES } from '../scripts/emit/playbooks';
import { PACK_TAG } from '../scripts/emit/resources';
import { defaultAnalyzer } from '../scripts/kql/analyzer';
import { lockoutProblems, playbookChecks, secretFindings } from '../scripts/validate/checks/playbook';
import { validatePlaybooks } from '../scripts/validate/pack';
import { codes, packWith, folderWith, packFor, shippedJson } from './helpers/content';
import { compileQuery, evaluate, KDate, table } from '../scripts/kql/eval';
import { bundledSchemas } from '../scripts/kql/schemas';
import { DRILL_WATCHLIST, drillRecord, drillWatchlistItem } from '../scripts/livetest';
import { configWith, exampleConfig } from './helpers/pack';

jest.setTimeout(60_000);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const pack = packFor(exampleConfig());
const emitted = playbookEmitter(pack);
/** the example config's packId (no packId set: the default hash) */
const PACK_ID = packIdOf(pack.config);
const templates = Object.fromEntries(emitted.artifacts.map((a) => [a.templateId!, JSON.parse(a.content) as Json]));
const workflowOf = (t: Json) => t.resources.find((r: Json) => r.type === 'Microsoft.Logic/workflows');
const actionNames = (def: Json) => {
  const names: string[] = [];
  walkActions(def.actions, [], (n) => names.push(n));
  return names;
};
const FIXTURES = path.join(__dirname, 'fixtures', 'playbooks');

/** Validate playbook templates (and optional queries) from a temp folder in place of the pack's. */
function validateFolder(files: Record<string, unknown>) {
  const dir = folderWith(files);
  try {
    const ex = packWith(pack, { playbooks: dir });
    return validatePlaybooks(ex, defaultAnalyzer()); // includes the load diagnostics
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the shipped playbooks', () => {
  it('load and validate without findings', () => {
    expect(pack.diagnostics.playbooks).toEqual([]);
    expect(validatePlaybooks(pack, defaultAnalyzer())).toEqual([]);
  });

  it('emit notify, custodian confirmation and test reminder for the example config', () => {
    expect(emitted.artifacts.map((a) => a.path).sort()).toEqual([
      'playbooks/btg-custodian-confirmation/azuredeploy.json',
      'playbooks/btg-notify-enrich/azuredeploy.json',
      'playbooks/btg-test-reminder/azuredeploy.json',
    ]);
  });

  it.each(['btg-notify-enrich', 'btg-custodian-confirmation', 'btg-test-reminder'])(
    '%s follows the Azure-Sentinel playbook convention with a managed identity',
    (id) => {
      const t = templates[id];
      expect(t.parameters.PlaybookName).toMatchObject({ type: 'string', defaultValue: `${id}-${PACK_ID}` });
      const wf = workflowOf(t);
      expect(wf).toMatchObject({
        apiVersion: '2019-05-01',
        name: "[parameters('PlaybookName')]",
        location: '[resourceGroup().location]',
        identity: { type: 'SystemAssigned' },
        tags: { [PACK_TAG]: id, [PACK_ID_TAG]: PACK_ID },
      });
      for (const c of t.resources.filter((r: Json) => r.type === 'Microsoft.Web/connections'))
        expect(c.location).toBe('[resourceGroup().location]');
      const responder = t.resources.find(
        (r: Json) =>
          r.type === 'Microsoft.Authorization/roleAssignments' &&
          r.properties.roleDefinitionId.includes(ROLES.sentinelResponder),
      );
      expect(responder).toMatchObject({
        scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspace'))]",
        properties: { principalType: 'ServicePrincipal' },
      });
      expect(responder.properties.principalId).toContain("'full').identity.principalId");
      // least privilege: no role beyond Responder for the identity
      const roles = t.resources
        .filter((r: Json) => r.type === 'Microsoft.Authorization/roleAssignments' && !r.condition)
        .map((r: Json) => r.properties.roleDefinitionId);
      expect(roles).toHaveLength(1);
    },
  );

  it('connects to Sentinel with the managed identity; nothing stores a credential', () => {
    for (const t of Object.values(templates)) {
      const wf = workflowOf(t);
      const conns = wf.properties.parameters.$connections.value;
      if (conns.azuresentinel) {
        expect(conns.azuresentinel.connectionProperties).toEqual({
          authentication: { type: 'ManagedServiceIdentity' },
        });
        expect(
          t.resources.find((r: Json) => r.name === "[variables('azuresentinelConnectionName')]").properties
            .parameterValueType,
        ).toBe('Alternative');
      }
      expect(secretFindings(t, [])).toEqual([]);
      for (const [name, p] of Object.entries(t.parameters as Record<string, Json>))
        if (/secret|password|token|webhook|key$/i.test(name)) expect(p.type).toBe('securestring');
    }
  });

  it('incident playbooks let deploy grant the Sentinel service principal Automation Contributor', () => {
    for (const id of ['btg-notify-enrich', 'btg-custodian-confirmation']) {
      const t = templates[id];
      expect(t.parameters.SentinelServicePrincipalObjectId).toMatchObject({ type: 'string', defaultValue: '' });
      const grant = t.resources.find((r: Json) => r.condition);
      expect(grant).toMatchObject({
        condition: "[not(empty(parameters('SentinelServicePrincipalObjectId')))]",
        properties: { principalId: "[parameters('SentinelServicePrincipalObjectId')]" },
      });
      expect(grant.properties.roleDefinitionId).toContain(ROLES.sentinelAutomationContributor);
    }
    expect(templates['btg-test-reminder'].parameters.SentinelServicePrincipalObjectId).toBeUndefined();
  });

  it('inline their validated query with run-time values bound only through formatDateTime', () => {
    const wf = workflowOf(templates['btg-notify-enrich']);
    const q: string = wf.properties.definition.actions['Query_sign-in_details'].inputs.body.query;
    expect(q).not.toContain('declare query_parameters');
    expect(q).toMatch(/let IncidentStart = datetime\(@\{formatDateTime\(.*, 'yyyy-MM-ddTHH:mm:ssZ'\)\}\);/);
    expect(q).toContain('"00000000-0000-4000-8000-00000000b701"');
    const r: string = workflowOf(templates['btg-test-reminder']).properties.definition.actions.Query_overdue_accounts
      .inputs.body.query;
    expect(r).toContain('let TestInterval = 90d;');
    expect(r).not.toContain('@{');
  });

  it('deploy as one Incremental ARM deployment each, with this config as parameters', () => {
    for (const res of emitted.resources) {
      expect(res).toMatchObject({
        kind: 'playbook',
        scope: 'resourceGroup',
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2025-03-01',
        name: `breakglass-sentinel-${PACK_ID}-${res.templateId}`,
      });
      expect(res.name.length).toBeLessThanOrEqual(64);
      expect(res.body.properties).toMatchObject({
        mode: 'Incremental',
        parameters: {
          PlaybookName: { value: `${res.templateId}-${PACK_ID}` },
          workspace: { value: ph('workspaceName') },
        },
      });
      expect(res.body.properties.template).toEqual(templates[res.templateId]);
      expect(res.body.tags).toEqual({ [PACK_TAG]: res.templateId, [PACK_ID_TAG]: PACK_ID });
    }
    const notify = emitted.resources.find((r) => r.templateId === 'btg-notify-enrich')!;
    expect((notify.body.properties.parameters as Json).NotifyEmails).toEqual({
      value: 'soc@contoso.example;ciso@contoso.example',
    });
    expect((notify.body.properties.parameters as Json).EmailSubjectTemplate).toEqual({
      value: 'Break-glass account activity: {alertName}',
    });
  });

  it('leave out what the config cannot use, with its connection and parameters', () => {
    const notify = workflowOf(templates['btg-notify-enrich']);
    expect(actionNames(notify.properties.definition)).not.toContain('Post_to_Teams');
    expect(Object.keys(notify.properties.parameters.$connections.value).sort()).toEqual(['azuresentinel', 'office365']);
    expect(templates['btg-notify-enrich'].parameters.TeamsGroupId).toBeUndefined();

    const teams = configWith(
      (c) => (c.notify.teams = { groupId: '00000000-0000-4000-8000-0000000000c1', channelId: '19:abc@thread.tacv2' }),
    );
    const withTeams = workflowOf(
      playbookTemplate(
        packFor(teams).playbooks.find((p) => p.templateId === 'btg-notify-enrich')!,
        'team-a',
      ) as Json,
    );
    expect(actionNames(withTeams.properties.definition)).toContain('Post_to_Teams');
    expect(Object.keys(withTeams.properties.parameters.$connections.value).sort()).toEqual([
      'azuresentinel',
      'office365',
      'teams',
    ]);

    const bare = configWith((c) => {
      c.notify = {};
      for (const a of c.accounts) a.custodians = [];
    });
    const bareEmitted = playbookEmitter(packFor(bare));
    expect(bareEmitted.artifacts.map((a) => a.templateId).sort()).toEqual(['btg-notify-enrich', 'btg-test-reminder']);
    for (const a of bareEmitted.artifacts) {
      const wf = workflowOf(JSON.parse(a.content));
      expect(Object.keys(wf.properties.parameters.$connections.value)).not.toContain('office365');
      expect(actionNames(wf.properties.definition)).not.toEqual(
        expect.arrayContaining(['Send_email', 'Assign_owner', 'Send_reminder']),
      );
    }
  });
});

describe("a failed playbook run alerts through the pack's action group (issue 14 item 3)", () => {
  const alertOf = (t: Json) => t.resources.find((r: Json) => r.type === 'Microsoft.Insights/metricAlerts');

  it('every playbook carries a metric alert on its failed runs (RunsFailed > 0 in 5 minutes) to the action group', () => {
    const group = `/providers/Microsoft.Insights/actionGroups/breakglass-sentinel-${PACK_ID}-recipients`;
    for (const r of emitted.resources) {
      const t = (r.body.properties as Json).template as Json;
      const a = alertOf(t);
      expect(a).toMatchObject({
        condition: "[not(empty(parameters('RunFailureActionGroupId')))]",
        location: 'global',
        dependsOn: ["[resourceId('Microsoft.Logic/workflows', parameters('PlaybookName'))]"],
        tags: { [PACK_TAG]: r.templateId, [PACK_ID_TAG]: PACK_ID },
        properties: {
          severity: 1,
          enabled: true,
          autoMitigate: false,
          scopes: ["[resourceId('Microsoft.Logic/workflows', parameters('PlaybookName'))]"],
          windowSize: 'PT5M',
          actions: [{ actionGroupId: "[parameters('RunFailureActionGroupId')]" }],
        },
      });
      expect(a.properties.criteria).toEqual({
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion',
            name: 'FailedRuns',
            metricNamespace: 'Microsoft.Logic/workflows',
            metricName: 'RunsFailed',
            operator: 'GreaterThan',
            threshold: 0,
            timeAggregation: 'Total',
          },
        ],
      });
      // btg deploy: the action group's id, deployed first; the file for a hand deployment: empty (no alert) by default
      expect((r.body.properties as Json).parameters.RunFailureActionGroupId).toEqual({
        value: ph('resourceGroupId', group),
      });
      expect(r.dependsOn).toEqual([`actionGroup:breakglass-sentinel-${PACK_ID}-recipients`]);
      expect(t.parameters.RunFailureActionGroupId.defaultValue).toBe('');
    }
    expect(emitted.resources).toHaveLength(3);
  });

  it('without anyone to tell (no mail, SMS, voice or webhook) there is no action group and no run-failure alert', () => {
    const silent = playbookEmitter(packFor(configWith((c) => (c.notify.emails = []))));
    for (const r of silent.resources) {
      const t = (r.body.properties as Json).template as Json;
      expect({ id: r.templateId, alert: alertOf(t), param: t.parameters.RunFailureActionGroupId }).toEqual({
        id: r.templateId,
        alert: undefined,
        param: undefined,
      });
      expect(r.dependsOn ?? []).toEqual([]);
    }
  });
});

describe('playbook-lockout-safety', () => {
  it('rejects a playbook that disables the user, naming the action nested in a Foreach and an If', () => {
    const fixture = path.join(FIXTURES, 'disable-user.json');
    const text = fs.readFileSync(fixture, 'utf8');
    const diags = validateFolder({ 'disable-user.json': text });
    expect(codes(diags)).toEqual(['playbook-lockout-safety']);
    expect(diags[0].path).toEqual([
      'definition',
      'actions',
      'For_each_account',
      'actions',
      'Is_high_severity',
      'actions',
      'Disable_user',
    ]);
    expect(diags[0].message).toBe(
      'action "Disable_user" sets accountEnabled to false (only a literal true is allowed)',
    );
    expect(diags[0].range!.start.line).toBe(text.split('\n').findIndex((l) => l.includes('"Disable_user"')));
  });

  const graph = (method: string, uri: string, body?: unknown) => ({ type: 'Http', inputs: { method, uri, body } });
  const azuread = (method: string, p: string, body?: unknown) => ({
    type: 'ApiConnection',
    inputs: {
      host: { connection: { name: "@parameters('$connections')['azuread']['connectionId']" } },
      method,
      path: p,
      body,
    },
  });
  const G = 'https://graph.microsoft.com/v1.0';
  it.each([
    [
      'Graph PATCH accountEnabled=false',
      graph('PATCH', `${G}/users/x`, { accountEnabled: false }),
      'sets accountEnabled to false',
    ],
    [
      'accountEnabled from an expression',
      graph('PATCH', `${G}/users/x`, { accountEnabled: "@variables('enabled')" }),
      'sets accountEnabled to "@variables(\'enabled\')"',
    ],
    [
      'Entra ID connector "Update user"',
      azuread('patch', '/v1.0/users/@{encodeURIComponent(x)}', { accountEnabled: false }),
      'sets accountEnabled to false',
    ],
    ['delete user', graph('DELETE', `${G}/users/x`), 'deletes a user or its authentication methods'],
    [
      'delete a FIDO2 method',
      graph('DELETE', `${G}/users/x/authentication/fido2Methods/y`),
      'deletes a user or its authentication methods',
    ],
    [
      'reset password (method)',
      graph('POST', `${G}/users/x/authentication/methods/y/resetPassword`, { newPassword: "@{variables('p')}" }),
      'resets a password',
    ],
    [
      'reset password (passwordProfile)',
      graph('PATCH', `${G}/users/x`, { passwordProfile: { forceChangePasswordNextSignIn: true } }),
      'sets passwordProfile',
    ],
    [
      'revoke sign-in sessions',
      graph('POST', `${G}/users/x/revokeSignInSessions`),
      "revokes the user's sign-in sessions",
    ],
    [
      'confirm compromised',
      graph('POST', `${G}/identityProtection/riskyUsers/confirmCompromised`, { userIds: ['x'] }),
      'confirms the user compromised',
    ],
    ['a block-user endpoint', azuread('post', '/blockUser', { id: 'x' }), 'disables or blocks a user'],
    [
      'a $batch with a disable inside',
      graph('POST', `${G}/$batch`, {
        requests: [{ id: '1', method: 'PATCH', url: '/users/x', body: { accountEnabled: false } }],
      }),
      'in a $batch request: sets accountEnabled',
    ],
    ['a text body', graph('PATCH', `${G}/users/x`, '{"accountEnabled": false}'), 'sets accountEnabled in a text body'],
    [
      'a child workflow',
      { type: 'Workflow', inputs: { host: { workflow: { id: 'x' }, triggerName: 'manual' } } },
      'cannot be inspected',
    ],
    [
      'an Automation runbook',
      {
        type: 'ApiConnection',
        inputs: {
          host: { connection: { name: "@parameters('$connections')['azureautomation']['connectionId']" } },
          method: 'put',
          path: '/jobs',
        },
      },
      'runs scripts',
    ],
  ])('rejects %s', (_name, action, problem) => {
    expect(lockoutProblems(action as Json).join('\n')).toContain(problem);
  });

  it.each([
    ['re-enabling (accountEnabled: true)', graph('PATCH', `${G}/users/x`, { accountEnabled: true })],
    ['reading the user', graph('GET', `${G}/users/x`)],
    [
      'an incident comment',
      {
        type: 'ApiConnection',
        inputs: {
          host: { connection: { name: "@parameters('$connections')['azuresentinel']['connectionId']" } },
          method: 'post',
          path: '/Incidents/Comment',
          body: { message: 'disable user? no' },
        },
      },
    ],
  ])('allows %s', (_name, action) => {
    expect(lockoutProblems(action as Json)).toEqual([]);
  });

  it('inspects every nesting: Scope, Switch cases and default, Until, If else', () => {
    const bad = { type: 'Http', inputs: { method: 'DELETE', uri: `${G}/users/x` } };
    const data = {
      definition: {
        triggers: {},
        actions: {
          Scope: { type: 'Scope', actions: { A: bad } },
          Switch: {
            type: 'Switch',
            cases: { c1: { case: 'x', actions: { B: bad } } },
            default: { actions: { C: bad } },
          },
          Until: { type: 'Until', actions: { D: bad } },
          If: { type: 'If', actions: {}, else: { actions: { E: bad } } },
        },
      },
    };
    const f = playbookChecks['playbook-lockout-safety'].fn({ data } as unknown as PlaybookContent, {
      analyses: new Map(),
    });
    expect(f.map((x) => x.path!.join('.'))).toEqual([
      'definition.actions.Scope.actions.A',
      'definition.actions.Switch.cases.c1.actions.B',
      'definition.actions.Switch.default.actions.C',
      'definition.actions.Until.actions.D',
      'definition.actions.If.else.actions.E',
    ]);
  });

  it('passes every shipped playbook action (the check is not vacuous: it sees them all)', () => {
    for (const pb of pack.playbooks) {
      let seen = 0;
      walkActions((pb.data as Json).definition.actions, [], (_n, a) => {
        seen++;
        expect(lockoutProblems(a)).toEqual([]);
      });
      expect(seen).toBeGreaterThan(3);
    }
  });
});

describe('playbook-no-secrets, playbook-structure and playbook-query', () => {
  const base = () => shippedJson('playbooks/btg-test-reminder.json');

  it('rejects a webhook URL, a literal password and Basic authentication', () => {
    const doc = base();
    doc.definition.actions.Post_webhook = {
      type: 'Http',
      runAfter: {},
      inputs: {
        method: 'POST',
        uri: 'https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456',
        body: { text: 'x' },
        authentication: { type: 'Basic', username: 'u', password: 'hunter2' },
      },
    };
    const diags = validateFolder({
      'btg-test-reminder.json': doc,
      'queries/btg-overdue-accounts.kql': fs.readFileSync('playbooks/queries/btg-overdue-accounts.kql', 'utf8'),
    });
    expect(diags.filter((d) => d.code === 'playbook-no-secrets').map((d) => d.message)).toEqual([
      expect.stringContaining('contains an Office 365 / Teams incoming-webhook URL'),
      'authentication type Basic carries a credential; use ManagedServiceIdentity',
      '"password" holds a literal value: a secret belongs in a secureString deploy-time parameter',
    ]);
  });

  it('rejects a dangling runAfter, an undeclared parameter, an unknown requires entry and the wrong trigger', () => {
    const doc = base();
    doc.definition.actions.Overdue_accounts.runAfter = { Query_everything: ['Succeeded'] };
    doc.definition.actions.Query_overdue_accounts.inputs.uri += "?x=@{parameters('Secretless')}";
    doc.$btg.requires.Send_pigeon = 'teams';
    doc.$btg.trigger = 'incident';
    const diags = validateFolder({
      'btg-test-reminder.json': doc,
      'queries/btg-overdue-accounts.kql': fs.readFileSync('playbooks/queries/btg-overdue-accounts.kql', 'utf8'),
    });
    expect(diags.filter((d) => d.code === 'playbook-structure').map((d) => d.message)).toEqual([
      expect.stringMatching(
        /^action "Overdue_accounts" runs after "Query_everything", which is not an action at the same level/,
      ),
      'requires names action "Send_pigeon", which is not in the definition',
      "the definition uses parameters('Secretless'), which is not declared in $btg.parameters",
      expect.stringContaining('an incident playbook needs the Microsoft Sentinel incident trigger'),
    ]);
  });

  it('rejects a run-time binding that is not a formatted datetime, and a query that does not return one Row', () => {
    const doc = shippedJson('playbooks/btg-notify-enrich.json');
    doc.definition.actions['Query_sign-in_details'].inputs.body.query.bind.IncidentStart =
      "@{triggerBody()?['object']?['properties']?['title']}";
    const kql = fs
      .readFileSync('playbooks/queries/btg-incident-signins.kql', 'utf8')
      .replace(/\| project Row = bag_pack\([\s\S]*$/, '| project TimeGenerated, UserPrincipalName\n');
    const diags = validateFolder({ 'btg-notify-enrich.json': doc, 'queries/btg-incident-signins.kql': kql });
    expect(diags.filter((d) => d.code === 'playbook-query').map((d) => d.message)).toEqual([
      `binding of IncidentStart must be @{formatDateTime(<expression>, 'yyyy-MM-ddTHH:mm:ssZ')}, got "@{triggerBody()?['object']?['properties']?['title']}"`,
      'query btg-incident-signins ships with an unescaped "@" expression, which Logic Apps would evaluate',
      'btg-notify-enrich: query btg-incident-signins must return one dynamic column Row (end with | project Row = bag_pack(...)); it returns (TimeGenerated:datetime, UserPrincipalName:string)',
    ]);
  });

  it('reports a KQL error in a playbook query at its line in the .kql file', () => {
    const kql = fs
      .readFileSync('playbooks/queries/btg-overdue-accounts.kql', 'utf8')
      .replace('| where Status != "Closed"', '| where Statuss != "Closed"');
    const diags = validateFolder({ 'btg-test-reminder.json': base(), 'queries/btg-overdue-accounts.kql': kql });
    expect(codes(diags)).toEqual(['kql-semantic']);
    const line = kql.split('\n').findIndex((l) => l.includes('Statuss !='));
    expect(diags[0].range!.start).toEqual({ line, character: kql.split('\n')[line].indexOf('Statuss') });
  });

  it('rejects a marker naming a query that does not exist', () => {
    const doc = base();
    doc.definition.actions.Query_overdue_accounts.inputs.body.query.$btgQuery = 'no-such-query';
    const diags = validateFolder({ 'btg-test-reminder.json': doc });
    expect(diags.map((d) => d.code)).toEqual(['playbook-schema']);
    expect(diags[0].message).toContain('no query "no-such-query"');
  });
});

describe('automation rules', () => {
  const out = automationRuleEmitter(pack);
  const byId = Object.fromEntries(out.resources.map((r) => [r.templateId, r]));
  const props = (id: string) => byId[id].body.properties as Json;
  const ruleIds = pack.rules.map((r) =>
    ph('workspaceResourceId', `/providers/Microsoft.SecurityInsights/alertRules/${r.rule.id}`),
  );
  const run = (name: string) => ({
    actionType: 'RunPlaybook',
    actionConfiguration: {
      logicAppResourceId: ph('resourceGroupId', `/providers/Microsoft.Logic/workflows/${name}-${PACK_ID}`),
      tenantId: ph('tenantId'),
    },
  });

  it('are two: incident created, and alert added to an incident; first in the workspace (orders 1 and 2)', () => {
    expect(Object.keys(byId).sort()).toEqual(['btg-incident-alert-added', 'btg-incident-created']);
    expect(byId['btg-incident-created']).toMatchObject({
      kind: 'automationRule',
      scope: 'sentinel',
      type: 'automationRules',
      name: contentId('automationRule', 'btg-incident-created'),
      apiVersion: '2025-09-01',
    });
    expect([...byId['btg-incident-created'].dependsOn!].sort()).toEqual([
      `playbook:breakglass-sentinel-${PACK_ID}-btg-custodian-confirmation`,
      `playbook:breakglass-sentinel-${PACK_ID}-btg-notify-enrich`,
    ]);
    expect([props('btg-incident-created').order, props('btg-incident-alert-added').order]).toEqual([1, 2]);
  });

  it('on creation: labels and tasks (native) first, then notify, then the confirmation playbook', () => {
    const p = props('btg-incident-created');
    expect(p.triggeringLogic).toEqual({
      isEnabled: true,
      triggersOn: 'Incidents',
      triggersWhen: 'Created',
      conditions: [
        {
          conditionType: 'Property',
          conditionProperties: {
            propertyName: 'IncidentRelatedAnalyticRuleIds',
            operator: 'Contains',
            propertyValues: ruleIds,
          },
        },
      ],
    });
    const types = p.actions.map((a: Json) => a.actionType);
    expect(types[0]).toBe('ModifyProperties');
    expect(p.actions[0].actionConfiguration.labels).toEqual([{ labelName: 'break-glass' }]);
    const lastNative = types.lastIndexOf('AddIncidentTask');
    expect(lastNative).toBeGreaterThan(0);
    expect(types.slice(lastNative + 1)).toEqual(['RunPlaybook', 'RunPlaybook']);
    expect(
      p.actions
        .slice(lastNative + 1)
        .map((a: Json) => ({ actionType: a.actionType, actionConfiguration: a.actionConfiguration })),
    ).toEqual([run('btg-notify-enrich'), run('btg-custodian-confirmation')]);
    expect(p.actions.map((a: Json) => a.order)).toEqual(p.actions.map((_: Json, i: number) => i + 1));
    expect(p.actions.length).toBeLessThanOrEqual(20);
  });

  it('the incident tasks are the break-glass procedure\'s "Incident tasks", in order', () => {
    const tasks = props('btg-incident-created')
      .actions.filter((a: Json) => a.actionType === 'AddIncidentTask')
      .map((a: Json) => a.actionConfiguration);
    const proc = pack.routines.find((r) => r.templateId === 'break-glass-procedure')!.text;
    expect(tasks.map((t: Json) => t.title)).toEqual([
      'Confirm the use',
      'Review the sign-in',
      "Match every change against the witness's log",
      'Make sure the sessions were revoked',
      'Preserve the logs for the review',
      'Close or escalate',
    ]);
    for (const t of tasks) {
      expect(proc).toContain(`**${t.title}.**`);
      expect(t.description.length).toBeGreaterThan(20);
      expect(t.title.length).toBeLessThanOrEqual(150);
    }
  });

  it('an alert added to an existing incident (open, or a closed test reopened by grouping) runs the notification again', () => {
    const p = props('btg-incident-alert-added');
    expect(p.triggeringLogic).toMatchObject({ isEnabled: true, triggersOn: 'Incidents', triggersWhen: 'Updated' });
    expect(p.triggeringLogic.conditions).toEqual([
      { conditionType: 'PropertyArrayChanged', conditionProperties: { arrayType: 'Alerts', changeType: 'Added' } },
      {
        conditionType: 'Property',
        conditionProperties: {
          propertyName: 'IncidentRelatedAnalyticRuleIds',
          operator: 'Contains',
          propertyValues: ruleIds,
        },
      },
    ]);
    expect(p.actions[0]).toEqual({
      order: 1,
      actionType: 'ModifyProperties',
      actionConfiguration: {
        status: 'Active',
        severity: 'High',
        labels: [{ labelName: 'break-glass' }, { labelName: 'btg-alert-added' }],
      },
    });
    expect(p.actions.slice(1)).toEqual([
      { order: 2, ...run('btg-notify-enrich') },
      { order: 3, ...run('btg-custodian-confirmation') },
    ]);
  });

  it('a closed test incident that receives a real sign-in: the update rule matches it (emulated service evaluation)', () => {
    // the incident as the service sees it when grouping reopened a closed test incident with a new alert
    const incident = {
      status: 'Closed',
      classification: 'BenignPositive',
      relatedAnalyticRuleIds: [pack.rules.find((r) => r.templateId === 'btg-interactive-signin')!.rule.id],
      alertsAdded: 1,
    };
    const matches = (p: Json, trigger: 'Created' | 'Updated') =>
      p.triggeringLogic.triggersWhen === trigger &&
      p.triggeringLogic.conditions.every((c: Json) =>
        c.conditionType === 'PropertyArrayChanged'
          ? c.conditionProperties.arrayType === 'Alerts' &&
            c.conditionProperties.changeType === 'Added' &&
            incident.alertsAdded > 0
          : c.conditionProperties.propertyValues.some((v: Json) =>
              incident.relatedAnalyticRuleIds.some((id) => String(v.suffix).endsWith(`/alertRules/${id}`)),
            ),
      );
    const fired = out.resources.filter((r) => matches(r.body.properties as Json, 'Updated'));
    expect(fired.map((r) => r.templateId)).toEqual(['btg-incident-alert-added']);
    const acts = (fired[0].body.properties as Json).actions;
    expect(
      acts.some(
        (a: Json) =>
          a.actionType === 'RunPlaybook' &&
          a.actionConfiguration.logicAppResourceId.suffix.endsWith(`btg-notify-enrich-${PACK_ID}`),
      ),
    ).toBe(true);
    // and it is reopened (Active) whatever the test's classification
    expect(acts[0].actionConfiguration.status).toBe('Active');
    // without an added alert (a comment, a status change) nothing runs
    incident.alertsAdded = 0;
    expect(out.resources.filter((r) => matches(r.body.properties as Json, 'Updated'))).toEqual([]);
  });

  it('grouping: a use after the test incident was closed gets its own incident from the core sign-in rules', () => {
    for (const id of ['btg-interactive-signin', 'btg-noninteractive-signin']) {
      const g = pack.rules.find((r) => r.templateId === id)!.rule.incidentConfiguration!.groupingConfiguration!;
      expect({ id, reopen: g.reopenClosedIncident }).toEqual({ id, reopen: false });
    }
  });

  it('grouping: every rule either never reopens a closed incident or is one the alert-added rule re-raises and notifies', () => {
    const added = props('btg-incident-alert-added');
    const watched: Json[] = added.triggeringLogic.conditions[1].conditionProperties.propertyValues;
    const reopening = pack.rules.filter(
      (r) => r.rule.incidentConfiguration?.groupingConfiguration?.reopenClosedIncident === true,
    );
    expect(reopening.length).toBeGreaterThan(0);
    for (const r of pack.rules) {
      const g = r.rule.incidentConfiguration?.groupingConfiguration;
      const reopens = g?.enabled === true && g.reopenClosedIncident === true;
      const reRaised = watched.some((v) => String(v.suffix).endsWith(`/alertRules/${r.rule.id}`));
      expect({ rule: r.templateId, safe: !reopens || reRaised }).toEqual({ rule: r.templateId, safe: true });
    }
    // the re-raise reopens and notifies: Active and High first, then the notification playbook
    expect(added.actions[0].actionConfiguration).toMatchObject({ status: 'Active', severity: 'High' });
    expect(added.actions[1].actionType).toBe('RunPlaybook');
  });

  it('assign the owner natively when notify.incidentOwnerObjectId is set', () => {
    const oid = '00000000-0000-4000-8000-0000000000f1';
    const owned = automationRuleEmitter(packFor(configWith((c) => (c.notify.incidentOwnerObjectId = oid))));
    const p = owned.resources.find((r) => r.templateId === 'btg-incident-created')!.body.properties as Json;
    expect(p.actions[0].actionConfiguration.owner).toEqual({
      objectId: oid,
      email: 'soc-lead@contoso.example',
      ownerType: 'User',
    });
    expect(props('btg-incident-created').actions[0].actionConfiguration.owner).toBeUndefined();
  });

  it('set the severity natively on creation when notify.incidentSeverity is set, before the playbooks', () => {
    const high = automationRuleEmitter(packFor(configWith((c) => (c.notify.incidentSeverity = 'High'))));
    const p = high.resources.find((r) => r.templateId === 'btg-incident-created')!.body.properties as Json;
    expect(p.actions[0]).toMatchObject({
      order: 1,
      actionType: 'ModifyProperties',
      actionConfiguration: { severity: 'High', labels: [{ labelName: 'break-glass' }] },
    });
    expect(p.actions.findIndex((a: Json) => a.actionType === 'RunPlaybook')).toBeGreaterThan(0);
    // unset: each rule's own (or dynamic) severity stands
    expect(props('btg-incident-created').actions[0].actionConfiguration.severity).toBeUndefined();
    expect(() => packFor(configWith((c) => (c.notify.incidentSeverity = 'Critical')))).toThrow(
      /notify\.incidentSeverity/,
    );
  });

  it('are emitted as ARM with the placeholders turned into expressions', () => {
    const a = out.artifacts.find((x) => x.templateId === 'btg-incident-created')!;
    expect(a.path).toBe('arm/automation/btg-incident-created.json');
    const r = JSON.parse(a.content).resources[0];
    expect(r.type).toBe('Microsoft.OperationalInsights/workspaces/providers/automationRules');
    const pb = r.properties.actions.find((x: Json) => x.actionType === 'RunPlaybook');
    expect(pb.actionConfiguration).toEqual({
      logicAppResourceId: `[concat(resourceGroup().id, '/providers/Microsoft.Logic/workflows/btg-notify-enrich-${PACK_ID}')]`,
      tenantId: '[subscription().tenantId]',
    });
  });

  it('leave the confirmation playbook out when no account has custodians and no identity owner is set', () => {
    const bare = automationRuleEmitter(
      packFor(configWith((c) => c.accounts.forEach((a: Json) => (a.custodians = [])))),
    );
    for (const r of bare.resources)
      expect(
        (r.body.properties as Json).actions
          .filter((a: Json) => a.actionType === 'RunPlaybook')
          .map((a: Json) => a.actionConfiguration.logicAppResourceId.suffix),
      ).toEqual([`/providers/Microsoft.Logic/workflows/btg-notify-enrich-${PACK_ID}`]);
  });
});

describe('custodian confirmation (issue 14 item 2)', () => {
  const wf = () => workflowOf(templates['btg-custodian-confirmation']).properties.definition;
  const find = (def: Json, name: string): Json | undefined => {
    let hit: Json | undefined;
    walkActions(def.actions, [], (n, a) => {
      if (n === name) hit = a;
    });
    return hit;
  };
  const approvals = (def: Json) => {
    const out: Json[] = [];
    walkActions(def.actions, [], (_n, a) => {
      if (
        a.type === 'ApiConnectionWebhook' &&
        /approvalmail/.test(String((a.inputs as { path?: unknown } | undefined)?.path))
      )
        out.push(a);
    });
    return out;
  };

  it('every approval mail shows the confirmation dialog, so a link scanner (one GET) cannot answer', () => {
    const withOwner = playbookEmitter(
      packFor(configWith((c) => (c.notify.identityOwners = ['iam-lead@contoso.example']))),
    );
    const defs = [...emitted.artifacts, ...withOwner.artifacts].map(
      (a) => workflowOf(JSON.parse(a.content)).properties.definition,
    );
    const all = defs.flatMap(approvals);
    expect(all.length).toBe(3); // custodians (example) + custodians and identity owners (with an owner)
    for (const a of all)
      expect(a.inputs.body.Message).toMatchObject({ ShowHTMLConfirmationDialog: true, HideHTMLMessage: false });
  });

  it('asks custodians only for incidents of the use rules; change incidents go to the identity owners', () => {
    const def = wf();
    const branch = def.actions['Is_sign-in_incident'];
    expect(Object.keys(branch.actions)).toEqual(['Get_accounts', 'For_each_account']);
    expect(find(def, 'Ask_custodians')).toBeDefined();
    // no identity owner in the example config: the change branch says so on the incident
    expect(Object.keys(branch.else.actions)).toEqual(['Comment_no_identity_owners']);
    const t = JSON.parse(
      playbookEmitter(
        packFor(configWith((c) => (c.notify.identityOwners = ['iam-lead@contoso.example']))),
      ).artifacts.find((a) => a.templateId === 'btg-custodian-confirmation')!.content,
    );
    const def2 = workflowOf(t).properties.definition;
    expect(Object.keys(def2.actions['Is_sign-in_incident'].else.actions)).toEqual(['Confirm_with_identity_owners']);
    const ask = find(def2, 'Ask_identity_owners')!;
    expect(ask.inputs.body.Message.To).toBe("@parameters('IdentityOwners')");
    expect(ask.inputs.body.Message.Options).toBe('Planned change,Not planned');
    expect(t.parameters.IdentityOwners.defaultValue).toBe('iam-lead@contoso.example');
    // the use rules are named by id, and every one of them is a pack rule
    const ids: string[] = templates['btg-custodian-confirmation'].parameters.SignInRuleIds.defaultValue;
    const byTemplate = new Map(pack.rules.map((r) => [r.rule.id.toLowerCase(), r.templateId]));
    expect(ids.map((id) => byTemplate.get(id)).sort()).toEqual([...USE_RULE_TEMPLATES].sort());
    for (const change of [
      'btg-account-changed',
      'btg-role-group-membership-changed',
      'btg-auth-methods-changed',
      'btg-ca-policy-exclusion-removed',
      'btg-exclusion-group-changed',
    ])
      expect(ids).not.toContain(contentId('rule', change));
    expect(def.actions['Sign-in_rules_of_incident'].inputs.where).toBe(
      "@contains(parameters('SignInRuleIds'), toLower(last(split(string(item()), '/'))))",
    );
  });

  it('an answer counts only from an address that was asked and never from a break-glass account', () => {
    const def = wf();
    expect(templates['btg-custodian-confirmation'].parameters.BreakGlassUpns.defaultValue).toEqual([
      'btg-emergency-01@contoso.example',
      'btg-emergency-02@contoso.example',
    ]);
    expect(templates['btg-custodian-confirmation'].parameters.BreakGlassObjectIds.defaultValue).toEqual([
      '00000000-0000-4000-8000-00000000b701',
      '00000000-0000-4000-8000-00000000b702',
    ]);
    const cond = JSON.stringify(find(def, 'Valid_yes_from_custodian')!.expression);
    expect(cond).toContain(
      `{"not":{"contains":["@parameters('BreakGlassUpns')","@toLower(coalesce(body('Ask_custodians')?['UserEmailAddress'], ''))"]}}`,
    );
    // by the responder's object id too (the connector's UserId): an alias address of the account cannot answer
    expect(cond).toContain(
      `{"not":{"contains":["@parameters('BreakGlassObjectIds')","@toLower(coalesce(body('Ask_custodians')?['UserId'], ''))"]}}`,
    );
    const withOwner = workflowOf(
      JSON.parse(
        playbookEmitter(
          packFor(configWith((c) => (c.notify.identityOwners = ['iam-lead@contoso.example']))),
        ).artifacts.find((a) => a.templateId === 'btg-custodian-confirmation')!.content,
      ),
    ).properties.definition;
    expect(JSON.stringify(find(withOwner, 'Valid_yes_from_owner')!.expression)).toContain(
      `{"not":{"contains":["@parameters('BreakGlassObjectIds')","@toLower(coalesce(body('Ask_identity_owners')?['UserId'], ''))"]}}`,
    );
    expect(find(withOwner, 'Answer_of_Ask_identity_owners')!.inputs.responderIsBreakGlass).toContain(
      "contains(parameters('BreakGlassObjectIds'), toLower(coalesce(body('Ask_identity_owners')?['UserId'], '')))",
    );
    expect(cond).toContain(
      `{"contains":["@split(toLower(outputs('Custodians_of_account')?['custodians']), ';')","@toLower(coalesce(body('Ask_custodians')?['UserEmailAddress'], ''))"]}`,
    );
    expect(cond).toContain(`{"equals":["@body('Ask_custodians')?['SelectedOption']","Authorised"]}`);
    // config: a break-glass UPN as custodian or identity owner is refused
    expect(() => configWith((c) => (c.accounts[0].custodians = ['BTG-Emergency-02@contoso.example']))).toThrow(
      /config-approver-is-account|is a break-glass account/,
    );
    expect(() => configWith((c) => (c.notify.identityOwners = ['btg-emergency-01@contoso.example']))).toThrow(
      /is a break-glass account/,
    );
  });

  it('records who answered what: a comment and labels on the incident', () => {
    const def = wf();
    const yes = find(def, 'Tag_custodian_yes')!.inputs.body.tagsToAdd.TagsToAdd.map((t: Json) => t.Tag);
    expect(yes).toEqual(['btg-authorised', "btg-answered-by:@{outputs('Answer_of_Ask_custodians')?['responder']}"]);
    const no = find(def, 'Escalate_custodian')!.inputs.body;
    expect(no).toMatchObject({ severity: 'High', status: 'Active' });
    expect(no.tagsToAdd.TagsToAdd[0].Tag).toContain("'btg-answer-from-account'");
    expect(no.tagsToAdd.TagsToAdd[0].Tag).toContain("'btg-unauthorised'");
    expect(no.tagsToAdd.TagsToAdd[0].Tag).toContain("'btg-unconfirmed'");
    // the comment names the responder, HTML-encoded (the address comes from the mail service)
    const msg: string = find(def, 'Comment_custodian_yes')!.inputs.body.message;
    expect(msg).toMatch(
      /^<p>Custodian @\{replace\(.*outputs\('Answer_of_Ask_custodians'\)\?\['responder'\].*\)\} answered <b>Authorised<\/b>\./,
    );
  });
});

describe('the overdue query reads drill history from the BreakGlassDrills watchlist (issue 14 item 6)', () => {
  const q = pack.playbookQueries.find((x) => x.name === 'btg-overdue-accounts')!;
  const schemas = bundledSchemas();
  const cols = (name: string) => schemas[name].map((c) => ({ name: c.name, type: c.type === 'int' ? 'long' : c.type }));
  const NOW = Date.parse('2026-12-01T12:00:00Z');
  const day = 86_400_000;
  const drill = (id: string, account: string, result: string, daysAgo: number, status = 'Create') => ({
    WatchlistAlias: 'BreakGlassDrills',
    _DTItemType: 'watchlist-item',
    _DTItemId: id,
    _DTItemStatus: status,
    _DTTimestamp: new KDate(NOW - daysAgo * day + 60_000),
    TimeGenerated: new KDate(NOW - daysAgo * day + 60_000),
    WatchlistItem: {
      DrillId: id,
      AccountObjectId: account.toUpperCase(),
      Result: result,
      DrillStart: new Date(NOW - daysAgo * day).toISOString(),
    },
  });
  const overdue = (watchlistRows: Record<string, unknown>[], signIns: Record<string, unknown>[] = []) => {
    const c = compileQuery(q.query.text, defaultAnalyzer());
    expect(c.errors).toEqual([]);
    expect(c.unsupported).toEqual([]);
    const fill = (name: string, rows: Record<string, unknown>[]) =>
      table(
        cols(name),
        rows.map((r) => Object.fromEntries(cols(name).map((col) => [col.name, (r[col.name] ?? null) as never]))),
      );
    const res = evaluate(c, {
      tables: {
        Watchlist: fill('Watchlist', watchlistRows),
        SigninLogs: fill('SigninLogs', signIns),
        SecurityIncident: fill('SecurityIncident', []),
      },
      functions: {},
      now: NOW,
    });
    return res.rows.map((r) => (r.Row as Json).AccountUPN);
  };
  const B1 = '00000000-0000-4000-8000-00000000b701';
  const B2 = '00000000-0000-4000-8000-00000000b702';

  it('names the watchlist the drill writes', () => {
    expect(q.query.text).toContain(`WatchlistAlias == "${DRILL_WATCHLIST.alias}"`);
    expect(q.query.text).not.toMatch(/SigninLogs/);
  });

  it('a passed drill within the interval is a test; a timed-out drill, an old one, a deleted item or a mere sign-in is not', () => {
    expect(overdue([])).toEqual(['btg-emergency-01@contoso.example', 'btg-emergency-02@contoso.example']);
    expect(overdue([drill('d1', B1, 'passed', 10)])).toEqual(['btg-emergency-02@contoso.example']);
    expect(overdue([drill('d1', B1, 'passed', 10), drill('d2', B2, 'timed-out', 5)])).toEqual([
      'btg-emergency-02@contoso.example',
    ]);
    expect(overdue([drill('d1', B1, 'passed', 10), drill('d2', B2, 'passed', 120)])).toEqual([
      'btg-emergency-02@contoso.example',
    ]);
    expect(overdue([drill('d1', B1, 'passed', 10), drill('d1', B1, 'passed', 9, 'Delete')])).toEqual([
      'btg-emergency-01@contoso.example',
      'btg-emergency-02@contoso.example',
    ]);
    // an attacker's successful sign-in is not a test
    const signIn = {
      TimeGenerated: new KDate(NOW - day),
      UserId: B2,
      UserPrincipalName: 'btg-emergency-02@contoso.example',
      ResultType: '0',
    };
    expect(overdue([drill('d1', B1, 'passed', 10)], [signIn])).toEqual(['btg-emergency-02@contoso.example']);
  });

  it('the item btg drill writes is what the query reads', () => {
    const rec = drillRecord(
      {
        account: { objectId: B1, userPrincipalName: 'btg-emergency-01@contoso.example' },
        rule: { templateId: 'btg-interactive-signin', name: 'x', id: 'y' },
        workspace: { label: 'prod', workspaceId: 'w' },
        since: new Date(NOW - day),
      },
      {
        result: 'passed',
        startedAt: new Date(NOW - day),
        endedAt: new Date(NOW - day + 120_000),
        polls: 2,
        observation: {},
        latencySeconds: 90,
        latencyFrom: 'drill start',
      },
    );
    const item = drillWatchlistItem(rec, 'custodian@contoso.example');
    expect(Object.keys(item)).toEqual([...DRILL_WATCHLIST.columns]);
    const row = { ...drill(item.DrillId, B1, 'passed', 1), WatchlistItem: item };
    expect(overdue([row])).toEqual(['btg-emergency-02@contoso.example']);
  });

  it('the overdue hunting query (btg-last-signin) and the workbook read the same item: passed drill = ok, none = overdue', () => {
    const item = drillWatchlistItem(
      drillRecord(
        {
          account: { objectId: B1, userPrincipalName: 'btg-emergency-01@contoso.example' },
          rule: { templateId: 'btg-interactive-signin', name: 'x', id: 'y' },
          workspace: { label: 'prod', workspaceId: 'w' },
          since: new Date(NOW - 3 * day),
        },
        {
          result: 'passed',
          startedAt: new Date(NOW - 3 * day),
          endedAt: new Date(NOW - 3 * day + 120_000),
          polls: 2,
          observation: {},
          latencySeconds: 90,
          latencyFrom: 'drill start',
        },
      ),
      'custodian@contoso.example',
    );
    const row = { ...drill(item.DrillId, B1, 'passed', 3), WatchlistItem: item };
    // an attacker's sign-in to B2 yesterday is no test
    const signIn = {
      TimeGenerated: new KDate(NOW - day),
      UserId: B2,
      UserPrincipalName: 'btg-emergency-02@contoso.example',
      ResultType: '0',
    };
    const runOn = (text: string) => {
      const c = compileQuery(text, defaultAnalyzer());
      expect([c.errors, c.unsupported]).toEqual([[], []]);
      const fill = (name: string, rows: Record<string, unknown>[]) =>
        table(
          cols(name),
          rows.map((r) => Object.fromEntries(cols(name).map((col) => [col.name, (r[col.name] ?? null) as never]))),
        );
      return evaluate(c, {
        tables: {
          Watchlist: fill('Watchlist', [row]),
          SigninLogs: fill('SigninLogs', [signIn]),
          AADNonInteractiveUserSignInLogs: fill('AADNonInteractiveUserSignInLogs', []),
        },
        functions: {},
        now: NOW,
      }).rows;
    };
    const hunting = pack.hunting.find((h) => h.templateId === 'btg-last-signin')!;
    const byId = Object.fromEntries(runOn(hunting.query.text).map((r) => [r.AccountObjectId, r.TestStatus]));
    expect(byId).toEqual({ [B1]: 'ok', [B2]: 'overdue: no passed drill on record' });
    const tile = pack.workbooks[0].queries.find((q) => q.itemName === 'last-signin')!;
    const shown = runOn(tile.query.text.replace(/\{Account\}/g, "'*'"));
    expect(Object.fromEntries(shown.map((r) => [r.AccountObjectId, r.Status]))).toEqual({
      [B1]: 'OK',
      [B2]: 'Overdue',
    });
    const history = pack.workbooks[0].queries.find((q) => q.itemName === 'drill-history')!;
    const h = runOn(history.query.text.replace(/\{Account\}/g, "'*'"));
    expect(h.map((r) => [r.Account, r.Result, r.IncidentLatencySeconds, r.Operator])).toEqual([
      ['btg-emergency-01@contoso.example', 'passed', 90, 'custodian@contoso.example'],
    ]);
  });
});

describe('the report shows the response flow', () => {
  it('lists the automation rules in order with their triggers and actions, natives before playbooks', () => {
    const html = String(renderResponseFlow(automationRuleEmitter(pack).artifacts));
    const items = html.split('<li>').slice(1);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(
      /order 1; incident created\): label break-glass → task “Confirm the use” → .* → run playbook <code>btg-notify-enrich-[a-z0-9-]+<\/code> → run playbook <code>btg-custodian-confirmation-/,
    );
    expect(items[1]).toMatch(
      /order 2; incident updated: an alert was added\): status Active, severity High, label break-glass, label btg-alert-added → run playbook/,
    );
    // without the failure alerts' artifacts, no line about them
    expect(html).not.toContain('When the response fails');
  });

  it('says which alerts tell the action group when the response fails', () => {
    const arts = [
      ...automationRuleEmitter(pack).artifacts,
      ...monitorAlertEmitter(pack).artifacts,
      ...playbookEmitter(pack).artifacts,
    ];
    const text = String(renderResponseFlow(arts));
    expect(text).toMatch(
      /When the response fails, the action group is told: <b>Break-glass response failed \(automation rule or playbook\)<\/b> \(a pack automation rule run that is not a success in SentinelHealth[^;]*; a run-failure alert per playbook \(<code>btg-custodian-confirmation<\/code>, <code>btg-notify-enrich<\/code>, <code>btg-test-reminder<\/code>: metric RunsFailed &gt; 0 in 5 minutes\)/,
    );
    // no receivers: no action group, no run-failure alert in the playbooks
    const silent = packFor(configWith((c) => (c.notify.emails = [])));
    const quiet = String(
      renderResponseFlow([...automationRuleEmitter(silent).artifacts, ...playbookEmitter(silent).artifacts]),
    );
    expect(quiet).toContain('<h3>Response flow</h3>');
    expect(quiet).not.toContain('run-failure');
  });
});
