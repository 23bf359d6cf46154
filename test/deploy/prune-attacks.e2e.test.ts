/**
 * Issue 11 items 2-4 as attacks, end to end: `btg deploy` / `btg plan` as a user runs them (in-process `main`, the
 * real Azure SDK clients over HTTPS to the ARM emulator, whose deployments create their template's resources).
 *
 * Two configs (packIds team-a and team-b) share one resource group. Beside them: a foreign rule, a rule with
 * look-alike metadata, a workbook tagged "copied-from-wiki", another team's Logic App, a subscription-scope Owner
 * role assignment of a break-glass account, another principal's Responder assignment on the workspace, and foreign
 * deployments tagged like ours whose outputResources point at all of those. `deploy --prune` of either config
 * deletes none of them and nothing of the other config; it deletes exactly what its plan lists. A foreign Logic App
 * or API connection under the pack's name is a conflict that only `--force <its id or template id>` overrides.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { contentId, packNames } from '../../scripts/content/ids';
import { ROLES } from '../../scripts/emit/playbooks';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import { useDeployCli } from './cliFixture';
import { SUB } from './helpers';

jest.setTimeout(300_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const TOKEN = 'btg-attack-test-token';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-shared`;
const WS_A = {
  name: 'a',
  subscriptionId: SUB,
  resourceGroup: 'rg-shared',
  workspaceName: 'law-team-a',
  location: 'westeurope',
};
const WS_B = { ...WS_A, name: 'b', workspaceName: 'law-team-b' };
const wsPath = (w: typeof WS_A) => `${RG}/providers/Microsoft.OperationalInsights/workspaces/${w.workspaceName}`;
const SI_A = `${wsPath(WS_A)}/providers/Microsoft.SecurityInsights`;
const BTG_ACCOUNT = '00000000-0000-4000-8000-00000000b701';
const OWNER_ROLE = '8e3af657-a8ff-443c-a75e-2fe8c4bcb635';

const cli = useDeployCli({ token: TOKEN, emulator: { workspaces: [WS_A, WS_B] } });
const emu = () => cli.emu;
let dir: string;

/** The example config with this packId and workspace (and optionally no custodians: the confirmation playbook leaves the pack). */
function config(name: string, packId: string, ws: typeof WS_A, over: (c: J) => void = () => undefined): string {
  const c = parse(fs.readFileSync(EXAMPLE_CONFIG, 'utf8')) as J;
  c.packId = packId;
  c.workspaces = [ws];
  over(c);
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, stringify(c));
  return file;
}

const btg = (cfg: string, ...args: string[]) => cli.btg(cfg, args);

const ids = (under: string) =>
  emu()
    .store.list({ under })
    .map((r) => r.id.toLowerCase());
const snapshotOf = (paths: string[]) => paths.map((p) => JSON.stringify(emu().store.get(p)?.body ?? null));
const deletes = () =>
  emu()
    .requests()
    .filter((r) => r.method === 'DELETE')
    .map((r) => r.path.toLowerCase());

