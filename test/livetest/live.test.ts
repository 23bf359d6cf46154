/**
 * The live path of `btg test --live`: the real LogsQueryClient (fake credential, trusted self-signed certificate)
 * against a Log Analytics-shaped HTTPS server on 127.0.0.1 that answers each shadow query from a script keyed by
 * the `// btg-test:` marker (it cannot run KQL). Covers the request shape, auth header, timespan, parsing,
 * expected-vs-actual, per-case errors, a fatal refusal, bounded concurrency, and the CLI exit codes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { testDeps } from '../../scripts/cli/commands/test';
import { ACCESS_TOKEN_ENV } from '../../scripts/cli/credential';
import { durationMinutes } from '../../scripts/kql/literals';
import { bundledSchemas } from '../../scripts/kql/schemas';
import { logsWorkspaceQuery, markerOf, planTests, runLive, TestPlan, TestReport } from '../../scripts/livetest';
import { runCli } from '../helpers/cli';
import { LogsAnswer, LogsRequest, LogsServer, queryError, resultTable, startLogsServer } from '../support/logs-server';
import { cleanupTmp, configWith, FakeCredential, NOW, packForExample, tmpDir, writeConfig, WS_ID } from './helpers';

const RULES = ['btg-interactive-signin', 'btg-failed-signins'];
const servers: LogsServer[] = [];
async function serve(
  answer: (req: LogsRequest, marker: string) => LogsAnswer | Promise<LogsAnswer>,
  token?: string,
): Promise<LogsServer> {
  const s = await startLogsServer({
    token,
    answer: (req) => answer(req, markerOf(req.body?.query ?? '') ?? '(no marker)'),
  });
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(cleanupTmp);

let plan: TestPlan;
beforeAll(() => {
  plan = planTests({ rules: packForExample().rules, schemas: bundledSchemas(), now: NOW, only: RULES });
});
// cases whose rows give an ingestion time run offline only (a datatable cannot carry it): they are skipped live
const cases = () =>
  plan.rules.flatMap((r) =>
    r.cases.filter((c) => !c.shadow.liveSkipReason).map((c) => ({ rule: r, c, marker: `${r.templateId}/${c.name}` })),
  );
/** The count that makes each case come out as expected (these rules fire on count > 0). */
const honest = (marker: string): number => (cases().find((x) => x.marker === marker)?.c.expect === 'fire' ? 1 : 0);
const count = (n: number) => resultTable([['Count', 'long']], [[n]]);

async function live(server: LogsServer, credential = new FakeCredential(), concurrency = 4): Promise<TestReport> {
  const query = await logsWorkspaceQuery({
    credential,
    workspaceId: WS_ID,
    endpoint: server.url,
    clientOptions: { tlsOptions: { ca: server.ca }, retryOptions: { maxRetries: 0 } },
  });
  return runLive(plan, query, { concurrency, workspace: { label: 'prod', workspaceId: WS_ID, endpoint: server.url } });
}

