import { checkOrder, runTasks, ScheduleError, Task } from '../../scripts/deploy/schedule';
import { InterruptedError } from '../../scripts/deploy/policies';

const tick = () => new Promise((r) => setTimeout(r, 2));

function recorder() {
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  const task = (key: string, level: number, opts: { group?: string; deps?: string[]; fail?: boolean } = {}): Task => ({
    key,
    group: opts.group ?? 'w',
    level,
    deps: opts.deps ?? [],
    run: async () => {
      running++;
      peak = Math.max(peak, running);
      log.push(`start ${key}`);
      await tick();
      running--;
      log.push(`end ${key}`);
      if (opts.fail) throw new Error(`${key} broke`);
    },
  });
  return { log, task, peak: () => peak };
}

test('levels are barriers within a workspace, and a level runs in parallel', async () => {
  const r = recorder();
  const tasks = [r.task('watchlist', 0), r.task('rule-a', 2), r.task('rule-b', 2), r.task('automation', 4)];
  const out = await runTasks(tasks, { concurrency: 10, stopped: () => false });
  expect([...out.values()].every((o) => o.status === 'done')).toBe(true);
  const at = (s: string) => r.log.indexOf(s);
  expect(at('end watchlist')).toBeLessThan(at('start rule-a'));
  expect(at('end rule-a')).toBeLessThan(at('start automation'));
  expect(at('end rule-b')).toBeLessThan(at('start automation'));
  expect(at('start rule-b')).toBeLessThan(at('end rule-a')); // parallel within the level
});

test('concurrency bounds the tasks in flight over all workspaces', async () => {
  const r = recorder();
  const tasks = Array.from({ length: 12 }, (_, i) => r.task(`t${i}`, 2, { group: `w${i % 3}` }));
  await runTasks(tasks, { concurrency: 3, stopped: () => false });
  expect(r.peak()).toBe(3);
});

test('a failure skips its dependents only; unrelated tasks and later levels still run', async () => {
  const r = recorder();
  const tasks = [
    r.task('playbook-a', 3, { fail: true }),
    r.task('playbook-b', 3),
    r.task('automation-a', 4, { deps: ['playbook-a'] }),
    r.task('automation-b', 4, { deps: ['playbook-b'] }),
    r.task('workbook', 5),
  ];
  const out = await runTasks(tasks, { concurrency: 4, stopped: () => false });
  expect(out.get('playbook-a')).toMatchObject({
    status: 'failed',
    error: expect.objectContaining({ message: 'playbook-a broke' }),
  });
  expect(out.get('automation-a')).toEqual({ status: 'skipped', blockedBy: ['playbook-a'] });
  expect(out.get('automation-b')!.status).toBe('done');
  expect(out.get('workbook')!.status).toBe('done');
  expect(r.log).not.toContain('start automation-a');
});

test('a refused task (a conflict) is skipped and blocks its dependents; a task without work is done', async () => {
  const r = recorder();
  const tasks: Task[] = [
    { key: 'rule', group: 'w', level: 2, deps: [], refuse: 'conflict' },
    r.task('meta', 2, { deps: ['rule'] }),
    { key: 'unchanged', group: 'w', level: 2, deps: [] },
  ];
  const out = await runTasks(tasks, { concurrency: 2, stopped: () => false });
  expect(out.get('rule')).toMatchObject({ status: 'skipped', error: expect.objectContaining({ message: 'conflict' }) });
  expect(out.get('meta')).toEqual({ status: 'skipped', blockedBy: ['rule'] });
  expect(out.get('unchanged')).toEqual({ status: 'done' });
});

test('after a stop request nothing new starts; what runs finishes', async () => {
  let stop = false;
  const started: string[] = [];
  const t = (key: string, level: number): Task => ({
    key,
    group: 'w',
    level,
    deps: [],
    run: async () => {
      started.push(key);
      stop = true; // Ctrl-C while the first level runs
      await tick();
    },
  });
  const out = await runTasks([t('a', 0), t('b', 1), t('c', 2)], { concurrency: 1, stopped: () => stop });
  expect(started).toEqual(['a']);
  expect(out.get('a')!.status).toBe('done');
  expect(out.get('b')!.status).toBe('interrupted');
  expect(out.get('c')!.status).toBe('interrupted');
});

test('an interrupted request counts as interrupted, not failed', async () => {
  const out = await runTasks(
    [
      {
        key: 'a',
        group: 'w',
        level: 0,
        deps: [],
        run: async () => {
          throw new InterruptedError();
        },
      },
    ],
    { concurrency: 1, stopped: () => false },
  );
  expect(out.get('a')!.status).toBe('interrupted');
});

test('a dependency on a later level is a cycle and is refused before anything runs', () => {
  const tasks: Task[] = [
    { key: 'meta', group: 'w', level: 2, deps: ['rule'] },
    { key: 'rule', group: 'w', level: 5, deps: [] },
  ];
  expect(() => checkOrder(tasks)).toThrow(ScheduleError);
  expect(() =>
    checkOrder([
      { key: 'a', group: 'w', level: 1, deps: ['b'] },
      { key: 'b', group: 'w', level: 1, deps: ['a'] },
    ]),
  ).toThrow(/cycle: a -> b -> a/);
});
