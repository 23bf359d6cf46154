/**
 * Run tasks in deploy order with bounded concurrency: within a group (a workspace) a task starts after every task of
 * a lower level has settled (LEVELS: watchlist → functions/hunting → rules → playbooks → automation rules → workbook →
 * monitor alert), and after its own dependencies succeeded; tasks of one level run in parallel, groups run in
 * parallel, and at most `concurrency` tasks run at a time overall (deploy passes no bound here: its clients bound the
 * HTTP requests in flight instead, see policies.ts).
 *
 * A failed task does not stop unrelated ones; a task whose dependency failed (an automation rule whose playbook
 * failed) is skipped. After a stop request no task starts; running ones finish.
 */
import pLimit from 'p-limit';
import { InterruptedError } from './policies';

export type TaskStatus = 'done' | 'failed' | 'skipped' | 'interrupted';

export interface TaskOutcome {
  status: TaskStatus;
  error?: Error;
  /** keys of the dependencies that did not succeed (skipped) */
  blockedBy?: string[];
}

export interface Task {
  /** unique over all groups */
  key: string;
  group: string;
  level: number;
  deps: string[];
  /** undefined: nothing to do (an unchanged artifact): done at once */
  run?: () => Promise<void>;
  /** not to be applied (a conflict): skipped with this reason, and its dependents with it */
  refuse?: string;
}

export interface ScheduleOptions {
  concurrency: number;
  stopped: () => boolean;
  onStart?: (t: Task) => void;
  onEnd?: (t: Task, o: TaskOutcome) => void;
}

export class ScheduleError extends Error {}

/** Throws ScheduleError when the level order and the dependencies contradict each other (a cycle). */
export function checkOrder(tasks: readonly Task[]): void {
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const edges = new Map<string, string[]>();
  for (const t of tasks) {
    const before = tasks.filter((o) => o.group === t.group && o.level < t.level).map((o) => o.key);
    edges.set(t.key, [...before, ...t.deps.filter((d) => byKey.has(d))]);
  }
  const state = new Map<string, 1 | 2>();
  const visit = (k: string, path: string[]) => {
    if (state.get(k) === 2) return;
    if (state.get(k) === 1)
      throw new ScheduleError(
        `deploy order has a cycle: ${[...path, k].join(' -> ')} (a dependency on an item of a later level?)`,
      );
    state.set(k, 1);
    for (const d of edges.get(k) ?? []) visit(d, [...path, k]);
    state.set(k, 2);
  };
  for (const t of tasks) visit(t.key, []);
}

export async function runTasks(tasks: readonly Task[], opts: ScheduleOptions): Promise<Map<string, TaskOutcome>> {
  checkOrder(tasks);
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const limit = pLimit(Math.max(1, opts.concurrency));
  const promises = new Map<string, Promise<TaskOutcome>>();

  const outcome = (t: Task): Promise<TaskOutcome> => {
    let p = promises.get(t.key);
    if (!p) {
      p = settle(t);
      promises.set(t.key, p);
    }
    return p;
  };

  const settle = async (t: Task): Promise<TaskOutcome> => {
    await Promise.all(tasks.filter((o) => o.group === t.group && o.level < t.level).map(outcome));
    const deps = t.deps.filter((d) => byKey.has(d));
    const results = await Promise.all(deps.map((d) => outcome(byKey.get(d)!)));
    let o: TaskOutcome;
    if (t.refuse) o = { status: 'skipped', error: new Error(t.refuse) };
    else if (!t.run) o = { status: 'done' };
    else if (opts.stopped()) o = { status: 'interrupted' };
    else {
      const blockedBy = deps.filter((_, i) => results[i].status !== 'done');
      if (blockedBy.length) o = { status: 'skipped', blockedBy };
      else o = await limit(() => execute(t));
    }
    opts.onEnd?.(t, o);
    return o;
  };

  const execute = async (t: Task): Promise<TaskOutcome> => {
    if (opts.stopped()) return { status: 'interrupted' };
    opts.onStart?.(t);
    try {
      await t.run!();
      return { status: 'done' };
    } catch (e) {
      if (e instanceof InterruptedError || (e as Error).name === 'AbortError')
        return { status: 'interrupted', error: e as Error };
      return { status: 'failed', error: e as Error };
    }
  };

  const all = await Promise.all(tasks.map(async (t) => [t.key, await outcome(t)] as const));
  return new Map(all);
}
