/**
 * The ARM emulator (test/support/emulator): each contract rule fails as the real service does, faults are injected
 * deterministically, and the real Azure SDK clients work against it over real HTTPS on 127.0.0.1.
 */
import { SecurityInsights, ScheduledAlertRule } from '@azure/arm-securityinsight';
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import { MonitorClient } from '@azure/arm-monitor';
import { LogicManagementClient } from '@azure/arm-logic';
import { ApplicationInsightsManagementClient } from '@azure/arm-appinsights';
import { createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import * as path from 'path';
import { PassThrough } from 'stream';
import { Emulator, emulatorClientOptions, startEmulator, workspacePath } from './support/emulator';
import { main as emulatorCli } from './support/emulator/cli';

const SUB = '00000000-0000-4000-8000-0000000000a1';
const RG = 'rg-sentinel';
const WS = { subscriptionId: SUB, resourceGroup: RG, workspaceName: 'law-onboarded', location: 'westeurope' };
const WS_OFF = { ...WS, workspaceName: 'law-no-sentinel', onboarded: false };
const WS_PATH = workspacePath(WS);
const SI = `${WS_PATH}/providers/Microsoft.SecurityInsights`;
const SI_VERSION = '2022-09-01-preview'; // the SDK's default
const STABLE = '2025-09-01';

const scheduledProps = {
  displayName: 'Break-glass account sign-in',
  enabled: true,
  severity: 'High',
  query: 'SigninLogs | where UserId in ("00000000-0000-4000-8000-00000000b701")',
  queryFrequency: 'PT5M',
  queryPeriod: 'PT5M',
  triggerOperator: 'GreaterThan',
  triggerThreshold: 0,
  suppressionDuration: 'PT5H',
  suppressionEnabled: false,
  tactics: ['InitialAccess'],
};
const scheduled = (over: Record<string, unknown> = {}) => ({
  kind: 'Scheduled',
  properties: { ...scheduledProps, ...over },
});

let emu: Emulator;

interface Raw {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A plain HTTP call to the emulator (its http side), for asserting the wire contract directly. */
async function raw(
  method: string,
  pathOrUrl: string,
  opts: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Raw> {
  const url = new URL(pathOrUrl.startsWith('http') ? pathOrUrl : `${emu.httpUrl}${pathOrUrl}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
const arm = (method: string, path: string, body?: unknown, apiVersion = SI_VERSION, headers?: Record<string, string>) =>
  raw(method, path, { body, query: { 'api-version': apiVersion }, headers });

beforeAll(async () => {
  emu = await startEmulator({ workspaces: [WS, WS_OFF], pageSize: 2 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.clearFaults();
});

describe('contract: api-version', () => {
  it('rejects a request without api-version', async () => {
    const r = await raw('GET', `${SI}/alertRules`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('MissingApiVersionParameter');
  });

  it('rejects an api-version the resource type does not have, listing the supported ones', async () => {
    const r = await arm('PUT', `${SI}/alertRules/r1`, scheduled(), '2099-01-01');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('NoRegisteredProviderFound');
    expect(r.body.error.message).toContain('2022-09-01-preview');
    // valid for Sentinel, not for saved searches
    const s = await arm('GET', `${WS_PATH}/savedSearches`, undefined, SI_VERSION);
    expect(s.body.error.code).toBe('NoRegisteredProviderFound');
    const m = await arm('GET', `${SI}/alertRules`, undefined, 'latest');
    expect(m.body.error.code).toBe('InvalidApiVersionParameter');
  });

  it('knows every resource type of the pack', async () => {
    const rgPath = `/subscriptions/${SUB}/resourceGroups/${RG}`;
    const cases: [string, string][] = [
      [`${SI}/alertRules`, STABLE],
      [`${SI}/automationRules`, STABLE],
      [`${SI}/watchlists`, STABLE],
      [`${SI}/metadata`, STABLE],
      [`${SI}/onboardingStates`, STABLE],
      [`${WS_PATH}/savedSearches`, '2020-08-01'],
      [`${rgPath}/providers/Microsoft.OperationalInsights/workspaces`, '2022-10-01'],
      [`${rgPath}/providers/Microsoft.Insights/scheduledQueryRules`, '2023-12-01'],
      [`${rgPath}/providers/Microsoft.Insights/actionGroups`, '2021-09-01'],
      [`${rgPath}/providers/Microsoft.Logic/workflows`, '2019-05-01'],
      [`${rgPath}/providers/Microsoft.Web/connections`, '2016-06-01'],
      [`${WS_PATH}/providers/Microsoft.Authorization/roleAssignments`, '2022-04-01'],
      [`${rgPath}/providers/Microsoft.Resources/deployments`, '2025-03-01'],
    ];
    for (const [path, v] of cases) expect([path, (await arm('GET', path, undefined, v)).status]).toEqual([path, 200]);
    expect(
      (
        await raw('GET', `${rgPath}/providers/Microsoft.Insights/workbooks`, {
          query: { 'api-version': '2023-06-01', category: 'sentinel' },
        })
      ).status,
    ).toBe(200);
    const unknown = await arm(
      'GET',
      `${rgPath}/providers/Microsoft.Logic/integrationAccounts`,
      undefined,
      '2019-05-01',
    );
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'InvalidResourceType']);
  });
});

describe('contract: alert rule bodies', () => {
  it.each(Object.keys(scheduledProps).filter((k) => k !== 'tactics'))(
    'rejects a Scheduled rule without %s',
    async (prop) => {
      const body = scheduled();
      delete (body.properties as Record<string, unknown>)[prop];
      const r = await arm('PUT', `${SI}/alertRules/r1`, body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('BadRequest');
      expect(r.body.error.message).toContain(`'${prop}'`);
    },
  );

  it.each([
    ['severity', { severity: 'Critical' }],
    ['triggerOperator', { triggerOperator: 'GreaterOrEqual' }],
    ['tactics', { tactics: ['Recon'] }],
    ['queryFrequency', { queryFrequency: 'PT1M' }],
    ['queryPeriod', { queryPeriod: 'P15D' }],
    ['enabled', { enabled: 'yes' }],
  ])('rejects a bad %s', async (_name, over) => {
    const r = await arm('PUT', `${SI}/alertRules/r1`, scheduled(over));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BadRequest');
  });

  it('rejects an unknown kind and accepts NRT only on preview api-versions', async () => {
    expect((await arm('PUT', `${SI}/alertRules/r1`, { ...scheduled(), kind: 'Sheduled' })).status).toBe(400);
    const {
      queryFrequency: _f,
      queryPeriod: _p,
      triggerOperator: _o,
      triggerThreshold: _t,
      ...nrtProps
    } = scheduledProps;
    const nrt = { kind: 'NRT', properties: nrtProps };
    const stable = await arm('PUT', `${SI}/alertRules/nrt`, nrt, STABLE);
    expect(stable.status).toBe(400);
    expect(stable.body.error.message).toMatch(/NRT.*preview/);
    expect((await arm('PUT', `${SI}/alertRules/nrt`, nrt, '2025-07-01-preview')).status).toBe(201);
    expect((await arm('PUT', `${SI}/alertRules/sched`, scheduled(), STABLE)).status).toBe(201);
  });

  it('validates the other resource types it knows (automation rule, watchlist, metadata, monitor, deployment)', async () => {
    const auto = {
      properties: {
        displayName: 'BTG',
        order: 1001,
        triggeringLogic: { isEnabled: true, triggersOn: 'Incidents', triggersWhen: 'Created' },
        actions: [],
      },
    };
    expect((await arm('PUT', `${SI}/automationRules/a1`, auto)).body.error.message).toMatch(/order/);
    const wl = {
      properties: {
        displayName: 'BTG',
        provider: 'btg',
        itemsSearchKey: 'Upn',
        rawContent: 'UserPrincipalName,ObjectId\nx,y\n',
        contentType: 'text/csv',
      },
    };
    expect((await arm('PUT', `${SI}/watchlists/btg`, wl)).body.error.message).toMatch(/itemsSearchKey/);
    expect(
      (await arm('PUT', `${SI}/metadata/m1`, { properties: { parentId: 'x', kind: 'Rule' } })).body.error.code,
    ).toBe('BadRequest');
    const rgPath = `/subscriptions/${SUB}/resourceGroups/${RG}`;
    const ag = await arm(
      'PUT',
      `${rgPath}/providers/Microsoft.Insights/actionGroups/ag`,
      { properties: { groupShortName: 'x', enabled: true } },
      '2021-09-01',
    );
    expect(ag.body.error.code).toBe('LocationRequired');
    const dep = await arm(
      'PUT',
      `${rgPath}/providers/Microsoft.Resources/deployments/d1`,
      { properties: { mode: 'Incremental', template: { resources: [] } } },
      '2025-03-01',
    );
    expect(dep.body.error.code).toBe('InvalidTemplate');
  });
});

describe('contract: CRUD', () => {
  it('answers 201 on create and 200 on update with id, name, type, etag and properties', async () => {
    const c = await arm('PUT', `${SI}/alertRules/Rule-1`, scheduled());
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({
      id: `${SI}/alertRules/Rule-1`,
      name: 'Rule-1',
      type: 'Microsoft.SecurityInsights/alertRules',
      kind: 'Scheduled',
    });
    expect(c.body.etag).toMatch(/^".+"$/);
    expect(c.headers.get('etag')).toBe(c.body.etag);
    expect(c.body.properties).toMatchObject(scheduledProps);
    const u = await arm('PUT', `${SI.toLowerCase()}/ALERTRULES/rule-1`, scheduled({ severity: 'Low' }));
    expect(u.status).toBe(200);
    expect(u.body.id).toBe(c.body.id); // matched case-insensitively, keeps the creation casing
    expect(u.body.etag).not.toBe(c.body.etag);
    expect((await arm('GET', `${SI}/alertRules/rule-1`)).body.properties.severity).toBe('Low');
    // saved searches answer 200 for a create too (the only status in their swagger)
    const s = await arm(
      'PUT',
      `${WS_PATH}/savedSearches/f1`,
      { properties: { category: 'btg', displayName: 'f', query: 'print 1' } },
      '2020-08-01',
    );
    expect(s.status).toBe(200);
  });

  it('deletes with 200, answers 204 for a missing resource and cascades below the deleted one', async () => {
    await arm('PUT', `${SI}/alertRules/r1`, scheduled());
    expect((await arm('DELETE', `${SI}/alertRules/r1`)).status).toBe(200);
    expect((await arm('DELETE', `${SI}/alertRules/r1`)).status).toBe(204);
    const g = await arm('GET', `${SI}/alertRules/r1`);
    expect([g.status, g.body.error.code]).toEqual([404, 'ResourceNotFound']);
    await arm('PUT', `${SI}/alertRules/r2`, scheduled());
    expect((await arm('DELETE', WS_PATH, undefined, '2022-10-01')).status).toBe(200);
    expect(emu.store.list({ under: WS_PATH })).toHaveLength(0);
  });

  it('pages a collection with an absolute nextLink that carries api-version and $skipToken', async () => {
    for (let i = 0; i < 5; i++) await arm('PUT', `${SI}/alertRules/r${i}`, scheduled());
    const sizes: number[] = [];
    let r = await arm('GET', `${SI}/alertRules`);
    for (;;) {
      sizes.push(r.body.value.length);
      if (!r.body.nextLink) break;
      const next = new URL(r.body.nextLink);
      expect(next.searchParams.get('api-version')).toBe(SI_VERSION);
      expect(next.searchParams.get('$skipToken')).toBeTruthy();
      r = await raw('GET', r.body.nextLink);
    }
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('answers 404 under a missing workspace or resource group', async () => {
    const missingWs = `${workspacePath({ ...WS, workspaceName: 'law-missing' })}/providers/Microsoft.SecurityInsights/alertRules/r1`;
    const r = await arm('PUT', missingWs, scheduled());
    expect([r.status, r.body.error.code]).toEqual([404, 'ResourceNotFound']);
    expect(r.body.error.message).toContain('Microsoft.OperationalInsights/workspaces/law-missing');
    const l = await arm(
      'GET',
      `${workspacePath({ ...WS, workspaceName: 'law-missing' })}/savedSearches`,
      undefined,
      '2020-08-01',
    );
    expect(l.status).toBe(404);
    const g = await arm('GET', workspacePath({ ...WS, resourceGroup: 'rg-missing' }), undefined, '2022-10-01');
    expect([g.status, g.body.error.code]).toEqual([404, 'ResourceGroupNotFound']);
  });

  it('refuses Sentinel resources in a workspace without Sentinel until it is onboarded', async () => {
    const off = `${workspacePath(WS_OFF)}/providers/Microsoft.SecurityInsights`;
    const r = await arm('PUT', `${off}/alertRules/r1`, scheduled());
    expect([r.status, r.body.error.code]).toEqual([400, 'BadRequest']);
    expect(r.body.error.message).toContain("Workspace 'law-no-sentinel' is not onboarded to Microsoft Sentinel");
    expect((await arm('GET', `${off}/alertRules`)).status).toBe(400);
    expect((await arm('GET', `${off}/onboardingStates/default`)).status).toBe(404);
    expect((await arm('PUT', `${off}/onboardingStates/default`, { properties: {} })).status).toBe(201);
    expect((await arm('PUT', `${off}/alertRules/r1`, scheduled())).status).toBe(201);
  });

  it('checks If-Match (412 on mismatch) and merges PATCH where the API has it', async () => {
    const c = await arm('PUT', `${SI}/alertRules/r1`, scheduled());
    const stale = await arm('PUT', `${SI}/alertRules/r1`, scheduled(), SI_VERSION, { 'If-Match': '"stale"' });
    expect([stale.status, stale.body.error.code]).toEqual([412, 'PreconditionFailed']);
    expect((await arm('PUT', `${SI}/alertRules/r1`, scheduled(), SI_VERSION, { 'If-Match': c.body.etag })).status).toBe(
      200,
    );
    expect((await arm('PATCH', `${SI}/alertRules/r1`, { properties: { enabled: false } })).status).toBe(405);
    const p = await arm(
      'PATCH',
      WS_PATH,
      { tags: { owner: 'soc' }, properties: { retentionInDays: 120 } },
      '2022-10-01',
    );
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({
      location: 'westeurope',
      tags: { owner: 'soc' },
      properties: { retentionInDays: 120, sku: { name: 'PerGB2018' } },
    });
  });

  it('runs an ARM deployment PUT as a long-running operation (201 + Azure-AsyncOperation)', async () => {
    const path = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Resources/deployments/btg-1`;
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [],
    };
    const put = await arm('PUT', path, { properties: { mode: 'Incremental', template } }, '2025-03-01');
    expect(put.status).toBe(201);
    expect(put.body.properties.provisioningState).toBe('Accepted');
    expect(put.body.properties.template).toBeUndefined();
    const op = put.headers.get('azure-asyncoperation')!;
    expect(op).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*operationStatuses\/.*api-version=2025-03-01$/);
    expect((await raw('GET', op)).body.status).toBe('InProgress');
    expect((await raw('GET', op)).body.status).toBe('Succeeded');
    expect((await arm('GET', path, undefined, '2025-03-01')).body.properties.provisioningState).toBe('Succeeded');
    const del = await arm('DELETE', path, undefined, '2025-03-01');
    expect(del.status).toBe(202);
    const loc = del.headers.get('location')!;
    expect((await raw('GET', loc)).status).toBe(202);
    expect((await raw('GET', loc)).status).toBe(204);
  });

  it("creates the deployment's template resources when it completes, lists them in outputResources, and leaves them when the record is deleted", async () => {
    const rg = `/subscriptions/${SUB}/resourceGroups/${RG}`;
    const path = `${rg}/providers/Microsoft.Resources/deployments/btg-2`;
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: {
        name: { type: 'string', defaultValue: 'app-1' },
        workspace: { type: 'string' },
        sp: { type: 'string', defaultValue: '' },
      },
      variables: { conn: "[concat('office365-', parameters('name'))]" },
      resources: [
        {
          type: 'Microsoft.Web/connections',
          apiVersion: '2016-06-01',
          name: "[variables('conn')]",
          location: '[resourceGroup().location]',
          properties: {
            api: {
              id: "[subscriptionResourceId('Microsoft.Web/locations/managedApis', resourceGroup().location, 'office365')]",
            },
          },
        },
        {
          type: 'Microsoft.Logic/workflows',
          apiVersion: '2019-05-01',
          name: "[parameters('name')]",
          location: '[resourceGroup().location]',
          identity: { type: 'SystemAssigned' },
          properties: { state: 'Enabled', definition: { x: '[[literal' } },
        },
        {
          type: 'Microsoft.Authorization/roleAssignments',
          apiVersion: '2022-04-01',
          name: "[guid(resourceId('Microsoft.Logic/workflows', parameters('name')), parameters('workspace'))]",
          scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspace'))]",
          properties: {
            roleDefinitionId: '/r/3e150937-b8fe-4cfb-8069-0eaf05ecd056',
            principalId:
              "[reference(resourceId('Microsoft.Logic/workflows', parameters('name')), '2019-05-01', 'full').identity.principalId]",
            principalType: 'ServicePrincipal',
          },
        },
        {
          condition: "[not(empty(parameters('sp')))]",
          type: 'Microsoft.Authorization/roleAssignments',
          apiVersion: '2022-04-01',
          name: "[guid('x')]",
          properties: { roleDefinitionId: '/r', principalId: "[parameters('sp')]" },
        },
      ],
    };
    const put = await arm(
      'PUT',
      path,
      { properties: { mode: 'Incremental', template, parameters: { workspace: { value: WS.workspaceName } } } },
      '2025-03-01',
    );
    expect(put.status).toBe(201);
    // nothing exists before the operation completes
    expect(emu.store.get(`${rg}/providers/Microsoft.Logic/workflows/app-1`)).toBeUndefined();
    const op = put.headers.get('azure-asyncoperation')!;
    await raw('GET', op);
    expect((await raw('GET', op)).body.status).toBe('Succeeded');
    const dep = (await arm('GET', path, undefined, '2025-03-01')).body.properties;
    expect(dep.provisioningState).toBe('Succeeded');
    const ids = dep.outputResources.map((o: { id: string }) => o.id);
    expect(ids).toHaveLength(3);
    expect(ids.slice(0, 2)).toEqual([
      `${rg}/providers/Microsoft.Web/connections/office365-app-1`,
      `${rg}/providers/Microsoft.Logic/workflows/app-1`,
    ]);
    expect(ids[2]).toMatch(new RegExp(`^${WS_PATH}/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]{36}$`));
    const wf = emu.store.get(ids[1])!.body as {
      identity: { principalId: string };
      properties: { definition: unknown };
    };
    expect(wf.properties.definition).toEqual({ x: '[literal' });
    expect((emu.store.get(ids[2])!.body.properties as { principalId: string }).principalId).toBe(
      wf.identity.principalId,
    );
    // deleting the record leaves what it created, as in ARM
    const del = await arm('DELETE', path, undefined, '2025-03-01');
    await raw('GET', del.headers.get('location')!);
    await raw('GET', del.headers.get('location')!);
    for (const id of ids) expect(emu.store.get(id)).toBeDefined();
    // a function the emulator does not know fails the deployment, nothing is created
    const bad = `${rg}/providers/Microsoft.Resources/deployments/btg-3`;
    const badTemplate = {
      ...template,
      resources: [
        {
          type: 'Microsoft.Logic/workflows',
          apiVersion: '2019-05-01',
          name: "[uniqueString('x')]",
          location: 'westeurope',
          properties: {},
        },
      ],
    };
    const op3 = (
      await arm(
        'PUT',
        bad,
        { properties: { mode: 'Incremental', template: badTemplate, parameters: { workspace: { value: 'w' } } } },
        '2025-03-01',
      )
    ).headers.get('azure-asyncoperation')!;
    await raw('GET', op3);
    await raw('GET', op3);
    expect((await arm('GET', bad, undefined, '2025-03-01')).body.properties).toMatchObject({
      provisioningState: 'Failed',
      error: { code: 'InvalidTemplate', message: expect.stringMatching(/uniqueString/i) },
    });
  });

  it('makes a watchlist create long-running from api-version 2025-06-01 only', async () => {
    const wl = {
      properties: {
        displayName: 'BTG',
        provider: 'btg',
        itemsSearchKey: 'UserPrincipalName',
        rawContent: 'UserPrincipalName\nbtg@contoso.example\n',
        contentType: 'text/csv',
      },
    };
    const plain = await arm('PUT', `${SI}/watchlists/old`, wl);
    expect([plain.status, plain.headers.get('azure-asyncoperation')]).toEqual([201, null]);
    const lro = await arm('PUT', `${SI}/watchlists/new`, wl, STABLE);
    expect(lro.status).toBe(201);
    expect(lro.body.properties.provisioningState).toBe('InProgress');
    expect(lro.headers.get('azure-asyncoperation')).toContain('operationStatuses');
  });

  it('seeds foreign resources through the API and programmatically', async () => {
    const seeded = await raw('PUT', '/_emulator/seed', {
      body: { path: `${SI}/alertRules/foreign`, body: scheduled({ displayName: 'Someone else' }) },
    });
    expect(seeded.status).toBe(200);
    emu.seed(`${SI}/automationRules/foreign-auto`, { properties: { displayName: 'theirs' } });
    expect((await arm('GET', `${SI}/alertRules/foreign`)).body.properties.displayName).toBe('Someone else');
    expect((await arm('GET', `${SI}/automationRules/foreign-auto`)).status).toBe(200);
    // seeding under an unknown resource group creates the group, so the resource is reachable
    emu.seed(`/subscriptions/${SUB}/resourceGroups/rg-other/providers/Microsoft.Logic/workflows/theirs`, {
      location: 'northeurope',
      properties: {},
    });
    expect(
      (
        await arm(
          'GET',
          `/subscriptions/${SUB}/resourceGroups/rg-other/providers/Microsoft.Logic/workflows/theirs`,
          undefined,
          '2019-05-01',
        )
      ).status,
    ).toBe(200);
  });
});

