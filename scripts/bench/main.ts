/**
 * `npm run bench`: prints figures (wall times, rates, ratios). Timed here, never in tests.
 * Sections: build (floor, cold `btg build`, rebuild with nothing changed, in fresh processes), validate (a few dozen
 * and 1,000 files vs a bare analyzer loop),
 * test (offline rule tests and mutation run), deploy (emulator, when available). `npm run bench -- validate` runs one section.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheFileFor } from '../buildCache';
import { EXAMPLE_CONFIG, PACK_ROOT } from '../paths';
import { CorpusReport, writeCorpus } from './corpus';

const fmt = (n: number, d = 1) => n.toFixed(d);
const best = (xs: number[]) => Math.min(...xs);
const list = (xs: number[]) => `${xs.map((x) => fmt(x, 0)).join(', ')} ms; best ${fmt(best(xs), 0)} ms`;

/** Wall time of a fresh `node <args>` process, `runs` times (ms). */
function timeProcess(args: string[], runs: number, before?: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.(i);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: 'pipe' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    out.push(ms);
  }
  return out;
}

/**
 * Cold `btg build` (new process, no rebuild cache) against the floor (a process that loads Kusto.Language and analyses
 * one query), and a rebuild with nothing changed against a bare `node -e 0` plus reading the config.
 */
function benchBuild(): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-bench-build-'));
  const btg = (out: string) => [
    path.join(PACK_ROOT, 'bin', 'btg.js'),
    'build',
    '--config',
    EXAMPLE_CONFIG,
    '--out',
    out,
  ];
  const probes = path.join(__dirname, 'probes.js');
  const bare = timeProcess(['-e', '0'], 5);
  const floor = timeProcess([probes, 'floor'], 3);
  const config = timeProcess([probes, 'config'], 3);
  const outs = [0, 1, 2].map((i) => path.join(tmp, `o${i}`));
  const cold = outs.map((o) => timeProcess(btg(o), 1)[0]);
  const cache = cacheFileFor(outs[0]);
  const warm = timeProcess(btg(outs[0]), 3);
  const manifest = JSON.parse(fs.readFileSync(path.join(outs[0], 'manifest.json'), 'utf8'));
  console.log(`build  bare \`node -e 0\`: ${list(bare)}`);
  console.log(`build  floor (a process that loads Kusto.Language and analyses one query): ${list(floor)}`);
  console.log(`build  reading the config (a process that loads the example config): ${list(config)}`);
  console.log(
    `build  cold \`btg build\` (new process and output folder, no rebuild cache; ${manifest.artifacts.length} artifacts): ${list(cold)}; ratio to the floor ${fmt(best(cold) / best(floor), 2)}x (goal <= 2.0x)`,
  );
  console.log(
    `build  rebuild, nothing changed (${fs.existsSync(cache) ? `rebuild cache ${fmt(fs.statSync(cache).size / 1024, 0)} KB` : 'no rebuild cache'}): ${list(warm)}; ratio to reading the config ${fmt(best(warm) / best(config), 2)}x (goal <= 1.2x), to \`node -e 0\` ${fmt(best(warm) / best(bare), 2)}x`,
  );
  fs.rmSync(tmp, { recursive: true, force: true });
}

/**
 * `btg validate`'s runner over `n` synthetic rules (realistic size) against the bare single-threaded analyzer loop
 * over the same queries, each in a fresh process (corpus.js --bench), for a few dozen files and for `n`.
 */
