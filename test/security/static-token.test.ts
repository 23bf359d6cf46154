/**
 * Attack: BTG_ACCESS_TOKEN is a fixed token (its audience does not follow the scope btg asks for), so pointing
 * `--endpoint` (Log Analytics) or `--arm-endpoint` + `--arm-audience` (ARM) at another host must not send it there.
 * The Log Analytics case runs the real LogsQueryClient pipeline with a recording transport (what would reach the wire).
 */
import { createHttpHeaders, HttpClient, PipelineRequest } from '@azure/core-rest-pipeline';
import { azureCredential, signIn } from '../../scripts/cli/credential';
import { chooseCredential, resolveTarget, TargetError } from '../../scripts/deploy/target';
import { logsWorkspaceQuery } from '../../scripts/livetest/logs';
import { staticTokenRefusal, tokenAudiences } from '../../scripts/security/staticToken';

const jwt = (aud: string | string[]) =>
  ['eyJhbGciOiJub25lIn0', Buffer.from(JSON.stringify({ aud, tid: 't' })).toString('base64url'), 'c2ln'].join('.');
const LA_TOKEN = jwt('https://api.loganalytics.io');
const ARM_TOKEN = jwt('https://management.core.windows.net/');

function recorder(): { client: HttpClient; sent: PipelineRequest[] } {
  const sent: PipelineRequest[] = [];
  return {
    sent,
    client: {
      sendRequest: async (request) => {
        sent.push(request);
        return {
          request,
          status: 200,
          headers: createHttpHeaders({ 'content-type': 'application/json' }),
          bodyAsText: JSON.stringify({ tables: [{ name: 'PrimaryResult', columns: [], rows: [] }] }),
        };
      },
    },
  };
}

const WS = '00000000-0000-4000-8000-0000000000aa';

test('Log Analytics: the env token never reaches another host (real client pipeline, recording transport)', async () => {
  const credential = await azureCredential(undefined, { BTG_ACCESS_TOKEN: LA_TOKEN });
  for (const endpoint of [
    'https://evil.example',
    'https://api.loganalytics.io.evil.example',
    'https://192.0.2.2:8443',
    'https://x.localhost',
  ]) {
    const { client, sent } = recorder();
    const query = await logsWorkspaceQuery({
      credential,
      workspaceId: WS,
      endpoint,
      clientOptions: { httpClient: client, retryOptions: { maxRetries: 0 } },
    });
    await expect(query('print 1', { startTime: new Date(0), endTime: new Date(1000) })).rejects.toThrow(
      /BTG_ACCESS_TOKEN is not sent to/,
    );
    expect(sent.filter((r) => r.headers.has('authorization'))).toEqual([]);
  }
  // fail-fast sign-in says so (exit 2 in test/drill)
  await expect(signIn(credential, 'https://evil.example/.default', 'BTG_ACCESS_TOKEN')).rejects.toThrow(
    /BTG_ACCESS_TOKEN is not sent to https:\/\/evil.example/,
  );
});

test('Log Analytics: the cloud endpoint, a loopback stand-in and an endpoint the token names as its audience get it', async () => {
  for (const [endpoint, token] of [
    ['https://api.loganalytics.io', 'opaque-token'],
    ['https://api.loganalytics.us', 'opaque-token'],
    ['https://127.0.0.1:9443', 'opaque-token'],
    ['https://la.private.example', jwt(['https://la.private.example/'])],
  ] as const) {
    const credential = await azureCredential(undefined, { BTG_ACCESS_TOKEN: token });
    const { client, sent } = recorder();
    const query = await logsWorkspaceQuery({
      credential,
      workspaceId: WS,
      endpoint,
      clientOptions: { httpClient: client, retryOptions: { maxRetries: 0 } },
    });
    await query('print 1', { startTime: new Date(0), endTime: new Date(1000) });
    expect(sent.map((r) => [new URL(r.url).origin, r.headers.get('authorization')])).toEqual([
      [endpoint, `Bearer ${token}`],
    ]);
  }
});

test('ARM: --arm-endpoint elsewhere with --arm-audience does not carry a token whose aud is another audience', async () => {
  const target = resolveTarget({ armEndpoint: 'https://evil.example', armAudience: 'https://evil.example' });
  await expect(chooseCredential(target, { BTG_ACCESS_TOKEN: ARM_TOKEN })).rejects.toThrow(TargetError);
  await expect(chooseCredential(target, { BTG_ACCESS_TOKEN: 'opaque' })).rejects.toThrow(
    /BTG_ACCESS_TOKEN is not sent to https:\/\/evil.example/,
  );
  // the audience the token names (a trusted proxy / Azure Stack Hub): allowed, as for DefaultAzureCredential
  const stack = resolveTarget({
    armEndpoint: 'https://management.local.azurestack.external',
    armAudience: 'https://management.adfs.azurestack.local/1234',
  });
  await expect(
    chooseCredential(stack, { BTG_ACCESS_TOKEN: jwt('https://management.adfs.azurestack.local/1234') }),
  ).resolves.toMatchObject({ source: 'BTG_ACCESS_TOKEN' });
  // the cloud's ARM and a loopback emulator: unchanged
  await expect(chooseCredential(resolveTarget({}), { BTG_ACCESS_TOKEN: 'opaque' })).resolves.toMatchObject({
    source: 'BTG_ACCESS_TOKEN',
  });
  await expect(
    chooseCredential(resolveTarget({ armEndpoint: 'https://127.0.0.1:8443' }), { BTG_ACCESS_TOKEN: 'opaque' }),
  ).resolves.toMatchObject({ source: 'BTG_ACCESS_TOKEN' });
});

test('staticTokenRefusal: look-alike hosts and audiences are refused', () => {
  for (const ep of [
    'https://api.loganalytics.io.evil.example',
    'http://api.loganalytics.io',
    'https://api.loganalytics.io:8443',
    'https://127.0.0.1.evil.example',
    'https://evil.localhost',
  ]) {
    expect(staticTokenRefusal('opaque', `${ep}/.default`, `${ep}/.default`)).toMatch(/is not sent to/);
  }
  expect(tokenAudiences(jwt(['a', 'b']))).toEqual(['a', 'b']);
  expect(tokenAudiences('not.a-jwt')).toEqual([]);
});
