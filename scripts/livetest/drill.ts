/**
 * `btg drill`: the six-monthly break-glass test, automated. A custodian signs in with one BTG account; the drill
 * only READS the workspace (SigninLogs, SecurityAlert, SecurityIncident) until the pack's interactive-sign-in rule
 * has produced an incident for that account, and records how long that took. It never signs in, changes, disables
 * or resets the account: the only side effect is the JSON line appended to the record file.
 *
 * Time and sleeping are injected (`DrillClock`), so the polling loop is tested in milliseconds.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Account } from '../config/schema';
import { kqlDatetime, kqlGuidString, kqlString } from '../kql/literals';
import { QueryTable, WorkspaceQuery, WorkspaceQueryError } from './logs';
import { QueryWorkspace } from './workspace';

/** The rule whose incident the drill waits for. */
export const DRILL_RULE_TEMPLATE = 'btg-interactive-signin';

export interface DrillRule {
  templateId: string;
  /** rendered rule name (SecurityAlert.AlertName without an alert-name override) */
  name: string;
  /** the rule's resource name (deterministic id): in SecurityAlert.ExtendedProperties / AlertType */
  id: string;
  /** static start of alertDetailsOverride.alertDisplayNameFormat (text before the first placeholder), if any */
  alertNamePrefix?: string;
}

export interface DrillTarget {
  account: Pick<Account, 'objectId' | 'userPrincipalName'> & Partial<Pick<Account, 'displayName' | 'custodians'>>;
  rule: DrillRule;
  workspace: QueryWorkspace;
  /** the drill looks at records from this time on */
  since: Date;
}

/** The static prefix of an alert display name format, e.g. "Break-glass sign-in by " (only if 8+ characters: shorter would match too much). */
export function alertNamePrefix(format: string | undefined): string | undefined {
  if (!format) return undefined;
  const i = format.indexOf('{{');
  const prefix = i < 0 ? format : format.slice(0, i);
  return prefix.trim().length >= 8 ? prefix : undefined;
}

/**
 * One query per poll, always one row: when the account's first sign-in since the drill start was logged, when the
 * rule's alert for it was raised, and the first incident that holds that alert (null columns until each exists).
 * Every value enters through the KQL literal helpers.
 */
export function drillQuery(t: DrillTarget): string {
  const alertNameMatch = t.rule.alertNamePrefix ? ' or AlertName startswith AlertNamePrefix' : '';
  return [
    `// btg drill: incident of ${kqlString(t.rule.templateId)} for ${kqlString(t.account.userPrincipalName)}`,
    `let DrillStart = ${kqlDatetime(t.since)};`,
    `let RuleId = ${kqlGuidString(t.rule.id)};`,
    `let RuleName = ${kqlString(t.rule.name)};`,
    ...(t.rule.alertNamePrefix ? [`let AlertNamePrefix = ${kqlString(t.rule.alertNamePrefix)};`] : []),
    `let AccountId = ${kqlGuidString(t.account.objectId)};`,
    `let AccountUpn = ${kqlString(t.account.userPrincipalName.toLowerCase())};`,
    'let SignInTime = toscalar(SigninLogs',
    '    | where TimeGenerated >= DrillStart',
    '    | where tolower(UserId) == AccountId or tolower(UserPrincipalName) == AccountUpn',
    '    | summarize min(TimeGenerated));',
    '// the rule by id (ExtendedProperties "Analytic Rule Ids", AlertType) or name; the account by id or UPN',
    'let DrillAlerts = SecurityAlert',
    '    | where TimeGenerated >= DrillStart',
    `    | where ExtendedProperties contains RuleId or AlertType contains RuleId or AlertName == RuleName${alertNameMatch}`,
    '    | where Entities contains AccountId or Entities contains AccountUpn or ExtendedProperties contains AccountId',
    '        or ExtendedProperties contains AccountUpn or AlertName contains AccountUpn',
    '    | summarize AlertTime = min(TimeGenerated) by SystemAlertId;',
    'let AlertTime = toscalar(DrillAlerts | summarize min(AlertTime));',
    '// an incident (new, or an open one the alert was grouped into) counts from the first record that holds the alert',
    'let DrillIncident = SecurityIncident',
    '    | where TimeGenerated >= DrillStart',
    '    | mv-expand AlertId = AlertIds to typeof(string)',
    '    | join kind=inner DrillAlerts on $left.AlertId == $right.SystemAlertId',
    '    | summarize IncidentTime = min(LastModifiedTime), CreatedTime = min(CreatedTime), arg_max(TimeGenerated, IncidentName, Title, IncidentUrl) by IncidentNumber',
    '    | top 1 by IncidentTime asc',
    '    | extend Key = 1;',
    'print SignInTime = SignInTime, AlertTime = AlertTime, Key = 1',
    '| join kind=leftouter DrillIncident on Key',
    '| project SignInTime, AlertTime, IncidentNumber, IncidentName, Title, IncidentUrl, IncidentTime, CreatedTime',
    '',
  ].join('\n');
}

