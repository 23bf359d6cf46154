/**
 * `btg drill`: the poll query (valid KQL, every value through the literal helpers), the polling loop with an
 * injected clock against the local query API (no incident for a few polls, then one → latency; never → timeout;
 * transient failures ride through, refusals stop), the JSON-lines record and the default account choice, and the
 * command through main().
 */
import * as fs from 'fs';
import * as path from 'path';
import { drillDeps } from '../../scripts/cli/commands/drill';
import { Account } from '../../scripts/config/schema';
import { defaultAnalyzer } from '../../scripts/kql/analyzer';
import { kqlString } from '../../scripts/kql/literals';
import {
  alertNamePrefix,
  appendRecord,
  chooseAccount,
  DrillEvent,
  drillQuery,
  drillRecord,
  DrillTarget,
  logsWorkspaceQuery,
  readHistory,
  runDrill,
  WorkspaceQueryError,
} from '../../scripts/livetest';
import { runCli } from '../helpers/cli';
import { createHttpHeaders, HttpClient } from '@azure/core-rest-pipeline';
import { LogsAnswer, LogsServer, queryError, resultTable, startLogsServer } from '../support/logs-server';
import {
  B1,
  B2,
  cleanupTmp,
  configWith,
  exampleConfig,
  FakeCredential,
  NOW,
  packForExample,
  tmpDir,
  UPN1,
  UPN2,
  writeConfig,
  WS_ID,
} from './helpers';

// the CLI cases load the whole CLI and run real HTTPS servers: far above the 5 s default on a busy 2-core machine
jest.setTimeout(60_000);

const COLUMNS: [string, string][] = [
  ['SignInTime', 'datetime'],
  ['AlertTime', 'datetime'],
  ['IncidentNumber', 'int'],
  ['IncidentName', 'string'],
  ['Title', 'string'],
  ['IncidentUrl', 'string'],
  ['IncidentTime', 'datetime'],
  ['CreatedTime', 'datetime'],
];
const at = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();
/** One drill row as the query API returns it: null datetimes/ints, empty strings. */
function row(o: { signIn?: number; alert?: number; incident?: { number: number; at: number } } = {}): LogsAnswer {
  const inc = o.incident;
  return resultTable(COLUMNS, [
    [
      o.signIn === undefined ? null : at(o.signIn),
      o.alert === undefined ? null : at(o.alert),
      inc ? inc.number : null,
      inc ? '7b0c8d2e-0000-4000-8000-000000000042' : '',
      inc ? 'Break-glass account interactive sign-in' : '',
      inc ? 'https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident/x' : '',
      inc ? at(inc.at) : null,
      inc ? at(inc.at) : null,
    ],
  ]);
}

function fakeClock(start = NOW) {
  let t = start.getTime();
  const sleeps: number[] = [];
  return { sleeps, clock: { now: () => new Date(t), sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)) } };
}

/** stderr without the config's warnings (advice about the config, not about the run) */
const withoutConfigWarnings = (s: string) =>
  s
    .split(/(?<=\n)/)
    .filter((l) => !/^\S+: warning: /.test(l))
    .join('');

