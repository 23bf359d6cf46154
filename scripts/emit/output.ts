/**
 * Writing `out/`: btg never deletes what it did not write.
 *
 * - It writes only into a folder that does not exist, is empty, or holds a previous btg output (its `manifest.json`
 *   with our generator). It refuses a file (or a path below one), a symbolic link, the current directory and its
 *   parents, the home directory, the config's folder, the pack root, and any folder that contains one of those.
 * - A previous output is replaced by removing only what its manifest lists (plus folders that become empty);
 *   anything else found inside it is moved into the new output untouched.
 * - The swap is atomic at every moment: the new output is written into `.<name>-tmp-*` beside `out/`, the old one is
 *   renamed to `.<name>-old-*`, the new one renamed in, then the old one emptied of our files. A build killed at any
 *   point leaves the old or the new output; the next build finds the leftovers by name and content and finishes the
 *   job (an old output whose `out/` is missing is renamed back). The folders of another build into the same output
 *   that is still running (their names carry its process id) are not leftovers: they are left alone.
 * - A folder that cannot be renamed (a mount point: EBUSY/EXDEV) is updated in place, file by file with atomic
 *   renames, with a `.btg-partial` list of every path in flight so a killed update is still cleaned up; a path that
 *   would lead through a symbolic link (or a file) inside the folder is refused before anything is written.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Artifact } from './artifacts';

/** `generator` of the manifest of every btg output. */
export const OUTPUT_GENERATOR = 'breakglass-sentinel';
export const MANIFEST_FILE = 'manifest.json';
/** The report is written after the manifest (it shows it), so the manifest cannot list it: it is ours by name. */
const UNLISTED_OWN_FILES = ['report.html'];
/** In a folder being written: the JSON list of every path btg is writing there. */
export const PARTIAL_MARKER = '.btg-partial';

export class OutputRefusedError extends Error {
  constructor(
    readonly outDir: string,
    readonly reason: string,
  ) {
    super(`refusing to write the output to ${outDir}: ${reason}`);
  }
}

export interface OutputGuard {
  /** the config file of this build: its folder is never an output */
  configFile?: string;
  cwd?: string;
  home?: string;
  /** the pack's own folder (repository root) */
  packRoot?: string;
}

/** Steps of a write, in order; tests stop after one to leave exactly what a killed build leaves. */
export type WriteStep = 'tmp-written' | 'old-aside' | 'new-in' | 'foreign-moved' | 'in-place-files';

export interface WriteOptions extends OutputGuard {
  /** test hook: return right after this step, as if the process had been killed there */
  stopAfter?: WriteStep;
  /** test hook: the rename used for the two folder renames of the swap (to simulate a mount point) */
  renameDir?: (from: string, to: string) => void;
}

export interface WriteResult {
  outDir: string;
  /** 'swap' (atomic folder swap) or 'in-place' (the folder could not be renamed, e.g. a mount point) */
  mode: 'swap' | 'in-place';
  /** what the write noticed and left alone (foreign files kept, leftovers recovered) */
  notes: string[];
}

// -------------------------------------------------------------------------------------------------------------
// paths

/** realpath of the longest existing prefix, plus the rest: comparable whether or not the path exists yet. */
function realish(p: string): string {
  const abs = path.resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...tail);
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return abs;
      tail.unshift(path.basename(head));
      head = parent;
    }
  }
}