export interface DrillIncident {
  number: number;
  name?: string;
  title?: string;
  url?: string;
  /** when the incident first held the drill's alert (its creation, for a new incident) */
  time: Date;
  created?: Date;
}

export interface DrillObservation {
  signInTime?: Date;
  alertTime?: Date;
  incident?: DrillIncident;
}

function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'string' && v) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
const asString = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** Read the drill query's one row. */
export function parseObservation(t: QueryTable): DrillObservation {
  const row = t.rows[0];
  if (!row) return {};
  const col = (name: string) => {
    const i = t.columns.findIndex((c) => c.name === name);
    return i < 0 ? undefined : row[i];
  };
  const obs: DrillObservation = { signInTime: asDate(col('SignInTime')), alertTime: asDate(col('AlertTime')) };
  const num = col('IncidentNumber');
  const n = typeof num === 'string' && /^\d+$/.test(num) ? Number(num) : num;
  const time = asDate(col('IncidentTime')) ?? asDate(col('CreatedTime'));
  if (typeof n === 'number' && Number.isSafeInteger(n) && time) {
    obs.incident = {
      number: n,
      name: asString(col('IncidentName')),
      title: asString(col('Title')),
      url: asString(col('IncidentUrl')),
      time,
      created: asDate(col('CreatedTime')),
    };
  }
  return obs;
}

