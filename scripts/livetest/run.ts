/**
 * Reports for `btg test`: offline (each case's shadow query valid or not) and live (each valid case run against the
 * workspace, expected vs actual). Data only; scripts/cli prints it.
 */
import pLimit from 'p-limit';
import { QueryTable, WorkspaceQuery, WorkspaceQueryError } from './logs';
import { PlannedCase, PlannedRule, TestPlan } from './plan';
import { describeTrigger, fires } from './trigger';

/** offline: valid | invalid | skip; live: pass | fail (actual ≠ expected) | error | skip */
export type CaseStatus = 'valid' | 'invalid' | 'pass' | 'fail' | 'error' | 'skip';

export interface CaseResult {
  name: string;
  expect: 'fire' | 'no-fire';
  status: CaseStatus;
  actual?: 'fire' | 'no-fire';
  /** rows the rule's query returned over the test rows */
  count?: number;
  problems: string[];
  error?: string;
  skipReason?: string;
  /** how far every datetime cell was moved, and where the newest row landed */
  shift?: { ms: number; newest: string };
  /** the shadow query (with --show-queries) */
  query?: string;
  /** offline: why a case failed (the rows that came out, or where the rows were dropped; alert value mismatches) */
  details?: string[];
}

export interface RuleResult {
  templateId: string;
  name: string;
  kind: 'Scheduled' | 'NRT';
  file: string;
  trigger: string;
  window: string;
  tables: string[];
  cases: CaseResult[];
}

export interface TestReport {
  mode: 'offline' | 'live';
  now: string;
  timeShift: string;
  workspace?: { label: string; workspaceId: string; endpoint: string };
  summary: Record<CaseStatus, number> & { rules: number; cases: number };
  rules: RuleResult[];
  notes: string[];
  /** live: the error that stopped the run (auth, network, unknown workspace) */
  fatal?: string;
}

export const TIME_SHIFT_POLICY =
  'every datetime cell of a case is shifted by the same amount so that its newest row is at now − 1 minute (spacing kept; a row without TimeGenerated gets that time); the query API timespan is the rule queryPeriod (NRT: 1d) ending now';

function summarize(rules: RuleResult[]): TestReport['summary'] {
  const s = { rules: rules.length, cases: 0, valid: 0, invalid: 0, pass: 0, fail: 0, error: 0, skip: 0 };
  for (const r of rules) for (const c of r.cases) (s.cases++, s[c.status]++);
  return s;
}

const baseCase = (c: PlannedCase, showQueries: boolean): Omit<CaseResult, 'status'> => ({
  name: c.name,
  expect: c.expect,
  problems: c.problems,
  skipReason: c.skipReason,
  shift: c.shadow.shift,
  ...(showQueries && c.shadow.text ? { query: c.shadow.text } : {}),
});

/** A rule's result around its cases (live and offline runs report rules the same way). */
export const ruleShell = (r: PlannedRule, cases: CaseResult[]): RuleResult => ({
  templateId: r.templateId,
  name: r.name,
  kind: r.kind,
  file: r.file,
  trigger: describeTrigger(r.trigger),
  window: r.window,
  tables: r.tables,
  cases,
});

export function offlineReport(plan: TestPlan, opts: { showQueries?: boolean } = {}): TestReport {
  const rules = plan.rules.map((r) =>
    ruleShell(
      r,
      r.cases.map((c) => ({
        ...baseCase(c, !!opts.showQueries),
        status: c.problems.length ? 'invalid' : c.skipReason ? 'skip' : 'valid',
      })),
    ),
  );
  return {
    mode: 'offline',
    now: plan.now.toISOString(),
    timeShift: TIME_SHIFT_POLICY,
    summary: summarize(rules),
    rules,
    notes: plan.notes,
  };
}

/** The `Count` of a `| count` result. */
export function countOf(t: QueryTable): number {
  const i = t.columns.findIndex((c) => c.name === 'Count');
  if (i < 0)
    throw new WorkspaceQueryError(
      `unexpected result: no Count column (columns: ${t.columns.map((c) => c.name).join(', ') || 'none'})`,
      200,
      undefined,
      false,
    );
  const v = t.rows[0]?.[i];
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new WorkspaceQueryError(`unexpected result: Count is ${JSON.stringify(v)}`, 200, undefined, false);
  return n;
}

export interface LiveOptions {
  /** concurrent queries (the query API allows 5 concurrent per user; default 4) */
  concurrency?: number;
  showQueries?: boolean;
  workspace: { label: string; workspaceId: string; endpoint: string };
}

export async function runLive(plan: TestPlan, query: WorkspaceQuery, opts: LiveOptions): Promise<TestReport> {
  const limit = pLimit(Math.max(1, opts.concurrency ?? 4));
  let fatal: string | undefined;
  const runCase = async (c: PlannedCase, rule: PlannedRule): Promise<CaseResult> => {
    const base = baseCase(c, !!opts.showQueries);
    if (c.problems.length) return { ...base, status: 'error', error: 'not run: the shadow query is not valid' };
    if (c.skipReason) return { ...base, status: 'skip' };
    if (c.shadow.liveSkipReason) return { ...base, skipReason: c.shadow.liveSkipReason, status: 'skip' };
    if (fatal) return { ...base, status: 'error', error: `not run: ${fatal}` };
    try {
      const count = countOf(await query(c.shadow.text, c.timespan));
      const actual = fires(count, rule.trigger) ? 'fire' : 'no-fire';
      return { ...base, status: actual === c.expect ? 'pass' : 'fail', actual, count };
    } catch (e) {
      if (e instanceof WorkspaceQueryError) {
        if (e.fatal && !fatal) fatal = e.message;
        return { ...base, status: 'error', error: e.message };
      }
      throw e;
    }
  };
  const rules = await Promise.all(
    plan.rules.map(async (r) => ruleShell(r, await Promise.all(r.cases.map((c) => limit(() => runCase(c, r)))))),
  );
  return {
    mode: 'live',
    now: plan.now.toISOString(),
    timeShift: TIME_SHIFT_POLICY,
    workspace: opts.workspace,
    summary: summarize(rules),
    rules,
    notes: plan.notes,
    ...(fatal ? { fatal } : {}),
  };
}
