/**
 * Validate a user's own Azure-Sentinel content files (analytic rules of every kind, hunting queries, moved stubs),
 * not pack templates: in-process, or on the main thread plus worker threads when there are enough files to pay
 * for starting them. One file's failure of any kind is a diagnostic for that file; the run goes on.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { KqlAnalyzer } from '../kql/analyzer';
import { loadSchemaSources, SchemaSet } from '../kql/schemas';
import { Diagnostic, Range } from '../core/diagnostic';
import { duplicates } from '../core/duplicates';
import { validateRule, validateUserHunting } from './run';
import { ContentShape, loadUserContentFile } from './userContent';

export interface FileResult {
  file: string;
  shape?: ContentShape;
  diagnostics: Diagnostic[];
  id?: { value: string; range?: Range; line?: string };
  name?: { value: string; range?: Range; line?: string };
  /** queries analysed (for the corpus report) */
  queries?: number;
}

/** One file: load, classify, analyse, run the checks of its kind. Never throws. */
export function validateContentFile(file: string, analyzer: KqlAnalyzer): FileResult {
  try {
    const loaded = loadUserContentFile(file);
    const out: FileResult = {
      file,
      shape: loaded.shape,
      diagnostics: [...loaded.diagnostics],
      id: loaded.id,
      name: loaded.name,
      queries: 0,
    };
    for (const item of loaded.rules) {
      out.diagnostics.push(...validateRule(item, analyzer));
      out.queries!++;
    }
    for (const item of loaded.hunting) {
      out.diagnostics.push(...validateUserHunting(item, analyzer));
      out.queries!++;
    }
    return out;
  } catch (e) {
    return {
      file,
      diagnostics: [
        {
          code: 'internal-error',
          severity: 'error',
          file,
          message: `validating this file failed: ${(e as Error)?.message ?? String(e)}`,
        },
      ],
    };
  }
}

/** @deprecated name kept for callers of the rule-only API */
export const validateRuleFile = validateContentFile;

/** Ids unique among analytic rules (Azure-Sentinel CI: NoSameTemplateIdTwice) and among hunting queries; repeated names are a warning. */
export function acrossFiles(results: FileResult[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const group = (r: FileResult) => (r.shape === 'hunting' ? 'hunting query' : 'analytic rule');
  const counted = results.filter((r) => r.shape && r.shape !== 'moved' && r.shape !== 'unknown');
  for (const key of ['id', 'name'] as const) {
    for (const { item: r, first } of duplicates(counted, (r) => r[key]?.value, { group })) {
      const v = r[key]!;
      out.push({
        code: key === 'id' ? 'pack-unique-ids' : 'pack-unique-names',
        severity: key === 'id' && r.shape !== 'hunting' ? 'error' : 'warning',
        file: r.file,
        range: v.range,
        sourceLine: v.line,
        path: [key],
        message: `duplicate ${group(r)} ${key} "${v.value}"`,
        related: [{ message: 'also used by', file: first.file, range: first[key]?.range }],
      });
    }
  }
  return out;
}

const GLOB_CHARS = /[*?[]/;

/** A glob segment (`*`, `?`, `[abc]`) as a RegExp; `**` is handled by the walker. */
function segmentRe(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${seg
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function globMatch(pattern: string): string[] {
  const abs = path.isAbsolute(pattern);
  const segs = pattern.split(/[\\/]+/).filter((s, i) => s !== '' || (i === 0 && abs));
  const results: string[] = [];
  const step = (base: string, i: number) => {
    if (i === segs.length) {
      results.push(base);
      return;
    }
    const seg = segs[i];
    if (seg === '' && i === 0) return step(path.sep, 1);
    if (!GLOB_CHARS.test(seg)) {
      const next = base ? path.join(base, seg) : seg;
      if (fs.existsSync(next)) step(next, i + 1);
      return;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(base || '.', { withFileTypes: true });
    } catch {
      return;
    }
    if (seg === '**') {
      step(base, i + 1);
      for (const e of entries)
        if (e.isDirectory() && !e.name.startsWith('.')) step(base ? path.join(base, e.name) : e.name, i);
      return;
    }
    const re = segmentRe(seg);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name)))
      if (re.test(e.name) && (!e.name.startsWith('.') || seg.startsWith('.')))
        step(base ? path.join(base, e.name) : e.name, i + 1);
  };
  step('', 0);
  return [...new Set(results)];
}

function walkYaml(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkYaml(p, out);
    else if (/\.ya?ml$/i.test(e.name)) out.push(p);
  }
}