/** true when `inner` is `outer` or inside it */
function within(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * A manifest or marker path that stays inside its folder and that btg could have written: btg never writes a hidden
 * file or folder, so a list naming `.git/HEAD`, `.env` or `.ssh/…` (a forged or tampered manifest) makes the folder
 * not a btg output — it is refused, nothing is deleted.
 */
function safeRelative(p: unknown): p is string {
  if (typeof p !== 'string' || !p || p.includes('\0') || path.isAbsolute(p) || /^[a-zA-Z]:/.test(p)) return false;
  return p.split(/[\\/]/).every((seg) => seg !== '' && !seg.startsWith('.'));
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

// -------------------------------------------------------------------------------------------------------------
// what is ours in a folder

/** The paths btg wrote into `dir`, from its manifest and/or in-flight marker; undefined when it is not a btg output. */
export function ownedPaths(dir: string): Set<string> | undefined {
  let owned: Set<string> | undefined;
  const manifestFile = path.join(dir, MANIFEST_FILE);
  if (lstat(manifestFile)?.isFile()) {
    try {
      const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { generator?: unknown; artifacts?: unknown };
      if (m && m.generator === OUTPUT_GENERATOR && Array.isArray(m.artifacts)) {
        const paths = m.artifacts.map((a) => (a && typeof a === 'object' ? (a as { path?: unknown }).path : undefined));
        if (paths.every(safeRelative)) owned = new Set([...(paths as string[]), MANIFEST_FILE, ...UNLISTED_OWN_FILES]);
      }
    } catch {
      /* not ours */
    }
  }
  const markerFile = path.join(dir, PARTIAL_MARKER);
  if (lstat(markerFile)?.isFile()) {
    try {
      const list = JSON.parse(fs.readFileSync(markerFile, 'utf8')) as unknown;
      if (Array.isArray(list) && list.every(safeRelative))
        owned = new Set([...(owned ?? []), ...(list as string[]), PARTIAL_MARKER]);
    } catch {
      /* not ours */
    }
  }
  return owned;
}

const posix = (p: string) => p.split(path.sep).join('/');

/** The real folder of `file` is `dir` or inside it (no symbolic link on the way leads elsewhere). */
function insideFolder(dir: string, file: string): boolean {
  try {
    return within(fs.realpathSync(dir), fs.realpathSync(path.dirname(file)));
  } catch {
    return false;
  }
}

/** Top-most entries of `dir` that hold nothing btg wrote (a foreign file, or a folder with no file of ours inside). */
function foreignUnits(dir: string, owned: Set<string>): string[] {
  const ownedList = [...owned].map((p) => p.replace(/\\/g, '/'));
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstat(path.join(dir, r));
      if (!st) continue;
      if (st.isDirectory() && !st.isSymbolicLink()) {
        if (ownedList.some((o) => o.startsWith(`${r}/`))) walk(r);
        else out.push(r);
      } else if (!owned.has(r)) out.push(r);
    }
  };
  walk('');
  return out;
}

