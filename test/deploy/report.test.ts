import { ApplyResult } from '../../scripts/deploy/apply';
import { DeploymentPlan } from '../../scripts/deploy/session';
import { desiredItems } from '../../scripts/deploy/desired';
import { KIND_SPECS } from '../../scripts/deploy/kinds';
import { planEntries, snapshotOf } from '../../scripts/deploy/plan';
import {
  applyJson,
  formatApplyText,
  formatEvent,
  formatPlanText,
  planJson,
  showChange,
} from '../../scripts/deploy/report';
import { contentId } from '../../scripts/content/ids';
import { IDS, P, packRule, packRuleMetadata, rule, ruleMetadata, SUB, VALUES, workbook } from './fixtures';

const R4 = contentId('rule', 'tpl-r4');

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** r1 unchanged, r2 edited in the portal, r3 new, an owned orphan r4, a foreign workbook under the pack's name. */
function samplePlan(): DeploymentPlan {
  const old = desiredItems(
    [rule('r1'), ruleMetadata('r1'), rule('r2'), ruleMetadata('r2'), packRule('r4'), packRuleMetadata('r4')],
    IDS,
    VALUES,
    P,
  );
  const desired = desiredItems(
    [rule('r1'), ruleMetadata('r1'), rule('r2'), ruleMetadata('r2'), rule('r3'), ruleMetadata('r3'), workbook()],
    IDS,
    VALUES,
    P,
  );
  const served = old.map((i) => ({ id: i.id, name: i.name, ...JSON.parse(JSON.stringify(i.body)) })) as J[];
  served.find((b) => b.name === 'r2')!.properties.severity = 'Low';
  const wb = desired.find((d) => d.kind === 'workbook')!;
  const foreignWb = {
    id: wb.id,
    name: wb.name,
    location: 'westeurope',
    kind: 'shared',
    tags: {},
    properties: { displayName: 'Someone else', category: 'sentinel', serializedData: '{}' },
  };
  const snapshot = snapshotOf([
    {
      spec: KIND_SPECS.get('sentinel:alertrules')!,
      items: served.filter((b) => String(b.id).includes('/alertRules/')),
    },
    { spec: KIND_SPECS.get('sentinel:metadata')!, items: served.filter((b) => String(b.id).includes('/metadata/')) },
    { spec: KIND_SPECS.get('resourceGroup:microsoft.insights/workbooks')!, items: [foreignWb] },
  ]);
  const ref = { name: 'prod', subscriptionId: SUB, resourceGroup: 'rg1', workspaceName: 'ws1', location: 'westeurope' };
  return {
    force: [],
    workspaces: [
      {
        label: 'prod',
        ref,
        ids: IDS,
        status: 'ok',
        location: 'westeurope',
        entries: planEntries({ desired, snapshot, packId: P }),
      },
      {
        label: 'staging',
        ref: { ...ref, name: 'staging', workspaceName: 'ws2' },
        status: 'error',
        error: 'Microsoft Sentinel is not enabled on workspace ws2 (…)',
        entries: [],
      },
    ],
  };
}