export interface DrillClock {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export type DrillEvent =
  | { kind: 'poll'; n: number; at: Date }
  | { kind: 'poll-failed'; n: number; message: string }
  | { kind: 'sign-in'; time: Date }
  | { kind: 'alert'; time: Date }
  | { kind: 'incident'; incident: DrillIncident };

export interface DrillOutcome {
  result: 'passed' | 'timed-out';
  startedAt: Date;
  endedAt: Date;
  polls: number;
  /** polls the workspace answered (0: the drill never managed to query, nothing to record) */
  answered?: number;
  observation: DrillObservation;
  /** incident time minus sign-in time (or drill start when the sign-in was not found in SigninLogs) */
  latencySeconds?: number;
  latencyFrom?: 'sign-in' | 'drill start';
}

export interface DrillRunOptions {
  target: DrillTarget;
  query: WorkspaceQuery;
  clock: DrillClock;
  intervalMs: number;
  timeoutMs: number;
  onEvent?: (e: DrillEvent) => void;
}

/** Transient for a poll loop: throttling, server errors, no answer. Anything else (auth, bad query) will not heal. */
const transient = (e: WorkspaceQueryError) => e.status === undefined || e.status === 429 || e.status >= 500;

export async function runDrill(opts: DrillRunOptions): Promise<DrillOutcome> {
  const { clock, target } = opts;
  const startedAt = clock.now();
  const text = drillQuery(target);
  const seen: DrillObservation = {};
  let polls = 0;
  let answered = 0;
  for (;;) {
    polls++;
    const at = clock.now();
    opts.onEvent?.({ kind: 'poll', n: polls, at });
    // a window around the drill: the query itself filters on DrillStart
    const timespan = {
      startTime: new Date(target.since.getTime() - 3_600_000),
      endTime: new Date(at.getTime() + 3_600_000),
    };
    try {
      const obs = parseObservation(await opts.query(text, timespan));
      answered++;
      if (obs.signInTime && !seen.signInTime) {
        seen.signInTime = obs.signInTime;
        opts.onEvent?.({ kind: 'sign-in', time: obs.signInTime });
      }
      if (obs.alertTime && !seen.alertTime) {
        seen.alertTime = obs.alertTime;
        opts.onEvent?.({ kind: 'alert', time: obs.alertTime });
      }
      if (obs.incident) {
        seen.incident = obs.incident;
        opts.onEvent?.({ kind: 'incident', incident: obs.incident });
        const from = seen.signInTime ?? target.since;
        return {
          result: 'passed',
          startedAt,
          endedAt: clock.now(),
          polls,
          answered,
          observation: seen,
          latencySeconds: Math.round((obs.incident.time.getTime() - from.getTime()) / 1000),
          latencyFrom: seen.signInTime ? 'sign-in' : 'drill start',
        };
      }
    } catch (e) {
      if (!(e instanceof WorkspaceQueryError) || !transient(e)) throw e;
      opts.onEvent?.({ kind: 'poll-failed', n: polls, message: e.message });
    }
    const elapsed = clock.now().getTime() - startedAt.getTime();
    if (elapsed >= opts.timeoutMs)
      return { result: 'timed-out', startedAt, endedAt: clock.now(), polls, answered, observation: seen };
    await clock.sleep(Math.min(opts.intervalMs, opts.timeoutMs - elapsed));
  }
}

/** One line of the drill record file (JSON Lines): the auditable test history. */
export interface DrillRecord {
  kind: 'btg-drill';
  version: 1;
  /** when the drill started (ISO) */
  date: string;
  account: { userPrincipalName: string; objectId: string };
  workspace: QueryWorkspace;
  rule: { templateId: string; name: string; id: string };
  result: 'passed' | 'timed-out';
  latencySeconds: number | null;
  latencyFrom: 'sign-in' | 'drill start' | null;
  incidentNumber: number | null;
  incidentUrl: string | null;
  signInTime: string | null;
  alertTime: string | null;
  incidentTime: string | null;
  endedAt: string;
  polls: number;
}

export function drillRecord(target: DrillTarget, o: DrillOutcome): DrillRecord {
  const iso = (d?: Date) => (d ? d.toISOString() : null);
  return {
    kind: 'btg-drill',
    version: 1,
    date: o.startedAt.toISOString(),
    account: { userPrincipalName: target.account.userPrincipalName, objectId: target.account.objectId.toLowerCase() },
    workspace: target.workspace,
    rule: { templateId: target.rule.templateId, name: target.rule.name, id: target.rule.id },
    result: o.result,
    latencySeconds: o.latencySeconds ?? null,
    latencyFrom: o.latencyFrom ?? null,
    incidentNumber: o.observation.incident?.number ?? null,
    incidentUrl: o.observation.incident?.url ?? null,
    signInTime: iso(o.observation.signInTime),
    alertTime: iso(o.observation.alertTime),
    incidentTime: iso(o.observation.incident?.time),
    endedAt: o.endedAt.toISOString(),
    polls: o.polls,
  };
}

/** Append one record as one line; the file is created if missing (its folder must exist). */
export function appendRecord(file: string, rec: DrillRecord): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new Error(`--record ${file}: folder ${dir} does not exist`);
  let lead = '';
  if (fs.existsSync(file)) {
    const size = fs.statSync(file).size;
    if (size > 0) {
      const fd = fs.openSync(file, 'r');
      try {
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        if (last.toString() !== '\n') lead = '\n'; // never glue a record to a line someone left unterminated
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  fs.appendFileSync(file, `${lead}${JSON.stringify(rec)}\n`, 'utf8');
}

/** Earlier drills from a record file. Lines that are not drill records are reported (file:line), not fatal. */
export function readHistory(file: string): { records: DrillRecord[]; problems: string[] } {
  if (!fs.existsSync(file)) return { records: [], problems: [] };
  const records: DrillRecord[] = [];
  const problems: string[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const r = JSON.parse(line) as Partial<DrillRecord>;
        if (
          r.kind === 'btg-drill' &&
          typeof r.date === 'string' &&
          typeof r.account?.objectId === 'string' &&
          (r.result === 'passed' || r.result === 'timed-out')
        )
          records.push(r as DrillRecord);
        else problems.push(`${file}:${i + 1}: not a btg drill record`);
      } catch {
        problems.push(`${file}:${i + 1}: not JSON`);
      }
    });
  return { records, problems };
}

/**
 * The account to drill: `--account` (UPN or object id) if given; else the configured account whose last PASSED drill
 * is oldest (never drilled first, in config order); without any history, the first account.
 */
export function chooseAccount(
  accounts: readonly Account[],
  history: readonly DrillRecord[] | undefined,
  requested?: string,
): { account: Account; reason: string } {
  if (requested !== undefined) {
    const r = requested.toLowerCase();
    const hit = accounts.find((a) => a.objectId.toLowerCase() === r || a.userPrincipalName.toLowerCase() === r);
    if (!hit)
      throw new Error(
        `--account ${requested}: not a configured break-glass account (accounts: ${accounts.map((a) => a.userPrincipalName).join(', ')})`,
      );
    return { account: hit, reason: 'chosen with --account' };
  }
  if (!history)
    return {
      account: accounts[0],
      reason:
        'the first configured account (no drill history: --record <file> keeps one and picks the account tested longest ago)',
    };
  const lastPassed = (a: Account) =>
    history
      .filter((h) => h.result === 'passed' && h.account.objectId.toLowerCase() === a.objectId.toLowerCase())
      .map((h) => h.date)
      .sort()
      .pop();
  const never = accounts.find((a) => lastPassed(a) === undefined);
  if (never) return { account: never, reason: 'no passed drill on record for this account' };
  const oldest = [...accounts].sort((a, b) =>
    lastPassed(a)! < lastPassed(b)! ? -1 : lastPassed(a)! > lastPassed(b)! ? 1 : 0,
  )[0];
  return { account: oldest, reason: `tested longest ago: last passed drill ${lastPassed(oldest)}` };
}

/** What the custodian does, as lines to print. */
export function drillSteps(t: DrillTarget, opts: { intervalMs: number; timeoutMs: number; reason: string }): string[] {
  const a = t.account;
  const fmt = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`);
  return [
    `Break-glass drill: ${a.userPrincipalName}${a.displayName ? ` (${a.displayName})` : ''}, workspace ${t.workspace.label} (${t.workspace.workspaceId})`,
    `  account: ${opts.reason}`,
    ...(a.custodians && a.custodians.length ? [`  custodians: ${a.custodians.join(', ')}`] : []),
    '',
    'Steps for the custodian (this tool only reads the workspace: it never signs in with, changes or disables the account):',
    `  1. Tell the SOC that a break-glass drill starts now: the "${t.rule.name}" incident it raises is expected.`,
    `  2. In a private browser window, sign in to the Azure portal (https://portal.azure.com) as ${a.userPrincipalName}, with its FIDO2 security key or passkey from the safe.`,
    '  3. Check that the sign-in succeeds, then sign out and close the window. Do nothing else with the account.',
    '  4. Return the credential to the safe.',
    '',
    `Waiting for the incident of "${t.rule.name}" for ${a.userPrincipalName} since ${t.since.toISOString()} (every ${fmt(opts.intervalMs)}, up to ${fmt(opts.timeoutMs)}) ...`,
  ];
}
