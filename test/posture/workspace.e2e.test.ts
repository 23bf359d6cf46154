/**
 * `btg check` workspace side through the deploy layer's read path: the pack deployed to the ARM emulator,
 * then checked live (Graph from the local Graph server); a rule disabled in the portal is a failure.
 */
import type { AccessToken } from '@azure/identity';
import { checkDeps } from '../../scripts/cli/commands/check';
import { main } from '../../scripts/cli/main';
import { loadConfig } from '../../scripts/config/load';
import { emulatorCredential, Emulator, startEmulator } from '../support/emulator';
import { startGraphServer, GraphServer } from '../support/graph-server';
import { deploy, packResources } from '../deploy/helpers';
import { CLEAN, EXAMPLE_CONFIG, NOW } from './helpers';

jest.setTimeout(180_000);

let emu: Emulator;
let graph: GraphServer;
const original = { ...checkDeps };

beforeAll(async () => {
  emu = await startEmulator({ workspaces: loadConfig(EXAMPLE_CONFIG).config!.workspaces });
  graph = await startGraphServer({ dir: CLEAN });
  checkDeps.credential = async () => ({
    getToken: async (): Promise<AccessToken> => ({ token: 'g', expiresOnTimestamp: Date.now() + 3_600_000 }),
  });
  checkDeps.now = () => NOW;
  checkDeps.armCredential = async () => emulatorCredential;
  checkDeps.armClientOptions = { tlsOptions: { ca: emu.caCert } };
  checkDeps.graphCa = graph.ca;
});
afterAll(async () => {
  Object.assign(checkDeps, original);
  await graph.close();
  await emu.close();
});

async function check(): Promise<{ code: number; report: any }> {
  let out = '';
  const o = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main([
      'node',
      'btg',
      'check',
      '--config',
      EXAMPLE_CONFIG,
      '--graph-endpoint',
      graph.url,
      '--arm-endpoint',
      emu.url,
      '--json',
    ]);
    return { code, report: JSON.parse(out) };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const workspaceFindings = (r: any) => r.findings.filter((f: any) => f.check === 'workspace-rules');

test('before deploy the workspace side fails: the pack rules are missing', async () => {
  const r = await check();
  expect(workspaceFindings(r.report)).toEqual([expect.objectContaining({ status: 'fail', subject: 'prod' })]);
  expect(r.code).toBe(1);
});

test('after deploy every pack rule is found deployed and enabled', async () => {
  const ws = loadConfig(EXAMPLE_CONFIG).config!.workspaces;
  const run = await deploy(emu, packResources(), ws);
  expect(run.result.workspaces.every((w: any) => !w.failed?.length)).toBe(true);
  const r = await check();
  expect(workspaceFindings(r.report)).toEqual([expect.objectContaining({ status: 'pass', subject: 'prod' })]);
  expect(r.code).toBe(0);
  // the check only reads
  emu.clearRequests();
  await check();
  expect(emu.requests().filter((q) => q.method !== 'GET')).toEqual([]);
});

test("other automation: the pack's own rules and playbooks pass; another rule that closes incidents is a warning", async () => {
  const own = emu.store.list({ under: '/subscriptions' }).filter((x) => /\/automationRules\/[^/]+$/i.test(x.id));
  expect(own).toHaveLength(2);
  const base = own[0].id.replace(/[^/]+$/, '');
  const closer = (displayName: string, conditions: unknown[]) => ({
    properties: {
      displayName,
      order: 10,
      triggeringLogic: { isEnabled: true, triggersOn: 'Incidents', triggersWhen: 'Created', conditions },
      actions: [{ order: 1, actionType: 'ModifyProperties', actionConfiguration: { status: 'Closed' } }],
    },
  });
  // limited to an analytics rule that is not the pack's: it cannot touch a break-glass incident
  const otherRule = `${base.replace(/automationRules\/$/i, 'alertRules/')}99999999-9999-4999-8999-999999999999`;
  const limited = [
    {
      conditionType: 'Property',
      conditionProperties: {
        propertyName: 'IncidentRelatedAnalyticRuleIds',
        operator: 'Contains',
        propertyValues: [otherRule],
      },
    },
  ];
  const seeded = [
    emu.seed(`${base}aaaaaaaa-0000-4000-8000-000000000001`, closer('Auto-close everything low', [])),
    emu.seed(`${base}aaaaaaaa-0000-4000-8000-000000000002`, closer('Close the noisy rule', limited)),
  ];
  try {
    const r = await check();
    const f = r.report.findings.filter((x: any) => x.check === 'other-automation');
    expect(f.map((x: any) => [x.subject, x.status])).toEqual([
      ["prod: automation rule 'Auto-close everything low'", 'warn'],
      ["prod: automation rule 'Close the noisy rule'", 'pass'],
    ]);
    expect(r.code).toBe(0);
  } finally {
    for (const x of seeded) emu.store.deleteTree(x.id);
  }
});

test('tested counts the drills on record: a passed drill item passes, a sign-in alone warns', async () => {
  const wl = emu.store.list({ under: '/subscriptions' }).find((x) => /\/watchlists\/BreakGlassDrills$/i.test(x.id))!;
  expect(wl).toBeDefined();
  const cfg = loadConfig(EXAMPLE_CONFIG).config!;
  const b1 = cfg.accounts[0];
  const item = emu.seed(`${wl.id}/watchlistItems/11111111-1111-5111-8111-111111111111`, {
    properties: {
      itemsKeyValue: {
        DrillId: '11111111-1111-5111-8111-111111111111',
        AccountObjectId: b1.objectId,
        Result: 'passed',
        DrillStart: new Date(NOW.getTime() - 3 * 86_400_000).toISOString(),
      },
    },
  });
  try {
    const r = await check();
    const tested = r.report.findings.filter((x: any) => x.check === 'tested');
    expect(tested.map((x: any) => [x.subject, x.status])).toEqual([
      [b1.userPrincipalName, 'pass'],
      [cfg.accounts[1].userPrincipalName, 'warn'],
    ]);
    expect(tested[0].reason).toMatch(/^last passed drill .*btg drill records in watchlist BreakGlassDrills/);
  } finally {
    emu.store.deleteTree(item.id);
  }
});

test('a pack rule disabled in the workspace is reported', async () => {
  const rule = emu.store
    .list({ under: '/subscriptions' })
    .find((x) => /alertRules\//i.test(x.id) && (x.body as any).kind === 'NRT')!;
  emu.seed(rule.id, { ...(rule.body as any), properties: { ...(rule.body as any).properties, enabled: false } });
  const r = await check();
  const f = workspaceFindings(r.report);
  expect(f.some((x: any) => x.status === 'fail' && /disabled|not enabled/i.test(x.reason))).toBe(true);
  expect(r.code).toBe(1);
});