async function benchValidate(n: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-bench-rules-'));
  const corpus = writeCorpus(path.join(dir, 'Detections'), n);
  const kb = corpus.reduce((s, r) => s + Buffer.byteLength(r.query), 0) / 1024;
  console.log(
    `validate  corpus: ${n} synthetic rules, ${fmt(kb / n, 2)} KB of KQL per rule on average (${fmt(kb, 0)} KB), ${os.cpus().length} cores`,
  );
  // as `btg validate` chooses (workers only on spare cores), then both cores forced on the large set
  for (const [limit, jobs] of [
    [36, undefined],
    [n, undefined],
    [n, os.cpus().length],
  ] as const) {
    const args = ['--limit', String(limit), ...(jobs ? ['--jobs', String(jobs)] : [])];
    const r = runCorpusBench(dir, path.join(dir, `r${limit}-${jobs ?? 'auto'}.json`), args);
    console.log(
      `validate  \`btg validate\` ${r.files} files, ${r.threads} thread(s)${jobs ? ` (--jobs ${jobs})` : ''}, 1-minute load ${fmt(os.loadavg()[0], 1)}: ${fmt(r.ms, 0)} ms; bare loop (1 thread): ${fmt(r.bare!.ms, 0)} ms; ratio ${fmt(r.bare!.ratio, 2)}x (goal <= ${limit < 100 ? '1.0' : '0.7'}x); CPU ${fmt(r.cpuMs! / 1000, 1)} s vs ${fmt(r.bare!.cpuMs! / 1000, 1)} s (${fmt(r.bare!.cpuRatio!, 2)}x); ${r.errors.length} errors`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** corpus.js --bench in a fresh process: exit 1 means the corpus has findings; only a tool error (2) stops the bench. */
function runCorpusBench(root: string, report: string, args: string[]): CorpusReport {
  const run = spawnSync(
    process.execPath,
    [path.join(__dirname, 'corpus.js'), root, '--bench', '--report', report, ...args],
    {
      stdio: 'pipe',
    },
  );
  if (run.status !== 0 && run.status !== 1) throw new Error(`corpus run failed (${run.status}): ${run.stderr}`);
  return JSON.parse(fs.readFileSync(report, 'utf8')) as CorpusReport;
}

/**
 * An Azure-Sentinel checkout (BTG_CORPUS=<path>): `btg validate`'s runner on every rule and hunting query with the
 * repository's schemas against the bare single-threaded analyzer loop over the same queries; all files on every
 * core, then a few dozen files (where no worker is started).
 */
async function benchCorpus(): Promise<void> {
  const root = process.env.BTG_CORPUS;
  if (!root) return console.log('corpus  (set BTG_CORPUS=<Azure-Sentinel checkout> to run)');
  const tables = process.env.BTG_CORPUS_TABLES ? [process.env.BTG_CORPUS_TABLES] : [];
  // each measurement in a fresh process (no side inherits a warm engine); the bare loop runs in its own process too
  const out = process.env.BTG_CORPUS_REPORTS ?? fs.mkdtempSync(path.join(os.tmpdir(), 'btg-bench-corpus-'));
  for (const limit of [undefined, 36]) {
    const report = path.join(out, `r${limit ?? 'all'}.json`);
    const r = runCorpusBench(root, report, [
      ...(limit ? ['--limit', String(limit)] : []),
      ...tables.flatMap((t) => ['--tables', t]),
    ]);
    console.log(
      `corpus  ${r.files} files, ${r.threads} thread(s): ${fmt(r.ms, 0)} ms; bare loop over the same ${r.bare!.queries} queries (1 thread): ${fmt(r.bare!.ms, 0)} ms; ratio ${fmt(r.bare!.ratio, 2)}x, CPU ${fmt(r.bare!.cpuRatio!, 2)}x (schemas loaded once: ${fmt(r.schemaMs, 0)} ms, not timed on either side)`,
    );
  }
  if (!process.env.BTG_CORPUS_REPORTS) fs.rmSync(out, { recursive: true, force: true });
}

type Section = () => Promise<void> | void;

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const sections: Record<string, Section> = {
    build: benchBuild,
    validate: () => benchValidate(Number(process.env.BTG_BENCH_RULES ?? 1000)),
    corpus: benchCorpus,
    test: async () => (await import('./offline')).benchOffline(),
    deploy: async () => {
      const modPath = path.join(__dirname, 'deploy.js');
      if (!fs.existsSync(modPath)) return console.log('deploy  (not available in this build)');
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      await require(modPath).benchDeploy();
    },
  };
  for (const [name, fn] of Object.entries(sections)) {
    if (only.length && !only.includes(name)) continue;
    await fn();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