test('plan text: one line per artifact with its action, the changed fields, reasons, counts', () => {
  const text = formatPlanText(samplePlan());
  const lines = text.split('\n');
  expect(lines[0]).toBe(
    'prod  ws1 · resource group rg1 · subscription 00000000-0000-4000-8000-0000000000a1 · westeurope',
  );
  // columns: sign + action, type, display name, resource name
  expect(lines).toContain('  = unchanged  analytics rule     Rule r1                     r1');
  expect(lines).toContain('  ~ update     analytics rule     Rule r2                     r2');
  expect(lines).toContain('      properties.severity: "Low" → "High"');
  expect(lines).toContain('  + create     analytics rule     Rule r3                     r3');
  expect(lines).toContain(`  - orphaned   analytics rule     Rule r4                     ${R4}`);
  expect(lines).toContain(
    `      owned by this config of breakglass-sentinel (metadata breakglass-sentinel-tpl-r4), no longer in the pack; deploy --prune deletes it`,
  );
  expect(text).toMatch(
    /! conflict   workbook +Workbook +wb-1\n(.*\n)*      exists but is not owned by this config of breakglass-sentinel \(no breakglass-sentinel tag\); left untouched \(--force \S+\/workbooks\/wb-1 or --force tpl-workbook overwrites it\)/,
  );
  expect(lines).toContain(
    'error  staging  ws2 · resource group rg1 · subscription 00000000-0000-4000-8000-0000000000a1',
  );
  expect(lines).toContain('  Microsoft Sentinel is not enabled on workspace ws2 (…)');
  // r2 was edited in the portal: the rule is updated, its metadata (same pack hash) is not
  expect(lines).toContain('  2 to create, 1 to update, 3 unchanged, 2 orphaned, 1 conflict');
  expect(
    text.endsWith(
      'Plan: 2 to create, 1 to update, 3 unchanged, 2 orphaned, 1 conflict in 1 workspace; 1 workspace could not be read.\n',
    ),
  ).toBe(true);
  expect(formatPlanText(samplePlan(), { prune: true })).toContain(
    'owned by this config of breakglass-sentinel (metadata breakglass-sentinel-tpl-r4), no longer in the pack; --prune: it will be deleted',
  );
  expect(formatPlanText(samplePlan(), { color: true })).toContain('\x1b[33m~ update   \x1b[0m');
});

test('plan JSON: stable fields, operations per --prune, no bodies', () => {
  const j = planJson(samplePlan(), { prune: true }) as J;
  expect(j.version).toBe(1);
  expect(j.summary).toEqual({
    create: 2,
    update: 1,
    unchanged: 3,
    orphaned: 2,
    conflict: 1,
    workspaces: 2,
    workspaceErrors: 1,
  });
  const r2 = j.workspaces[0].entries.find((e: J) => e.name === 'r2');
  expect(r2).toEqual({
    action: 'update',
    operation: 'update',
    kind: 'alertRule',
    type: 'alertRules',
    label: 'analytics rule',
    name: 'r2',
    displayName: 'Rule r2',
    id: `${IDS.workspaceId}/providers/Microsoft.SecurityInsights/alertRules/r2`,
    apiVersion: '2025-09-01',
    changes: [{ path: 'properties.severity', from: 'Low', to: 'High' }],
    removed: [],
    templateId: 'tpl-r2',
  });
  expect(j.workspaces[0].entries.find((e: J) => e.name === R4)).toMatchObject({
    operation: 'delete',
    templateId: 'tpl-r4',
  });
  expect(j.workspaces[1]).toMatchObject({
    name: 'staging',
    status: 'error',
    error: expect.stringContaining('not enabled'),
  });
  expect(JSON.stringify(j)).not.toContain('SigninLogs | take 1');
});

test('long text changes are summarised by length and first differing line', () => {
  expect(showChange({ path: 'properties.query', from: `a\n${'x'.repeat(80)}`, to: `a\n${'x'.repeat(79)}y` })).toBe(
    'properties.query: changed (82 → 82 characters, first difference on line 2)',
  );
});

