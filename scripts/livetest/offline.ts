/**
 * Offline execution of the test plan: every case's rows run through the rule's real rendered query in the KQL
 * evaluator (scripts/kql/eval), with the same shadowing as a live run (the rows, accounts rewritten, date-times
 * shifted; tables the case does not name empty; `_GetWatchlist` returning the configured accounts), and the verdict
 * asserted: fire / no-fire by the rule's trigger, and where a case says so, the alert's entity and custom-detail
 * values. `--mutate` then applies small mutations to each rule's query and counts how many its cases kill.
 *
 * The rule's query is analysed once (the tree the validator analysed, reused); each case and each mutant is one
 * evaluation of that tree.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { RuleItem } from '../content/items';
import { defaultAnalyzer, KqlAnalyzer } from '../kql/analyzer';
import {
  compileQuery,
  CompiledQuery,
  evaluate,
  KqlRuntimeError,
  lineColOf,
  Mutation,
  mutationSites,
  NotSupportedOffline,
  table,
} from '../kql/eval';
import {
  Column as KColumn,
  KDate,
  KValue,
  parseDatetimeText,
  parseTimespanText,
  KSpan,
  Table,
  toKString,
} from '../kql/eval/values';
import { bundledSchemas, TableSchemas } from '../kql/schemas';
import { createHash } from 'crypto';
import { renderedDiagnosticAt } from '../content/locate';
import { AccountMap, AccountRef, rewriteAccounts } from './accounts';
import { PlannedCase, PlannedRule, planTests, TestPlan } from './plan';
import { CaseResult, RuleResult, ruleShell, TestReport, TIME_SHIFT_POLICY } from './run';
import { WATCHLIST_SHADOW_COLUMNS } from './shadow';
import { describeTrigger, fires } from './trigger';

export interface OfflineOptions {
  analyzer: KqlAnalyzer;
  schemas: TableSchemas;
  /** accounts `_GetWatchlist` returns (watchlist mode) */
  watchlistAccounts?: readonly AccountRef[];
  /** example → configured accounts, for the values of `alert:` expectations */
  accounts?: AccountMap;
  showQueries?: boolean;
  /** run the mutation analysis too */
  mutate?: boolean;
}

export interface MutationScore {
  total: number;
  killed: number;
  /** killed / total (1 when there is no mutant) */
  score: number;
  /** surviving mutants: `line:col what` in the rendered query */
  survivors: string[];
  /** the rule's own cases did not all pass, so the score is not meaningful */
  notScored?: string;
}

/** A value of a test row as the evaluator holds it, by column type (what the shadow datatable literal means). */
function cellValue(type: string, v: unknown): KValue {
  if (v === undefined || v === null) return type === 'string' ? '' : null;
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v);
    case 'datetime': {
      if (v instanceof Date) return new KDate(v.getTime());
      const ms = parseDatetimeText(String(v));
      return ms === undefined ? null : new KDate(ms);
    }
    case 'timespan': {
      const ms = parseTimespanText(String(v));
      return ms === undefined ? null : new KSpan(ms);
    }
    case 'guid':
      return String(v).toLowerCase();
    case 'dynamic':
      return toDynamic(v);
    default:
      return v as KValue;
  }
}

function toDynamic(v: unknown): KValue {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toDynamic) as KValue;
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toDynamic(x)])) as KValue;
  return (v ?? null) as KValue;
}

/** The in-memory tables of one case (every table its rule reads; the rows it names). */
export function caseTables(c: PlannedCase, schemas: TableSchemas): Record<string, Table> {
  const out: Record<string, Table> = {};
  for (const t of c.shadow.tables) {
    const cols: KColumn[] = (schemas[t.name] ?? []).map((x) => ({
      name: x.name,
      type: x.type === 'int' ? 'long' : x.type,
    }));
    const d = c.shadow.data[t.name] ?? { rows: [], ingestion: [] };
    out[t.name] = table(
      cols,
      d.rows.map((r) => Object.fromEntries(cols.map((col) => [col.name, cellValue(col.type, r[col.name])]))),
      d.ingestion,
    );
  }
  return out;
}

