/**
 * `btg drill`: the periodic break-glass test (every options.testIntervalDays). Prints what the custodian does, then polls the workspace
 * (read-only) until the interactive-sign-in rule's incident for that account appears or --timeout passes, prints
 * the time from sign-in to incident, and appends the result to --record <file.jsonl>.
 * Exit 0 passed, 1 timed out (or an invalid config), 2 could not run (missing config, workspace, sign-in, query refused; nothing is recorded).
 */
import { delay } from '@azure/core-util';
import type { TokenCredential } from '@azure/identity';
import type { LogsQueryClientOptions } from '@azure/monitor-query-logs';
import { createDefaultHttpClient, HttpClient } from '@azure/core-rest-pipeline';
import { Command, Option } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../config/load';
import { terminalSafe } from '../io';
import { loadPack } from '../../content/pack';
import { defaultAnalyzer } from '../../kql/analyzer';
import {
  alertNamePrefix,
  appendRecord,
  chooseAccount,
  chooseWorkspace,
  DRILL_RULE_TEMPLATE,
  DrillClock,
  DrillEvent,
  drillQuery,
  drillRecord,
  drillSteps,
  DrillTarget,
  DEFAULT_ARM_ENDPOINT,
  DRILL_WATCHLIST,
  drillWatchlistItem,
  logsOrigin,
  operatorFromToken,
  upsertDrillItem,
  logsWorkspaceQuery,
  readHistory,
  runDrill,
} from '../../livetest';
import { azureCredential, signIn } from '../credential';
import { originOf } from '../../security/tokenOrigin';
import { configOption, duration, formatDuration, parseDurationMs, requireConfig, UsageError } from '../options';
import { withLogsWorkspaceOptions } from '../logsOptions';
import { ExitCode, SetExit } from '../exit';

/** Seams for tests: credential, clock (time and sleeping), extra query-client options. */
export const drillDeps: {
  credential: (tenant?: string) => Promise<TokenCredential>;
  clock: DrillClock;
  clientOptions?: LogsQueryClientOptions;
  /** the HTTP client and ARM origin of the watchlist write (tests: a recorder) */
  httpClient?: HttpClient;
  /** extra CA (PEM) trusted for --arm-endpoint (the local emulator in tests) */
  armCa?: string;
} = {
  credential: (tenant) => azureCredential(tenant),
  clock: { now: () => new Date(), sleep: (ms) => delay(ms) },
  clientOptions: undefined,
};

interface DrillOptions {
  config: string;
  account?: string;
  workspace?: string;
  workspaceId?: string;
  endpoint: string;
  tenant?: string;
  interval: number;
  timeout: number;
  since?: string;
  record?: string;
  json?: boolean;
  /** false with --no-watchlist: do not write the result to the BreakGlassDrills watchlist */
  watchlist: boolean;
  armEndpoint: string;
}

/** `30s`, `5m`, `1h`, `250ms` → milliseconds (shared by every command: ../options). */
export { parseDurationMs };

const hhmmss = (d: Date) => d.toISOString().slice(11, 19) + 'Z';
export function formatLatency(s: number): string {
  const sign = s < 0 ? '-' : '';
  const a = Math.abs(s);
  return `${sign}${a >= 60 ? `${Math.floor(a / 60)}m` : ''}${String(a % 60).padStart(a >= 60 ? 2 : 1, '0')}s`;
}

function describeEvent(e: DrillEvent, clockNow: Date): string | undefined {
  switch (e.kind) {
    case 'poll':
      return `  [${hhmmss(e.at)}] poll ${e.n}`;
    case 'poll-failed':
      return `  [${hhmmss(clockNow)}] poll ${e.n} failed, retrying at the next interval: ${e.message}`;
    case 'sign-in':
      return `  sign-in by the account logged at ${e.time.toISOString()} (SigninLogs)`;
    case 'alert':
      return `  alert raised at ${e.time.toISOString()} (SecurityAlert)`;
    case 'incident':
      return `  incident #${e.incident.number}${e.incident.title ? ` "${e.incident.title}"` : ''} at ${e.incident.time.toISOString()}${e.incident.url ? ` ${e.incident.url}` : ''}`;
  }
}

