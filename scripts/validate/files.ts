/** Validate a user's own Azure-Sentinel rule files (not pack templates), in-process or across worker threads. */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { loadUserRuleFile } from '../content/load';
import { rangeOfPath, lineText } from '../content/yamlSource';
import { KqlAnalyzer } from '../kql/analyzer';
import { loadSchemaDir, TableSchemas } from '../kql/schemas';
import { Diagnostic, Range } from './diagnostic';
import { validateRule } from './run';

export interface FileResult {
  file: string;
  diagnostics: Diagnostic[];
  id?: { value: string; range?: Range; line?: string };
  name?: { value: string; range?: Range; line?: string };
}

/** One file: load, analyse, run the rule checks. */
export function validateRuleFile(file: string, analyzer: KqlAnalyzer): FileResult {
  const loaded = loadUserRuleFile(file);
  const out: FileResult = { file, diagnostics: [...loaded.diagnostics] };
  for (const item of loaded.items) {
    out.diagnostics.push(...validateRule(item, analyzer));
    const at = (p: string) => {
      const range = rangeOfPath(item.source, [p]);
      return { range, line: range ? lineText(item.source, range.start.line) : undefined };
    };
    out.id = { value: item.rule.id, ...at('id') };
    out.name = { value: item.rule.name, ...at('name') };
  }
  return out;
}

/** Uniqueness of ids and names across the files (both files named). */
export function acrossFiles(results: FileResult[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const key of ['id', 'name'] as const) {
    const seen = new Map<string, string>();
    for (const r of results) {
      const v = r[key];
      if (!v) continue;
      const k = v.value.trim().toLowerCase();
      const prev = seen.get(k);
      if (prev) out.push({ code: key === 'id' ? 'pack-unique-ids' : 'pack-unique-names', severity: 'error', file: r.file, range: v.range, sourceLine: v.line, path: [key], message: `duplicate ${key} "${v.value}": also used by ${prev}` });
      else seen.set(k, r.file);
    }
  }
  return out;
}

export interface ValidateFilesOptions {
  schemasDir?: string;
  /** worker threads; default: one per core (at most the number of files / 8), 1 = in-process */
  jobs?: number;
}

function canUseWorkers(): boolean {
  // Workers load the compiled worker script; under ts-jest (running .ts sources) stay in-process.
  return __filename.endsWith('.js');
}

export async function validateRuleFiles(files: string[], opts: ValidateFilesOptions = {}): Promise<Diagnostic[]> {
  const tables: TableSchemas | undefined = opts.schemasDir ? loadSchemaDir(opts.schemasDir) : undefined;
  const jobs = Math.max(1, Math.min(opts.jobs ?? os.availableParallelism?.() ?? os.cpus().length, Math.ceil(files.length / 8)));
  let results: FileResult[];
  if (jobs <= 1 || !canUseWorkers()) {
    const analyzer = new KqlAnalyzer({ tables });
    results = files.map((f) => validateRuleFile(f, analyzer));
  } else {
    results = await runWorkers(files, jobs, opts.schemasDir);
  }
  return [...results.flatMap((r) => r.diagnostics), ...acrossFiles(results)];
}

/** Interleave files over the workers (neighbouring files tend to be alike in size), keep input order in the result. */
async function runWorkers(files: string[], jobs: number, schemasDir?: string): Promise<FileResult[]> {
  const chunks: { index: number; file: string }[][] = Array.from({ length: jobs }, () => []);
  files.forEach((file, index) => chunks[index % jobs].push({ index, file }));
  const results: FileResult[] = new Array(files.length);
  await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(path.join(__dirname, 'worker.js'), { workerData: { files: chunk.map((c) => c.file), schemasDir } });
          w.once('message', (msg: FileResult[] | { error: string }) => {
            if ('error' in msg) reject(new Error(msg.error));
            else {
              msg.forEach((r, i) => (results[chunk[i].index] = r));
              resolve();
            }
          });
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new Error(`validation worker exited with ${code}`)));
        }),
    ),
  );
  return results;
}