function watchlistFunction(accounts: readonly AccountRef[] | undefined) {
  const t = table(
    WATCHLIST_SHADOW_COLUMNS,
    (accounts ?? []).map((a) => ({
      SearchKey: a.objectId.toLowerCase(),
      AccountObjectId: a.objectId.toLowerCase(),
      AccountUPN: a.userPrincipalName,
    })),
  );
  return () => t;
}

interface Outcome {
  actual: 'fire' | 'no-fire';
  result: Table;
}

function runCase(
  q: CompiledQuery,
  c: PlannedCase,
  rule: PlannedRule,
  opts: OfflineOptions,
  now: number,
  mutation?: Mutation,
  tables?: Record<string, Table>,
): Outcome {
  const result = evaluate(q, {
    tables: tables ?? caseTables(c, opts.schemas),
    functions: { _GetWatchlist: watchlistFunction(opts.watchlistAccounts) },
    now,
    mutation,
  });
  return { actual: fires(result.rows.length, rule.trigger) ? 'fire' : 'no-fire', result };
}

/** Where a not-supported construct is in the rule's template (`detections/x.yaml:12:5`), else in the rendered query. */
function locate(e: NotSupportedOffline, item: RuleItem): string {
  const d = renderedDiagnosticAt(item.query, e.start, 1, 'test-offline', 'error', e.message);
  const where = d.range
    ? `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}`
    : `${item.file} (query ${e.line}:${e.col})`;
  return `not supported offline: ${e.what} at ${where} (run btg test --live)`;
}

