/**
 * Attacks on "a token goes only to its host" and "nothing secret in output" (issue 11 items 5, 6, 9), with the real
 * SDK pipelines: `btg plan` / `btg deploy` (in-process main) and the deploy layer's clients talk to a hostile proxy
 * in front of the ARM emulator that points nextLink / Azure-AsyncOperation / Location to another origin (a recorder
 * on 127.0.0.1 at another port, whose certificate the client trusts), or echoes the Authorization header in an error.
 * The recorder must receive nothing, the command must fail naming that origin, and no output may hold the token.
 */
import { AccessToken } from '@azure/identity';
import { loadConfig } from '../../scripts/config/load';
import { DeploySession } from '../../scripts/deploy/session';
import { resolveTarget } from '../../scripts/deploy/target';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import { TokenOriginError } from '../../scripts/security/tokenOrigin';
import { HOSTILE_CA, HostileProxy, Recorder, startHostileProxy, startRecorder } from '../support/hostile-proxy';
import { useDeployCli } from './cliFixture';
import { TENANT } from './helpers';

jest.setTimeout(120_000);

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** a JWT-shaped access token (never printed) */
const TOKEN = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ aud: 'https://management.azure.com', tid: TENANT, exp: 9999999999 })}.${'s1gn4tur3'.repeat(6)}`;
const LOGIC_SIG = 'LogicAppCallbackSignature0123456789';

const workspaces = loadConfig(EXAMPLE_CONFIG).config!.workspaces;
let recorder: Recorder;
const proxies: HostileProxy[] = [];

beforeAll(async () => {
  recorder = await startRecorder();
});
// registered before the emulator's: the proxies in front of it close first
afterAll(async () => {
  for (const p of proxies) await p.close();
  await recorder.close();
});
// through the hostile proxy only: the clients trust its certificate, not the emulator's; one retry is enough
const cli = useDeployCli({ token: TOKEN, emulator: { workspaces, pageSize: 2 }, maxRetries: 1, ca: HOSTILE_CA });
const emu = () => cli.emu;
beforeEach(() => {
  recorder.requests.splice(0);
  emu().reset();
});

async function hostile(options: Omit<Parameters<typeof startHostileProxy>[1], 'to'>): Promise<HostileProxy> {
  const p = await startHostileProxy(emu(), { to: recorder.url, ...options });
  proxies.push(p);
  return p;
}

const btg = (endpoint: string, ...args: string[]) => cli.btg(EXAMPLE_CONFIG, args, endpoint);

/** foreign rules beside ours: more than a page (pageSize 2), so every read of the collection follows a nextLink */
function seedRules(n: number): void {
  const w = workspaces[0];
  for (let i = 0; i < n; i++) {
    emu().seed(
      `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${w.workspaceName}/providers/Microsoft.SecurityInsights/alertRules/foreign-${i}`,
      {
        kind: 'Scheduled',
        properties: { displayName: `someone else's rule ${i}`, enabled: true },
      },
    );
  }
}

const refusal = () => `refused to send the Azure Resource Manager token to ${recorder.url}`;

test('control: through an honest proxy (same origin for every URL) plan reads every page and succeeds', async () => {
  seedRules(5);
  const proxy = await hostile({});
  const r = await btg(proxy.url, 'plan', '--json');
  expect(r.code).toBe(0);
  expect(
    emu()
      .requests()
      .some((q) => q.query.$skipToken !== undefined),
  ).toBe(true);
  expect(recorder.requests).toEqual([]);
});

test('nextLink to another origin: btg plan fails naming the origin, which receives nothing', async () => {
  seedRules(5);
  const proxy = await hostile({ nextLink: true });
  const r = await btg(proxy.url, 'plan', '--json');
  expect(proxy.rewrites).toBeGreaterThan(0);
  expect(recorder.requests).toEqual([]);
  expect(r.code).toBe(1);
  const plan = JSON.parse(r.out);
  expect(plan.workspaces[0]).toMatchObject({ status: 'error', error: expect.stringContaining(refusal()) });
  expect(r.out + r.err).not.toContain(TOKEN);
});

