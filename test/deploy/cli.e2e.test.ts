/**
 * `btg plan` / `btg deploy` as a user runs them (in-process `main`, real SDK clients over HTTPS to the emulator):
 * output, exit codes, the confirmation rule, and that the bearer token never reaches the terminal.
 */
import { loadConfig } from '../../scripts/config/load';
import { main } from '../../scripts/cli/main';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import { useDeployCli } from './cliFixture';
import { SENTINEL_SP } from './helpers';

jest.setTimeout(180_000);

const TOKEN = 'btg-test-token-must-never-be-printed';
const cli = useDeployCli({ token: TOKEN, emulator: { workspaces: loadConfig(EXAMPLE_CONFIG).config!.workspaces } });
const btg = (...args: string[]) => cli.btg(EXAMPLE_CONFIG, args);
const emu = () => cli.emu;

const writes = () =>
  emu()
    .requests()
    .filter((r) => r.method !== 'GET');

test('plan --json: what deploy would do, for CI; reads only', async () => {
  const r = await btg('plan', '--json');
  expect(r.code).toBe(0);
  const plan = JSON.parse(r.out);
  expect(plan.summary).toMatchObject({
    update: 0,
    unchanged: 0,
    orphaned: 0,
    conflict: 0,
    workspaces: 1,
    workspaceErrors: 0,
  });
  expect(plan.summary.create).toBeGreaterThan(20);
  expect(plan.workspaces[0]).toMatchObject({
    name: 'prod',
    status: 'ok',
    postDeploy: { permission: { status: 'missing', principalId: SENTINEL_SP } },
  });
  expect(plan.workspaces[0].entries[0]).toEqual(
    expect.objectContaining({
      action: 'create',
      operation: 'create',
      kind: expect.any(String),
      id: expect.stringMatching(/^\/subscriptions\//),
      changes: [],
    }),
  );
  expect(writes()).toEqual([]);
  // every request carried the token; no output did
  expect(
    emu()
      .requests()
      .every((q) => q.headers.authorization === `Bearer ${TOKEN}`),
  ).toBe(true);
  expect(r.out + r.err).not.toContain(TOKEN);
});

test('deploy without --yes and without a terminal refuses, writes nothing, exit 2', async () => {
  const r = await btg('deploy');
  expect(r.code).toBe(2);
  expect(r.err).toContain(
    'deploy needs confirmation, and there is no terminal to ask on (CI?): review the plan (`btg plan`), then re-run with --yes',
  );
  expect(writes()).toEqual([]);
});

test('deploy --yes with a permanent 400 on one rule: that rule fails, the rest is applied, exit 1; the report says which', async () => {
  const rule = 'd24625b7-9755-5b31-96a2-6935f5c8bb99'; // btg-interactive-signin
  emu().setFaults({
    rules: [
      {
        fault: 'error',
        status: 400,
        method: 'PUT',
        path: `/alertRules/${rule}$`,
        code: 'BadRequest',
        message: 'Query is invalid.',
      },
    ],
  });
  emu().clearRequests();
  const r = await btg('deploy', '--yes');
  emu().clearFaults();
  expect(r.code).toBe(1);
  expect(r.err).toMatch(
    new RegExp(`prod  FAILED       analytics rule .* \\(${rule}\\): 400 BadRequest: Query is invalid\\.`),
  );
  expect(r.err).toMatch(/prod  created      workbook /);
  expect(r.out).toMatch(/prod: \d+ created, 1 failed, 1 not applied/);
  expect(r.out).toContain(
    'not applied Sentinel metadata metadata for btg-interactive-signin (breakglass-sentinel-btg-interactive-signin): not applied: depends on alertRule:',
  );
  expect(r.out).toMatch(/Result: .*Not everything was applied: 1 failed, 1 not applied\./);
  expect(r.out).toContain(
    'Microsoft Sentinel Automation Contributor for the Sentinel service principal on /subscriptions/00000000-0000-4000-8000-0000000000a1/resourceGroups/rg-sentinel-prod: granted (granted by this run)',
  );
  // the connection's name carries the config's packId (the example config sets none: the default hash)
  expect(r.out).toMatch(
    /authorise connection office365-btg-notify-enrich-[0-9a-f]{8} \(office365, .*\) once, interactively: https:\/\/portal\.azure\.com\/#resource\/subscriptions\/.*\/providers\/Microsoft\.Web\/connections\/office365-btg-notify-enrich-[0-9a-f]{8}\/edit/,
  );
  expect(writes().length).toBeGreaterThan(20);
  expect(r.out + r.err).not.toContain(TOKEN);
});

test('usage errors exit 2 with the reason: unknown --workspace, plain-http endpoint, unknown cloud', async () => {
  const w = await btg('plan', '-w', 'nope');
  expect(w).toMatchObject({
    code: 2,
    err: expect.stringContaining(`btg: --workspace nope: not in ${EXAMPLE_CONFIG} (known: prod)`),
  });
  let out = '';
  const e = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    expect(await main(['node', 'btg', 'plan', '-c', EXAMPLE_CONFIG, '--arm-endpoint', 'http://127.0.0.1:1'])).toBe(2);
    expect(await main(['node', 'btg', 'deploy', '-c', EXAMPLE_CONFIG, '--cloud', 'AzureGermanCloud'])).toBe(2);
  } finally {
    e.mockRestore();
  }
  expect(out).toContain('must be https (bearer tokens are never sent over plain http)');
  expect(out).toContain('--cloud AzureGermanCloud: expected one of AzureCloud, AzureUSGovernment, AzureChinaCloud');
});

test('deploy --dry-run -w prod after the failure: shows exactly what is left, writes nothing', async () => {
  emu().clearRequests();
  const r = await btg('deploy', '--dry-run', '-w', 'prod');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(
    /\+ create     analytics rule +Break-glass account interactive sign-in +d24625b7-9755-5b31-96a2-6935f5c8bb99/,
  );
  expect(r.out).toMatch(/Plan: 2 to create, 0 to update, \d+ unchanged, 0 orphaned, 0 conflicts in 1 workspace\./);
  expect(r.out).toContain('--dry-run: nothing was written.');
  expect(writes()).toEqual([]);
});