async function run(opts: DrillOptions, setExit: SetExit): Promise<void> {
  const clock = drillDeps.clock;
  requireConfig(opts.config);
  const loaded = loadConfig(opts.config);
  for (const d of loaded.diagnostics)
    process.stderr.write(
      `${terminalSafe(`${d.file ?? opts.config}${d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : ''}: ${d.severity}: ${d.message}`)}\n`,
    );
  // an invalid config is a finding (exit 1), as in build and validate; a missing one is a usage error (2)
  if (!loaded.config) return setExit(ExitCode.Findings);
  const config = loaded.config;

  const pack = loadPack(config, path.relative(process.cwd(), path.resolve(opts.config)) || opts.config, loaded.source);
  const item = pack.rules.find((r) => r.templateId === DRILL_RULE_TEMPLATE);
  if (!item) throw new Error(`the pack has no ${DRILL_RULE_TEMPLATE} rule to drill against`);
  if (!item.enabled)
    process.stderr.write(
      `btg drill: warning: options.rules.${DRILL_RULE_TEMPLATE}.enabled is false; the drill times out unless the rule runs in the workspace\n`,
    );

  const workspace = chooseWorkspace(config, { workspace: opts.workspace, workspaceId: opts.workspaceId });
  const endpoint = logsOrigin(opts.endpoint);
  if (opts.interval > opts.timeout)
    throw new UsageError(
      `--interval ${formatDuration(opts.interval)} is longer than --timeout ${formatDuration(opts.timeout)}: the drill would poll once`,
    );
  // the record is the audit trail: a path it cannot be written to is found now, not after a half-hour drill
  if (opts.record) {
    const dir = path.dirname(path.resolve(opts.record));
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      throw new UsageError(`--record ${opts.record}: the folder ${dir} does not exist; nothing was done`);
    if (fs.existsSync(opts.record) && !fs.statSync(opts.record).isFile())
      throw new UsageError(`--record ${opts.record}: not a file (a JSON-lines file the drills are appended to)`);
  }
  const history = opts.record ? readHistory(opts.record) : undefined;
  for (const p of history?.problems ?? []) process.stderr.write(`btg drill: warning: ${p}\n`);
  const { account, reason } = chooseAccount(config.accounts, history?.records, opts.account);
  let since = clock.now();
  if (opts.since) {
    const t = Date.parse(opts.since);
    if (Number.isNaN(t)) throw new Error(`--since ${opts.since}: expected an ISO date-time like 2026-11-26T10:00:00Z`);
    since = new Date(t);
  }

  const target: DrillTarget = {
    account,
    rule: {
      templateId: item.templateId,
      name: item.rule.name,
      id: item.rule.id,
      alertNamePrefix: alertNamePrefix(item.rule.alertDetailsOverride?.alertDisplayNameFormat),
    },
    workspace,
    since,
  };
  const errors = defaultAnalyzer()
    .analyze(drillQuery(target))
    .diagnostics.filter((d) => d.severity === 'error');
  if (errors.length)
    throw new Error(`the drill query is not valid KQL: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);

  // the drill's result goes to the Sentinel watchlist of drills (the workbook and the overdue query read it): that
  // needs the workspace's ARM coordinates from the config
  const wsRef = config.workspaces.find((w) => w.workspaceId?.toLowerCase() === workspace.workspaceId.toLowerCase());
  const arm = originOf(opts.armEndpoint);
  if (!arm || !arm.startsWith('https://'))
    throw new UsageError(`--arm-endpoint ${opts.armEndpoint}: expected an https URL like ${DEFAULT_ARM_ENDPOINT}`);
  if (opts.watchlist && !wsRef)
    process.stderr.write(
      `btg drill: warning: workspace ${workspace.workspaceId} is not in the config (workspaces[].workspaceId): the result cannot be written to the ${DRILL_WATCHLIST.alias} watchlist${opts.record ? ', only to the record file' : ''}\n`,
    );

  // a token before any work: no sign-in steps for the custodian, no polling, nothing recorded when it fails
  const credential = await drillDeps.credential(opts.tenant);
  await signIn(credential, `${endpoint}/.default`);
  let operator = 'unknown';
  if (opts.watchlist && wsRef) {
    await signIn(credential, `${arm}/.default`);
    operator = operatorFromToken((await credential.getToken(`${arm}/.default`).catch(() => null))?.token);
  }

  // Human progress goes to stdout, or to stderr when stdout carries the JSON result.
  const say = (line: string) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
  for (const l of drillSteps(target, { intervalMs: opts.interval, timeoutMs: opts.timeout, reason })) say(l);

  const query = await logsWorkspaceQuery({
    credential,
    workspaceId: workspace.workspaceId,
    endpoint,
    clientOptions: drillDeps.clientOptions,
  });
  const outcome = await runDrill({
    target,
    query,
    clock,
    intervalMs: opts.interval,
    timeoutMs: opts.timeout,
    onEvent: (e) => {
      const line = describeEvent(e, clock.now());
      if (line) say(line);
    },
  });
  if (outcome.result === 'timed-out' && outcome.answered === 0) {
    // the workspace never answered: this says nothing about the rule, so nothing is recorded
    throw new UsageError(
      `the workspace ${workspace.workspaceId} did not answer any of ${outcome.polls} queries: the drill could not run${opts.record ? `, nothing recorded in ${opts.record}` : ''}`,
    );
  }
  const rec = drillRecord(target, outcome);
  if (opts.record) appendRecord(opts.record, rec);
  let watchlistError: string | undefined;
  if (opts.watchlist && wsRef) {
    try {
      await upsertDrillItem({
        credential,
        target: wsRef,
        item: drillWatchlistItem(rec, operator),
        armEndpoint: arm,
        httpClient: drillDeps.httpClient ?? createDefaultHttpClient(),
        ca: drillDeps.armCa,
      });
    } catch (e) {
      watchlistError = (e as Error).message;
    }
  }

  if (outcome.result === 'passed') {
    const inc = outcome.observation.incident!;
    say(
      `\nPASSED: incident #${inc.number} ${formatLatency(outcome.latencySeconds!)} after the ${outcome.latencyFrom === 'sign-in' ? `sign-in (${outcome.observation.signInTime!.toISOString()})` : `drill start (${since.toISOString()}; the sign-in was not found in SigninLogs)`}`,
    );
  } else {
    const seen = [
      outcome.observation.signInTime
        ? `sign-in logged at ${outcome.observation.signInTime.toISOString()}`
        : 'no sign-in logged',
      outcome.observation.alertTime ? `alert at ${outcome.observation.alertTime.toISOString()}` : 'no alert',
    ];
    say(
      `\nTIMED OUT after ${formatLatency(Math.round(opts.timeout / 1000))} (${outcome.polls} polls): ${seen.join(', ')}, no incident. Check that the rule is deployed and enabled, and the incident settings.`,
    );
  }
  if (opts.record) say(`recorded in ${opts.record}`);
  if (opts.watchlist && wsRef && !watchlistError)
    say(`recorded in the Sentinel watchlist ${DRILL_WATCHLIST.alias} (operator ${operator})`);
  // a server's error text: one line, no control sequence (it could forge a PASSED line)
  if (watchlistError) process.stderr.write(`btg drill: ${terminalSafe(watchlistError)}\n`);
  if (opts.json)
    process.stdout.write(
      `${JSON.stringify({ tool: 'btg drill', ...rec, operator, watchlist: opts.watchlist && wsRef ? (watchlistError ? 'failed' : 'written') : 'skipped' }, null, 2)}\n`,
    );
  // a drill that is not on record in Sentinel is not a complete test
  setExit(outcome.result === 'passed' && !watchlistError ? ExitCode.Ok : ExitCode.Findings);
}