let A: string;
let B: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-attacks-'));
  A = config('team-a', 'team-a', WS_A);
  B = config('team-b', 'team-b', WS_B);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('two packIds in one resource group deploy side by side: no conflict, each its own playbooks, workbook, action group, alert', async () => {
  const a = await btg(A, 'deploy', '--yes');
  expect(a.err).not.toMatch(/FAILED/);
  expect(a.code).toBe(0);
  const b = await btg(B, 'deploy', '--yes');
  expect(b.code).toBe(0);
  const rg = ids(RG);
  for (const p of ['team-a', 'team-b']) {
    expect(rg).toContain(
      `${RG}/providers/Microsoft.Insights/workbooks/${packNames.workbook('btg-accounts', p)}`.toLowerCase(),
    );
    expect(rg).toContain(`${RG}/providers/Microsoft.Insights/actionGroups/${packNames.actionGroup(p)}`.toLowerCase());
    expect(rg).toContain(
      `${RG}/providers/Microsoft.Logic/workflows/${packNames.playbook('btg-notify-enrich', p)}`.toLowerCase(),
    );
    expect(rg).toContain(
      `${RG}/providers/Microsoft.Resources/deployments/${packNames.deployment('btg-notify-enrich', p)}`.toLowerCase(),
    );
    expect(rg.some((id) => id.includes('/scheduledqueryrules/') && id.endsWith(`(${p})`))).toBe(true);
  }
  // the emulator's deployments created their templates' resources: Logic App, connections, Responder on the workspace
  const dep = emu().store.get(
    `${RG}/providers/Microsoft.Resources/deployments/${packNames.deployment('btg-notify-enrich', 'team-a')}`,
  )!.body.properties as J;
  const outputs = (dep.outputResources as { id: string }[]).map((o) => o.id.toLowerCase());
  expect(outputs).toEqual(
    expect.arrayContaining([
      `${RG}/providers/Microsoft.Logic/workflows/btg-notify-enrich-team-a`.toLowerCase(),
      `${RG}/providers/Microsoft.Web/connections/office365-btg-notify-enrich-team-a`.toLowerCase(),
      expect.stringMatching(
        new RegExp(`^${wsPath(WS_A).toLowerCase()}/providers/microsoft.authorization/roleassignments/`),
      ),
    ]),
  );
  // a re-run of either is a no-op: the other config's resources are not its business
  emu().clearRequests();
  const again = await btg(A, 'plan', '--prune', '--json');
  expect(again.code).toBe(0);
  expect(JSON.parse(again.out).summary).toMatchObject({ create: 0, update: 0, orphaned: 0, conflict: 0 });
  expect(
    emu()
      .requests()
      .filter((r) => r.method !== 'GET'),
  ).toEqual([]);
});

