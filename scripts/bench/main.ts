/**
 * `npm run bench`: prints figures (wall times, rates, ratios). Timed here, never in tests.
 * Sections: build (cold `btg build` in a fresh process), validate (many files vs a bare analyzer loop),
 * test (offline rule tests and mutation run), deploy (emulator, when available). `npm run bench -- validate` runs one section.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KqlAnalyzer } from '../kql/analyzer';
import { EXAMPLE_CONFIG, PACK_ROOT } from '../paths';
import { validateRuleFiles } from '../validate/files';
import { CorpusReport, writeCorpus } from './corpus';

const fmt = (n: number, d = 1) => n.toFixed(d);

function benchBuild(): void {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-bench-out-'));
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    execFileSync(
      process.execPath,
      [path.join(PACK_ROOT, 'bin', 'btg.js'), 'build', '--config', EXAMPLE_CONFIG, '--out', path.join(out, `o${i}`)],
      { stdio: 'pipe' },
    );
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'o0', 'manifest.json'), 'utf8'));
  console.log(
    `build  cold \`btg build\` (new process each run, ${manifest.artifacts.length} artifacts): ${runs.map((r) => `${fmt(r, 0)} ms`).join(', ')}; best ${fmt(Math.min(...runs), 0)} ms`,
  );
  if (!process.env.BTG_CORPUS_REPORTS) fs.rmSync(out, { recursive: true, force: true });
}

async function benchValidate(n: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-bench-rules-'));
  const corpus = writeCorpus(dir, n);
  const kb = corpus.reduce((s, r) => s + Buffer.byteLength(r.query), 0) / 1024;
  console.log(
    `validate  corpus: ${n} rules, ${fmt(kb / n, 2)} KB of KQL per rule on average (${fmt(kb, 0)} KB), ${os.cpus().length} cores`,
  );

  // bare loop: one analyzer, analyse every query once, nothing else (the floor of any validator)
  const t0 = process.hrtime.bigint();
  const analyzer = new KqlAnalyzer();
  const tLoaded = process.hrtime.bigint();
  for (const r of corpus) analyzer.analyze(r.query);
  const bare = Number(process.hrtime.bigint() - t0) / 1e6;
  const bareAnalyze = Number(process.hrtime.bigint() - tLoaded) / 1e6;
  console.log(
    `validate  bare analyzer loop (1 thread): ${fmt(bare, 0)} ms (${fmt((n / bare) * 1000)} rules/s; ${fmt(bareAnalyze / kb, 2)} ms per KB)`,
  );

  for (const jobs of [1, os.cpus().length]) {
    const t1 = process.hrtime.bigint();
    const diags = await validateRuleFiles(
      corpus.map((r) => r.file),
      { jobs },
    );
    const ms = Number(process.hrtime.bigint() - t1) / 1e6;
    const errors = diags.filter((d) => d.severity === 'error').length;
    console.log(
      `validate  \`btg validate\` ${n} files, ${jobs} worker(s): ${fmt(ms, 0)} ms (${fmt((n / ms) * 1000)} rules/s), ratio to bare loop ${fmt(ms / bare, 2)}x, ${errors} errors`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
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
    // exit 1 means the corpus has findings, which it does; only a tool error (2) stops the bench
    const run = spawnSync(
      process.execPath,
      [
        path.join(__dirname, 'corpus.js'),
        root,
        '--bench',
        '--report',
        report,
        ...(limit ? ['--limit', String(limit)] : []),
        ...tables.flatMap((t) => ['--tables', t]),
      ],
      { stdio: 'pipe' },
    );
    if (run.status !== 0 && run.status !== 1) throw new Error(`corpus run failed (${run.status}): ${run.stderr}`);
    const r = JSON.parse(fs.readFileSync(report, 'utf8')) as CorpusReport;
    console.log(
      `corpus  ${r.files} files, ${r.threads} thread(s): ${fmt(r.ms, 0)} ms; bare loop over the same ${r.bare!.queries} queries (1 thread): ${fmt(r.bare!.ms, 0)} ms; ratio ${fmt(r.bare!.ratio, 2)}x (schemas loaded once: ${fmt(r.schemaMs, 0)} ms, not timed on either side)`,
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
