/** tokenOriginPolicy on its own: which requests may carry the token (the wire attacks are in test/deploy/tokens.e2e.test.ts). */
import { createHttpHeaders, createPipelineRequest, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { isLoopbackHost, originOf, tokenOriginPolicy, TokenOriginError } from '../../scripts/security/tokenOrigin';

const sent: PipelineRequest[] = [];
const next = async (request: PipelineRequest): Promise<PipelineResponse> => {
  sent.push(request);
  return { request, status: 200, headers: createHttpHeaders() };
};
const req = (url: string, auth = true) =>
  createPipelineRequest({ url, headers: createHttpHeaders(auth ? { authorization: 'Bearer t0k3n-value' } : {}) });
const policy = tokenOriginPolicy(['https://management.azure.com'], 'Azure Resource Manager');

beforeEach(() => sent.splice(0));

test('same origin (any case, explicit default port) is sent with the token', async () => {
  for (const u of [
    'https://management.azure.com/subscriptions?api-version=1',
    'https://MANAGEMENT.azure.com:443/x',
    'https://management.azure.com./x'.replace('.com./', '.com/'),
  ]) {
    await policy.sendRequest(req(u), next);
  }
  expect(sent).toHaveLength(3);
});

test('another origin with the token is refused before it leaves, naming the origin; the header is dropped', async () => {
  for (const u of [
    'https://evil.example/x',
    'https://management.azure.com:8443/x',
    'http://management.azure.com/x',
    'https://management.azure.com.evil.example/x',
    'https://management.azure.com@evil.example/x',
  ]) {
    const r = req(u);
    const e = await policy.sendRequest(r, next).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TokenOriginError);
    expect((e as Error).message).toContain(`refused to send the Azure Resource Manager token to ${new URL(u).origin}`);
    expect(r.headers.has('authorization')).toBe(false);
  }
  expect(sent).toEqual([]);
});

test("a request without a token is not the policy's business", async () => {
  await policy.sendRequest(req('https://evil.example/x', false), next);
  expect(sent).toHaveLength(1);
});

test('originOf and isLoopbackHost', () => {
  expect(originOf('https://A.example:443/p?q')).toBe('https://a.example');
  expect(originOf('/relative')).toBeUndefined();
  expect(['127.0.0.1', '127.255.0.9', 'localhost', 'LOCALHOST', '[::1]', '::1'].every(isLoopbackHost)).toBe(true);
  // attack: *.localhost goes to DNS on most CI images, which may answer with any address
  expect(
    [
      '128.0.0.1',
      '127.0.0.1.nip.io',
      '10.0.0.1',
      '::2',
      'localhost.example',
      '127.0.0.256',
      'api.localhost',
      'evil.localhost',
    ].some(isLoopbackHost),
  ).toBe(false);
});

describe('wired into the Log Analytics and Graph clients', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { startRecorder, HOSTILE_CA } =
    require('../support/hostile-proxy') as typeof import('../support/hostile-proxy');

  test('Log Analytics: a request moved to another origin after sign-in (a redirect-following bug) is refused; that origin receives nothing', async () => {
    const { logsWorkspaceQuery } = await import('../../scripts/livetest/logs');
    const home = await startRecorder();
    const elsewhere = await startRecorder();
    try {
      const moveAway: PipelinePolicyLike = {
        name: 'moveAway',
        sendRequest: (r, n) => ((r.url = r.url.replace(home.url, elsewhere.url)), n(r)),
      };
      const query = await logsWorkspaceQuery({
        credential: {
          getToken: async () => ({ token: 'logs-token-0123456789', expiresOnTimestamp: Date.now() + 3_600_000 }),
        },
        workspaceId: '00000000-0000-4000-8000-0000000000aa',
        endpoint: home.url,
        clientOptions: {
          tlsOptions: { ca: HOSTILE_CA },
          retryOptions: { maxRetries: 0 },
          additionalPolicies: [{ policy: moveAway, position: 'perRetry' }],
        } as never,
      });
      await expect(query('print 1', { startTime: new Date(0), endTime: new Date(1000) })).rejects.toThrow(
        `refused to send the Log Analytics token to ${elsewhere.url}`,
      );
      expect(elsewhere.requests).toEqual([]);
      expect(home.requests).toEqual([]);
    } finally {
      await home.close();
      await elsewhere.close();
    }
  });

  test('Graph and Log Analytics endpoints are https only', async () => {
    const { LiveGraphSource } = await import('../../scripts/posture');
    const { logsOrigin } = await import('../../scripts/livetest/logs');
    const credential = { getToken: async () => ({ token: 't', expiresOnTimestamp: 0 }) };
    expect(() => new LiveGraphSource({ credential, endpoint: 'http://127.0.0.1:8080' })).toThrow(
      /expected an https URL \(the Graph bearer token is never sent over plain http\)/,
    );
    expect(() => new LiveGraphSource({ credential, endpoint: 'http://graph.microsoft.com' })).toThrow(/https/);
    expect(() => logsOrigin('http://api.loganalytics.io')).toThrow(/https/);
  });
});

type PipelinePolicyLike = {
  name: string;
  sendRequest: (r: PipelineRequest, n: (r: PipelineRequest) => Promise<PipelineResponse>) => Promise<PipelineResponse>;
};

describe('btg check: the Graph token', () => {
  const GRAPH_TOKEN = 'graph-token-must-never-be-printed-0123';
  test('http --graph-endpoint is a usage error (exit 2); a Graph error echoing the token prints no token', async () => {
    const { checkDeps } = await import('../../scripts/cli/commands/check');
    const { runCli } = await import('../helpers/cli');
    const { startGraphServer } = await import('../support/graph-server');
    const { CLEAN, EXAMPLE_CONFIG, NOW } = await import('../posture/helpers');
    const saved = { ...checkDeps };
    const server = await startGraphServer({
      dir: CLEAN,
      token: GRAPH_TOKEN,
      // a server that echoes the Authorization header and a signed URL in its error body
      override: ({ path }) =>
        path.startsWith('users/')
          ? {
              status: 400,
              body: {
                error: {
                  code: 'BadRequest',
                  message: `Authorization: Bearer ${GRAPH_TOKEN} rejected; see https://x.blob.core.windows.net/c?sv=2022&sig=SIGNATURE0123456`,
                },
              },
            }
          : undefined,
    });
    try {
      checkDeps.credential = async () => ({
        getToken: async () => ({ token: GRAPH_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
      });
      checkDeps.now = () => NOW;
      checkDeps.graphCa = server.ca;
      checkDeps.armCredential = async () => {
        throw new Error('not signed in');
      };
      const insecure = await runCli(
        'check',
        '--config',
        EXAMPLE_CONFIG,
        '--graph-endpoint',
        server.url.replace('https:', 'http:'),
      );
      expect(insecure.code).toBe(2);
      expect(insecure.stderr).toContain('expected an https URL (the Graph bearer token is never sent over plain http)');
      expect(server.requests).toEqual([]);

      for (const json of [true, false]) {
        const r = await runCli(
          'check',
          '--config',
          EXAMPLE_CONFIG,
          '--graph-endpoint',
          server.url,
          ...(json ? ['--json'] : []),
        );
        expect(server.requests.some((q) => q.path.startsWith('users/'))).toBe(true);
        const all = r.stdout + r.stderr;
        expect(all).toContain('Authorization: Bearer ***');
        expect(all).not.toContain(GRAPH_TOKEN);
        expect(all).not.toContain('SIGNATURE0123456');
      }
    } finally {
      Object.assign(checkDeps, saved);
      checkDeps.graphCa = undefined;
      await server.close();
    }
  }, 60_000);
});