test('deploy --prune deletes none of the seeded foreign resources, nor anything of the other packId', async () => {
  const teamX = `${RG}/providers/Microsoft.Logic/workflows/team-x-app`;
  const seeds: [string, J][] = [
    [
      `${SI_A}/alertRules/someone-elses-rule`,
      {
        kind: 'Scheduled',
        properties: { displayName: 'Their rule', enabled: true, severity: 'Low', query: 'SigninLogs' },
      },
    ],
    [
      `${SI_A}/alertRules/lookalike-rule`,
      {
        kind: 'Scheduled',
        properties: { displayName: 'Looks like ours', enabled: true, severity: 'High', query: 'SigninLogs' },
      },
    ],
    // look-alike metadata: our source name and even our packId, on a rule the pack does not name
    [
      `${SI_A}/metadata/breakglass-sentinel-btg-lookalike`,
      {
        properties: {
          parentId: `${SI_A}/alertRules/lookalike-rule`,
          contentId: 'lookalike-rule',
          kind: 'AnalyticsRule',
          source: { kind: 'LocalWorkspace', name: 'breakglass-sentinel', sourceId: 'team-a/btg-lookalike' },
        },
      },
    ],
    [
      `${SI_A}/metadata/lookalike-2`,
      {
        properties: {
          parentId: `${SI_A}/alertRules/someone-elses-rule`,
          kind: 'AnalyticsRule',
          source: { kind: 'LocalWorkspace', name: 'Breakglass-Sentinel' },
        },
      },
    ],
    [
      `${RG}/providers/Microsoft.Insights/workbooks/${contentId('wiki', 'copied')}`,
      {
        location: 'westeurope',
        kind: 'shared',
        tags: { 'breakglass-sentinel': 'copied-from-wiki', 'breakglass-sentinel-pack': 'team-a' },
        properties: { displayName: 'Copied from the wiki', category: 'sentinel', serializedData: '{}' },
      },
    ],
    [
      teamX,
      {
        location: 'westeurope',
        identity: { type: 'SystemAssigned', principalId: '00000000-0000-4000-8000-0000000000d1' },
        tags: { 'Breakglass-Sentinel': 'btg-notify-enrich' },
        properties: { state: 'Enabled' },
      },
    ],
    [
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-0000000000aa`,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${OWNER_ROLE}`,
          principalId: BTG_ACCOUNT,
          principalType: 'User',
          scope: `/subscriptions/${SUB}`,
        },
      },
    ],
    [
      `${wsPath(WS_A)}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-0000000000ab`,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.sentinelResponder}`,
          principalId: '00000000-0000-4000-8000-0000000000d1',
          principalType: 'ServicePrincipal',
        },
      },
    ],
  ];
  for (const [p, body] of seeds) emu().seed(p, body);
  const targets = seeds.map(([p]) => p);
  const outputResources = targets.map((id) => ({ id }));
  // foreign deployments tagged like ours, pointing at all of them: one not pack-named, one pack-named for a template
  // the pack does not have (exact marker: it is "ours", but nothing proves what it created), one with B's packId
  const retired = `${RG}/providers/Microsoft.Resources/deployments/${packNames.deployment('btg-retired', 'team-a')}`;
  const deployments: [string, J][] = [
    [
      `${RG}/providers/Microsoft.Resources/deployments/breakglass-sentinel-imported`,
      {
        tags: { 'breakglass-sentinel': 'btg-notify-enrich', 'breakglass-sentinel-pack': 'team-a' },
        properties: { mode: 'Incremental', provisioningState: 'Succeeded', outputResources },
      },
    ],
    [
      `${RG}/providers/Microsoft.Resources/deployments/BreakGlass-copy`,
      {
        tags: { 'BREAKGLASS-SENTINEL': 'x' },
        properties: { mode: 'Incremental', provisioningState: 'Succeeded', outputResources },
      },
    ],
    [
      retired,
      {
        tags: { 'breakglass-sentinel': 'btg-retired', 'breakglass-sentinel-pack': 'team-a' },
        properties: { mode: 'Incremental', provisioningState: 'Succeeded', outputResources },
      },
    ],
  ];
  for (const [p, body] of deployments) emu().seed(p, body);
  const survivors = [...targets, ...deployments.filter(([p]) => p !== retired).map(([p]) => p)];
  const before = snapshotOf(survivors);
  const teamB = emu()
    .store.list({ under: RG })
    .filter((r) => /team-b/i.test(JSON.stringify(r.body.tags ?? {})) || /team-b/i.test(r.id));
  expect(teamB.length).toBeGreaterThan(5);
  const teamBBefore = JSON.stringify(teamB.map((r) => r.body));

  // the plan lists every deletion by id: only the record of the retired deployment; its outputs are left, with why
  const plan = JSON.parse((await btg(A, 'plan', '--prune', '--json')).out);
  const orphaned = plan.workspaces[0].entries.filter((e: J) => e.action === 'orphaned');
  expect(orphaned.map((e: J) => e.id.toLowerCase())).toEqual([retired.toLowerCase()]);
  expect(orphaned[0].cascade.deletes).toEqual([]);
  expect(orphaned[0].cascade.keeps.map((k: J) => k.id)).toEqual(targets);
  for (const k of orphaned[0].cascade.keeps)
    expect(k.reason).toMatch(/the pack has no template for btg-retired any more/);
  expect(plan.summary.conflict).toBe(0);

  emu().clearRequests();
  const run = await btg(A, 'deploy', '--prune', '--yes');
  expect(run.code).toBe(0);
  expect(deletes()).toEqual([retired.toLowerCase()]);
  expect(snapshotOf(survivors)).toEqual(before);
  expect(
    JSON.stringify(
      emu()
        .store.list({ under: RG })
        .filter((r) => teamB.some((t) => t.id === r.id))
        .map((r) => r.body),
    ),
  ).toBe(teamBBefore);
  expect(run.out).toMatch(/left in place/);

  // and team-b's prune leaves team-a and every foreign resource alone
  emu().clearRequests();
  expect((await btg(B, 'deploy', '--prune', '--yes')).code).toBe(0);
  expect(deletes()).toEqual([]);
  expect(snapshotOf(survivors)).toEqual(before);
  const planA = JSON.parse((await btg(A, 'plan', '--prune', '--json')).out);
  expect(planA.summary).toMatchObject({ create: 0, update: 0, orphaned: 0, conflict: 0 });
});

test("a playbook that leaves the pack is pruned with exactly its own Logic App, connections and its identity's Responder assignment", async () => {
  const name = packNames.deployment('btg-custodian-confirmation', 'team-a');
  const depPath = `${RG}/providers/Microsoft.Resources/deployments/${name}`;
  const dep = emu().store.get(depPath)!;
  const own = ((dep.body.properties as J).outputResources as { id: string }[]).map((o) => o.id);
  expect(own.length).toBeGreaterThanOrEqual(3);
  // the playbook's own identity also holds Owner on the resource group (granted by hand): never the pack's to delete
  const wf = emu().store.get(
    `${RG}/providers/Microsoft.Logic/workflows/${packNames.playbook('btg-custodian-confirmation', 'team-a')}`,
  )!;
  const rgOwner = `${RG}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-0000000000ac`;
  emu().seed(rgOwner, {
    properties: {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${OWNER_ROLE}`,
      principalId: (wf.body.identity as J).principalId,
      principalType: 'ServicePrincipal',
    },
  });
  // someone points our deployment's record at foreign resources too
  const foreign = [
    `${RG}/providers/Microsoft.Logic/workflows/team-x-app`,
    `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-0000000000aa`,
    `${wsPath(WS_A)}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-0000000000ab`,
    rgOwner,
  ];
  emu().store.put({
    ...dep,
    body: {
      ...dep.body,
      properties: { ...(dep.body.properties as J), outputResources: [...own, ...foreign].map((id) => ({ id })) },
    },
  });
  const foreignBefore = snapshotOf(foreign);
  const notify = packNames.playbook('btg-notify-enrich', 'team-a');

  // no custodians: the confirmation playbook (and its automation rule) leave the pack
  const A2 = config('team-a-no-custodians', 'team-a', WS_A, (c) => c.accounts.forEach((a: J) => delete a.custodians));
  const plan = JSON.parse((await btg(A2, 'plan', '--prune', '--json')).out);
  const entry = plan.workspaces[0].entries.find((e: J) => e.name === name);
  expect(entry).toMatchObject({ action: 'orphaned', operation: 'delete', templateId: 'btg-custodian-confirmation' });
  expect(entry.cascade.deletes.map((d: J) => d.id.toLowerCase()).sort()).toEqual(
    own.map((i) => i.toLowerCase()).sort(),
  );
  expect(entry.cascade.keeps.map((k: J) => k.id)).toEqual(foreign);
  expect(entry.cascade.keeps.map((k: J) => k.reason)).toEqual([
    "the pack's template for this deployment does not create it",
    'outside the target resource group',
    "its principal is not the managed identity of the playbook's own Logic App",
    "a role assignment outside the workspace's scope",
  ]);
  const planned = plan.workspaces[0].entries
    .filter((e: J) => e.operation === 'delete')
    .flatMap((e: J) => [e.id, ...(e.cascade?.deletes ?? []).map((d: J) => d.id)]);

  emu().clearRequests();
  const run = await btg(A2, 'deploy', '--prune', '--yes');
  expect(run.code).toBe(0);
  // the apply deletes exactly the plan's list
  expect(deletes().sort()).toEqual(planned.map((i: string) => i.toLowerCase()).sort());
  for (const id of own) expect(emu().store.get(id)).toBeUndefined();
  expect(snapshotOf(foreign)).toEqual(foreignBefore);
  expect(emu().store.get(`${RG}/providers/Microsoft.Logic/workflows/${notify}`)).toBeDefined();
  // back to the full pack
  expect((await btg(A, 'deploy', '--yes')).code).toBe(0);
});