describe('btg test --live against a local query API', () => {
  it('sends each shadow query as POST /v1/workspaces/{id}/query {query, timespan} with the bearer token, and reports expected vs actual', async () => {
    const wrong = cases().find((x) => x.c.expect === 'no-fire')!.marker;
    const server = await serve((_req, marker) => count(marker === wrong ? 2 : honest(marker)));
    const credential = new FakeCredential();
    const report = await live(server, credential);

    expect(server.requests).toHaveLength(cases().length);
    for (const { rule, c } of cases()) {
      const req = server.requests.find((r) => r.body?.query === c.shadow.text);
      expect(req).toMatchObject({
        method: 'POST',
        url: `/v1/workspaces/${WS_ID}/query`,
        authorization: 'Bearer fake-logs-token',
        contentType: 'application/json',
      });
      const period = rule.kind === 'NRT' ? 24 * 60 : durationMinutes(rule.window); // NRT: 1d; Scheduled: its queryPeriod
      expect(req!.body!.timespan).toBe(
        `${new Date(NOW.getTime() - period * 60_000).toISOString()}/${NOW.toISOString()}`,
      );
    }
    expect(credential.scopes.every((s) => s === `${server.url}/.default`)).toBe(true);

    expect(report.mode).toBe('live');
    expect(report.fatal).toBeUndefined();
    const all = report.rules.flatMap((r) => r.cases.map((c) => ({ marker: `${r.templateId}/${c.name}`, ...c })));
    const bad = all.find((c) => c.marker === wrong)!;
    expect(bad).toMatchObject({ status: 'fail', expect: 'no-fire', actual: 'fire', count: 2 });
    const liveSkipped = all.filter((c) => c.status === 'skip');
    expect(liveSkipped.every((c) => /offline only/.test(c.skipReason ?? ''))).toBe(true);
    expect(
      all
        .filter((c) => c.marker !== wrong && c.status !== 'skip')
        .every((c) => c.status === 'pass' && c.actual === c.expect),
    ).toBe(true);
    expect(report.summary).toMatchObject({
      cases: cases().length + liveSkipped.length,
      pass: cases().length - 1,
      fail: 1,
      error: 0,
    });
    expect(report.rules.find((r) => r.templateId === 'btg-failed-signins')).toMatchObject({
      kind: 'Scheduled',
      trigger: 'count > 0',
      window: packForExample().rules.find((r) => r.templateId === 'btg-failed-signins')!.rule.queryPeriod,
      tables: ['SigninLogs', 'AADNonInteractiveUserSignInLogs'],
    });
  });

  it('a query the service rejects (400) is an error for that case only; the others still run', async () => {
    const rejected = cases()[0].marker;
    const server = await serve((_req, marker) =>
      marker === rejected
        ? queryError(
            400,
            'BadArgumentError',
            'The request had some invalid properties',
            "Failed to resolve scalar expression named 'Foo'",
          )
        : count(honest(marker)),
    );
    const report = await live(server);
    const first = report.rules.flatMap((r) => r.cases)[0];
    expect(first).toMatchObject({
      status: 'error',
      error:
        "400 BadArgumentError: The request had some invalid properties: Failed to resolve scalar expression named 'Foo'",
    });
    expect(report.summary).toMatchObject({ error: 1, pass: cases().length - 1 });
    expect(report.fatal).toBeUndefined();
  });

  it('a refusal (403) stops the run and names the role to grant', async () => {
    const server = await serve(() =>
      queryError(
        403,
        'InsufficientAccessError',
        'The provided credentials have insufficient access to perform the requested operation',
      ),
    );
    const report = await live(server, new FakeCredential(), 1);
    expect(report.fatal).toMatch(
      /^the query API refused access to workspace .* \(403 InsufficientAccessError: .*\); the identity needs Log Analytics Reader/,
    );
    expect(server.requests).toHaveLength(1); // concurrency 1: nothing is sent after the refusal
    expect(
      report.rules
        .flatMap((r) => r.cases)
        .filter((c) => c.status !== 'skip')
        .slice(1)
        .every((c) => c.status === 'error' && c.error?.startsWith('not run: ')),
    ).toBe(true);
  });

  it('keeps at most --concurrency queries in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const server = await serve(async (_req, marker) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return count(honest(marker));
    });
    const report = await live(server, new FakeCredential(), 2);
    expect(report.summary.pass).toBe(cases().length);
    expect(most).toBe(2);
  });

  it('an unexpected result shape is an error, not a pass', async () => {
    const server = await serve(() => resultTable([['Total', 'long']], [[0]]));
    const report = await live(server);
    expect(report.rules[0].cases[0]).toMatchObject({
      status: 'error',
      error: 'unexpected result: no Count column (columns: Total)',
    });
  });
});