test('apply text and JSON: exactly what was and was not applied, per workspace, and the verdict', () => {
  const plan = samplePlan();
  const e = plan.workspaces[0].entries;
  const result: ApplyResult = {
    interrupted: false,
    ok: false,
    workspaces: [
      {
        label: 'prod',
        status: 'ok',
        entries: [
          { entry: e.find((x) => x.name === 'r3')!, operation: 'create', status: 'applied' },
          {
            entry: e.find((x) => x.name === 'r2')!,
            operation: 'update',
            status: 'failed',
            message: '400 BadRequest: bad query',
          },
          {
            entry: e.find((x) => x.name === 'breakglass-sentinel-tpl-r2')!,
            operation: 'update',
            status: 'skipped',
            blockedBy: ['alertRule:r2'],
            message: 'not applied: depends on alertRule:r2, which was not applied',
          },
          { entry: e.find((x) => x.name === 'r1')!, operation: 'none', status: 'unchanged' },
        ],
      },
      { label: 'staging', status: 'error', error: 'Microsoft Sentinel is not enabled', entries: [] },
    ],
  };
  const text = formatApplyText(result);
  expect(text).toContain('prod: 1 created, 1 unchanged, 1 failed, 1 not applied\n');
  expect(text).toContain('  created     analytics rule Rule r3 (r3)\n');
  expect(text).toContain('  FAILED      analytics rule Rule r2 (r2): 400 BadRequest: bad query\n');
  expect(text).toContain(
    '  not applied Sentinel metadata metadata for r2 (breakglass-sentinel-tpl-r2): not applied: depends on alertRule:r2, which was not applied\n',
  );
  expect(text).toContain('not deployed  staging: Microsoft Sentinel is not enabled');
  expect(text).toMatch(
    /Result: 1 created, 1 unchanged, 1 failed, 1 not applied in 2 workspaces\. Not everything was applied: 1 failed, 1 not applied, 1 workspace not reachable\. Fix the cause and re-run `btg deploy`: it converges\.\n$/,
  );
  expect(formatApplyText(result, { listApplied: false })).not.toContain('created     analytics rule Rule r3');
  const j = applyJson(result) as J;
  expect(j.summary).toMatchObject({ created: 1, failed: 1, skipped: 1, unchanged: 1 });
  expect(j.workspaces[0].entries[2]).toMatchObject({ status: 'skipped', blockedBy: ['alertRule:r2'] });
  expect(formatEvent({ type: 'end', workspace: 'prod', result: result.workspaces[0].entries[1] })).toBe(
    'prod  FAILED       analytics rule Rule r2 (r2): 400 BadRequest: bad query',
  );
  expect(formatEvent({ type: 'start', workspace: 'prod', entry: e[0], operation: 'create' })).toBeUndefined();
});

test('server text in workspace errors, left-in-place ids and the permission step is printed without control sequences', () => {
  const ESC = '\u001b[2K\u001b[1A\rplan: 0 to change\u0007';
  const plan = samplePlan();
  plan.workspaces[1].error = `403 Forbidden: ${ESC}\nforged line`;
  plan.workspaces[0].postDeploy = {
    playbooks: [],
    consents: [],
    permission: { scope: '/w', roleDefinitionId: 'r', status: 'manual', reason: `denied ${ESC}`, command: 'az …' },
  };
  const e = plan.workspaces[0].entries;
  const result: ApplyResult = {
    interrupted: false,
    ok: false,
    workspaces: [
      {
        label: 'prod',
        status: 'ok',
        entries: [
          {
            entry: e.find((x) => x.name === 'r3')!,
            operation: 'create',
            status: 'applied',
            leftInPlace: [`/subscriptions/x/${ESC}`],
          },
        ],
        postDeploy: plan.workspaces[0].postDeploy,
      },
      { label: 'staging', status: 'error', error: plan.workspaces[1].error, entries: [] },
    ],
  };
  for (const text of [formatPlanText(plan), formatApplyText(result)]) {
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(text).not.toMatch(/\nforged line/);
  }
  expect(formatPlanText(plan)).toMatch(/\n {2}403 Forbidden: +plan: 0 to change forged line\n/);
  expect(formatApplyText(result)).toMatch(/not deployed {2}staging: 403 Forbidden: +plan: 0 to change forged line\n/);
  expect(formatApplyText(result)).toMatch(
    /left in place \(delete by hand if unused\): \/subscriptions\/x\/ +plan: 0 to change/,
  );
  expect(formatPlanText(plan)).toMatch(/service principal on \/w: denied +plan: 0 to change\n/);
});