describe('request log', () => {
  it('records every ARM request with method, path, query and body, oldest first, and clears on DELETE', async () => {
    await arm('PUT', `${SI}/alertRules/r1`, scheduled());
    await arm('GET', `${SI}/alertRules/r1`);
    const log = (await raw('GET', '/_emulator/requests')).body;
    expect(log.map((e: { method: string }) => e.method)).toEqual(['PUT', 'GET']);
    expect(log[0]).toMatchObject({
      path: `${SI}/alertRules/r1`,
      query: { 'api-version': SI_VERSION },
      body: scheduled(),
      status: 201,
    });
    expect((await raw('DELETE', '/_emulator/requests')).status).toBe(204);
    expect(emu.requests()).toEqual([]);
  });
});

describe('fault injection', () => {
  it('throttles with 429 and Retry-After (seconds), then lets calls through once `times` is used up', async () => {
    expect(
      (
        await raw('POST', '/_emulator/faults', {
          body: { rules: [{ fault: 'throttle', retryAfterSeconds: 7, path: '/alertRules', times: 1 }] },
        })
      ).status,
    ).toBe(200);
    const t = await arm('GET', `${SI}/alertRules`);
    expect(t.status).toBe(429);
    expect(t.headers.get('retry-after')).toBe('7');
    expect(t.body.error.code).toBe('TooManyRequests');
    expect((await arm('GET', `${SI}/alertRules`)).status).toBe(200);
  });

  it('injects 503 and dropped connections for a seeded fraction of calls, the same ones on every run with the same seed', async () => {
    const run = async (seed: number) => {
      emu.setFaults({
        seed,
        rules: [
          { fault: 'error', status: 503, fraction: 0.3 },
          { fault: 'drop', fraction: 0.2 },
        ],
      });
      const outcomes: (number | 'drop')[] = [];
      for (let i = 0; i < 30; i++)
        outcomes.push(
          await arm('GET', `${SI}/alertRules`).then(
            (r) => r.status,
            () => 'drop' as const,
          ),
        );
      return outcomes;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(await run(7)).not.toEqual(first);
    const count = (o: number | 'drop') => first.filter((x) => x === o).length;
    expect(count(503)).toBeGreaterThan(0);
    expect(count('drop')).toBeGreaterThan(0);
    expect(count(200)).toBeGreaterThan(0);
    expect(count(503) + count('drop') + count(200)).toBe(30);
  });

  it('drops the connection without an answer', async () => {
    emu.setFaults({ rules: [{ fault: 'drop', method: 'PUT' }] });
    await expect(arm('PUT', `${SI}/alertRules/r1`, scheduled())).rejects.toThrow();
    expect((await arm('GET', `${SI}/alertRules`)).status).toBe(200);
    expect(emu.requests()[0]).toMatchObject({ method: 'PUT', fault: 'drop' });
    expect(emu.requests()[0].status).toBeUndefined();
  });

  it('can fail one path permanently with 400 and add latency', async () => {
    emu.setFaults({
      rules: [
        { fault: 'error', status: 400, path: '/alertRules/bad$', message: 'poisoned' },
        { fault: 'latency', ms: 120, method: 'GET' },
      ],
    });
    for (let i = 0; i < 3; i++)
      expect((await arm('PUT', `${SI}/alertRules/bad`, scheduled())).body.error.message).toBe('poisoned');
    expect((await arm('PUT', `${SI}/alertRules/good`, scheduled())).status).toBe(201);
    const t0 = Date.now();
    expect((await arm('GET', `${SI}/alertRules/good`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('rejects a malformed fault configuration and clears on DELETE', async () => {
    const bad = await raw('POST', '/_emulator/faults', { body: { rules: [{ fault: 'throttle', fraction: 2 }] } });
    expect(bad.status).toBe(400);
    emu.setFaults({ rules: [{ fault: 'error', status: 500 }] });
    expect((await raw('DELETE', '/_emulator/faults')).status).toBe(204);
    expect((await arm('GET', `${SI}/alertRules`)).status).toBe(200);
  });
});

describe('real Azure SDK clients over HTTPS', () => {
  const si = (over = {}) => {
    const o = emulatorClientOptions(emu, over);
    return new SecurityInsights(o.credential, SUB, o);
  };
  const rule = (displayName: string): ScheduledAlertRule => ({
    kind: 'Scheduled',
    ...scheduledProps,
    displayName,
    severity: 'High',
    triggerOperator: 'GreaterThan',
  });

  it('SecurityInsights: createOrUpdate a Scheduled rule, read it back, list with paging, surface contract errors', async () => {
    const client = si();
    const created = await client.alertRules.createOrUpdate(RG, WS.workspaceName, 'btg-1', rule('BTG 1'));
    expect(created).toMatchObject({
      name: 'btg-1',
      kind: 'Scheduled',
      displayName: 'BTG 1',
      query: scheduledProps.query,
    });
    expect(created.etag).toBeTruthy();
    for (let i = 2; i <= 5; i++)
      await client.alertRules.createOrUpdate(RG, WS.workspaceName, `btg-${i}`, rule(`BTG ${i}`));
    const names: string[] = [];
    for await (const r of client.alertRules.list(RG, WS.workspaceName)) names.push(r.name!);
    expect(names.sort()).toEqual(['btg-1', 'btg-2', 'btg-3', 'btg-4', 'btg-5']);
    const lists = emu.requests().filter((e) => e.method === 'GET' && /\/alertRules$/i.test(e.path));
    expect(lists.map((e) => e.query.$skipToken)).toEqual([undefined, '2', '4']);
    expect(lists[0].headers.authorization).toBe('Bearer emulator-fake-token');
    const err = await client.alertRules
      .createOrUpdate(RG, WS.workspaceName, 'bad', { ...rule('x'), severity: 'Critical' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RestError);
    expect([err.statusCode, err.code]).toEqual([400, 'BadRequest']);
  });

  it('OperationalInsights: workspaces.get and savedSearches.createOrUpdate', async () => {
    const o = emulatorClientOptions(emu);
    const client = new OperationalInsightsManagementClient(o.credential, SUB, o);
    const ws = await client.workspaces.get(RG, WS.workspaceName);
    expect(ws).toMatchObject({ name: WS.workspaceName, location: 'westeurope', provisioningState: 'Succeeded' });
    expect(ws.customerId).toMatch(/^[0-9a-f-]{36}$/);
    const fn = await client.savedSearches.createOrUpdate(RG, WS.workspaceName, 'btg-accounts', {
      category: 'BreakGlass',
      displayName: 'Break-glass accounts',
      query: 'datatable(UserId:string)["00000000-0000-4000-8000-00000000b701"]',
      functionAlias: 'BreakGlassAccounts',
    });
    expect(fn).toMatchObject({ name: 'btg-accounts', functionAlias: 'BreakGlassAccounts' });
    const all = await client.savedSearches.listByWorkspace(RG, WS.workspaceName);
    expect(all.value?.map((s) => s.name)).toEqual(['btg-accounts']);
    const put = emu.requests().find((e) => e.method === 'PUT')!;
    expect(put.query['api-version']).toBe('2020-08-01');
  });

  it('client.sendRequest(createPipelineRequest(...)): a raw PUT with a stable api-version through the SDK pipeline', async () => {
    const client = si();
    const url = `${emu.url}${SI}/alertRules/raw-1?api-version=${STABLE}`;
    const res = await client.sendRequest(
      createPipelineRequest({ url, method: 'PUT', body: JSON.stringify(scheduled()), headers: undefined }),
    );
    expect(res.status).toBe(201);
    expect(JSON.parse(res.bodyAsText!).properties.displayName).toBe(scheduledProps.displayName);
    const bad = await client.sendRequest(
      createPipelineRequest({
        url: `${emu.url}${SI}/alertRules/raw-2?api-version=2099-01-01`,
        method: 'PUT',
        body: JSON.stringify(scheduled()),
      }),
    );
    expect(bad.status).toBe(400);
    expect(emu.requests().at(-1)?.headers.authorization).toBe('Bearer emulator-fake-token');
  });

  it('Monitor, Logic and AppInsights clients write what the contract accepts', async () => {
    const o = emulatorClientOptions(emu);
    const monitor = new MonitorClient(o.credential, SUB, o);
    const ag = await monitor.actionGroups.createOrUpdate(RG, 'btg-ag', {
      location: 'Global',
      groupShortName: 'btg',
      enabled: true,
      emailReceivers: [{ name: 'soc', emailAddress: 'soc@contoso.example' }],
    });
    expect(ag.groupShortName).toBe('btg');
    const logic = new LogicManagementClient(o.credential, SUB, o);
    const wf = await logic.workflows.createOrUpdate(RG, 'btg-notify', {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      state: 'Enabled',
      definition: { triggers: {}, actions: {} },
    });
    expect(wf.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    const appi = new ApplicationInsightsManagementClient(o.credential, SUB, o);
    const wb = await appi.workbooks.createOrUpdate(
      RG,
      '6a2b3c4d-0000-4000-8000-000000000001',
      {
        location: 'westeurope',
        kind: 'shared',
        displayName: 'Break-glass accounts',
        category: 'sentinel',
        serializedData: JSON.stringify({ version: 'Notebook/1.0', items: [] }),
      },
      { sourceId: WS_PATH },
    );
    expect(wb.sourceId).toBe(WS_PATH);
    const listed: string[] = [];
    for await (const w of appi.workbooks.listByResourceGroup(RG, 'sentinel')) listed.push(w.displayName!);
    expect(listed).toEqual(['Break-glass accounts']);
    expect(
      emu
        .requests()
        .filter((e) => e.method === 'PUT')
        .map((e) => e.query['api-version']),
    ).toEqual(['2021-09-01', '2019-05-01', '2023-06-01']);
  });

  it('OperationalInsights LRO poller: workspaces.beginCreateOrUpdateAndWait', async () => {
    const o = emulatorClientOptions(emu);
    const client = new OperationalInsightsManagementClient(o.credential, SUB, o);
    const ws = await client.workspaces.beginCreateOrUpdateAndWait(
      RG,
      'law-new',
      { location: 'westeurope' },
      { updateIntervalInMs: 10 },
    );
    expect(ws).toMatchObject({ name: 'law-new', provisioningState: 'Succeeded' });
  });

  it('retries: honours 429 Retry-After, retries 503 and a dropped connection, and fails without retries', async () => {
    emu.setFaults({ rules: [{ fault: 'throttle', retryAfterSeconds: 1, times: 1 }] });
    const t0 = Date.now();
    await si().alertRules.createOrUpdate(RG, WS.workspaceName, 'r1', rule('r1'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(emu.requests().map((e) => e.status)).toEqual([429, 201]);

    emu.clearRequests();
    emu.setFaults({
      rules: [
        { fault: 'error', status: 503, times: 2 },
        { fault: 'drop', times: 1 },
      ],
    });
    await si().alertRules.get(RG, WS.workspaceName, 'r1');
    expect(emu.requests().map((e) => e.status ?? e.fault)).toEqual([503, 503, 'drop', 200]);

    emu.setFaults({ rules: [{ fault: 'drop', times: 1 }] });
    const err = await si({ retryOptions: { maxRetries: 0 } })
      .alertRules.get(RG, WS.workspaceName, 'r1')
      .catch((e) => e);
    expect(err).toBeInstanceOf(RestError);
    expect(err.code).toBe('ECONNRESET');
  });
});

describe('CLI (npm run emulator)', () => {
  it('prints "listening on http://127.0.0.1:<port>" and serves the workspaces of the config, Sentinel onboarded', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += String(c)));
    const config = path.join(__dirname, '..', 'examples', 'btg.config.yaml');
    const exit = emulatorCli(['node', 'cli', '--port', '0', '--workspaces', config, '--page-size', '3'], {
      out,
      err: out,
      stop: stopped,
    });
    let port: string | undefined;
    for (let i = 0; i < 500 && !port; i++) {
      port = /listening on http:\/\/127\.0\.0\.1:(\d+)\n/.exec(text)?.[1];
      if (!port) await new Promise((r) => setTimeout(r, 10));
    }
    expect(port).toBeDefined();
    const ws =
      '/subscriptions/00000000-0000-4000-8000-0000000000a1/resourceGroups/rg-sentinel-prod/providers/Microsoft.OperationalInsights/workspaces/law-sentinel-prod';
    expect((await fetch(`http://127.0.0.1:${port}${ws}?api-version=2022-10-01`)).status).toBe(200);
    expect(
      (
        await fetch(
          `http://127.0.0.1:${port}${ws}/providers/Microsoft.SecurityInsights/alertRules?api-version=2025-09-01`,
        )
      ).status,
    ).toBe(200);
    stop();
    expect(await exit).toBe(0);
  });

  it('exits 2 on a config that does not load', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += String(c)));
    expect(
      await emulatorCli(['node', 'cli', '--workspaces', path.join(__dirname, 'no-such-config.yaml')], {
        out,
        err: out,
        stop: Promise.resolve(),
      }),
    ).toBe(2);
    expect(text).toContain('not found');
  });
});