describe('btg test (CLI)', () => {
  const original = { ...testDeps };
  afterEach(() => Object.assign(testDeps, original));

  const liveConfig = () => writeConfig(configWith((c) => void (c.workspaces![0].workspaceId = WS_ID)));
  const wire = (server: LogsServer) => {
    testDeps.now = () => NOW;
    testDeps.clientOptions = { tlsOptions: { ca: server.ca }, retryOptions: { maxRetries: 0 } };
  };

  it('--live: exit 0 when every case comes out as expected, 1 when one does not, JSON report for CI', async () => {
    // eslint-disable-next-line prefer-const -- the server closure reads it before it is assigned
    let flip: string | undefined;
    const server = await serve((_req, marker) => count(marker === flip ? 1 - honest(marker) : honest(marker)));
    wire(server);
    testDeps.credential = async () => new FakeCredential();
    const cfg = liveConfig();
    const ok = await runCli(
      'test',
      '--live',
      '-c',
      cfg,
      '--endpoint',
      server.url,
      '--rule',
      'btg-interactive-signin',
      '--json',
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report).toMatchObject({
      tool: 'btg test',
      mode: 'live',
      workspace: { label: 'prod', workspaceId: WS_ID, endpoint: server.url },
      now: NOW.toISOString(),
    });
    expect(report.rules.map((r: { templateId: string }) => r.templateId)).toEqual(['btg-interactive-signin']);

    expect(report.rules[0].cases[0].expect).toBe('fire');
    flip = `btg-interactive-signin/${report.rules[0].cases[0].name}`;
    const bad = await runCli('test', '--live', '-c', cfg, '--endpoint', server.url, '--rule', 'btg-interactive-signin');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      new RegExp(
        `^  FAIL +${report.rules[0].cases[0].name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +expected fire, did not fire \\(count 0\\)$`,
        'm',
      ),
    );
    expect(bad.stdout).toMatch(/^1 rules, \d+ cases: \d+ passed, 1 failed, 0 errors, 0 skipped$/m);
  });

  it('--live: BTG_ACCESS_TOKEN is used as the bearer token and never printed; a refused token exits 2', async () => {
    const server = await serve((_req, marker) => count(honest(marker)), 'env-token-123');
    wire(server);
    const cfg = liveConfig();
    process.env[ACCESS_TOKEN_ENV] = 'env-token-123';
    try {
      const r = await runCli(
        'test',
        '--live',
        '-c',
        cfg,
        '--endpoint',
        server.url,
        '--rule',
        'btg-interactive-signin',
        '--show-queries',
      );
      expect(r.code).toBe(0);
      expect(server.requests.every((q) => q.authorization === 'Bearer env-token-123')).toBe(true);
      expect(r.stdout + r.stderr).not.toContain('env-token-123');
      expect(r.stdout).toContain('| // btg-test: "btg-interactive-signin/');

      process.env[ACCESS_TOKEN_ENV] = 'wrong-token';
      const refused = await runCli(
        'test',
        '--live',
        '-c',
        cfg,
        '--endpoint',
        server.url,
        '--rule',
        'btg-interactive-signin',
      );
      expect(refused.code).toBe(2);
      expect(refused.stdout).toMatch(
        /^stopped: the query API refused access to workspace 0{8}-0000-4000-8000-0000000000aa \(401 AuthorizationRequiredError/m,
      );
      expect(refused.stdout + refused.stderr).not.toContain('wrong-token');
    } finally {
      delete process.env[ACCESS_TOKEN_ENV];
    }
  });

  it('--live without a workspace id exits 2 and says what to set', async () => {
    const r = await runCli(
      'test',
      '--live',
      '-c',
      writeConfig(configWith((c) => void delete c.workspaces![0].workspaceId)),
      '--rule',
      'btg-interactive-signin',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("workspaces[0] (prod) has no workspaceId: set it to the workspace's customer id");
    expect(
      (
        await runCli(
          'test',
          '--live',
          '-c',
          liveConfig(),
          '--endpoint',
          'http://127.0.0.1:1',
          '--rule',
          'btg-interactive-signin',
        )
      ).stderr,
    ).toContain('expected an https URL');
  });

  it('offline: every case of the chosen rule is executed and passes (exit 0); a schema that contradicts the rows makes them invalid (exit 1)', async () => {
    testDeps.now = () => NOW;
    const ok = await runCli('test', '-c', writeConfig(configWith(() => undefined)), '--rule', 'btg-interactive-signin');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^btg test \(offline\): each case's rows executed through the rule's query by the offline KQL evaluator/m,
    );
    expect(ok.stdout).toMatch(/^btg-interactive-signin \(NRT, fires when count > 0, window 1d, reads SigninLogs\)$/m);
    expect(ok.stdout).toMatch(
      /^  PASS +successful interactive sign-in by a break-glass account fires +expected fire, fired \(count 1\)$/m,
    );
    expect(ok.stdout).toMatch(
      /^  PASS +a normal user's sign-in does not fire +expected no-fire, did not fire \(count 0\)$/m,
    );
    const n = (ok.stdout.match(/^  PASS /gm) ?? []).length;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(ok.stdout).toMatch(
      new RegExp(`^1 rules, ${n} cases: ${n} passed, 0 failed, 0 errors, 0 invalid, 0 skipped$`, 'm'),
    );

    // a custom schema that says UserId is a long: the rows' GUID strings no longer fit
    const dir = tmpDir();
    const cols = bundledSchemas().SigninLogs.map((c) => ({
      Name: c.name,
      Type: c.name === 'UserId' ? 'Long' : c.type,
    }));
    fs.writeFileSync(path.join(dir, 'SigninLogs.json'), JSON.stringify({ Name: 'SigninLogs', Properties: cols }));
    const bad = await runCli(
      'test',
      '-c',
      writeConfig(configWith(() => undefined)),
      '--rule',
      'btg-interactive-signin',
      '--schemas',
      dir,
      '--json',
    );
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report.summary).toMatchObject({ pass: 0, invalid: n });
    expect(report.rules[0].cases[0].problems).toContain(
      'SigninLogs[0].UserId: expected an integer (long), got string "00000000-0000-4000-8000-00000000b701"',
    );
  });
});
