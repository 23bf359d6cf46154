/**
 * notify.webhook through `btg deploy`: the action group's webhook receiver gets its URL from BTG_ALERT_WEBHOOK_URI
 * (a secret: never in a file, never printed); without it, or with a URL that is not https, the workspace is not
 * deployed and the message names the variable, not the value. The ARM templates carry it as a secure parameter.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../scripts/config/load';
import { emitPack } from '../../scripts/emit/pack';
import { loadConfiguredPack } from '../../scripts/pipeline';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import { useDeployCli } from './cliFixture';

jest.setTimeout(120_000);

const TOKEN = 'webhook-test-token-never-printed';
const HOOK = 'https://events.oncall.example/integration/0f1e2d3c4b5a69788796a5b4c3d2e1f0/enqueue';
const workspaces = loadConfig(EXAMPLE_CONFIG).config!.workspaces;
const cli = useDeployCli({ token: TOKEN, emulator: { workspaces } });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-webhook-'));
const cfg = path.join(dir, 'btg.config.yaml');
fs.writeFileSync(
  cfg,
  fs
    .readFileSync(EXAMPLE_CONFIG, 'utf8')
    .replace('  incidentOwner: soc-lead@contoso.example\n', (m) => `${m}  webhook: true\n`),
);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const actionGroups = () => cli.emu.store.list({ typeKey: 'microsoft.insights/actiongroups' });
/** `fn` with BTG_ALERT_WEBHOOK_URI set to `value` (undefined: unset), restored after */
async function withEnvHook<T>(value: string | undefined, fn: () => T | Promise<T>): Promise<T> {
  const saved = process.env.BTG_ALERT_WEBHOOK_URI;
  if (value === undefined) delete process.env.BTG_ALERT_WEBHOOK_URI;
  else process.env.BTG_ALERT_WEBHOOK_URI = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.BTG_ALERT_WEBHOOK_URI;
    else process.env.BTG_ALERT_WEBHOOK_URI = saved;
  }
}
const withHook = (value: string | undefined, args: string[]) => withEnvHook(value, () => cli.btg(cfg, args));

test('without BTG_ALERT_WEBHOOK_URI the workspace is not deployed, and the message says what to set', async () => {
  const r = await withHook(undefined, ['deploy', '--yes']);
  expect(r.code).not.toBe(0);
  expect(r.out + r.err).toContain('notify.webhook is true: set BTG_ALERT_WEBHOOK_URI');
  expect(actionGroups()).toEqual([]);
});

test('a URL that is not https is refused without being shown', async () => {
  const plain = 'http://events.oncall.example/integration/0f1e2d3c4b5a69788796a5b4c3d2e1f0/enqueue';
  const r = await withHook(plain, ['plan']);
  expect(r.code).not.toBe(0);
  expect(r.out + r.err).toContain('BTG_ALERT_WEBHOOK_URI: expected an https:// URL');
  expect(r.out + r.err).not.toContain('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
});

test('deploy sets the receiver from the environment; plan, deploy and the plan JSON never print the URL', async () => {
  const plan = await withHook(HOOK, ['plan', '--json']);
  expect(plan.code).toBe(0);
  const text = await withHook(HOOK, ['plan']);
  expect(text.code).toBe(0);
  const deploy = await withHook(HOOK, ['deploy', '--yes']);
  expect(deploy.code).toBe(0);
  const [ag] = actionGroups();
  expect((ag.body.properties as { webhookReceivers: unknown }).webhookReceivers).toEqual([
    { name: 'webhook-1', serviceUri: HOOK, useCommonAlertSchema: true },
  ]);
  // converged: a second plan has nothing to change
  const again = await withHook(HOOK, ['plan', '--json']);
  expect(JSON.parse(again.out).summary).toMatchObject({ create: 0, update: 0 });
  // another URL is an update whose diff is masked
  const other = await withHook(HOOK.replace('0f1e', 'aaaa'), ['plan', '--json']);
  expect(JSON.parse(other.out).summary.update).toBe(1);
  const changed = await withHook(HOOK.replace('0f1e', 'aaaa'), ['plan']);
  for (const r of [plan, text, deploy, again, other, changed]) {
    expect(r.out + r.err).not.toContain('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(r.out + r.err).not.toContain('aaaa2d3c4b5a69788796a5b4c3d2e1f0');
    expect(r.out + r.err).not.toContain(TOKEN);
  }
});

test('the ARM templates (the Monitor alerts and the whole pack) take the URL as a secure parameter; no artifact holds one', async () => {
  const artifacts = await withEnvHook(HOOK, () => emitPack(loadConfiguredPack(cfg).pack!).artifacts);
  const receivers =
    "[if(empty(parameters('alertWebhookUri')), createArray(), createArray(createObject('name', 'webhook-1', 'serviceUri', parameters('alertWebhookUri'), 'useCommonAlertSchema', true)))]";
  for (const file of ['arm/breakglass-sentinel.json', 'arm/monitor/btg-signin-monitor-alert.json']) {
    const t = JSON.parse(artifacts.find((a) => a.path === file)!.content);
    expect({ file, parameter: t.parameters.alertWebhookUri }).toEqual({
      file,
      parameter: expect.objectContaining({ type: 'securestring', defaultValue: '' }),
    });
    const ag = t.resources.find((r: { type: string }) => r.type === 'Microsoft.Insights/actionGroups');
    expect({ file, receivers: ag.properties.webhookReceivers }).toEqual({ file, receivers });
  }
  expect(artifacts.length).toBeGreaterThan(50);
  for (const a of artifacts)
    expect({ path: a.path, holds: a.content.includes('0f1e2d3c4b5a6978') }).toEqual({ path: a.path, holds: false });
});
