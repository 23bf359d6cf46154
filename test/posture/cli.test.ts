/** `btg check` through main(): exit codes, --json output, --from / --export / --graph-endpoint wiring. */
import type { AccessToken } from '@azure/identity';
import * as fs from 'fs';
import * as path from 'path';
import { checkDeps } from '../../scripts/cli/commands/check';
import { runCli } from '../helpers/cli';
import { startGraphServer } from '../support/graph-server';
import { B1, CLEAN, cleanupTmp, derive, EXAMPLE_CONFIG, FAILING, NOW, P, tmpDir, UPN1 } from './helpers';

const btg = runCli;

const original = { ...checkDeps };
afterEach(() => Object.assign(checkDeps, original));
afterAll(cleanupTmp);

describe('btg check (CLI)', () => {
  it('--from a clean export: exit 0 and a JSON report for CI', async () => {
    const r = await btg('check', '--config', EXAMPLE_CONFIG, '--from', CLEAN, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      tool: 'btg check',
      tenantName: 'Contoso',
      source: `export ${CLEAN}`,
      asOf: NOW.toISOString(),
    });
    expect(report.summary).toEqual({ pass: 26, fail: 0, warn: 0, skip: 1, info: 1 });
    expect(report.findings[0]).toEqual({
      check: 'account-count',
      subject: 'accounts',
      status: 'pass',
      reason: '2 break-glass accounts configured',
    });
    expect(report.findings.find((f: any) => f.check === 'workspace-rules')).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('--from'),
    });
  });

  it('--from the failing export: exit 1, and the table names each failure', async () => {
    const r = await btg('check', '--config', EXAMPLE_CONFIG, '--from', FAILING);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^STATUS\s+CHECK\s+SUBJECT\s+REASON$/m);
    expect(r.stdout).toMatch(
      new RegExp(`^FAIL\\s+cloud-only\\s+${UPN1.replace(/\./g, '\\.')}\\s+synced from on-premises`, 'm'),
    );
    expect(r.stdout).toMatch(/^FAIL\s+ca-policy\s+CA002 - Block legacy authentication\s+enabled policy applies to/m);
    expect(r.stdout).toContain('10 fail, 4 warn, 3 skip, 1 info, 10 pass');
  });

  it('warnings alone exit 0; --strict makes skipped checks fail; --as-of moves "now"', async () => {
    const warnOnly = derive((e) => e.json(P.user(B1), (u) => void (u.passwordPolicies = null)));
    const w = await btg('check', '--config', EXAMPLE_CONFIG, '--from', warnOnly, '--json');
    expect(JSON.parse(w.stdout).summary).toMatchObject({ fail: 0, warn: 1 });
    expect(w.code).toBe(0);
    expect((await btg('check', '--config', EXAMPLE_CONFIG, '--from', CLEAN, '--json', '--strict')).code).toBe(1);
    const late = await btg('check', '--config', EXAMPLE_CONFIG, '--from', CLEAN, '--json', '--as-of', '2026-01-01');
    expect(late.code).toBe(1);
    expect(
      JSON.parse(late.stdout)
        .findings.filter((f: any) => f.status === 'fail')
        .map((f: any) => f.check),
    ).toEqual(['tested', 'tested']);
  });

  it('usage and config errors exit 2', async () => {
    expect((await btg('check', '--config', EXAMPLE_CONFIG, '--from', CLEAN, '--export', tmpDir())).code).toBe(2);
    expect((await btg('check', '--config', EXAMPLE_CONFIG, '--from', path.join(tmpDir(), 'nope'))).code).toBe(2);
    const missing = await btg('check', '--config', path.join(tmpDir(), 'btg.config.yaml'), '--from', CLEAN);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('not found');
    expect((await btg('check', '--config', EXAMPLE_CONFIG, '--from', CLEAN, '--as-of', 'yesterday')).code).toBe(2);
  });

  it('live: --graph-endpoint + --export against the local Graph server, with an injected credential', async () => {
    const server = await startGraphServer({ dir: FAILING, pageSize: 2 });
    try {
      const tenants: (string | undefined)[] = [];
      checkDeps.credential = async (tenant) => {
        tenants.push(tenant);
        return {
          getToken: async (): Promise<AccessToken> => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }),
        };
      };
      checkDeps.now = () => NOW;
      checkDeps.graphCa = server.ca;
      checkDeps.armCredential = async () => {
        throw new Error('not signed in');
      };
      const dir = path.join(tmpDir(), 'export');
      const r = await btg(
        'check',
        '--config',
        EXAMPLE_CONFIG,
        '--graph-endpoint',
        server.url,
        '--tenant',
        'contoso.example',
        '--export',
        dir,
        '--json',
      );
      expect(r.code).toBe(1);
      expect(tenants).toEqual(['contoso.example']);
      expect(r.stderr).toContain(`exported the Graph responses to ${dir}`);
      expect(fs.existsSync(path.join(dir, 'btg-export.json'))).toBe(true);
      expect(server.requests.every((q) => q.method === 'GET')).toBe(true);
      const live = JSON.parse(r.stdout);
      expect(live.findings.find((f: any) => f.check === 'workspace-rules')).toMatchObject({
        status: 'skip',
        reason: expect.stringContaining('no Azure Resource Manager sign-in'),
      });

      const again = await btg('check', '--config', EXAMPLE_CONFIG, '--from', dir, '--json');
      const strip = (fs_: any[]) => fs_.filter((f) => f.check !== 'workspace-rules');
      expect(strip(JSON.parse(again.stdout).findings)).toEqual(strip(live.findings));
      expect(again.code).toBe(1);
    } finally {
      await server.close();
    }
  });
});