function shownValue(v: KValue): string {
  const s = toKString(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The result rows as short lines (for a failing case). */
export function showRows(t: Table, max = 5): string[] {
  const lines = t.rows.slice(0, max).map((r) =>
    t.columns
      .filter((c) => r[c.name] !== '' && r[c.name] !== null)
      .slice(0, 8)
      .map((c) => `${c.name}=${shownValue(r[c.name])}`)
      .join(', '),
  );
  if (t.rows.length > max) lines.push(`... ${t.rows.length - max} more`);
  return lines;
}

/** Which piped operators dropped the rows (input → output counts), for a case that should have fired. */
function traceCase(q: CompiledQuery, c: PlannedCase, rule: PlannedRule, opts: OfflineOptions, now: number): string[] {
  const counts = new Map<number, { op: any; rowsIn: number; rowsOut: number }>();
  evaluate(q, {
    tables: caseTables(c, opts.schemas),
    functions: { _GetWatchlist: watchlistFunction(opts.watchlistAccounts) },
    now,
    trace: (op, rowsIn, rowsOut) => {
      const e = counts.get(op.TextStart) ?? { op, rowsIn: 0, rowsOut: 0 };
      e.rowsIn += rowsIn;
      e.rowsOut += rowsOut;
      counts.set(op.TextStart, e);
    },
  });
  void rule;
  return [...counts.values()]
    .sort((a, b) => a.op.TextStart - b.op.TextStart)
    .filter((e) => e.rowsOut < e.rowsIn)
    .map((e) => {
      const { line, col } = lineColOf(q.text, e.op.TextStart);
      return `query ${line}:${col} ${q.text.substr(e.op.TextStart, e.op.Width).split('\n')[0].trim().slice(0, 70)}: ${e.rowsIn} row(s) in, ${e.rowsOut} out`;
    });
}

/** Problems with a fired case's `alert:` expectations (no result row carries all the values). */
function alertProblems(c: PlannedCase, item: RuleItem, result: Table, accounts?: AccountMap): string[] {
  const want = item.tests.find((t) => t.name === c.name)?.alert;
  if (!want) return [];
  const problems: string[] = [];
  const expected: { label: string; column: string; value: string }[] = [];
  const rewrite = (v: string | number | boolean) => String(accounts ? rewriteAccounts(v, accounts).value : v);
  for (const [key, value] of Object.entries(want.entities ?? {})) {
    const [type, identifier] = key.split('.');
    const column = item.rule.entityMappings
      ?.find((m) => m.entityType === type)
      ?.fieldMappings.find((f) => f.identifier === identifier)?.columnName;
    if (!column) problems.push(`alert.entities.${key}: the rule maps no ${type} entity with identifier ${identifier}`);
    else expected.push({ label: `entity ${key} (column ${column})`, column, value: rewrite(value) });
  }
  for (const [key, value] of Object.entries(want.customDetails ?? {})) {
    const column = item.rule.customDetails?.[key];
    if (!column) problems.push(`alert.customDetails.${key}: the rule has no custom detail ${key}`);
    else expected.push({ label: `custom detail ${key} (column ${column})`, column, value: rewrite(value) });
  }
  if (want.severity) {
    // a dynamic severity comes from a result column; without one every alert has the rule's own severity
    const column = item.rule.alertDetailsOverride?.alertSeverityColumnName;
    if (column) expected.push({ label: `severity (column ${column})`, column, value: want.severity });
    else if (item.rule.severity !== want.severity)
      problems.push(`alert.severity: expected ${want.severity}, the rule's alerts are ${item.rule.severity}`);
  }
  if (problems.length || !expected.length) return problems;
  const matches = result.rows.some((r) => expected.every((e) => toKString(r[e.column] ?? null) === e.value));
  if (!matches) {
    for (const e of expected) {
      const got = [...new Set(result.rows.map((r) => toKString(r[e.column] ?? null)))];
      if (!got.includes(e.value))
        problems.push(
          `${e.label}: expected ${JSON.stringify(e.value)}, the alerts have ${got.map((g) => JSON.stringify(g)).join(', ') || 'nothing'}`,
        );
    }
    if (!problems.length)
      problems.push(
        `no single alert carries all of ${expected.map((e) => `${e.label}=${JSON.stringify(e.value)}`).join(', ')}`,
      );
  }
  return problems;
}

export interface OfflineRuleRun extends RuleResult {
  mutation?: MutationScore;
}

export interface OfflineReport extends TestReport {
  rules: OfflineRuleRun[];
}

function summarize(rules: RuleResult[]): TestReport['summary'] {
  const s = { rules: rules.length, cases: 0, valid: 0, invalid: 0, pass: 0, fail: 0, error: 0, skip: 0 };
  for (const r of rules) for (const c of r.cases) (s.cases++, s[c.status]++);
  return s;
}

/** Execute every planned case offline (and, with `mutate`, score each rule's mutants). */
export function runOffline(plan: TestPlan, items: readonly RuleItem[], opts: OfflineOptions): OfflineReport {
  const now = plan.now.getTime();
  const rules: OfflineRuleRun[] = [];
  for (const r of plan.rules) {
    const item = items.find((i) => i.templateId === r.templateId);
    const cases: CaseResult[] = [];
    let q: CompiledQuery | undefined;
    let refused: string | undefined;
    if (item && r.cases.length) {
      q = compileQuery(item.query.text, opts.analyzer);
      if (q.errors.length) refused = `the rule's query does not analyze: ${q.errors[0]}`;
      else if (q.unsupported.length) refused = q.unsupported.map((e) => locate(e, item)).join('; ');
    }
    const verdicts: { c: PlannedCase; ok: boolean; tables?: Record<string, Table> }[] = [];
    for (const c of r.cases) {
      const base: Omit<CaseResult, 'status'> = {
        name: c.name,
        expect: c.expect,
        problems: c.problems,
        skipReason: c.skipReason,
        shift: c.shadow.shift,
        ...(opts.showQueries && c.shadow.text ? { query: c.shadow.text } : {}),
      };
      if (c.problems.length) {
        cases.push({ ...base, status: 'invalid' });
        continue;
      }
      if (c.skipReason) {
        cases.push({ ...base, status: 'skip' });
        continue;
      }
      if (!q || !item || refused) {
        cases.push({ ...base, status: 'error', error: refused ?? 'no rule item' });
        continue;
      }
      try {
        const tables = caseTables(c, opts.schemas);
        const out = runCase(q, c, r, opts, now, undefined, tables);
        const details: string[] = [];
        let ok = out.actual === c.expect;
        if (ok && c.expect === 'fire') {
          const ap = alertProblems(c, item, out.result, opts.accounts);
          if (ap.length) ((ok = false), details.push(...ap));
        }
        if (out.actual !== c.expect) {
          if (out.actual === 'fire')
            details.push(`${out.result.rows.length} row(s) came out:`, ...showRows(out.result).map((l) => `  ${l}`));
          else {
            details.push(
              out.result.rows.length
                ? `${out.result.rows.length} row(s) came out, below the trigger (${describeTrigger(r.trigger)})`
                : 'no row came out; where the rows were dropped:',
            );
            details.push(...traceCase(q, c, r, opts, now).map((l) => `  ${l}`));
          }
        }
        verdicts.push({ c, ok, tables });
        cases.push({
          ...base,
          status: ok ? 'pass' : 'fail',
          actual: out.actual,
          count: out.result.rows.length,
          ...(details.length ? { details } : {}),
        });
      } catch (e) {
        if (e instanceof NotSupportedOffline) cases.push({ ...base, status: 'error', error: locate(e, item) });
        else if (e instanceof KqlRuntimeError) cases.push({ ...base, status: 'error', error: e.message });
        // an evaluator defect must not pass for a verdict, nor stop the other rules: an error of this case
        else
          cases.push({
            ...base,
            status: 'error',
            error: `offline evaluator error (please report; run btg test --live): ${(e as Error).message}`,
          });
      }
    }
    const run: OfflineRuleRun = ruleShell(r, cases);
    if (opts.mutate && q && item && !refused) run.mutation = mutationScore(q, r, verdicts, opts, now, item);
    rules.push(run);
  }
  return {
    mode: 'offline',
    now: plan.now.toISOString(),
    timeShift: TIME_SHIFT_POLICY,
    summary: summarize(rules),
    rules,
    notes: plan.notes,
  };
}

/**
 * Mutants of the rule's query, each run over every executed case: killed when some case no longer comes out as it
 * says (its fire/no-fire verdict, or for a firing case its `alert:` values), or the mutant errors. Scored only when
 * the rule's cases all pass unmutated. A mutant of an enrichment column (an `extend` that does not filter) can only
 * be killed by an `alert:` expectation on that column.
 */
export function mutationScore(
  q: CompiledQuery,
  r: PlannedRule,
  verdicts: { c: PlannedCase; ok: boolean; tables?: Record<string, Table> }[],
  opts: OfflineOptions,
  now: number,
  item?: RuleItem,
): MutationScore {
  const sites = mutationSites(q.code, q.text);
  if (!verdicts.length)
    return { total: sites.length, killed: 0, score: 0, survivors: [], notScored: 'no executed case' };
  if (verdicts.some((v) => !v.ok))
    return { total: sites.length, killed: 0, score: 0, survivors: [], notScored: 'a case fails unmutated' };
  const survivors: string[] = [];
  let killed = 0;
  for (const m of sites) {
    let dead = false;
    for (const v of verdicts) {
      try {
        const out = runCase(q, v.c, r, opts, now, m, v.tables);
        if (out.actual !== v.c.expect) dead = true;
        else if (item && v.c.expect === 'fire' && alertProblems(v.c, item, out.result, opts.accounts).length)
          dead = true;
      } catch {
        dead = true;
      }
      if (dead) break;
    }
    if (dead) killed++;
    else survivors.push(m.label);
  }
  return { total: sites.length, killed, score: sites.length ? killed / sites.length : 1, survivors };
}

/** Per rule, for the report: how many of its cases pass offline, and its mutation score. */
export interface RuleTestSummary {
  cases: number;
  passed: number;
  mutation?: { killed: number; total: number; score: number };
}

/**
 * The offline test results of the pack's rules as the report shows them: each rule's rows executed and its mutants
 * scored (`btg test --mutate`), with the rows' example accounts mapped to the configured ones.
 */
/** Where rule test summaries are kept between builds, by key (see ruleTestSummaries). */
export interface TestSummaryCache {
  get(key: string): RuleTestSummary | undefined;
  set(key: string, value: RuleTestSummary): void;
}
/** per process by default, bounded */
function processCache(): TestSummaryCache {
  const map = new Map<string, RuleTestSummary>();
  return {
    get: (key) => map.get(key),
    set: (key, value) => {
      if (map.size > 512) map.clear();
      map.set(key, value);
    },
  };
}
let summaryCache: TestSummaryCache = processCache();
/** Replace the per-process cache (the test suite shares one per Jest worker across test files). */
export function useTestSummaryCache(cache: TestSummaryCache): void {
  summaryCache = cache;
}

const schemaFingerprints = new WeakMap<object, string>();
/** everything about the declared tables a rule's results depend on (not only their number) */
function schemaFingerprint(schemas: TableSchemas): string {
  let f = schemaFingerprints.get(schemas);
  if (f === undefined) {
    f = createHash('sha256').update(JSON.stringify(schemas)).digest('hex');
    schemaFingerprints.set(schemas, f);
  }
  return f;
}

export function ruleTestSummaries(
  rules: readonly RuleItem[],
  input: {
    accounts?: AccountMap;
    watchlistAccounts: readonly AccountRef[];
    now?: Date;
    analyzer?: KqlAnalyzer;
    schemas?: TableSchemas;
  },
): Record<string, RuleTestSummary> {
  const schemas = input.schemas ?? bundledSchemas();
  const analyzer = input.analyzer ?? defaultAnalyzer();
  // a rule's result depends only on its query, trigger, tests and the accounts: cached per rule, so builds of the
  // same pack (or of config variants that change a few rules) in one process run each rule once
  const keyOf = (r: RuleItem) =>
    JSON.stringify([
      r.templateId,
      r.query.text,
      r.rule.kind,
      r.rule.triggerOperator,
      r.rule.triggerThreshold,
      r.tests,
      input.accounts?.pairs ?? null,
      input.watchlistAccounts,
      input.schemas ? schemaFingerprint(schemas) : 'bundled',
    ]);
  const out: Record<string, RuleTestSummary> = {};
  // and in the analyzer's store (the build cache on disk), so a rebuild of an unchanged pack evaluates nothing
  const todo = rules.filter((r) => {
    const hit = summaryCache.get(keyOf(r)) ?? (analyzer.store?.get('test-summary', keyOf(r)) as RuleTestSummary);
    if (hit) out[r.templateId] = hit;
    return !hit;
  });
  if (!todo.length) return out;
  const plan = planTests({
    rules: todo,
    schemas,
    now: input.now ?? new Date(),
    accounts: input.accounts,
    watchlistAccounts: input.watchlistAccounts,
    validate: false,
    analyzer,
  });
  const report = runOffline(plan, todo, {
    analyzer,
    schemas,
    watchlistAccounts: input.watchlistAccounts,
    accounts: input.accounts,
    mutate: true,
  });
  for (const r of report.rules) {
    const m =
      r.mutation && !r.mutation.notScored
        ? { killed: r.mutation.killed, total: r.mutation.total, score: r.mutation.score }
        : undefined;
    out[r.templateId] = {
      cases: r.cases.length,
      passed: r.cases.filter((c) => c.status === 'pass').length,
      ...(m ? { mutation: m } : {}),
    };
    const item = todo.find((i) => i.templateId === r.templateId);
    if (item) {
      summaryCache.set(keyOf(item), out[r.templateId]);
      analyzer.store?.set('test-summary', keyOf(item), out[r.templateId]);
    }
  }
  return out;
}
