/**
 * Plan diffs are CI artifacts (plan comment, plan.json): a changed webhook URL with its key, a signed Logic App
 * callback URL or a secret-named field never shows its value, in the text plan or the JSON plan.
 */
import { DeploymentPlan } from '../../scripts/deploy/session';
import { formatPlanText, planJson, showChange } from '../../scripts/deploy/report';

const OLD_SIG = 'oldSig0123456789abcdefXYZ';
const NEW_SIG = 'newSig0123456789abcdefXYZ';
const TEAMS_KEY = 'f00dfacef00dface0123456789';
const PASSWORD = 'Hunter2-Secret!';

function planWith(changes: { path: string; from: unknown; to: unknown }[]): DeploymentPlan {
  const entry = {
    key: 'actionGroup:ag',
    action: 'update',
    kind: 'actionGroup',
    spec: { type: 'Microsoft.Insights/actionGroups' },
    label: 'action group',
    displayName: 'BTG alert',
    name: 'ag-btg',
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/actionGroups/ag-btg',
    apiVersion: '2023-01-01',
    changes,
    removed: [],
  };
  const ref = { name: 'prod', subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws', location: 'westeurope' };
  return {
    force: [],
    workspaces: [{ label: 'prod', ref, status: 'ok', entries: [entry] }],
  } as unknown as DeploymentPlan;
}

const changes = [
  {
    path: 'properties.webhookReceivers[0].serviceUri',
    from: `https://a.logic.azure.com/w?sig=${OLD_SIG}`,
    to: `https://a.logic.azure.com/w?sig=${NEW_SIG}`,
  },
  {
    path: 'properties.definition.actions.post.inputs.uri',
    from: undefined,
    to: `https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/${TEAMS_KEY}/c`,
  },
  { path: 'properties.parameters.password.value', from: 'x', to: PASSWORD },
  { path: 'properties.receivers', from: [{ serviceUri: `https://h.example/hook?code=${OLD_SIG}` }], to: [] },
  { path: 'properties.displayName', from: 'Old name', to: 'BTG alert' },
];

test('the text plan masks keys in changed values and keeps the rest readable', () => {
  const text = formatPlanText(planWith(changes));
  for (const secret of [OLD_SIG, NEW_SIG, TEAMS_KEY, PASSWORD]) expect(text).not.toContain(secret);
  // a webhook receiver's URL is its key, whatever it looks like: masked whole
  expect(text).toContain('properties.webhookReceivers[0].serviceUri: "***" → "***"');
  expect(text).toContain('properties.parameters.password.value: "***" → "***"');
  expect(text).toContain('properties.displayName: "Old name" → "BTG alert"');
  expect(showChange(changes[3])).toBe('properties.receivers: [{"serviceUri":"***"}] → []');
});

test('the JSON plan masks the same values', () => {
  const json = JSON.stringify(planJson(planWith(changes)));
  for (const secret of [OLD_SIG, NEW_SIG, TEAMS_KEY, PASSWORD]) expect(json).not.toContain(secret);
  const c = (planJson(planWith(changes)) as any).workspaces[0].entries[0].changes; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(c[1]).toEqual({ path: changes[1].path, from: undefined, to: 'https://contoso.webhook.office.com/***' });
  expect(c[2]).toEqual({ path: changes[2].path, from: '***', to: '***' });
  expect(c[4]).toEqual(changes[4]);
});