/**
 * Arguments to files: a file as given, a directory walked for *.yaml / *.yml (hidden folders skipped), a glob
 * (quoted, so the shell did not expand it: `*`, `?`, `[..]`, `**`). A missing path or a glob or folder that
 * yields nothing is an error (the caller exits 2).
 */
export function expandInputs(args: string[]): { files: string[]; errors: string[] } {
  const files: string[] = [];
  const errors: string[] = [];
  for (const a of args) {
    if (fs.existsSync(a)) {
      if (fs.statSync(a).isDirectory()) {
        const found: string[] = [];
        walkYaml(a, found);
        if (!found.length) errors.push(`${a}: folder holds no *.yaml or *.yml file`);
        files.push(...found);
      } else files.push(a);
      continue;
    }
    if (GLOB_CHARS.test(a)) {
      const matched: string[] = [];
      for (const m of globMatch(a)) {
        // a dangling link the pattern matched is a file to report (file-read), not the end of the run
        if (fs.statSync(m, { throwIfNoEntry: false })?.isDirectory()) walkYaml(m, matched);
        else matched.push(m);
      }
      if (!matched.length) errors.push(`${a}: no file matches this pattern`);
      files.push(...matched);
      continue;
    }
    errors.push(`${a}: no such file or directory`);
  }
  return { files: [...new Set(files)], errors };
}

export interface ValidateFilesOptions {
  /** `--schemas` sources: folders or files of custom-table JSON, function JSON, ASIM parser YAML */
  schemas?: string[];
  /** @deprecated one schema folder */
  schemasDir?: string;
  /** threads in all (main + workers); default: one per spare core (threadsFor), 1 = in-process */
  jobs?: number;
  /** a schema set already loaded (the corpus runner loads it once) */
  schemaSet?: SchemaSet;
}

export interface ValidateFilesResult {
  diagnostics: Diagnostic[];
  results: FileResult[];
  /** threads used (1 = main thread only) */
  threads: number;
}

/**
 * Files per thread below which no worker is started. A worker's start (its own Kusto.Language bridge, its static
 * tables and its JIT warm-up, ~1.8 s of CPU) costs what the warm main thread spends on 60-80 average files, and two
 * isolates analysing at once each run ~25% slower on 2 cores (their garbage collectors compete). Measured on 2 cores:
 * 36 files took 1.46x the single-threaded loop with a worker and 1.03x without; 1,000 files 0.71-0.77x with one.
 */
export const MIN_FILES_PER_WORKER = 100;

function canUseWorkers(): boolean {
  // Workers load the compiled worker script; under Jest (running .ts sources) stay in-process.
  return __filename.endsWith('.js') && fs.existsSync(path.join(__dirname, 'worker.js'));
}

/** What the machine's cores and this process had spent by `at` (ms; os.cpus() counts in 10 ms ticks). */
export interface CpuSample {
  at: number;
  busy: number;
  idle: number;
  own: number;
}
export function cpuSample(): CpuSample {
  let busy = 0;
  let idle = 0;
  for (const { times: t } of os.cpus()) {
    busy += t.user + t.nice + t.sys + t.irq;
    idle += t.idle;
  }
  const u = process.cpuUsage();
  return { at: performance.now(), busy, idle, own: (u.user + u.system) / 1000 };
}
/** taken when this module loads: what other processes do while btg starts up is what they will go on doing */
const startSample = cpuSample();

/**
 * Cores' worth of CPU that other processes used between two samples (this process's own use taken out), or undefined
 * when less than `minMs` passed (too few 10 ms ticks to tell).
 */
export function busyElsewhere(since: CpuSample, now: CpuSample, minMs = 150): number | undefined {
  const elapsed = now.at - since.at;
  if (elapsed < minMs) return undefined;
  return Math.max(0, now.busy - since.busy - (now.own - since.own)) / elapsed;
}

/** Cores not busy with other work (`elsewhere`: cores' worth used by other processes), at least one. */
export function spareCores(cores: number, elsewhere: number): number {
  return Math.max(1, Math.min(cores, Math.ceil(cores - elsewhere - 0.25)));
}

/**
 * Spare cores, measured: what other processes used since btg started (busyElsewhere), waiting until 150 ms have passed
 * when it started just now. Not the 1-minute load average, which lags by minutes: right after a heavy job ended it
 * still read "busy", and `btg validate` ran a thousand files on one thread of an idle machine.
 */
