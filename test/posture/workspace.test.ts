/** Workspace side: the pack's rules deployed and enabled, checked against a fake WorkspaceRuleReader. */
import { WorkspaceRef } from '../../scripts/config/schema';
import { checkWorkspaceRules, DeployedRule, FolderGraphSource, runPosture } from '../../scripts/posture';
import { CLEAN, configWith, NOW } from './helpers';

const ws = (name: string, workspaceName = `law-${name}`): WorkspaceRef => ({
  name,
  subscriptionId: '00000000-0000-4000-8000-0000000000a1',
  resourceGroup: 'rg-sentinel',
  workspaceName,
  location: 'westeurope',
});
const expected = [
  { id: '3f1c1c2a-1d4e-5b6f-8a9b-0c1d2e3f4a5b', displayName: 'BTG - Interactive sign-in by a break-glass account' },
  {
    id: '7a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d',
    displayName: 'BTG - Conditional Access policy no longer excludes break-glass accounts',
  },
];
const armId = (name: string) =>
  `/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law/providers/Microsoft.SecurityInsights/alertRules/${name}`;

describe('workspace rules', () => {
  it('passes when every expected rule is deployed and enabled (matched by id or display name)', async () => {
    const reader = async (): Promise<DeployedRule[]> => [
      { id: armId(expected[0].id.toUpperCase()), displayName: 'renamed in the portal', enabled: true },
      { id: 'some-other-id', displayName: expected[1].displayName, enabled: true },
      { id: 'unrelated', displayName: 'Someone else’s rule', enabled: false },
    ];
    const f = await checkWorkspaceRules({ workspaces: [ws('prod')], reader, expected });
    expect(f).toEqual([
      expect.objectContaining({
        check: 'workspace-rules',
        subject: 'prod',
        status: 'pass',
        reason: 'all 2 pack rules deployed and enabled',
      }),
    ]);
  });

  it('fails per workspace for missing or disabled rules, naming them', async () => {
    const deployed: Record<string, DeployedRule[]> = {
      'law-prod': [{ id: expected[0].id, displayName: expected[0].displayName, enabled: false }],
      'law-dev': [],
    };
    const reader = async (w: WorkspaceRef) => deployed[w.workspaceName];
    const f = await checkWorkspaceRules({ workspaces: [ws('prod'), ws('dev')], reader, expected });
    expect(f.map((x) => [x.subject, x.status, x.reason])).toEqual([
      [
        'prod',
        'fail',
        "1 pack rule(s) not deployed: 'BTG - Conditional Access policy no longer excludes break-glass accounts'; 1 disabled: 'BTG - Interactive sign-in by a break-glass account'",
      ],
      [
        'dev',
        'fail',
        "2 pack rule(s) not deployed: 'BTG - Interactive sign-in by a break-glass account', 'BTG - Conditional Access policy no longer excludes break-glass accounts'",
      ],
    ]);
  });

  it('is skipped with the reason when there is no reader, no expected list, no workspace, or the read fails', async () => {
    expect(await checkWorkspaceRules({ workspaces: [ws('prod')], skipReason: 'no Azure access with --from' })).toEqual([
      expect.objectContaining({ status: 'skip', reason: 'no Azure access with --from' }),
    ]);
    expect((await checkWorkspaceRules({ workspaces: [ws('prod')], reader: async () => [] }))[0]).toMatchObject({
      status: 'skip',
      reason: 'no list of expected pack rules supplied',
    });
    expect((await checkWorkspaceRules({ workspaces: [], reader: async () => [], expected }))[0]).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('no workspaces configured'),
    });
    const failing = async () => {
      throw new Error('AuthorizationFailed: no Microsoft Sentinel Reader on the workspace');
    };
    expect((await checkWorkspaceRules({ workspaces: [ws('prod')], reader: failing, expected }))[0]).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('AuthorizationFailed'),
    });
  });

  it('runs as part of runPosture with the config workspaces', async () => {
    const config = configWith((c) =>
      c.workspaces.push({
        name: 'dr',
        subscriptionId: '00000000-0000-4000-8000-0000000000a2',
        resourceGroup: 'rg-dr',
        workspaceName: 'law-sentinel-dr',
        location: 'northeurope',
      }),
    );
    const reader = async (w: WorkspaceRef) =>
      w.workspaceName === 'law-sentinel-prod' ? expected.map((e) => ({ ...e, id: e.id!, enabled: true })) : [];
    const report = await runPosture({
      config,
      source: new FolderGraphSource(CLEAN),
      now: NOW,
      workspace: { reader, expected },
    });
    expect(report.findings.filter((f) => f.check === 'workspace-rules').map((f) => [f.subject, f.status])).toEqual([
      ['prod', 'pass'],
      ['dr', 'fail'],
    ]);
    expect(report.summary.fail).toBe(1);
  });
});