const servers: LogsServer[] = [];
async function serve(answers: (n: number) => LogsAnswer): Promise<LogsServer> {
  const s = await startLogsServer({ answer: () => answers(s.requests.length) });
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(cleanupTmp);

function target(
  account: Pick<Account, 'objectId' | 'userPrincipalName'> = { objectId: B1, userPrincipalName: UPN1 },
): DrillTarget {
  const item = packForExample().rules.find((r) => r.templateId === 'btg-interactive-signin')!;
  return {
    account,
    rule: {
      templateId: item.templateId,
      name: item.rule.name,
      id: item.rule.id,
      alertNamePrefix: alertNamePrefix(item.rule.alertDetailsOverride?.alertDisplayNameFormat),
    },
    workspace: { label: 'prod', workspaceId: WS_ID },
    since: NOW,
  };
}
const queryFor = (s: LogsServer) =>
  logsWorkspaceQuery({
    credential: new FakeCredential(),
    workspaceId: WS_ID,
    endpoint: s.url,
    clientOptions: { tlsOptions: { ca: s.ca }, retryOptions: { maxRetries: 0 } },
  });

describe('drill query', () => {
  it('is valid KQL over SigninLogs, SecurityAlert and SecurityIncident, one row of the expected columns', () => {
    const a = defaultAnalyzer().analyze(drillQuery(target()));
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(a.columns.map((c) => [c.name, c.type])).toEqual(COLUMNS);
  });

  it('takes every value through the literal helpers (an odd UPN cannot change the query)', () => {
    const odd = `o'brien"|x\\y@contoso.example`;
    const q = drillQuery(target({ objectId: B2.toUpperCase(), userPrincipalName: odd }));
    expect(q).toContain(`let AccountUpn = ${kqlString(odd.toLowerCase())};`);
    expect(q).toContain(`let AccountId = "${B2}";`);
    expect(q).toContain('let DrillStart = datetime(2026-11-26T10:00:00.000Z);');
    expect(q).toContain('let AlertNamePrefix = "Break-glass sign-in by ";');
    expect(
      defaultAnalyzer()
        .analyze(q)
        .diagnostics.filter((d) => d.severity === 'error'),
    ).toEqual([]);
  });

  it('alert name prefix: only the static start of the override, and only when long enough to be specific', () => {
    expect(alertNamePrefix('Break-glass sign-in by {{UserPrincipalName}} ({{Result}})')).toBe(
      'Break-glass sign-in by ',
    );
    expect(alertNamePrefix('{{Failures}} failed sign-ins')).toBeUndefined();
    expect(alertNamePrefix(undefined)).toBeUndefined();
  });
});

describe('runDrill (injected clock, local query API)', () => {
  it('no incident for the first polls, then one: latency from the logged sign-in, events in order', async () => {
    // polls 1-2: nothing; 3: sign-in logged (at +20s); 4: alert (+50s); 5: incident (+95s)
    const server = await serve((n) =>
      n <= 2
        ? row()
        : n === 3
          ? row({ signIn: 20 })
          : n === 4
            ? row({ signIn: 20, alert: 50 })
            : row({ signIn: 20, alert: 50, incident: { number: 42, at: 95 } }),
    );
    const { clock, sleeps } = fakeClock();
    const events: DrillEvent[] = [];
    const outcome = await runDrill({
      target: target(),
      query: await queryFor(server),
      clock,
      intervalMs: 30_000,
      timeoutMs: 30 * 60_000,
      onEvent: (e) => events.push(e),
    });

    expect(outcome).toMatchObject({
      result: 'passed',
      polls: 5,
      latencySeconds: 75,
      latencyFrom: 'sign-in',
      startedAt: NOW,
      endedAt: new Date(at(120)),
    });
    expect(outcome.observation.incident).toMatchObject({
      number: 42,
      time: new Date(at(95)),
      title: 'Break-glass account interactive sign-in',
    });
    expect(sleeps).toEqual([30_000, 30_000, 30_000, 30_000]);
    expect(events.filter((e) => e.kind !== 'poll').map((e) => e.kind)).toEqual(['sign-in', 'alert', 'incident']);
    // every poll sends the same query, over a window around the drill
    expect(new Set(server.requests.map((r) => r.body?.query)).size).toBe(1);
    expect(server.requests[0].body?.query).toBe(drillQuery(target()));
    expect(server.requests[4].body?.timespan).toBe(`${at(-3600)}/${at(120 + 3600)}`);
  });

  it('without a logged sign-in, latency counts from the drill start', async () => {
    const server = await serve(() => row({ alert: 40, incident: { number: 7, at: 61 } }));
    const outcome = await runDrill({
      target: target(),
      query: await queryFor(server),
      clock: fakeClock().clock,
      intervalMs: 30_000,
      timeoutMs: 60_000,
    });
    expect(outcome).toMatchObject({ result: 'passed', polls: 1, latencySeconds: 61, latencyFrom: 'drill start' });
  });

  it('times out when no incident appears: polls until the deadline, the last one at the deadline', async () => {
    const server = await serve(() => row({ signIn: 5 }));
    const { clock, sleeps } = fakeClock();
    const outcome = await runDrill({
      target: target(),
      query: await queryFor(server),
      clock,
      intervalMs: 30_000,
      timeoutMs: 100_000,
    });
    expect(outcome).toMatchObject({ result: 'timed-out', polls: 5, endedAt: new Date(at(100)) });
    expect(outcome.latencySeconds).toBeUndefined();
    expect(sleeps).toEqual([30_000, 30_000, 30_000, 10_000]);
    expect(outcome.observation.signInTime).toEqual(new Date(at(5)));
  });

  it('a transient failure (503) is reported and polling goes on; a refusal (403) stops the drill', async () => {
    const flaky = await serve((n) =>
      n === 1
        ? queryError(503, 'ServiceUnavailable', 'try later')
        : row({ signIn: 1, incident: { number: 3, at: 40 } }),
    );
    const events: DrillEvent[] = [];
    const ok = await runDrill({
      target: target(),
      query: await queryFor(flaky),
      clock: fakeClock().clock,
      intervalMs: 30_000,
      timeoutMs: 60_000,
      onEvent: (e) => events.push(e),
    });
    expect(ok).toMatchObject({ result: 'passed', polls: 2 });
    expect(events.find((e) => e.kind === 'poll-failed')).toMatchObject({
      n: 1,
      message: expect.stringContaining('503'),
    });

    const refused = await serve(() => queryError(403, 'InsufficientAccessError', 'no access'));
    await expect(
      runDrill({
        target: target(),
        query: await queryFor(refused),
        clock: fakeClock().clock,
        intervalMs: 30_000,
        timeoutMs: 60_000,
      }),
    ).rejects.toThrow(WorkspaceQueryError);
    expect(refused.requests).toHaveLength(1);
  });
});

describe('drill record and account choice', () => {
  it('appends one JSON line per drill, terminating a line someone left open, and reads the history back', () => {
    const file = path.join(tmpDir(), 'drills.jsonl');
    const rec = drillRecord(target(), {
      result: 'passed',
      startedAt: NOW,
      endedAt: new Date(at(120)),
      polls: 5,
      observation: { signInTime: new Date(at(20)), incident: { number: 42, time: new Date(at(95)) } },
      latencySeconds: 75,
      latencyFrom: 'sign-in',
    });
    expect(rec).toEqual({
      kind: 'btg-drill',
      version: 1,
      date: NOW.toISOString(),
      account: { userPrincipalName: UPN1, objectId: B1 },
      workspace: { label: 'prod', workspaceId: WS_ID },
      rule: {
        templateId: 'btg-interactive-signin',
        name: 'Break-glass account interactive sign-in',
        id: packForExample().rules.find((r) => r.templateId === 'btg-interactive-signin')!.rule.id,
      },
      result: 'passed',
      latencySeconds: 75,
      latencyFrom: 'sign-in',
      incidentNumber: 42,
      incidentUrl: null,
      signInTime: at(20),
      alertTime: null,
      incidentTime: at(95),
      endedAt: at(120),
      polls: 5,
    });
    appendRecord(file, rec);
    fs.appendFileSync(file, '# a note without newline');
    appendRecord(file, { ...rec, result: 'timed-out' });
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines).toEqual([
      JSON.stringify(rec),
      '# a note without newline',
      JSON.stringify({ ...rec, result: 'timed-out' }),
      '',
    ]);
    const h = readHistory(file);
    expect(h.records.map((r) => r.result)).toEqual(['passed', 'timed-out']);
    expect(h.problems).toEqual([`${file}:2: not JSON`]);
    expect(() => appendRecord(path.join(tmpDir(), 'missing', 'x.jsonl'), rec)).toThrow(/folder .* does not exist/);
  });

  it('chooses --account, else the account whose last passed drill is oldest (never drilled first), else the first', () => {
    const accounts = exampleConfig().accounts;
    const rec = (objectId: string, date: string, result: 'passed' | 'timed-out' = 'passed') => ({
      ...drillRecord(target(), {
        result,
        startedAt: new Date(date),
        endedAt: new Date(date),
        polls: 1,
        observation: {},
      }),
      account: { objectId, userPrincipalName: 'x' },
    });
    expect(chooseAccount(accounts, undefined)).toMatchObject({
      account: { objectId: B1 },
      reason: expect.stringContaining('no drill history'),
    });
    expect(chooseAccount(accounts, [rec(B1, '2026-05-01T00:00:00Z')])).toMatchObject({
      account: { objectId: B2 },
      reason: 'no passed drill on record for this account',
    });
    expect(
      chooseAccount(accounts, [
        rec(B1, '2026-05-01T00:00:00Z'),
        rec(B2, '2026-03-01T00:00:00Z'),
        rec(B2, '2026-06-01T00:00:00Z', 'timed-out'),
      ]),
    ).toMatchObject({
      account: { objectId: B2 },
      reason: 'tested longest ago: last passed drill 2026-03-01T00:00:00.000Z',
    });
    expect(chooseAccount(accounts, [], UPN2.toUpperCase())).toMatchObject({
      account: { objectId: B2 },
      reason: 'chosen with --account',
    });
    expect(chooseAccount(accounts, [], B1)).toMatchObject({ account: { objectId: B1 } });
    expect(() => chooseAccount(accounts, [], 'someone@contoso.example')).toThrow(
      `--account someone@contoso.example: not a configured break-glass account (accounts: ${UPN1}, ${UPN2})`,
    );
  });
});

