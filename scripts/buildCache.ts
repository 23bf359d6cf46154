/**
 * The rebuild cache: what the analyzer, the report's highlighting and the offline rule tests computed for a build,
 * kept in one file beside the output folder (`.out.btg-cache` for `out/`, next to the `.out-tmp-*` folders a build
 * already writes there), so a rebuild of an unchanged pack never loads the Kusto bridge.
 *
 * - Entries are keyed by the sha256 of the query text (or a rule's test key) with the schemas the analyzer declares;
 *   the whole file by the analyzer package's version and a hash of btg's own code, so any change recomputes.
 * - A file is ours only when it starts with MAGIC; anything else at that path (a foreign file, a folder, a symbolic
 *   link) is neither read nor replaced. A file of ours that does not parse, or an entry of the wrong shape, is
 *   ignored and recomputed; the file is replaced atomically (temp file + rename) after a successful build.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { AnalysisStore, KqlAnalyzer, StoredKind } from './kql/analyzer';
import { PACK_ROOT } from './paths';

/** First line of every cache file: what it is and its format. */
export const MAGIC = 'breakglass-sentinel build cache 1\n';
/** Larger files are not read (a cache of a big pack is ~1 MB). */
const MAX_BYTES = 64 * 1024 * 1024;

interface CacheFile {
  /** analyzer package version + btg code hash: entries of another version are dropped */
  version: string;
  entries: Record<string, unknown>;
  /** the last build written to the output folder, for a rebuild with nothing changed */
  build?: BuildRecord;
}

/**
 * What a written build leaves for the next one: the fingerprint of all its inputs and the hash of every file it wrote.
 * When both still match, `btg build` has nothing to do (upToDateBuild) and prints what the build printed.
 */
export interface BuildRecord {
  /** inputsFingerprint() of the build */
  fingerprint: string;
  /** every file written into the output folder (relative path) and the sha256 of its bytes */
  files: Record<string, string>;
  /** the artifacts' kinds, in order (the build line counts them) */
  kinds: string[];
  /** templates left out, with why (printed by the build) */
  skipped: { templateId: string; reason: string }[];
  /** the report's path inside the output folder */
  report: string;
}

export interface BuildCache {
  /** the cache file's path */
  readonly file: string;
  /** the store for an analyzer (its schemas are part of every key) */
  storeFor(analyzer: KqlAnalyzer): AnalysisStore;
  /** entries found / computed in this build */
  readonly stats: { hits: number; misses: number };
  /** why the file was not used, if it was not (a foreign file is left alone) */
  readonly note?: string;
  /** Remember the build just written (saved with the entries). */
  recordBuild(record: BuildRecord): void;
  /** Write the entries this build used (nothing when all came from the file or the file is not ours). */
  save(): void;
}