export function register(program: Command, setExit: SetExit): void {
  withLogsWorkspaceOptions(
    configOption(
      program
        .command('drill')
        .description(
          'the periodic break-glass test (every options.testIntervalDays): prints the sign-in steps for a custodian, waits (read-only) for the interactive-sign-in incident, reports the latency and records the result',
        ),
    ).option(
      '--account <upn|objectId>',
      'the break-glass account to drill (default: the one tested longest ago per --record, else the first)',
    ),
    'the configured workspace to watch, when several are configured',
  )
    .addOption(
      new Option('--interval <duration>', 'time between polls, e.g. 30s or 1m')
        .argParser(duration('--interval'))
        .default(30_000, formatDuration(30_000)),
    )
    .addOption(
      new Option('--timeout <duration>', 'give up after, e.g. 30m or 1h')
        .argParser(duration('--timeout'))
        .default(30 * 60_000, formatDuration(30 * 60_000)),
    )
    .option(
      '--since <date-time>',
      'look at records from this time (default: now), e.g. when the custodian already signed in',
    )
    .option(
      '--record <file.jsonl>',
      'append the result as one JSON line (the auditable test history; also picks the default account)',
    )
    .option('--json', 'print the result record as JSON')
    .option(
      '--arm-endpoint <url>',
      'Azure Resource Manager endpoint for the watchlist write (sovereign clouds)',
      DEFAULT_ARM_ENDPOINT,
    )
    .option(
      '--no-watchlist',
      `do not write the result to the Sentinel watchlist ${DRILL_WATCHLIST.alias} (which the workbook and the overdue query read)`,
    )
    .action(async (opts: DrillOptions) => run(opts, setExit));
}