/** A stand-in HTTP client for the watchlist write: records each request, answers with `status`. */
function armRecorder(status = 200, message = 'no write permission') {
  const requests: { method: string; url: string; auth: string | undefined; body: Json }[] = [];
  const client: HttpClient = {
    sendRequest: async (req) => {
      requests.push({
        method: req.method,
        url: req.url,
        auth: req.headers.get('authorization'),
        body: JSON.parse(String(req.body)),
      });
      return {
        request: req,
        status,
        headers: createHttpHeaders(),
        bodyAsText: status < 300 ? '{}' : JSON.stringify({ error: { code: 'AuthorizationFailed', message } }),
      };
    },
  };
  return { client, requests };
}
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('btg drill (CLI)', () => {
  const original = { ...drillDeps };
  afterEach(() => Object.assign(drillDeps, original));
  beforeEach(() => {
    drillDeps.httpClient = armRecorder().client;
  });

  it('passes and records, then the next drill picks the other account; a timeout exits 1 and is recorded too', async () => {
    const { clock } = fakeClock();
    drillDeps.clock = clock;
    drillDeps.credential = async () => new FakeCredential();
    let script: (n: number) => LogsAnswer = (n) =>
      n < 3 ? row() : row({ signIn: 12, alert: 40, incident: { number: 42, at: 70 } });
    let base = 0;
    const server = await startLogsServer({ answer: () => script(server.requests.length - base) });
    servers.push(server);
    drillDeps.clientOptions = { tlsOptions: { ca: server.ca }, retryOptions: { maxRetries: 0 } };
    const cfg = writeConfig(configWith((c) => void (c.workspaces![0].workspaceId = WS_ID)));
    const record = path.join(tmpDir(), 'drills.jsonl');

    const arm = armRecorder();
    drillDeps.httpClient = arm.client;
    const passed = await runCli(
      'drill',
      '-c',
      cfg,
      '--endpoint',
      server.url,
      '--record',
      record,
      '--interval',
      '30s',
      '--timeout',
      '5m',
    );
    expect(passed.stderr).toBe('');
    expect(passed.code).toBe(0);
    // the result is on record in Sentinel: one watchlist item, PUT with the ARM token to the ARM origin only
    expect(arm.requests).toHaveLength(1);
    const put = arm.requests[0];
    expect(put.method).toBe('PUT');
    expect(put.url).toMatch(
      new RegExp(
        `^https://management\\.azure\\.com/subscriptions/[0-9a-f-]+/resourceGroups/rg-sentinel-prod/providers/Microsoft\\.OperationalInsights/workspaces/law-sentinel-prod/providers/Microsoft\\.SecurityInsights/watchlists/BreakGlassDrills/watchlistItems/[0-9a-f-]{36}\\?api-version=2025-09-01$`,
      ),
    );
    expect(put.auth).toBe('Bearer fake-logs-token');
    expect(put.body.properties.itemsKeyValue).toMatchObject({
      AccountObjectId: B1,
      AccountUPN: UPN1,
      DrillStart: NOW.toISOString(),
      SignInTime: at(12),
      FirstAlertTime: at(40),
      FirstIncidentTime: at(70),
      IncidentNumber: '42',
      AlertLatencySeconds: '28',
      IncidentLatencySeconds: '58',
      Result: 'passed',
      Workspace: 'prod',
    });
    expect(passed.stdout).toContain('recorded in the Sentinel watchlist BreakGlassDrills');
    expect(passed.stdout).toContain(`Break-glass drill: ${UPN1} (Emergency Access 01), workspace prod (${WS_ID})`);
    expect(passed.stdout).toContain('  account: no passed drill on record for this account');
    expect(passed.stdout).toContain(`sign in to the Azure portal (https://portal.azure.com) as ${UPN1}`);
    expect(passed.stdout).toContain(`  incident #42 "Break-glass account interactive sign-in" at ${at(70)}`);
    expect(passed.stdout).toContain(`PASSED: incident #42 58s after the sign-in (${at(12)})`);
    const first = readHistory(record).records;
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      result: 'passed',
      account: { objectId: B1 },
      latencySeconds: 58,
      incidentNumber: 42,
      polls: 3,
      workspace: { label: 'prod', workspaceId: WS_ID },
    });

    base = server.requests.length;
    script = () => row();
    const timedOut = await runCli(
      'drill',
      '-c',
      cfg,
      '--endpoint',
      server.url,
      '--record',
      record,
      '--interval',
      '1m',
      '--timeout',
      '3m',
      '--json',
    );
    expect(timedOut.code).toBe(1);
    const json = JSON.parse(timedOut.stdout);
    expect(json).toMatchObject({
      tool: 'btg drill',
      kind: 'btg-drill',
      result: 'timed-out',
      account: { objectId: B2, userPrincipalName: UPN2 },
      latencySeconds: null,
      polls: 4,
    });
    expect(timedOut.stderr).toContain('TIMED OUT after 3m00s (4 polls): no sign-in logged, no alert, no incident.');
    expect(readHistory(record).records.map((r) => [r.account.objectId, r.result])).toEqual([
      [B1, 'passed'],
      [B2, 'timed-out'],
    ]);
  });

  it('fails fast without sign-in: one two-line message, exit 2, no steps printed, no poll, nothing recorded', async () => {
    drillDeps.credential = async () => ({
      getToken: async () => {
        throw new Error(
          'DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:\n EnvironmentCredential is unavailable.',
        );
      },
    });
    const server = await serve(() => row());
    drillDeps.clientOptions = { tlsOptions: { ca: server.ca }, retryOptions: { maxRetries: 0 } };
    const record = path.join(tmpDir(), 'drills.jsonl');
    const r = await runCli(
      'drill',
      '-c',
      writeConfig(configWith((c) => void (c.workspaces![0].workspaceId = WS_ID))),
      '--endpoint',
      server.url,
      '--record',
      record,
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(withoutConfigWarnings(r.stderr)).toBe(
      `btg: cannot get a token for ${server.url}/.default with DefaultAzureCredential: DefaultAzureCredential failed to retrieve a token from the included credentials.\n` +
        'Sign in with `az login` (add `--cloud` for sovereign clouds), or set AZURE_TENANT_ID + AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE (workload identity), or set BTG_ACCESS_TOKEN\n',
    );
    expect(server.requests).toHaveLength(0);
    expect(fs.existsSync(record)).toBe(false);
  });

  it('a watchlist write that is refused is reported and fails the drill (exit 1); --no-watchlist skips it', async () => {
    const { clock } = fakeClock();
    drillDeps.clock = clock;
    drillDeps.credential = async () => new FakeCredential();
    const server = await serve(() => row({ signIn: 5, alert: 20, incident: { number: 7, at: 30 } }));
    drillDeps.clientOptions = { tlsOptions: { ca: server.ca }, retryOptions: { maxRetries: 0 } };
    const cfg = writeConfig(configWith((c) => void (c.workspaces![0].workspaceId = WS_ID)));
    const refused = armRecorder(403);
    drillDeps.httpClient = refused.client;
    const r = await runCli('drill', '-c', cfg, '--endpoint', server.url, '--interval', '30s', '--timeout', '5m');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'btg drill: could not write the drill to watchlist BreakGlassDrills: HTTP 403 AuthorizationFailed: no write permission (writing watchlist items needs Microsoft Sentinel Contributor on the workspace)',
    );
    const skipped = armRecorder();
    drillDeps.httpClient = skipped.client;
    const s2 = await runCli(
      'drill',
      '-c',
      cfg,
      '--endpoint',
      server.url,
      '--interval',
      '30s',
      '--timeout',
      '5m',
      '--no-watchlist',
    );
    expect(s2.code).toBe(0);
    expect(skipped.requests).toEqual([]);
  });

  it("a refused watchlist write's server message reaches the terminal without escape sequences, overrides or line breaks", async () => {
    const { clock } = fakeClock();
    drillDeps.clock = clock;
    drillDeps.credential = async () => new FakeCredential();
    const server = await serve(() => row({ signIn: 5, alert: 20, incident: { number: 7, at: 30 } }));
    drillDeps.clientOptions = { tlsOptions: { ca: server.ca }, retryOptions: { maxRetries: 0 } };
    const cfg = writeConfig(configWith((c) => void (c.workspaces![0].workspaceId = WS_ID)));
    drillDeps.httpClient = armRecorder(403, 'no\x1b[2J write\u202e\u009b31m\nPASSED: forged').client;
    const r = await runCli('drill', '-c', cfg, '--endpoint', server.url, '--interval', '30s', '--timeout', '5m');
    expect(r.code).toBe(1);
    // eslint-disable-next-line no-control-regex -- what a terminal would act on
    expect(r.stderr).not.toMatch(/[\x1b\x9b\u202e]/);
    expect(r.stderr).not.toMatch(/^PASSED: forged/m);
  });

  it('a drill whose queries never reached the workspace records nothing and exits 2 (it says nothing about the rule)', async () => {
    const { clock } = fakeClock();
    drillDeps.clock = clock;
    drillDeps.credential = async () => new FakeCredential();
    const server = await serve(() => queryError(503, 'ServiceUnavailable', 'try later'));
    const writes = armRecorder();
    drillDeps.httpClient = writes.client;
    drillDeps.clientOptions = { tlsOptions: { ca: server.ca }, retryOptions: { maxRetries: 0 } };
    const record = path.join(tmpDir(), 'drills.jsonl');
    const r = await runCli(
      'drill',
      '-c',
      writeConfig(configWith((c) => void (c.workspaces![0].workspaceId = WS_ID))),
      '--endpoint',
      server.url,
      '--record',
      record,
      '--interval',
      '1m',
      '--timeout',
      '2m',
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('poll 3 failed, retrying at the next interval');
    expect(withoutConfigWarnings(r.stderr)).toBe(
      `btg: the workspace ${WS_ID} did not answer any of 3 queries: the drill could not run, nothing recorded in ${record}\n`,
    );
    expect(r.stdout).not.toContain('TIMED OUT');
    expect(fs.existsSync(record)).toBe(false);
    // nothing in Sentinel either
    expect(writes.requests).toEqual([]);

    // no permission to query (403): the first poll stops the drill, exit 2, nothing recorded anywhere
    const denied = await serve(() => queryError(403, 'InsufficientAccessError', 'no access'));
    drillDeps.clientOptions = { tlsOptions: { ca: denied.ca }, retryOptions: { maxRetries: 0 } };
    const d = await runCli(
      'drill',
      '-c',
      writeConfig(configWith((c) => void (c.workspaces![0].workspaceId = WS_ID))),
      '--endpoint',
      denied.url,
      '--record',
      record,
      '--interval',
      '1m',
      '--timeout',
      '2m',
    );
    expect({ code: d.code, polls: denied.requests.length }).toEqual({ code: 2, polls: 1 });
    expect(d.stderr).toContain('403');
    expect(fs.existsSync(record)).toBe(false);
    expect(writes.requests).toEqual([]);
  });

  it('usage errors exit 2: unknown account, bad duration, no workspace id', async () => {
    const cfg = writeConfig(configWith((c) => void (c.workspaces![0].workspaceId = WS_ID)));
    const unknown = await runCli('drill', '-c', cfg, '--account', 'nobody@contoso.example');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--account nobody@contoso.example: not a configured break-glass account');
    expect((await runCli('drill', '-c', cfg, '--interval', 'soon')).stderr).toContain(
      '--interval soon: expected a duration like 30s, 5m or 1h',
    );
    const noId = await runCli('drill', '-c', writeConfig(configWith((c) => void delete c.workspaces![0].workspaceId)));
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('has no workspaceId');
  });
});
