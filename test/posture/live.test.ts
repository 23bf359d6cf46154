/**
 * The live path: the Graph client (with a fake TokenCredential) against a Graph-shaped HTTP server on 127.0.0.1
 * serving the fixture exports. Same findings as reading the folder; GET only; nextLink paging followed;
 * `--export` round-trips; permission errors become skips naming the permission.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import * as fs from 'fs';
import * as path from 'path';
import { Config } from '../../scripts/config/schema';
import { exportPosture, Finding, FolderGraphSource, LiveGraphSource, runPosture } from '../../scripts/posture';
import { GraphServer, startGraphServer } from '../support/graph-server';
import {
  B1,
  B2,
  CLEAN,
  checkFolder,
  cleanupTmp,
  exampleConfig,
  FAILING,
  finding,
  GEXCL,
  NOW,
  tmpDir,
  UPN1,
} from './helpers';

class FakeCredential implements TokenCredential {
  scopes: string[] = [];
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: 'fake-graph-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

const servers: GraphServer[] = [];
async function serve(dir: string, extra: Partial<Parameters<typeof startGraphServer>[0]> = {}): Promise<GraphServer> {
  const s = await startGraphServer({
    dir,
    token: 'fake-graph-token',
    pageSize: (p) => (p.endsWith('policies') ? 2 : p.endsWith('transitiveMembers') ? 1 : undefined),
    ...extra,
  });
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(cleanupTmp);

async function checkLive(
  server: GraphServer,
  config: Config = exampleConfig(),
  credential = new FakeCredential(),
): Promise<Finding[]> {
  const source = new LiveGraphSource({ credential, endpoint: server.url, ca: server.ca, maxRetries: 0 });
  return (await runPosture({ config, source, now: NOW, workspace: { skipReason: 'offline test' } })).findings;
}

describe('live Graph (local Graph-shaped server)', () => {
  it('gives the same findings as the folder, following @odata.nextLink, with GET requests only', async () => {
    const server = await serve(CLEAN);
    const credential = new FakeCredential();
    const live = await checkLive(server, exampleConfig(), credential);
    expect(live).toEqual(await checkFolder(CLEAN));

    // read-only: every request was a GET, carried the bearer token, and nothing else reached the server
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(server.requests.every((r) => r.authorization === 'Bearer fake-graph-token')).toBe(true);
    expect(credential.scopes.every((s) => s === `${server.url}/.default`)).toBe(true);

    // paging: 6 policies in pages of 2 → 3 requests; group members in pages of 1
    const policyRequests = server.requests.filter((r) => r.path === 'identity/conditionalAccess/policies');
    expect(policyRequests).toHaveLength(3);
    expect(policyRequests.slice(1).every((r) => r.url.includes('$skiptoken='))).toBe(true);
    expect(server.requests.filter((r) => r.path === `groups/${GEXCL}/transitiveMembers`)).toHaveLength(2);

    // the user read selects exactly what the checks need
    const userReq = server.requests.find((r) => r.path === `users/${B1}`)!;
    expect(decodeURIComponent(userReq.url)).toContain(
      '$select=id,userPrincipalName,displayName,accountEnabled,onPremisesSyncEnabled,userType,passwordPolicies,creationType,signInActivity',
    );
  });

  it('reports the planted failures of the failing export the same way (missing files are 404s live)', async () => {
    const server = await serve(FAILING);
    const live = await checkLive(server);
    const folder = await checkFolder(FAILING);
    const key = (f: Finding) => `${f.check}|${f.subject}|${f.status}`;
    expect(live.map(key)).toEqual(folder.map(key));
    expect(finding(live, 'restricted-au', 'btg-emergency-02@contoso.example')).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining(`GET /users/${B2}/memberOf returned 404 Request_ResourceNotFound`),
    });
  });

  it('--export round-trips: export from the server, then check --from the export = same findings', async () => {
    const server = await serve(CLEAN);
    const dir = path.join(tmpDir(), 'export');
    const config = exampleConfig();
    const source = new LiveGraphSource({
      credential: new FakeCredential(),
      endpoint: server.url,
      ca: server.ca,
      maxRetries: 0,
    });
    const { manifest } = await exportPosture(source, config, dir, { exportedAt: NOW, endpoint: server.url });
    expect(server.requests.every((r) => r.method === 'GET')).toBe(true);

    // the export holds one file per request path, paged collections merged, and a manifest
    expect(manifest.files).toEqual(JSON.parse(fs.readFileSync(path.join(CLEAN, 'btg-export.json'), 'utf8')).files);
    const policies = JSON.parse(fs.readFileSync(path.join(dir, 'identity/conditionalAccess/policies.json'), 'utf8'));
    expect(policies.value).toHaveLength(6);
    expect(policies['@odata.nextLink']).toBeUndefined();
    expect(new FolderGraphSource(dir).manifest()?.exportedAt).toBe(NOW.toISOString());

    const live = await checkLive(server, config);
    expect(await checkFolder(dir, config)).toEqual(live);

    // a re-export into the same folder replaces it; a foreign non-empty folder is refused
    await exportPosture(source, config, dir, { exportedAt: NOW });
    const foreign = tmpDir();
    fs.writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
    await expect(exportPosture(source, config, foreign, { exportedAt: NOW })).rejects.toThrow(
      /not empty and was not written by btg check --export/,
    );
  });

  it('round-trips error responses too (404 for a missing account)', async () => {
    const server = await serve(CLEAN, {
      override: ({ path: p }) =>
        p === `users/${B2}`
          ? {
              status: 404,
              body: { error: { code: 'Request_ResourceNotFound', message: `Resource '${B2}' does not exist.` } },
            }
          : undefined,
    });
    const dir = path.join(tmpDir(), 'export');
    const config = exampleConfig();
    const source = new LiveGraphSource({
      credential: new FakeCredential(),
      endpoint: server.url,
      ca: server.ca,
      maxRetries: 0,
    });
    await exportPosture(source, config, dir, { exportedAt: NOW });
    const live = await checkLive(server, config);
    expect(finding(live, 'account', 'btg-emergency-02@contoso.example').status).toBe('fail');
    expect(await checkFolder(dir, config)).toEqual(live);
  });

  it('a permission Graph denies becomes a skip naming the permission; without signInActivity access the user is re-read without it', async () => {
    const server = await serve(CLEAN, {
      override: ({ path: p, query }) => {
        if (p === `users/${B1}/authentication/methods`)
          return {
            status: 403,
            body: {
              error: {
                code: 'Authorization_RequestDenied',
                message: 'Insufficient privileges to complete the operation.',
              },
            },
          };
        if (p === `users/${B1}` && (query.get('$select') ?? '').includes('signInActivity')) {
          return {
            status: 403,
            body: {
              error: {
                code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
                message: "Neither tenant is B2C or tenant doesn't have premium license",
              },
            },
          };
        }
        return undefined;
      },
    });
    const f = await checkLive(server);
    expect(finding(f, 'phishing-resistant-method', UPN1)).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('needs UserAuthenticationMethod.Read.All'),
    });
    expect(finding(f, 'tested', UPN1)).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('AuditLog.Read.All'),
    });
    expect(finding(f, 'cloud-only', UPN1).status).toBe('pass');
    expect(f.filter((x) => x.status === 'fail')).toEqual([]);
  });

  it('never follows @odata.nextLink to another host (the token stays with the configured endpoint)', async () => {
    const server = await serve(CLEAN, {
      override: ({ path: p }) =>
        p === 'roleManagement/directory/roleAssignments'
          ? {
              status: 200,
              body: {
                value: [],
                '@odata.nextLink': 'https://evil.example/v1.0/roleManagement/directory/roleAssignments?$skiptoken=x',
              },
            }
          : undefined,
    });
    const f = await checkLive(server);
    expect(finding(f, 'role', UPN1)).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('refusing to follow @odata.nextLink to https://evil.example'),
    });
    expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('the live client itself refuses anything but GET', async () => {
    const server = await serve(CLEAN);
    const source = new LiveGraphSource({
      credential: new FakeCredential(),
      endpoint: server.url,
      ca: server.ca,
      maxRetries: 0,
    });
    const client = (source as any).client;
    await expect(client.api(`users/${B1}`).patch({ accountEnabled: false })).rejects.toThrow(
      /read-only: refusing PATCH/,
    );
    await expect(client.api(`users/${B1}/authentication/methods`).post({})).rejects.toThrow(/read-only: refusing POST/);
    await expect(client.api(`users/${B1}`).delete()).rejects.toThrow(/read-only: refusing DELETE/);
    expect(server.requests).toEqual([]);
  });

  it('an unreachable endpoint is a tool error, not a skip', async () => {
    const server = await serve(CLEAN);
    const url = server.url;
    await server.close();
    servers.splice(0);
    const source = new LiveGraphSource({
      credential: new FakeCredential(),
      endpoint: url,
      ca: server.ca,
      maxRetries: 0,
    });
    await expect(runPosture({ config: exampleConfig(), source, now: NOW })).rejects.toThrow(
      /Graph request GET \/identity\/conditionalAccess\/policies failed/,
    );
  });

  it('accepts the Graph root with or without /v1.0, and rejects other paths', () => {
    const c = new FakeCredential();
    expect(new LiveGraphSource({ credential: c, endpoint: 'https://graph.microsoft.us/v1.0/' }).origin).toBe(
      'https://graph.microsoft.us',
    );
    expect(new LiveGraphSource({ credential: c }).description).toBe('Microsoft Graph (https://graph.microsoft.com)');
    expect(() => new LiveGraphSource({ credential: c, endpoint: 'https://graph.microsoft.com/beta' })).toThrow(
      /expected the Graph root/,
    );
  });
});