/** `.out.btg-cache` beside `out/`. */
export function cacheFileFor(outDir: string): string {
  const abs = path.resolve(outDir);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.btg-cache`);
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

let versionMemo: string | undefined;
/** The analyzer package's version and a hash of btg's compiled code (the evaluator and checks live there). */
export function cacheVersion(): string {
  if (versionMemo) return versionMemo;
  const h = createHash('sha256');
  try {
    const pkg = require.resolve('@kusto/language-service-next/package.json');
    h.update(`kusto ${JSON.parse(fs.readFileSync(pkg, 'utf8')).version}\n`);
  } catch {
    h.update('kusto ?\n');
  }
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|ts|json)$/.test(e.name)) h.update(`${path.relative(__dirname, p)}\n`).update(fs.readFileSync(p));
    }
  };
  walk(__dirname);
  return (versionMemo = h.digest('hex'));
}

const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
const isStrArray = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
const isRangeArray = (x: unknown) =>
  Array.isArray(x) && x.every((r) => r && typeof r === 'object' && isNum(r.start) && isNum(r.length));

/** The shape each kind must have to be used (a damaged or forged entry is recomputed, never trusted). */
const VALID: Record<StoredKind, (v: any) => boolean> = {
  analysis: (v) =>
    !!v &&
    typeof v === 'object' &&
    typeof v.open === 'boolean' &&
    Array.isArray(v.diagnostics) &&
    v.diagnostics.every(
      (d: any) =>
        d &&
        ['error', 'warning', 'info'].includes(d.severity) &&
        typeof d.code === 'string' &&
        typeof d.message === 'string' &&
        isNum(d.start) &&
        isNum(d.length),
    ) &&
    Array.isArray(v.columns) &&
    v.columns.every((c: any) => c && typeof c.name === 'string' && typeof c.type === 'string') &&
    isStrArray(v.unknownTables) &&
    isStrArray(v.filterVariables) &&
    isStrArray(v.tables) &&
    isRangeArray(v.unboundedScans) &&
    v.unboundedScans.every((u: any) => typeof u.text === 'string') &&
    isRangeArray(v.ingestionTimeFilters) &&
    isRangeArray(v.tableScans) &&
    v.tableScans.every((t: any) => typeof t.table === 'string' && typeof t.ingestionFiltered === 'boolean'),
  classification: (v) => isRangeArray(v) && v.every((r: any) => typeof r.kind === 'string'),
  'test-summary': (v) =>
    !!v &&
    typeof v === 'object' &&
    isNum(v.cases) &&
    isNum(v.passed) &&
    (v.mutation === undefined ||
      (!!v.mutation && isNum(v.mutation.killed) && isNum(v.mutation.total) && isNum(v.mutation.score))),
};

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Read the cache file; `ours` false means something else sits at that path and must be left alone. */
function readCacheFile(file: string): { ours: boolean; data?: CacheFile; note?: string } {
  const st = lstat(file);
  if (!st) return { ours: true };
  if (!st.isFile()) return { ours: false, note: `left ${file} alone: not a file btg wrote` };
  if (st.size > MAX_BYTES) return { ours: false, note: `left ${file} alone: too large for a btg cache` };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { ours: false, note: `left ${file} alone: it cannot be read` };
  }
  if (!text.startsWith(MAGIC)) return { ours: false, note: `left ${file} alone: it is not a btg build cache` };
  try {
    const data = JSON.parse(text.slice(MAGIC.length)) as CacheFile;
    if (data && typeof data.version === 'string' && data.entries && typeof data.entries === 'object')
      return { ours: true, data };
  } catch {
    /* damaged: ours, recomputed and replaced */
  }
  return { ours: true };
}

/** The schemas an analyzer declares, hashed once per analyzer. */
const schemaHashes = new WeakMap<KqlAnalyzer, string>();
function schemaHash(analyzer: KqlAnalyzer): string {
  let h = schemaHashes.get(analyzer);
  if (!h) {
    const tables = Object.keys(analyzer.tables)
      .sort()
      .map((t) => [t, analyzer.tables[t]]);
    h = sha256(JSON.stringify([tables, analyzer.functions]));
    schemaHashes.set(analyzer, h);
  }
  return h;
}

export function openBuildCache(outDir: string): BuildCache {
  const file = cacheFileFor(outDir);
  const read = readCacheFile(file);
  const version = cacheVersion();
  const found: Record<string, unknown> =
    read.data && read.data.version === version ? Object.assign(Object.create(null), read.data.entries) : {};
  /** what this build read or computed: the next file holds exactly these */
  const used: Record<string, unknown> = Object.create(null);
  let changed = false;
  let build = read.data?.version === version ? read.data.build : undefined;
  const stats = { hits: 0, misses: 0 };
  return {
    file,
    stats,
    note: read.note,
    storeFor(analyzer) {
      const keyOf = (kind: StoredKind, key: string) => sha256(`${kind}\u0000${schemaHash(analyzer)}\u0000${key}`);
      return {
        get(kind, key) {
          const k = keyOf(kind, key);
          const v = Object.prototype.hasOwnProperty.call(found, k) ? found[k] : undefined;
          if (v === undefined || !VALID[kind](v)) {
            stats.misses++;
            return undefined;
          }
          stats.hits++;
          used[k] = v;
          return v;
        },
        set(kind, key, value) {
          const k = keyOf(kind, key);
          used[k] = value;
          changed = true;
        },
      };
    },
    recordBuild(record) {
      if (JSON.stringify(record) !== JSON.stringify(build)) changed = true;
      build = record;
    },
    save() {
      if (!read.ours) return;
      // nothing new and nothing dropped: the file already says it
      if (!changed && read.data?.version === version && Object.keys(used).length === Object.keys(found).length) return;
      const current = lstat(file);
      if (current && !current.isFile()) return;
      const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
      try {
        fs.writeFileSync(tmp, MAGIC + JSON.stringify({ version, build, entries: used } satisfies CacheFile), {
          flag: 'wx',
        });
        fs.renameSync(tmp, file);
      } catch {
        // a cache that cannot be written costs the next build time, nothing else
        try {
          fs.unlinkSync(tmp);
        } catch {
          /* never created */
        }
      }
    },
  };
}

// -------------------------------------------------------------------------------------------------------------
// a rebuild with nothing changed

/** Data the content stage reads from the pack (templates, the example config, bundled schemas and lists). */
const PACK_DATA = ['detections', 'playbooks', 'workbooks', 'examples', 'scripts', 'package.json'];

/**
 * Everything a build's output depends on: btg's code and the analyzer package (cacheVersion), the Node version, the
 * working folder (messages name paths relative to it), the config and output as given, the config's bytes and every
 * data file of the pack. Tens of milliseconds: no YAML is parsed, nothing is rendered.
 */
export function inputsFingerprint(configFile: string, outDir: string): string {
  const h = createHash('sha256');
  h.update(`${cacheVersion()}\n${process.version}\n${process.cwd()}\n${configFile}\n${outDir}\n`);
  h.update(`${path.resolve(configFile)}\n${path.resolve(outDir)}\n`).update(fs.readFileSync(configFile));
  const add = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const n of fs.readdirSync(p).sort()) if (!n.startsWith('.')) add(path.join(p, n));
    } else if (!/\.(ts|js|map)$/.test(p)) h.update(`\n${path.relative(PACK_ROOT, p)}\n`).update(fs.readFileSync(p));
  };
  for (const d of PACK_DATA) if (fs.existsSync(path.join(PACK_ROOT, d))) add(path.join(PACK_ROOT, d));
  return h.digest('hex');
}

/** A record's shape, checked before it is trusted. */
function isBuildRecord(r: any): r is BuildRecord {
  return (
    !!r &&
    typeof r.fingerprint === 'string' &&
    !!r.files &&
    typeof r.files === 'object' &&
    Object.entries(r.files).every(([k, v]) => typeof k === 'string' && typeof v === 'string') &&
    isStrArray(r.kinds) &&
    Array.isArray(r.skipped) &&
    r.skipped.every((x: any) => x && typeof x.templateId === 'string' && typeof x.reason === 'string') &&
    typeof r.report === 'string'
  );
}

/** A path the record may name: inside the folder, not hidden (btg writes no hidden file), no `..`. */
const safeRelative = (p: string) =>
  !!p && !path.isAbsolute(p) && p.split(/[\\/]/).every((seg) => seg !== '' && seg !== '..' && !seg.startsWith('.'));

/**
 * The record of the last build into `outDir` when nothing it depends on changed and the folder still holds exactly
 * what it wrote (every file byte-identical, no interrupted build's leftovers beside or inside it); otherwise undefined
 * and the caller builds.
 */
export function upToDateBuild(configFile: string, outDir: string): BuildRecord | undefined {
  const read = readCacheFile(cacheFileFor(outDir));
  const record = read.data?.build;
  if (!read.data || read.data.version !== cacheVersion() || !isBuildRecord(record)) return undefined;
  const abs = path.resolve(outDir);
  const name = path.basename(abs);
  if (fs.readdirSync(path.dirname(abs)).some((n) => n.startsWith(`.${name}-tmp-`) || n.startsWith(`.${name}-old-`)))
    return undefined;
  if (lstat(path.join(abs, '.btg-partial'))) return undefined;
  if (record.fingerprint !== inputsFingerprint(configFile, outDir)) return undefined;
  for (const [rel, sha] of Object.entries(record.files)) {
    if (!safeRelative(rel)) return undefined;
    const file = path.join(abs, rel);
    if (!lstat(file)?.isFile() || sha256(fs.readFileSync(file)) !== sha) return undefined;
  }
  return record;
}

/** The record of a build that wrote `artifacts` (path, kind, content) into its output folder. */
export function buildRecord(
  configFile: string,
  outDir: string,
  artifacts: readonly { path: string; kind: string; content: string | Buffer }[],
  skipped: BuildRecord['skipped'],
  report: string,
): BuildRecord {
  return {
    fingerprint: inputsFingerprint(configFile, outDir),
    files: Object.fromEntries(artifacts.map((a) => [a.path, sha256(a.content)])),
    kinds: artifacts.map((a) => a.kind),
    skipped,
    report,
  };
}
