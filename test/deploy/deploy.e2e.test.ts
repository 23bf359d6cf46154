/**
 * `btg deploy` end to end: the real pack, the real Azure SDK clients, real HTTPS to the ARM emulator.
 * Every assertion on writes reads the emulator's request log.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PACK_SOURCE_NAME } from '../../scripts/content/ids';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import { desiredItems, scopeIdsOf } from '../../scripts/deploy/desired';
import { connectionsOf, SENTINEL_APP_ID } from '../../scripts/deploy/postDeploy';
import { WorkspaceResource } from '../../scripts/emit/resources';
import { Emulator, startEmulator, workspacePath } from '../support/emulator';
import { workspaceRuleReader } from '../../scripts/deploy/session';
import {
  actions,
  deploy,
  packIdFor,
  packResources,
  rgPath,
  SENTINEL_SP,
  session,
  TENANT,
  workspace,
  writeRequests,
} from './helpers';

jest.setTimeout(120_000);

const WS1 = workspace(1);
const WS1_PATH = workspacePath(WS1);
const SI = `${WS1_PATH}/providers/Microsoft.SecurityInsights`;

let emu: Emulator;
let pack: WorkspaceResource[];

beforeAll(async () => {
  pack = packResources();
  emu = await startEmulator({ workspaces: [WS1] });
});
afterAll(() => emu.close());

const ruleOf = (resources: WorkspaceResource[], templateId: string) =>
  resources.find((r) => r.kind === 'alertRule' && r.templateId === templateId)!;

describe('one workspace, in order', () => {
  test('first deploy creates everything', async () => {
    const { plan, result } = await deploy(emu, pack, [WS1]);
    const entries = plan.workspaces[0].entries;
    expect(entries.every((e) => e.action === 'create')).toBe(true);
    expect(result.ok).toBe(true);
    expect(result.workspaces[0].entries.every((r) => r.status === 'applied')).toBe(true);

    // every pack resource is there, as the pack wrote it
    for (const e of entries) {
      const stored = emu.store.get(e.id);
      expect(stored).toBeDefined();
      // (a deployment GET returns no template, like ARM: only its tags compare)
      expect(stored!.body).toMatchObject(e.spec.comparable ? e.spec.comparable(e.item!.body) : e.item!.body);
    }
    // every kind of the pack went through: rules (NRT and Scheduled), metadata, hunting, playbooks, automation rules, workbook, monitor alert
    const kinds = new Set(entries.map((e) => e.kind));
    for (const k of [
      'alertRule',
      'metadata',
      'huntingQuery',
      'playbook',
      'automationRule',
      'workbook',
      'actionGroup',
      'monitorAlert',
    ])
      expect(kinds).toContain(k);

    // dependency order: playbooks were written before the automation rules that run them, rules before their metadata
    const puts = writeRequests(emu).map((r) => r.path.toLowerCase());
    const firstIndex = (s: string) => puts.findIndex((p) => p.includes(s));
    const lastIndex = (s: string) => puts.length - 1 - [...puts].reverse().findIndex((p) => p.includes(s));
    expect(lastIndex('/microsoft.resources/deployments/')).toBeLessThan(firstIndex('/automationrules/'));
    expect(lastIndex('/savedsearches/')).toBeLessThan(firstIndex('/alertrules/'));
    expect(lastIndex('/automationrules/')).toBeLessThan(firstIndex('/workbooks/'));
    expect(lastIndex('/actiongroups/')).toBeLessThan(firstIndex('/scheduledqueryrules/'));

    // the pack marks what it owns: Sentinel metadata for rules and automation rules, tags elsewhere
    const metadata = emu.store.list({ under: `${SI}/metadata` }).map((m) => m.body.properties as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const e of entries.filter((x) => x.kind === 'alertRule' || x.kind === 'automationRule')) {
      const m = metadata.find((p) => String(p.parentId).toLowerCase() === e.id.toLowerCase());
      expect(m).toMatchObject({ source: { name: PACK_SOURCE_NAME }, customVersion: `sha256:${e.item!.hash}` });
    }
    for (const e of entries.filter((x) => x.spec.marker === 'tags'))
      expect(emu.store.get(e.id)!.body.tags).toMatchObject({
        'breakglass-sentinel': expect.any(String),
        'breakglass-sentinel-hash': e.item!.hash,
      });

    // NRT rules went out with a preview api-version and kept their preview-only fields (raw PUT where the SDK drops them)
    const nrt = entries.find((e) => e.kind === 'alertRule' && (e.item!.body as { kind?: string }).kind === 'NRT')!;
    const nrtPut = emu.requests().find((r) => r.method === 'PUT' && r.path.toLowerCase() === nrt.id.toLowerCase())!;
    expect(nrtPut.query['api-version']).toMatch(/-preview$/);
    expect(nrtPut.body).toEqual(nrt.item!.body);

    // post-deploy: the Sentinel service principal got Automation Contributor on the playbooks' resource group
    const grants = emu.store.list({ under: `${rgPath(WS1)}/providers/Microsoft.Authorization/roleAssignments` });
    expect(grants.map((g) => g.body.properties)).toEqual([
      expect.objectContaining({
        principalId: SENTINEL_SP,
        principalType: 'ServicePrincipal',
        roleDefinitionId: `/subscriptions/${WS1.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/f4c81013-99ee-4d62-a7ee-b3f1f648599a`,
      }),
    ]);
    expect(result.workspaces[0].postDeploy?.permission.status).toBe('granted');
    expect(result.workspaces[0].postDeploy?.consents.map((c) => c.api)).toEqual(expect.arrayContaining(['office365']));
    // automation rules run the playbooks in this tenant
    const ar = emu.store.list({ under: `${SI}/automationRules` })[0].body.properties as {
      actions: { actionType: string; actionConfiguration: { tenantId: string; logicAppResourceId: string } }[];
    };
    const run = ar.actions.filter((x) => x.actionType === 'RunPlaybook');
    expect(run.length).toBeGreaterThan(0);
    for (const x of run) {
      expect(x.actionConfiguration.tenantId).toBe(TENANT);
      expect(
        x.actionConfiguration.logicAppResourceId.startsWith(`${rgPath(WS1)}/providers/Microsoft.Logic/workflows/`),
      ).toBe(true);
    }
  });

  test('the rule reader for `btg check` sees the deployed rules', async () => {
    const rules = await workspaceRuleReader(session(emu))(WS1);
    const expected = pack.filter((r) => r.kind === 'alertRule');
    expect(rules.map((r) => r.displayName).sort()).toEqual(expected.map((r) => r.displayName).sort());
    expect(
      rules.every(
        (r) =>
          r.enabled ===
          (expected.find((e) => e.displayName === r.displayName)!.body.properties as { enabled: boolean }).enabled,
      ),
    ).toBe(true);
  });

  test('second deploy makes zero writes', async () => {
    emu.clearRequests();
    const { plan, result } = await deploy(emu, pack, [WS1]);
    expect(Object.values(actions(plan)).every((a) => a === 'unchanged')).toBe(true);
    expect(result.ok).toBe(true);
    expect(plan.workspaces[0].postDeploy?.permission.status).toBe('granted');
    expect(writeRequests(emu)).toEqual([]);
    expect(emu.requests().length).toBeGreaterThan(0);
  });

  test('a changed rule is updated, and only it (with the metadata that records its hash)', async () => {
    const changed = packResources();
    const target = ruleOf(changed, 'btg-failed-signins');
    const props = target.body.properties as Record<string, unknown>;
    const was = props.severity;
    props.severity = was === 'Low' ? 'Medium' : 'Low';
    emu.clearRequests();
    const { plan, result } = await deploy(emu, changed, [WS1]);
    const notUnchanged = plan.workspaces[0].entries.filter((e) => e.action !== 'unchanged');
    expect(notUnchanged.map((e) => [e.kind, e.action])).toEqual([
      ['alertRule', 'update'],
      ['metadata', 'update'],
    ]);
    expect(notUnchanged[0].changes).toEqual([{ path: 'properties.severity', from: was, to: props.severity }]);
    expect(notUnchanged[1].changes.map((c) => c.path)).toEqual(['properties.customVersion']);
    expect(result.ok).toBe(true);
    expect(writeRequests(emu).map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`)).toEqual([
      `PUT alertRules/${target.name}`,
      'PUT metadata/breakglass-sentinel-btg-failed-signins',
    ]);
    expect((emu.store.get(`${SI}/alertRules/${target.name}`)!.body.properties as { severity: string }).severity).toBe(
      props.severity,
    );
  });

  test('a rule edited in the portal is put back (drift), a field removed from the pack is removed', async () => {
    const rule = ruleOf(pack, 'btg-interactive-signin');
    const path = `${SI}/alertRules/${rule.name}`;
    const stored = emu.store.get(path)!;
    emu.store.put({
      ...stored,
      body: { ...stored.body, properties: { ...(stored.body.properties as object), query: 'SigninLogs | take 0' } },
    });
    const lighter = packResources();
    delete (ruleOf(lighter, 'btg-account-changed').body.properties as Record<string, unknown>).customDetails;
    const { plan } = await deploy(emu, lighter, [WS1]);
    const byName = Object.fromEntries(plan.workspaces[0].entries.map((e) => [e.name, e]));
    expect(byName[rule.name]).toMatchObject({
      action: 'update',
      changes: [expect.objectContaining({ path: 'properties.query', from: 'SigninLogs | take 0' })],
    });
    expect(byName[ruleOf(lighter, 'btg-account-changed').name]).toMatchObject({
      action: 'update',
      removed: ['properties.customDetails'],
    });
    expect(
      emu.store.get(`${SI}/alertRules/${ruleOf(lighter, 'btg-account-changed').name}`)!.body.properties,
    ).not.toHaveProperty('customDetails');
    // and back to the full pack for the next tests
    await deploy(emu, pack, [WS1]);
  });

  test('prune removes an owned orphan and leaves a foreign rule untouched', async () => {
    const foreignPath = `${SI}/alertRules/someone-elses-rule`;
    emu.seed(foreignPath, {
      kind: 'Scheduled',
      properties: { displayName: 'Their own rule', enabled: true, severity: 'Low', query: 'SigninLogs' },
    });
    const foreignBefore = JSON.stringify(emu.store.get(foreignPath)!.body);
    const withoutRule = pack.filter((r) => r.templateId !== 'btg-admin-activity');
    const gone = ruleOf(pack, 'btg-admin-activity');

    // without --prune: shown as orphaned, kept
    emu.clearRequests();
    const kept = await deploy(emu, withoutRule, [WS1]);
    const orphaned = kept.plan.workspaces[0].entries.filter((e) => e.action === 'orphaned');
    expect(orphaned.map((e) => e.name).sort()).toEqual([gone.name, 'breakglass-sentinel-btg-admin-activity'].sort());
    expect(writeRequests(emu)).toEqual([]);
    expect(kept.result.workspaces[0].entries.filter((r) => r.status === 'kept')).toHaveLength(2);

    // with --prune: the owned rule and then its metadata are deleted, nothing else
    emu.clearRequests();
    const pruned = await deploy(emu, withoutRule, [WS1], { prune: true });
    expect(pruned.result.ok).toBe(true);
    expect(writeRequests(emu).map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`)).toEqual([
      `DELETE alertRules/${gone.name}`,
      'DELETE metadata/breakglass-sentinel-btg-admin-activity',
    ]);
    expect(emu.store.get(`${SI}/alertRules/${gone.name}`)).toBeUndefined();
    expect(JSON.stringify(emu.store.get(foreignPath)!.body)).toBe(foreignBefore);
    // the foreign rule never appears in a plan: it is not the pack's and not in the pack
    expect(pruned.plan.workspaces[0].entries.some((e) => e.name === 'someone-elses-rule')).toBe(false);
    await deploy(emu, pack, [WS1]);
  });

  test('a foreign same-named resource is a conflict: reported, untouched, not blocking the rest; --force overwrites it', async () => {
    const rule = ruleOf(pack, 'btg-noninteractive-signin');
    const rulePath = `${SI}/alertRules/${rule.name}`;
    // someone else's rule under the pack's name: their metadata claims it, the content differs
    emu.store.deleteTree(`${SI}/metadata/breakglass-sentinel-btg-noninteractive-signin`);
    emu.seed(rulePath, {
      kind: 'Scheduled',
      properties: {
        displayName: 'Imported from a repository',
        enabled: true,
        severity: 'Low',
        query: 'SigninLogs | take 1',
      },
    });
    emu.seed(`${SI}/metadata/their-metadata`, {
      properties: {
        parentId: rulePath,
        kind: 'AnalyticsRule',
        source: { kind: 'SourceRepository', name: 'their-repo' },
      },
    });
    // and a workbook with the pack's name but no pack tag
    const wb = pack.find((r) => r.kind === 'workbook')!;
    const wbPath = `${rgPath(WS1)}/providers/Microsoft.Insights/workbooks/${wb.name}`;
    const wbStored = emu.store.get(wbPath)!;
    emu.store.put({ ...wbStored, body: { ...wbStored.body, tags: { 'hidden-title': 'theirs' } } });
    const before = JSON.stringify([emu.store.get(rulePath)!.body, emu.store.get(wbPath)!.body]);

    emu.clearRequests();
    const { plan, result } = await deploy(emu, pack, [WS1]);
    const entries = Object.fromEntries(plan.workspaces[0].entries.map((e) => [e.key, e]));
    expect(entries[`alertRule:${rule.name}`]).toMatchObject({
      action: 'conflict',
      forced: false,
      reason: expect.stringMatching(/their-repo/),
    });
    expect(entries[`workbook:${wb.name}`]).toMatchObject({
      action: 'conflict',
      reason: expect.stringMatching(/no breakglass-sentinel tag/),
    });
    // the pack's metadata for that rule would claim it: not written either (it depends on the rule)
    expect(entries['metadata:breakglass-sentinel-btg-noninteractive-signin'].action).toBe('create');
    expect(writeRequests(emu)).toEqual([]);
    expect(JSON.stringify([emu.store.get(rulePath)!.body, emu.store.get(wbPath)!.body])).toBe(before);
    expect(result.ok).toBe(false);
    const statuses = Object.fromEntries(result.workspaces[0].entries.map((r) => [r.entry.key, r.status]));
    expect(statuses[`alertRule:${rule.name}`]).toBe('skipped');
    expect(statuses['metadata:breakglass-sentinel-btg-noninteractive-signin']).toBe('skipped');

    // --force names what it overrides: the rule by its template id, the workbook by its resource id
    const forced = await deploy(emu, pack, [WS1], { force: ['btg-noninteractive-signin', wbPath.toLowerCase()] });
    expect(forced.result.ok).toBe(true);
    expect((emu.store.get(rulePath)!.body.properties as { displayName: string }).displayName).toBe(rule.displayName);
    const again = await deploy(emu, pack, [WS1]);
    expect(Object.values(actions(again.plan)).every((a) => a === 'unchanged')).toBe(true);
  });
});

test('prune of a playbook: what cannot be read cannot be proven, so it stays; the rest of its own resources go', async () => {
  const ws = workspace(41);
  const e = await startEmulator({ workspaces: [ws] });
  try {
    const packId = packIdFor();
    const known = pack.filter((r) => r.kind === 'playbook');
    expect((await deploy(e, pack, [ws])).result.ok).toBe(true);
    const leaving = known.find((r) => r.templateId === 'btg-custodian-confirmation')!;
    const dep = e.store.get(`${rgPath(ws)}/providers/Microsoft.Resources/deployments/${leaving.name}`)!;
    const outputs = (dep.body.properties as { outputResources: { id: string }[] }).outputResources.map((o) => o.id);
    const assignment = outputs.find((id) => /roleAssignments/i.test(id))!;
    // reading role assignments is forbidden to this identity
    e.setFaults({
      rules: [
        {
          fault: 'error',
          status: 403,
          code: 'AuthorizationFailed',
          message: 'no read on role assignments',
          path: '/roleAssignments/',
          method: 'GET',
        },
      ],
    });
    const without = pack.filter((r) => r.templateId !== 'btg-custodian-confirmation');
    const run = await deploy(e, without, [ws], { prune: true, packId, knownPlaybooks: known });
    e.clearFaults();
    const entry = run.plan.workspaces[0].entries.find((x) => x.name === leaving.name)!;
    expect(entry.cascade!.keeps).toEqual([
      { id: assignment, reason: expect.stringMatching(/^cannot read it \(.*no read on role assignments/) },
    ]);
    expect(entry.cascade!.deletes.map((d) => d.id).sort()).toEqual(outputs.filter((id) => id !== assignment).sort());
    expect(run.result.ok).toBe(true);
    expect(e.store.get(assignment)).toBeDefined();
    for (const id of outputs.filter((x) => x !== assignment)) expect(e.store.get(id)).toBeUndefined();
  } finally {
    await e.close();
  }
});

test('deploy to 3 workspaces at once: all created, one Sentinel-less workspace reported, then no writes', async () => {
  const three = [workspace(11), workspace(12), workspace(13)];
  const noSentinel = workspace(14);
  const e = await startEmulator({ workspaces: [...three, { ...noSentinel, onboarded: false }] });
  try {
    const first = await deploy(e, pack, [...three, noSentinel], { settings: { concurrency: 12 } });
    expect(first.plan.workspaces.map((w) => w.status)).toEqual(['ok', 'ok', 'ok', 'error']);
    expect(first.plan.workspaces[3].error).toMatch(
      /Microsoft Sentinel is not enabled on workspace law-btg-14 .*onboardingStates\/default/,
    );
    expect(first.result.ok).toBe(false); // one workspace could not be deployed to
    for (const w of first.result.workspaces.slice(0, 3))
      expect(w.entries.every((r) => r.status === 'applied')).toBe(true);
    for (const ws of three) {
      const desired = desiredItems(
        pack,
        scopeIdsOf(ws),
        {
          workspaceResourceId: workspacePath(ws),
          resourceGroupId: rgPath(ws),
          subscriptionId: ws.subscriptionId,
          tenantId: TENANT,
          location: ws.location,
          workspaceName: ws.workspaceName,
        },
        packIdFor(),
      );
      for (const d of desired) expect(e.store.has(d.id)).toBe(true);
    }
    // writes of the three workspaces interleaved (parallel across workspaces), not one workspace after the other
    const order = writeRequests(e).map((r) => /rg-btg-(\d+)/.exec(r.path)![1]);
    const switches = order.filter((w, i) => i > 0 && w !== order[i - 1]).length;
    expect(switches).toBeGreaterThan(3);
    // nothing was written to the workspace without Sentinel
    expect(writeRequests(e).some((r) => r.path.includes('rg-btg-14'))).toBe(false);

    e.clearRequests();
    const second = await deploy(e, pack, three);
    expect(second.result.ok).toBe(true);
    expect(writeRequests(e)).toEqual([]);
  } finally {
    await e.close();
  }
});

test('watchlist mode: the watchlist (a long-running PUT in 2025 api-versions) goes first and is polled to completion; a re-run writes nothing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-watchlist-'));
  const cfg = path.join(dir, 'btg.config.yaml');
  fs.writeFileSync(
    cfg,
    fs.readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/^accountSource: inline$/m, 'accountSource: watchlist'),
  );
  const resources = packResources(cfg);
  const wl = resources.find((r) => r.kind === 'watchlist')!;
  expect(wl).toBeDefined();
  const ws = workspace(21);
  const e = await startEmulator({ workspaces: [ws] });
  try {
    const { result } = await deploy(e, resources, [ws]);
    expect(result.ok).toBe(true);
    const log = e.requests();
    const put = log.findIndex((r) => r.method === 'PUT' && r.path.endsWith(`/watchlists/${wl.name}`));
    expect(log[put].status).toBe(201);
    // polled (Azure-AsyncOperation) before anything of a later level was written
    const poll = log.findIndex(
      (r, i) => i > put && r.method === 'GET' && /\/watchlists\/.*\/operationStatuses\//.test(r.path),
    );
    // (the other watchlist of the pack, BreakGlassDrills, is of the same level and may be written in between)
    const nextWrite = log.findIndex(
      (r, i) => i > put && r.method !== 'GET' && !/\/watchlists\/[^/]+$/.test(r.path.split('?')[0]),
    );
    expect(poll).toBeGreaterThan(put);
    expect(poll).toBeLessThan(nextWrite);
    expect(
      (
        e.store.get(`${workspacePath(ws)}/providers/Microsoft.SecurityInsights/watchlists/${wl.name}`)!.body
          .properties as { provisioningState?: string }
      ).provisioningState,
    ).toBe('Succeeded');
    e.clearRequests();
    await deploy(e, resources, [ws]);
    expect(writeRequests(e)).toEqual([]);
  } finally {
    await e.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without the right to assign roles, deploy says exactly which `az role assignment create` to run', async () => {
  const ws = workspace(31);
  const e = await startEmulator({
    workspaces: [ws],
    faults: {
      rules: [
        {
          fault: 'error',
          status: 403,
          method: 'PUT',
          path: '/roleAssignments/',
          code: 'AuthorizationFailed',
          message:
            "The client does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write'.",
        },
      ],
    },
  });
  try {
    const { result } = await deploy(e, pack, [ws]);
    const step = result.workspaces[0].postDeploy!.permission;
    expect(step).toMatchObject({
      status: 'manual',
      reason: expect.stringMatching(
        /^the deploying identity may not create role assignments \(403 AuthorizationFailed: .*\); someone with User Access Administrator or Owner on the resource group runs$/,
      ),
    });
    expect(step.command).toBe(
      `az role assignment create --role f4c81013-99ee-4d62-a7ee-b3f1f648599a --assignee-object-id ${SENTINEL_SP} --assignee-principal-type ServicePrincipal --scope ${rgPath(ws)}`,
    );
    // everything else was deployed, the automation rules included
    expect(result.workspaces[0].entries.every((r) => r.status === 'applied')).toBe(true);
  } finally {
    await e.close();
  }
});

test("the pack's own playbooks: each Office 365 / Teams connection is listed for consent, the managed-identity one is not", () => {
  const ids = scopeIdsOf(WS1);
  const items = desiredItems(
    pack.filter((r) => r.kind === 'playbook'),
    ids,
    {
      workspaceResourceId: ids.workspaceId,
      resourceGroupId: ids.resourceGroupId,
      subscriptionId: WS1.subscriptionId,
      tenantId: TENANT,
      location: 'westeurope',
      workspaceName: WS1.workspaceName,
    },
    packIdFor(),
  );
  const refs = connectionsOf(items);
  expect(refs.length).toBeGreaterThan(0);
  for (const r of refs) {
    expect(r.name).not.toMatch(/^\[/);
    expect(r.needsConsent).toBe(r.api !== 'azuresentinel');
  }
  expect(SENTINEL_APP_ID).toBe('98785600-1bb7-4fb9-b9fa-19afe2c8a360');
});