test('Azure-AsyncOperation to another origin: btg deploy fails those artifacts naming the origin, which receives nothing', async () => {
  const proxy = await hostile({ asyncOperation: true });
  const r = await btg(proxy.url, 'deploy', '--yes', '--json');
  expect(proxy.rewrites).toBeGreaterThan(0);
  expect(recorder.requests).toEqual([]);
  expect(r.code).toBe(1);
  const failed = JSON.parse(r.out).result.workspaces[0].entries.filter(
    (e: { status: string }) => e.status === 'failed',
  );
  expect(failed.length).toBeGreaterThan(0);
  expect(failed.every((e: { message: string }) => e.message.includes(refusal()))).toBe(true);
  expect(r.out + r.err).not.toContain(TOKEN);
});

describe("the deploy layer's clients, typed and raw", () => {
  const SUB = workspaces[0].subscriptionId;
  const rg = `/subscriptions/${SUB}/resourceGroups/${workspaces[0].resourceGroup}`;
  const credential = {
    getToken: async (): Promise<AccessToken> => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  const clientsFor = (proxy: HostileProxy) =>
    new DeploySession({
      target: resolveTarget({ armEndpoint: proxy.url }),
      credential,
      clientOptions: { tlsOptions: { ca: HOSTILE_CA } },
      retry: { maxRetries: 0, retryDelayInMs: 5, maxRetryDelayInMs: 5 },
      pollIntervalMs: 5,
    }).clients;

  test('Location to another origin (raw waitForOperation after a DELETE) is refused', async () => {
    const dep = `${rg}/providers/Microsoft.Resources/deployments/d1`;
    emu().seed(dep, { properties: { provisioningState: 'Succeeded', mode: 'Incremental' } });
    const proxy = await hostile({ location: true });
    const c = clientsFor(proxy);
    c.control.readOnly = false;
    const url = c.url(dep, '2021-04-01');
    const res = await c.send(c.generic(), 'DELETE', url);
    expect(res.status).toBe(202);
    expect(res.headers.location.startsWith(recorder.url)).toBe(true);
    await expect(c.waitForOperation(c.generic(), res, { method: 'DELETE', url })).rejects.toThrow(TokenOriginError);
    await expect(c.waitForOperation(c.generic(), res, { method: 'DELETE', url })).rejects.toThrow(refusal());
    expect(recorder.requests).toEqual([]);
  });

  test('nextLink to another origin in a typed SDK list (SecurityInsights alertRules) is refused', async () => {
    seedRules(3);
    const proxy = await hostile({ nextLink: true });
    const si = clientsFor(proxy).securityInsights(SUB, '2024-09-01');
    const list = async () => {
      const all = [];
      for await (const r of si.alertRules.list(workspaces[0].resourceGroup, workspaces[0].workspaceName)) all.push(r);
      return all;
    };
    await expect(list()).rejects.toThrow(refusal());
    expect(proxy.rewrites).toBeGreaterThan(0);
    expect(recorder.requests).toEqual([]);
  });
});

test('a server that echoes the Authorization header and a signed URL in its error: no output holds them', async () => {
  const other = `${b64({ alg: 'none' })}.${b64({ leaked: 'another token' })}.x`;
  const proxy = await hostile({
    echo: {
      path: /\/alertRules$/,
      extra: `callback https://prod-1.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${LOGIC_SIG} token ${other}`,
    },
  });
  for (const args of [['plan'], ['plan', '--json'], ['deploy', '--yes'], ['deploy', '--yes', '--json']]) {
    const r = await btg(proxy.url, ...args);
    expect(proxy.echoes).toBeGreaterThan(0);
    const all = r.out + r.err;
    expect(all).toContain('The access token is invalid. Received header Authorization: Bearer ***');
    expect(all).toContain('sig=***');
    for (const secret of [TOKEN, TOKEN.split('.')[2], LOGIC_SIG, other]) expect(all).not.toContain(secret);
    expect(r.code).toBe(1);
  }
});