/** Remove exactly the listed files of `dir` and the folders that become empty; the folder itself if empty then. */
function removeOwned(dir: string, owned: Set<string>, removeSelf = true): boolean {
  const dirs = new Set<string>();
  // the lists that make the folder recognisable go last: a removal killed half-way is finished by the next build
  const last = [MANIFEST_FILE, PARTIAL_MARKER];
  for (const rel of [...[...owned].filter((p) => !last.includes(p)), ...last.filter((p) => owned.has(p))]) {
    const p = path.join(dir, rel);
    const st = lstat(p);
    if (st && !st.isDirectory() && insideFolder(dir, p)) fs.unlinkSync(p);
    for (let d = path.dirname(rel); d !== '.' && d !== '/' && d !== ''; d = path.dirname(d)) dirs.add(d);
  }
  // deepest first
  for (const d of [...dirs].sort((a, b) => b.split('/').length - a.split('/').length)) {
    // only a real folder inside `dir`: a forged list's folder reached through a symbolic link is someone else's
    const full = path.join(dir, d);
    if (!lstat(full)?.isDirectory() || !insideFolder(dir, full)) continue;
    try {
      fs.rmdirSync(full);
    } catch {
      /* not empty: something foreign is inside, keep it */
    }
  }
  if (!removeSelf) return false;
  try {
    fs.rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** Move the foreign entries of an old output into the new one (never over anything); what could not move stays. */
function moveForeign(from: string, to: string, owned: Set<string>): string[] {
  const left: string[] = [];
  for (const unit of foreignUnits(from, owned)) {
    const target = path.join(to, unit);
    if (lstat(target)) {
      left.push(unit);
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(path.join(from, unit), target);
  }
  return left;
}

// -------------------------------------------------------------------------------------------------------------
// refusals

function protectedPlaces(guard: OutputGuard): { p: string; what: string }[] {
  const places = [
    { p: guard.cwd ?? process.cwd(), what: 'the current directory' },
    { p: guard.home ?? os.homedir(), what: 'your home directory' },
    ...(guard.configFile ? [{ p: path.dirname(path.resolve(guard.configFile)), what: "the config's folder" }] : []),
    ...(guard.packRoot ? [{ p: guard.packRoot, what: 'the pack root (this repository)' }] : []),
  ];
  return places.filter((x) => !!x.p);
}

/** A folder, or a symbolic link to one. */
function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const HINT = 'pass a new or empty folder, or a previous btg output (e.g. -o out)';

/** Refuse a path btg must not write to (throws OutputRefusedError); nothing is touched. */
export function checkOutputPath(outDir: string, guard: OutputGuard = {}): void {
  const abs = path.resolve(outDir);
  const st = lstat(abs);
  if (st?.isSymbolicLink())
    throw new OutputRefusedError(
      outDir,
      `it is a symbolic link (btg replaces the output folder, not what a link points to); ${HINT}`,
    );
  if (st && !st.isDirectory()) throw new OutputRefusedError(outDir, `it is a file, not a folder; ${HINT}`);
  if (!st) {
    // the nearest existing folder on the way must be one: `-o notes.txt/out` is refused, not an EEXIST from mkdir
    let up = path.dirname(abs);
    while (!lstat(up) && path.dirname(up) !== up) up = path.dirname(up);
    if (lstat(up) && !isFolder(up)) throw new OutputRefusedError(outDir, `${up} is not a folder; ${HINT}`);
  }
  const real = realish(abs);
  for (const { p, what } of protectedPlaces(guard)) {
    const place = realish(p);
    if (real === place) throw new OutputRefusedError(outDir, `it is ${what}; ${HINT}`);
    if (within(real, place)) throw new OutputRefusedError(outDir, `it contains ${what} (${place}); ${HINT}`);
  }
  if (path.dirname(real) === real) throw new OutputRefusedError(outDir, `it is the root of the file system; ${HINT}`);
  if (st && !isEmptyDir(abs) && !ownedPaths(abs)) throw new OutputRefusedError(outDir, NOT_OURS);
}

const NOT_OURS = `it is not empty and holds no ${MANIFEST_FILE} written by btg (btg writes only into a new or empty folder or a previous btg output); ${HINT}`;

// -------------------------------------------------------------------------------------------------------------
// leftovers of a killed build

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function leftovers(abs: string): { tmp: string[]; old: string[] } {
  const parent = path.dirname(abs);
  const name = escapeRe(path.basename(abs));
  const tmpRe = new RegExp(`^\\.${name}-tmp-[A-Za-z0-9]+$`);
  const oldRe = new RegExp(`^\\.${name}-old-[A-Za-z0-9]+$`);
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(parent);
  } catch {
    return { tmp: [], old: [] };
  }
  const dirs = (re: RegExp) =>
    entries
      .filter((e) => re.test(e))
      .map((e) => path.join(parent, e))
      .filter((p) => lstat(p)?.isDirectory() && !lstat(p)?.isSymbolicLink());
  return { tmp: dirs(tmpRe), old: dirs(oldRe) };
}

const isEmptyDir = (p: string) => fs.readdirSync(p).length === 0;

/** A folder with nothing but (possibly nested) empty folders: what a removal killed after its last file leaves. */
function holdsNoFiles(p: string): boolean {
  return fs.readdirSync(p).every((n) => {
    const st = lstat(path.join(p, n));
    return !!st && st.isDirectory() && !st.isSymbolicLink() && holdsNoFiles(path.join(p, n));
  });
}

/** A temp folder holding nothing but the in-flight list (possibly cut short by a kill). */
function holdsOnlyMarker(p: string): boolean {
  const names = fs.readdirSync(p);
  return names.length === 1 && names[0] === PARTIAL_MARKER && !!lstat(path.join(p, PARTIAL_MARKER))?.isFile();
}

/** Remove a tree of empty folders, bottom-up (rmdir refuses anything that is not empty). */
function removeEmptyTree(p: string): void {
  for (const n of fs.readdirSync(p)) removeEmptyTree(path.join(p, n));
  fs.rmdirSync(p);
}

/**
 * Finish what a killed build left: an old output whose `out/` is missing is renamed back; a temp folder is removed
 * (only what it lists); an old output beside a present `out/` gives its foreign files to `out/` and loses ours.
 * A folder with those names that is not recognisably ours is left alone.
 */
export function recoverLeftovers(outDir: string): string[] {
  const abs = path.resolve(outDir);
  const notes: string[] = [];
  // an in-place update (mount point) that was killed: remove its half-written `<file>.btg-tmp-*` files
  if (lstat(path.join(abs, PARTIAL_MARKER))?.isFile()) {
    for (const rel of ownedPaths(abs) ?? []) {
      const d = path.dirname(path.join(abs, rel));
      const base = escapeRe(path.basename(rel));
      let names: string[] = [];
      try {
        names = fs.readdirSync(d);
      } catch {
        continue;
      }
      for (const n of names)
        if (new RegExp(`^${base}\\.btg-tmp-[0-9a-f]+$`).test(n) && insideFolder(abs, path.join(d, n)))
          fs.unlinkSync(path.join(d, n));
    }
  }
  const found = leftovers(abs);
  // another build writing into the same output right now: its folders are not leftovers
  const notLive = (p: string) => {
    const pid = liveBuildOf(p);
    if (pid) notes.push(`left ${path.basename(p)} alone: btg build process ${pid} is writing it`);
    return !pid;
  };
  const tmp = found.tmp.filter(notLive);
  const old = found.old.filter(notLive);
  const recognisedOld = old.filter((o) => ownedPaths(o) || holdsNoFiles(o));
  if (!lstat(abs) && recognisedOld.length) {
    // a whole previous output before an empty shell (what an interrupted clean-up leaves), then the newest
    const newest = recognisedOld
      .map((o) => ({ o, whole: ownedPaths(o) ? 1 : 0, t: fs.statSync(o).mtimeMs }))
      .sort((a, b) => b.whole - a.whole || b.t - a.t)[0].o;
    fs.renameSync(newest, abs);
    notes.push(`restored the previous output from ${path.basename(newest)} (a build was interrupted)`);
    recognisedOld.splice(recognisedOld.indexOf(newest), 1);
  }
  for (const t of tmp) {
    const owned = ownedPaths(t);
    if (!owned && holdsNoFiles(t)) {
      removeEmptyTree(t);
      continue;
    }
    if (!owned && holdsOnlyMarker(t)) {
      // killed while writing the list itself (the first file a build writes): nothing else was written yet
      fs.unlinkSync(path.join(t, PARTIAL_MARKER));
      fs.rmdirSync(t);
      continue;
    }
    if (!owned) {
      notes.push(`left ${t} alone: it looks like a btg temp folder but holds no list of what btg wrote`);
      continue;
    }
    if (!removeOwned(t, owned ?? new Set()))
      notes.push(`removed btg's files from the interrupted temp folder ${t}; other files in it were kept`);
  }
  for (const o of recognisedOld) {
    if (!ownedPaths(o)) {
      removeEmptyTree(o);
      continue;
    }
    const owned = ownedPaths(o) ?? new Set<string>();
    const left = lstat(abs)?.isDirectory() ? moveForeign(o, abs, owned) : [];
    if (!removeOwned(o, owned))
      notes.push(
        `kept ${o}: it holds files that are not btg's and that could not move into ${outDir} (${left.join(', ') || 'see the folder'})`,
      );
  }
  return notes;
}

// -------------------------------------------------------------------------------------------------------------
// writing

const randomSuffix = () => randomBytes(6).toString('hex');
/** The suffix of a build's temp and old folders: its process id, then random (`p1234r0a1b2c3d4e5f`). */
const runSuffix = () => `p${process.pid}r${randomSuffix()}`;

/** A leftover this old is a killed build's even if its process id has been reused by a live process since. */
const LIVE_BUILD_MAX_AGE_MS = 10 * 60_000;

/**
 * The process id of another btg build that is still running and writing the temp or old folder `p` (named by
 * runSuffix), else undefined: a concurrent build into the same output must not take that build's folders for a
 * killed build's leftovers and remove them under it.
 */
function liveBuildOf(p: string): number | undefined {
  const m = /-(?:tmp|old)-p(\d+)r[0-9a-f]+$/.exec(path.basename(p));
  const pid = m ? Number(m[1]) : undefined;
  if (!pid || pid === process.pid) return undefined;
  const st = lstat(p);
  // ctime: a rename (the old output set aside) changes it, not the folder's mtime
  if (!st || Date.now() - Math.max(st.mtimeMs, st.ctimeMs) > LIVE_BUILD_MAX_AGE_MS) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** A new folder with normal permissions (0777 & ~umask, not mkdtemp's 0700). */
function makeDir(parent: string, prefix: string): string {
  for (;;) {
    const p = path.join(parent, `${prefix}${runSuffix()}`);
    try {
      fs.mkdirSync(p, { mode: 0o777 });
      return p;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

function writeFiles(dir: string, artifacts: readonly Artifact[]): void {
  for (const a of artifacts) {
    const file = path.join(dir, a.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, a.content);
  }
}

const CANNOT_RENAME = new Set(['EBUSY', 'EXDEV', 'EPERM', 'EACCES']);

/**
 * Write the artifacts as the output folder `outDir` (see the module comment for what is and is not touched).
 * Throws OutputRefusedError for a path btg must not write to, with nothing changed.
 */
export function writeOutput(outDir: string, artifacts: readonly Artifact[], opts: WriteOptions = {}): WriteResult {
  for (const a of artifacts)
    if (!safeRelative(a.path)) throw new Error(`refusing to write outside the output directory: ${a.path}`);
  checkOutputPath(outDir, opts);
  const abs = path.resolve(outDir);
  const parent = path.dirname(abs);
  const renameDir = opts.renameDir ?? fs.renameSync;
  fs.mkdirSync(parent, { recursive: true });
  const notes = recoverLeftovers(outDir);

  const st = lstat(abs);
  let previous: Set<string> | undefined;
  if (st) {
    if (!isEmptyDir(abs)) {
      previous = ownedPaths(abs);
      if (!previous) throw new OutputRefusedError(outDir, NOT_OURS);
    } else previous = new Set();
    const newPaths = artifacts.map((a) => a.path);
    for (const f of foreignUnits(abs, previous)) {
      const clash = newPaths.find((p) => p === f || p.startsWith(`${f}/`) || f.startsWith(`${p}/`));
      if (clash)
        throw new OutputRefusedError(
          outDir,
          `${posix(path.join(outDir, f))} is not a file btg wrote, and the new output needs ${clash}; move it away first`,
        );
    }
  }

  const tmp = makeDir(parent, `.${path.basename(abs)}-tmp-`);
  let swapped = false;
  let oldAside: string | undefined;
  try {
    fs.writeFileSync(path.join(tmp, PARTIAL_MARKER), JSON.stringify(artifacts.map((a) => a.path)));
    writeFiles(tmp, artifacts);
    fs.unlinkSync(path.join(tmp, PARTIAL_MARKER));
    if (st) fs.chmodSync(tmp, st.mode & 0o7777);
    if (opts.stopAfter === 'tmp-written') return { outDir, mode: 'swap', notes };

    if (!st) {
      renameDir(tmp, abs);
      swapped = true;
      return { outDir, mode: 'swap', notes };
    }
    const old = path.join(parent, `.${path.basename(abs)}-old-${runSuffix()}`);
    try {
      renameDir(abs, old);
    } catch (e) {
      if (!CANNOT_RENAME.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      // a mount point (or a folder we may write into but not rename): update it in place
      removeOwned(tmp, new Set([...artifacts.map((a) => a.path), PARTIAL_MARKER]));
      swapped = true;
      writeInPlace(abs, artifacts, previous ?? new Set(), opts);
      return {
        outDir,
        mode: 'in-place',
        notes: [...notes, `${outDir} cannot be renamed (${(e as NodeJS.ErrnoException).code}): updated it in place`],
      };
    }
    oldAside = old;
    if (opts.stopAfter === 'old-aside') return { outDir, mode: 'swap', notes };
    renameDir(tmp, abs);
    swapped = true;
    if (opts.stopAfter === 'new-in') return { outDir, mode: 'swap', notes };
    const left = moveForeign(old, abs, previous ?? new Set());
    if (opts.stopAfter === 'foreign-moved') return { outDir, mode: 'swap', notes };
    if (!removeOwned(old, previous ?? new Set()))
      notes.push(`kept ${old}: ${left.join(', ')} could not move into ${outDir}`);
    return { outDir, mode: 'swap', notes };
  } catch (e) {
    if (!swapped && lstat(tmp)) removeOwned(tmp, new Set([...artifacts.map((a) => a.path), PARTIAL_MARKER]));
    if (!swapped && oldAside && !lstat(abs)) fs.renameSync(oldAside, abs);
    throw e;
  }
}

/** The first existing entry on the way to `rel` in `dir` that is not a real folder (a symbolic link, a file), if any. */
function notAFolderOnTheWay(dir: string, rel: string): string | undefined {
  const segs = rel.split(/[\\/]/).slice(0, -1);
  for (let i = 1; i <= segs.length; i++) {
    const st = lstat(path.join(dir, ...segs.slice(0, i)));
    if (!st) return undefined;
    if (st.isSymbolicLink() || !st.isDirectory()) return segs.slice(0, i).join('/');
  }
  return undefined;
}

/** Replace our files of `dir` one by one (write beside, rename over), remove the ones no longer emitted, manifest last. */
function writeInPlace(dir: string, artifacts: readonly Artifact[], previous: Set<string>, opts: WriteOptions): void {
  // before anything is written: no path may lead through a symbolic link (or a file) that is in the folder, even one
  // a forged manifest lists as ours (mkdir would create folders wherever it points)
  for (const a of artifacts) {
    const via = notAFolderOnTheWay(dir, a.path);
    if (via)
      throw new OutputRefusedError(
        dir,
        `${a.path} would be written through ${via}, which is not a folder (a symbolic link or a file); move it away first`,
      );
  }
  const next = new Set(artifacts.map((a) => a.path));
  const marker = path.join(dir, PARTIAL_MARKER);
  // the marker lists every path that may be ours while this runs, so a killed update is still recognised
  fs.writeFileSync(marker, JSON.stringify([...new Set([...previous, ...next])].filter((p) => p !== PARTIAL_MARKER)));
  const ordered = [
    ...artifacts.filter((a) => a.path !== MANIFEST_FILE),
    ...artifacts.filter((a) => a.path === MANIFEST_FILE),
  ];
  for (const a of ordered) {
    const file = path.join(dir, a.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!insideFolder(dir, file))
      throw new OutputRefusedError(
        dir,
        `${a.path} would be written through a symbolic link that leads out of the output folder`,
      );
    const part = `${file}.btg-tmp-${randomSuffix()}`;
    fs.writeFileSync(part, a.content);
    fs.renameSync(part, file);
  }
  if (opts.stopAfter === 'in-place-files') return;
  const stale = new Set([...previous].filter((p) => !next.has(p) && p !== PARTIAL_MARKER));
  removeOwned(dir, stale, false);
  fs.unlinkSync(marker);
}