test("outputResources with dot segments (resolved by the request URL after the checks) never reach another workspace's role assignment", async () => {
  const name = packNames.deployment('btg-custodian-confirmation', 'team-a');
  const depPath = `${RG}/providers/Microsoft.Resources/deployments/${name}`;
  // runs on its own too (-t): team a deployed
  if (!emu().store.get(depPath)) expect((await btg(A, 'deploy', '--yes')).code).toBe(0);
  const dep = emu().store.get(depPath)!;
  const wf = emu().store.get(
    `${RG}/providers/Microsoft.Logic/workflows/${packNames.playbook('btg-custodian-confirmation', 'team-a')}`,
  )!;
  // the playbook's identity also holds Responder on team b's workspace (granted by hand): not the pack's to delete
  const elsewhere = `${wsPath(WS_B)}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-0000000000ad`;
  emu().seed(elsewhere, {
    properties: {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.sentinelResponder}`,
      principalId: (wf.body.identity as J).principalId,
      principalType: 'ServicePrincipal',
    },
  });
  // reads as "a role assignment at workspace a" to a string check; the URL resolves it to the one at workspace b
  const dotted = `${wsPath(WS_A)}/providers/Microsoft.Authorization/roleAssignments/x/../../../../../${WS_B.workspaceName}/providers/Microsoft.Authorization/./roleAssignments/00000000-0000-4000-8000-0000000000ad`;
  const doubled = `${wsPath(WS_A)}/providers/Microsoft.Authorization/roleAssignments/x/../../../../../${WS_B.workspaceName}/providers/Microsoft.Authorization//roleAssignments/00000000-0000-4000-8000-0000000000ad`;
  const encoded = `${wsPath(WS_A)}/providers/Microsoft.Authorization/roleAssignments/x%2F..%2F..%2F..%2F..%2F..%2F${WS_B.workspaceName}%2Fproviders%2FMicrosoft.Authorization%2FroleAssignments%2F00000000-0000-4000-8000-0000000000ad`;
  const own = ((dep.body.properties as J).outputResources as { id: string }[]).map((o) => o.id);
  emu().store.put({
    ...dep,
    body: {
      ...dep.body,
      properties: {
        ...(dep.body.properties as J),
        outputResources: [...own, dotted, doubled, encoded].map((id) => ({ id })),
      },
    },
  });
  const before = snapshotOf([elsewhere]);

  const A2 = config('team-a-no-custodians-dots', 'team-a', WS_A, (c) =>
    c.accounts.forEach((a: J) => delete a.custodians),
  );
  const plan = JSON.parse((await btg(A2, 'plan', '--prune', '--json')).out);
  const entry = plan.workspaces[0].entries.find((e: J) => e.name === name);
  for (const id of [dotted, doubled, encoded])
    expect(entry.cascade.keeps).toContainEqual({ id, reason: expect.stringMatching(/not a canonical resource id/) });
  expect(entry.cascade.deletes.map((d: J) => d.id).filter((id: string) => id.includes('0000000000ad'))).toEqual([]);
  emu().clearRequests();
  expect((await btg(A2, 'deploy', '--prune', '--yes')).code).toBe(0);
  expect(snapshotOf([elsewhere])).toEqual(before);
  expect(deletes().some((d) => d.includes('0000000000ad'))).toBe(false);
  expect((await btg(A, 'deploy', '--yes')).code).toBe(0);
});

test('a foreign Logic App under the pack name is a conflict; --force <id> overrides only it; bare --force is a usage error', async () => {
  // another team's Logic App that already has team-a's playbook name (and the look of our tag)
  const wf = `${RG}/providers/Microsoft.Logic/workflows/${packNames.playbook('btg-test-reminder', 'team-a')}`;
  const depName = packNames.deployment('btg-test-reminder', 'team-a');
  emu().store.deleteTree(`${RG}/providers/Microsoft.Resources/deployments/${depName}`);
  emu().store.deleteTree(wf);
  emu().seed(wf, {
    location: 'westeurope',
    tags: { 'breakglass-sentinel': 'btg-test-reminder' },
    properties: { state: 'Enabled', definition: { theirs: true } },
  });
  const before = snapshotOf([wf]);

  const plan = await btg(A, 'plan');
  expect(plan.code).toBe(1);
  expect(plan.out).toMatch(
    new RegExp(
      `! conflict +ARM deployment .*\\n.*Logic App ${wf.replace(/[/]/g, '\\/')} exists and is not this config's`,
    ),
  );
  emu().clearRequests();
  const run = await btg(A, 'deploy', '--yes');
  expect(run.code).toBe(1);
  expect(
    emu()
      .requests()
      .some((r) => r.method === 'PUT' && r.path.toLowerCase().includes(depName.toLowerCase())),
  ).toBe(false);
  expect(snapshotOf([wf])).toEqual(before);

  // bare --force: a usage error that explains the new form, nothing read or written
  emu().clearRequests();
  const bare = await btg(A, 'deploy', '--yes', '--force');
  expect(bare.code).toBe(2);
  expect(bare.err).toMatch(/--force needs the resource id or template id/);
  expect(emu().requests()).toEqual([]);

  // --force of an id the pack does not have is a usage error naming the near one (issue 12: an unknown id anywhere
  // is exit 2 with the valid ids), nothing written; of a template id with no conflict it overrides nothing (and says
  // so); of the template id it overrides exactly it
  emu().clearRequests();
  const typo = await btg(A, 'deploy', '--yes', '--force', 'btg-test-remindr');
  expect(typo.code).toBe(2);
  expect(typo.err).toMatch(
    /--force btg-test-remindr: unknown template id "btg-test-remindr" \(did you mean btg-test-reminder\?\); valid: /,
  );
  expect(
    emu()
      .requests()
      .filter((r) => r.method !== 'GET'),
  ).toEqual([]);
  const unrelated = await btg(A, 'plan', '--force', 'btg-interactive-signin', '--json');
  expect(unrelated.err).toMatch(/--force btg-interactive-signin: no conflict/);
  expect(JSON.parse(unrelated.out).workspaces[0].entries.find((e: J) => e.name === depName)).toMatchObject({
    action: 'conflict',
    operation: 'none',
  });
  const forced = await btg(A, 'deploy', '--yes', '--force', 'btg-test-reminder');
  expect(forced.code).toBe(0);
  expect(((emu().store.get(wf)!.body.tags ?? {}) as J)['breakglass-sentinel-pack']).toBe('team-a');
});

// inner resources a playbook deployment creates: each, when someone else's, makes the deployment a conflict
test.each([
  {
    what: 'API connection',
    template: 'btg-notify-enrich',
    id: () =>
      `${RG}/providers/Microsoft.Web/connections/office365-${packNames.playbook('btg-notify-enrich', 'team-a')}`,
    body: {
      location: 'westeurope',
      tags: { 'breakglass-sentinel': 'btg-notify-enrich', 'breakglass-sentinel-pack': 'team-b' },
      properties: { displayName: 'their mailbox', api: { id: 'office365' } },
    },
  },
  {
    what: 'metric alert',
    template: 'btg-notify-enrich',
    // the name of the playbook's run-failure alert (issue 14)
    id: () =>
      `${RG}/providers/Microsoft.Insights/metricAlerts/${packNames.playbook('btg-notify-enrich', 'team-a')}-run-failed`,
    body: {
      location: 'global',
      tags: { 'breakglass-sentinel': 'btg-notify-enrich' },
      properties: { description: 'their alert', severity: 3, enabled: true, scopes: [`${RG}/providers/x/y/z`] },
    },
  },
])("another team's $what under the pack's name is a conflict too: the deployment would overwrite it", async (x) => {
  const id = x.id();
  const depName = packNames.deployment(x.template, 'team-a');
  emu().store.deleteTree(`${RG}/providers/Microsoft.Resources/deployments/${depName}`);
  emu().store.deleteTree(id);
  emu().seed(id, x.body);
  const before = snapshotOf([id]);

  const plan = JSON.parse((await btg(A, 'plan', '--json')).out);
  const entry = plan.workspaces[0].entries.find((e: J) => e.name === depName);
  expect(entry).toMatchObject({ action: 'conflict', operation: 'none' });
  expect(entry.reason).toContain(`${x.what} ${id} exists and is not this config's`);
  emu().clearRequests();
  expect((await btg(A, 'deploy', '--yes')).code).toBe(1);
  expect(
    emu()
      .requests()
      .some((r) => r.method === 'PUT' && r.path.toLowerCase().includes(depName.toLowerCase())),
  ).toBe(false);
  expect(snapshotOf([id])).toEqual(before);
  // --force of the resource's own id overrides exactly it
  expect((await btg(A, 'deploy', '--yes', '--force', id)).code).toBe(0);
  expect(((emu().store.get(id)!.body.tags ?? {}) as J)['breakglass-sentinel-pack']).toBe('team-a');
});