export async function measuredSpareCores(since = startSample, minMs = 150): Promise<number> {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  if (cores < 2) return 1;
  let now = cpuSample();
  if (now.at - since.at < minMs) {
    await new Promise((r) => setTimeout(r, minMs - (now.at - since.at)));
    now = cpuSample();
  }
  return spareCores(cores, busyElsewhere(since, now, minMs) ?? os.loadavg()[0]);
}

/** Threads for `files` files: `jobs` when given (1 = in-process), else one per spare core; one per MIN_FILES_PER_WORKER files at most. */
export function threadsFor(files: number, jobs: number | undefined, spare: number): number {
  return Math.max(1, Math.min(jobs ?? spare, Math.floor(files / MIN_FILES_PER_WORKER) + 1));
}

export async function validateContentFiles(
  files: string[],
  opts: ValidateFilesOptions = {},
): Promise<ValidateFilesResult> {
  const sources = [...(opts.schemas ?? []), ...(opts.schemasDir ? [opts.schemasDir] : [])];
  const schemaSet = opts.schemaSet ?? (sources.length ? loadSchemaSources(sources) : undefined);
  // measured only when a worker could be started (what the measure may cost: up to 150 ms)
  const threads =
    !canUseWorkers() || threadsFor(files.length, opts.jobs, Infinity) === 1
      ? 1
      : threadsFor(files.length, opts.jobs, opts.jobs ? Infinity : await measuredSpareCores());
  const results = await runPool(files, threads, schemaSet);
  return {
    diagnostics: [
      ...(opts.schemaSet ? [] : (schemaSet?.diagnostics ?? [])),
      ...results.flatMap((r) => r.diagnostics),
      ...acrossFiles(results),
    ],
    results,
    threads,
  };
}

/** Compatibility: diagnostics only. */
export async function validateRuleFiles(files: string[], opts: ValidateFilesOptions = {}): Promise<Diagnostic[]> {
  return (await validateContentFiles(files, opts)).diagnostics;
}

/**
 * The main thread and (threads - 1) workers pull files from one queue (dynamic balance: rule sizes vary a lot).
 * Workers get small batches, two in flight, so they never wait for the main thread, which yields between files.
 */
async function runPool(files: string[], threads: number, schemaSet?: SchemaSet): Promise<FileResult[]> {
  const results: FileResult[] = new Array(files.length);
  let next = 0;
  const take = (n: number): number[] => {
    const idx: number[] = [];
    while (idx.length < n && next < files.length) idx.push(next++);
    return idx;
  };
  const workers: Promise<void>[] = [];
  const BATCH = 4;
  for (let w = 1; w < threads; w++) {
    workers.push(
      new Promise<void>((resolve) => {
        const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: { schemaSet } });
        const inFlight = new Map<number, number[]>();
        let seq = 0;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          void worker.terminate();
          resolve();
        };
        const send = () => {
          const idx = take(BATCH);
          if (!idx.length) return false;
          inFlight.set(++seq, idx);
          worker.postMessage({ seq, files: idx.map((i) => files[i]) });
          return true;
        };
        // a dead worker's unfinished files are done on the main thread
        const requeue = (why: string) => {
          for (const idx of inFlight.values())
            for (const i of idx)
              if (!results[i])
                results[i] = { file: files[i], diagnostics: [], retry: why } as FileResult & { retry: string };
          inFlight.clear();
          finish();
        };
        worker.on('message', (msg: { seq: number; results?: FileResult[]; error?: string }) => {
          const idx = inFlight.get(msg.seq);
          if (!idx) return;
          inFlight.delete(msg.seq);
          if (msg.error || !msg.results) {
            for (const i of idx)
              results[i] = { file: files[i], diagnostics: [], retry: msg.error ?? 'no results' } as FileResult & {
                retry?: string;
              };
          } else msg.results.forEach((r, k) => (results[idx[k]] = r));
          send();
          if (!inFlight.size) finish();
        });
        worker.once('online', () => {
          send() && send();
          if (!inFlight.size) finish();
        });
        worker.once('error', (e) => requeue(e.message));
        worker.once('exit', () => requeue('worker exited'));
      }),
    );
  }
  // the main thread works too; it builds its analyzer while the workers start
  const analyzer = new KqlAnalyzer({ tables: schemaSet?.tables, functions: schemaSet?.functions });
  for (;;) {
    const [i] = take(1);
    if (i === undefined) break;
    results[i] = validateContentFile(files[i], analyzer);
    if (threads > 1) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(workers);
  // anything a worker could not finish
  for (let i = 0; i < files.length; i++)
    if (!results[i] || (results[i] as FileResult & { retry?: string }).retry !== undefined)
      results[i] = validateContentFile(files[i], analyzer);
  return results;
}
