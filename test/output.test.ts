/** `--out` never deletes what btg did not write: refusals, foreign files, kills at every step, mount points. */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Artifact } from '../scripts/emit/artifacts';
import { OutputRefusedError, PARTIAL_MARKER, recoverLeftovers, writeOutput, WriteStep } from '../scripts/emit/output';
import { EXAMPLE_CONFIG, PACK_ROOT } from '../scripts/paths';
import { runCli } from './helpers/cli';

const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'btg-out-'));

/** Every entry below `dir` (or the file itself): path → type, mode and content hash. */
function snapshot(p: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    const st = fs.lstatSync(abs);
    if (st.isSymbolicLink()) out[rel] = `link ${fs.readlinkSync(abs)}`;
    else if (st.isDirectory()) {
      out[rel] = `dir ${(st.mode & 0o7777).toString(8)}`;
      for (const n of fs.readdirSync(abs).sort()) walk(path.join(abs, n), rel ? `${rel}/${n}` : n);
    } else
      out[rel] =
        `file ${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`;
  };
  walk(p, '');
  return out;
}

const manifest = (paths: string[]): Artifact => ({
  kind: 'manifest',
  path: 'manifest.json',
  content: JSON.stringify({
    generator: 'breakglass-sentinel',
    artifacts: paths.map((p) => ({ path: p, kind: 'x', sha256: '', bytes: 0 })),
  }),
});
/** A small output: the files plus a manifest listing them, and a report (ours by name). */
function output(files: Record<string, string>): Artifact[] {
  const arts: Artifact[] = Object.entries(files).map(([p, content]) => ({ path: p, kind: 'x', content }));
  return [...arts, manifest(Object.keys(files)), { path: 'report.html', kind: 'report', content: '<html></html>' }];
}
const V1 = output({ 'detections/a.yaml': 'a1', 'detections/b.yaml': 'b1', 'arm/old/gone.json': '{}' });
const V2 = output({ 'detections/a.yaml': 'a2', 'detections/c.yaml': 'c2', 'arm/new.json': '{"v":2}' });

function expectOutput(dir: string, arts: Artifact[]): void {
  for (const a of arts) expect(fs.readFileSync(path.join(dir, a.path), 'utf8')).toBe(a.content);
}
const siblings = (dir: string) =>
  fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith(`.${path.basename(dir)}-`));

describe('writeOutput: what it refuses', () => {
  let root: string;
  let repo: string;
  beforeEach(() => {
    root = tmpRoot();
    repo = path.join(root, 'repo');
    fs.mkdirSync(path.join(repo, '.git', 'objects'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(repo, '.env'), 'SECRET=1\n');
    fs.writeFileSync(path.join(repo, 'btg.config.yaml'), 'accounts: []\n');
    fs.mkdirSync(path.join(repo, 'cfg'));
    fs.writeFileSync(path.join(repo, 'cfg', 'btg.config.yaml'), 'accounts: []\n');
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'mine\n');
    fs.mkdirSync(path.join(repo, 'home'));
    fs.writeFileSync(path.join(repo, 'home', '.bashrc'), 'x\n');
    fs.mkdirSync(path.join(repo, 'photos'));
    fs.writeFileSync(path.join(repo, 'photos', 'cat.jpg'), 'jpg');
    fs.symlinkSync(path.join(repo, 'photos'), path.join(repo, 'link'));
  });

  const guard = () => ({
    cwd: repo,
    home: path.join(repo, 'home'),
    configFile: path.join(repo, 'cfg', 'btg.config.yaml'),
    packRoot: path.join(root, 'pack'),
  });
  const cases: [string, (repo: string) => string, RegExp][] = [
    ['a file', (r) => path.join(r, 'notes.txt'), /it is a file/],
    ['the current directory', (r) => r, /it is the current directory/],
    ['a parent of the current directory', (r) => path.dirname(r), /it contains the current directory/],
    ['the home directory', (r) => path.join(r, 'home'), /it is your home directory/],
    ["the config's folder", (r) => path.join(r, 'cfg'), /it is the config's folder/],
    [
      'a folder that is not empty and not a btg output',
      (r) => path.join(r, 'photos'),
      /not empty and holds no manifest.json written by btg/,
    ],
    ['a symbolic link', (r) => path.join(r, 'link'), /symbolic link/],
    ['the root of the file system', () => '/', /it contains the current directory|root of the file system/],
  ];
  it.each(cases)('%s: refused, and everything stays byte-identical', (_what, pick, reason) => {
    const before = snapshot(root);
    const target = pick(repo);
    expect(() => writeOutput(target, V1, guard())).toThrow(OutputRefusedError);
    expect(() => writeOutput(target, V1, guard())).toThrow(reason);
    expect(snapshot(root)).toEqual(before);
  });

  it('the pack root and its parents are refused', () => {
    const pack = path.join(root, 'pack');
    fs.mkdirSync(pack);
    fs.writeFileSync(path.join(pack, 'package.json'), '{}');
    const before = snapshot(root);
    expect(() => writeOutput(pack, V1, guard())).toThrow(/it is the pack root/);
    expect(() => writeOutput(root, V1, guard())).toThrow(/it contains the current directory|it contains the pack root/);
    expect(snapshot(root)).toEqual(before);
  });

  it('a manifest forged to list hidden files (.git, .env), traversal or absolute paths makes the folder not ours: refused, byte-identical', () => {
    const victim = path.join(root, 'deploy-repo');
    fs.mkdirSync(path.join(victim, '.git'), { recursive: true });
    fs.writeFileSync(path.join(victim, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(victim, '.env'), 'SECRET=1\n');
    for (const listed of [
      ['.git/HEAD'],
      ['.env'],
      ['detections/../.env'],
      ['./.env'],
      ['.git'],
      ['../repo/notes.txt'],
      [path.join(repo, 'notes.txt')],
    ]) {
      fs.writeFileSync(path.join(victim, 'manifest.json'), manifest(listed).content);
      const before = snapshot(root);
      expect(() => writeOutput(victim, V1, guard())).toThrow(/not empty and holds no manifest.json written by btg/);
      expect(snapshot(root)).toEqual(before);
    }
  });

  it('a path below a file (or a dangling link) is refused with the reason, nothing created', () => {
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(repo, 'dangling'));
    const before = snapshot(root);
    expect(() => writeOutput(path.join(repo, 'notes.txt', 'out'), V1, guard())).toThrow(/notes.txt is not a folder/);
    expect(() => writeOutput(path.join(repo, 'dangling', 'a', 'out'), V1, guard())).toThrow(/dangling is not a folder/);
    expect(snapshot(root)).toEqual(before);
  });

  it('a foreign file where the new output writes one is refused before anything moves', () => {
    const out = path.join(repo, 'out');
    writeOutput(out, V1, guard());
    fs.writeFileSync(path.join(out, 'arm', 'new.json'), 'my own file');
    const before = snapshot(root);
    expect(() => writeOutput(out, V2, guard())).toThrow(/out\/arm\/new.json is not a file btg wrote/);
    expect(snapshot(root)).toEqual(before);
  });
});

describe('writeOutput: replacing a previous output', () => {
  it('removes only what the manifest lists; foreign files and folders survive; empty folders of ours go', () => {
    const root = tmpRoot();
    const out = path.join(root, 'out');
    writeOutput(out, V1, { cwd: root });
    fs.writeFileSync(path.join(out, 'README-mine.md'), 'notes');
    fs.writeFileSync(path.join(out, 'detections', 'my-rule.yaml'), 'mine');
    fs.mkdirSync(path.join(out, 'extra', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(out, 'extra', 'deep', 'x.txt'), 'x');
    const res = writeOutput(out, V2, { cwd: root });
    expect(res.mode).toBe('swap');
    expectOutput(out, V2);
    expect(fs.readFileSync(path.join(out, 'README-mine.md'), 'utf8')).toBe('notes');
    expect(fs.readFileSync(path.join(out, 'detections', 'my-rule.yaml'), 'utf8')).toBe('mine');
    expect(fs.readFileSync(path.join(out, 'extra', 'deep', 'x.txt'), 'utf8')).toBe('x');
    expect(fs.existsSync(path.join(out, 'detections', 'b.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'arm', 'old'))).toBe(false);
    expect(siblings(out)).toEqual([]);
  });

  it('an empty folder is written into', () => {
    const root = tmpRoot();
    const out = path.join(root, 'empty');
    fs.mkdirSync(out);
    writeOutput(out, V1, { cwd: root });
    expectOutput(out, V1);
    expect(siblings(out)).toEqual([]);
  });

  it('output folders get normal permissions (0777 & ~umask, not 0700), and a replaced one keeps its mode', () => {
    const root = tmpRoot();
    const out = path.join(root, 'out');
    const old = process.umask(0o022);
    try {
      writeOutput(out, V1, { cwd: root });
      expect(fs.statSync(out).mode & 0o777).toBe(0o755);
      expect(fs.statSync(path.join(out, 'detections')).mode & 0o777).toBe(0o755);
      expect(fs.statSync(path.join(out, 'manifest.json')).mode & 0o777).toBe(0o644);
      fs.chmodSync(out, 0o750);
      writeOutput(out, V2, { cwd: root });
      expect(fs.statSync(out).mode & 0o777).toBe(0o750);
    } finally {
      process.umask(old);
    }
  });
});

describe('writeOutput: a build killed at any step leaves the old or the new output; the next build recovers', () => {
  it.each([
    ['empty', ''],
    ['cut short', '["detections/a.y'],
    ['whole', '["detections/a.yaml"]'],
  ])('killed while writing the in-flight list (%s): the temp folder goes, the output stays', (_what, list) => {
    const root = tmpRoot();
    const out = path.join(root, 'out');
    writeOutput(out, V1, { cwd: root });
    const tmp = path.join(root, '.out-tmp-abc123');
    fs.mkdirSync(tmp);
    fs.writeFileSync(path.join(tmp, PARTIAL_MARKER), list);
    recoverLeftovers(out);
    expect(siblings(out)).toEqual([]);
    expectOutput(out, V1);
  });

  const steps: WriteStep[] = ['tmp-written', 'old-aside', 'new-in', 'foreign-moved'];
  it.each(steps)('killed after %s', (step) => {
    const root = tmpRoot();
    const out = path.join(root, 'out');
    writeOutput(out, V1, { cwd: root });
    fs.writeFileSync(path.join(out, 'foreign.txt'), 'keep me');
    writeOutput(out, V2, { cwd: root, stopAfter: step });
    // what a killed build leaves: the old output, the new one, or (between the renames) the old one aside
    if (fs.existsSync(out)) {
      const m = fs.readFileSync(path.join(out, 'detections', 'a.yaml'), 'utf8');
      expect(['a1', 'a2']).toContain(m);
    } else {
      expect(step).toBe('old-aside');
      expect(siblings(out).some((n) => n.startsWith('.out-old-'))).toBe(true);
    }
    expect(siblings(out).length).toBeGreaterThan(0);

    // recovery alone (what any next build does first) gives back a whole output with the foreign file
    const notes = recoverLeftovers(out);
    if (step === 'old-aside') expect(notes.join('\n')).toMatch(/restored the previous output/);
    expect(siblings(out)).toEqual([]);
    const a = fs.readFileSync(path.join(out, 'detections', 'a.yaml'), 'utf8');
    expectOutput(out, a === 'a1' ? V1 : V2);
    expect(fs.readFileSync(path.join(out, 'foreign.txt'), 'utf8')).toBe('keep me');

    // and the next build completes
    writeOutput(out, V2, { cwd: root });
    expectOutput(out, V2);
    expect(fs.readFileSync(path.join(out, 'foreign.txt'), 'utf8')).toBe('keep me');
    expect(fs.existsSync(path.join(out, 'detections', 'b.yaml'))).toBe(false);
    expect(siblings(out)).toEqual([]);
  });

  it('a half-written temp folder is removed by what it lists; an unrecognisable look-alike is left alone', () => {
    const root = tmpRoot();
    const out = path.join(root, 'out');
    writeOutput(out, V1, { cwd: root });
    const partial = path.join(root, '.out-tmp-abc123');
    fs.mkdirSync(path.join(partial, 'detections'), { recursive: true });
    fs.writeFileSync(path.join(partial, PARTIAL_MARKER), JSON.stringify(['detections/a.yaml', 'detections/b.yaml']));
    fs.writeFileSync(path.join(partial, 'detections', 'a.yaml'), 'half');
    const lookAlike = path.join(root, '.out-tmp-zzz999');
    fs.mkdirSync(lookAlike);
    fs.writeFileSync(path.join(lookAlike, 'precious.txt'), 'not btg');
    writeOutput(out, V2, { cwd: root });
    expect(fs.existsSync(partial)).toBe(false);
    expect(fs.readFileSync(path.join(lookAlike, 'precious.txt'), 'utf8')).toBe('not btg');
  });
});

describe('writeOutput: another build writing into the same output at the same time', () => {
  it("leaves that build's temp and old folders alone while its process runs; once it is gone they are leftovers", async () => {
    const root = tmpRoot();
    const out = path.join(root, 'out');
    writeOutput(out, V1, { cwd: root });
    // a running process stands for the other build: its temp folder is half-written, its old output set aside
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const tmp = path.join(root, `.out-tmp-p${other.pid}r0a1b2c3d4e5f`);
      fs.mkdirSync(path.join(tmp, 'detections'), { recursive: true });
      fs.writeFileSync(path.join(tmp, PARTIAL_MARKER), JSON.stringify(['detections/a.yaml', 'detections/z.yaml']));
      fs.writeFileSync(path.join(tmp, 'detections', 'a.yaml'), 'its a');
      // its old output was last changed long ago (mtime); setting it aside (a rename) is what is recent
      const old = path.join(root, `.out-old-p${other.pid}r0a1b2c3d4e5f`);
      const prev = path.join(root, 'prev');
      fs.mkdirSync(path.join(prev, 'detections'), { recursive: true });
      fs.writeFileSync(path.join(prev, 'detections', 'a.yaml'), 'a0');
      fs.writeFileSync(path.join(prev, 'manifest.json'), manifest(['detections/a.yaml']).content);
      fs.utimesSync(prev, new Date('2020-01-01'), new Date('2020-01-01'));
      fs.renameSync(prev, old);
      const before = { tmp: snapshot(tmp), old: snapshot(old) };
      const res = writeOutput(out, V2, { cwd: root });
      expectOutput(out, V2);
      expect(res.notes.join('\n')).toMatch(new RegExp(`left .out-tmp-p${other.pid}r\\w+ alone: btg build process`));
      expect({ tmp: snapshot(tmp), old: snapshot(old) }).toEqual(before);
      // this build's own folders carry its process id
      expect(siblings(out).sort()).toEqual([path.basename(old), path.basename(tmp)].sort());
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    writeOutput(out, V1, { cwd: root });
    expectOutput(out, V1);
    expect(siblings(out)).toEqual([]);
  });

  it('its own temp and old folders are named with its process id', () => {
    const root = tmpRoot();
    const out = path.join(root, 'out');
    writeOutput(out, V1, { cwd: root });
    writeOutput(out, V2, { cwd: root, stopAfter: 'old-aside' });
    expect(
      siblings(out)
        .map((n) => n.replace(/[0-9a-f]{12}$/, 'R'))
        .sort(),
    ).toEqual([`.out-old-p${process.pid}rR`, `.out-tmp-p${process.pid}rR`]);
    recoverLeftovers(out);
    expect(siblings(out)).toEqual([]);
  });
});

describe('writeOutput: a clean-up killed half-way', () => {
  it('removes the manifest last, so a half-removed old output is still recognised; empty shells are removed', () => {
    const root = tmpRoot();
    const out = path.join(root, 'out');
    writeOutput(out, V1, { cwd: root });
    // an old output whose clean-up was killed after its last file: only empty folders are left
    fs.mkdirSync(path.join(root, '.out-old-aaa111', 'detections', 'deep'), { recursive: true });
    fs.mkdirSync(path.join(root, '.out-tmp-bbb222', 'arm'), { recursive: true });
    // one killed before the manifest went: some files of ours and the manifest
    fs.mkdirSync(path.join(root, '.out-old-ccc333', 'detections'), { recursive: true });
    fs.writeFileSync(path.join(root, '.out-old-ccc333', 'detections', 'b.yaml'), 'b1');
    fs.writeFileSync(
      path.join(root, '.out-old-ccc333', 'manifest.json'),
      manifest(['detections/a.yaml', 'detections/b.yaml']).content,
    );
    // and a look-alike with a file of someone else's and no manifest: not ours
    fs.mkdirSync(path.join(root, '.out-old-ddd444'));
    fs.writeFileSync(path.join(root, '.out-old-ddd444', 'precious.txt'), 'not btg');
    writeOutput(out, V2, { cwd: root });
    expectOutput(out, V2);
    expect(fs.readdirSync(root).sort()).toEqual(['.out-old-ddd444', 'out']);
    expect(fs.readFileSync(path.join(root, '.out-old-ddd444', 'precious.txt'), 'utf8')).toBe('not btg');
  });
});

describe('writeOutput: an output folder that is a mount point', () => {
  const busy = (out: string) => (from: string, to: string) => {
    if (from === out)
      throw Object.assign(new Error(`EBUSY: resource busy or locked, rename '${from}'`), { code: 'EBUSY' });
    fs.renameSync(from, to);
  };

  it('is updated in place: our files replaced, stale ones removed, foreign ones kept, no leftovers', () => {
    const root = tmpRoot();
    const out = path.join(root, 'mnt');
    writeOutput(out, V1, { cwd: root });
    fs.writeFileSync(path.join(out, 'foreign.txt'), 'keep me');
    const ino = fs.statSync(out).ino;
    const res = writeOutput(out, V2, { cwd: root, renameDir: busy(out) });
    expect(res.mode).toBe('in-place');
    expect(fs.statSync(out).ino).toBe(ino);
    expectOutput(out, V2);
    expect(fs.readFileSync(path.join(out, 'foreign.txt'), 'utf8')).toBe('keep me');
    expect(fs.existsSync(path.join(out, 'detections', 'b.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'arm', 'old'))).toBe(false);
    expect(fs.existsSync(path.join(out, PARTIAL_MARKER))).toBe(false);
    expect(siblings(out)).toEqual([]);
  });

  it('never deletes or writes through a symbolic link that leads out of the folder, whatever the manifest lists', () => {
    const root = tmpRoot();
    const out = path.join(root, 'mnt');
    const outside = path.join(root, 'elsewhere');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'victim.txt'), 'precious');
    fs.mkdirSync(out);
    fs.symlinkSync(outside, path.join(out, 'link'));
    fs.writeFileSync(path.join(out, 'manifest.json'), manifest(['link/victim.txt']).content);
    writeOutput(out, V1, { cwd: root, renameDir: busy(out) });
    expect(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious');
    expectOutput(out, V1);
    // a new output that would write through the link is refused
    const through = output({ 'link/victim.txt': 'overwritten' });
    fs.writeFileSync(path.join(out, 'manifest.json'), manifest(['link/victim.txt']).content);
    expect(() => writeOutput(out, through, { cwd: root, renameDir: busy(out) })).toThrow(
      /symbolic link|not a file btg wrote/,
    );
    expect(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious');
  });

  it('a forged manifest that lists a symbolic link as ours: nothing is created, written or deleted through it', () => {
    const root = tmpRoot();
    const out = path.join(root, 'mnt');
    const outside = path.join(root, 'elsewhere');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'victim.txt'), 'precious');
    fs.writeFileSync(path.join(outside, 'victim.txt.btg-tmp-0a1b2c'), 'precious too');
    fs.mkdirSync(out);
    fs.symlinkSync(outside, path.join(out, 'arm'));
    // the link itself is "ours", and so is a file behind it; an in-flight list names it too
    fs.writeFileSync(path.join(out, 'manifest.json'), manifest(['arm', 'arm/victim.txt']).content);
    fs.writeFileSync(path.join(out, PARTIAL_MARKER), JSON.stringify(['arm/victim.txt']));
    const before = snapshot(outside);
    expect(() => writeOutput(out, V2, { cwd: root, renameDir: busy(out) })).toThrow(
      /arm\/new.json would be written through arm, which is not a folder/,
    );
    const deeper = output({ 'arm/deep/new.json': '{}' });
    expect(() => writeOutput(out, deeper, { cwd: root, renameDir: busy(out) })).toThrow(/through arm/);
    expect(snapshot(outside)).toEqual(before);
  });

  it('a forged leftover whose listed folders lead through a symbolic link: no folder elsewhere is removed', () => {
    const root = tmpRoot();
    const out = path.join(root, 'out');
    const outside = path.join(root, 'elsewhere');
    fs.mkdirSync(path.join(outside, 'empty', 'deeper'), { recursive: true });
    writeOutput(out, V1, { cwd: root });
    for (const leftover of ['.out-tmp-0a1b2c', '.out-old-0a1b2c']) {
      const forged = path.join(root, leftover);
      fs.mkdirSync(forged);
      fs.symlinkSync(outside, path.join(forged, 'link'));
      fs.writeFileSync(path.join(forged, 'manifest.json'), manifest(['link/empty/deeper/x.json']).content);
    }
    const before = snapshot(outside);
    recoverLeftovers(out);
    expect(snapshot(outside)).toEqual(before);
  });

  it('an in-place update killed half-way is finished by the next build', () => {
    const root = tmpRoot();
    const out = path.join(root, 'mnt');
    writeOutput(out, V1, { cwd: root });
    writeOutput(out, V2, { cwd: root, renameDir: busy(out), stopAfter: 'in-place-files' });
    fs.writeFileSync(path.join(out, 'detections', 'c.yaml.btg-tmp-0a1b2c'), 'half-written');
    expect(fs.existsSync(path.join(out, PARTIAL_MARKER))).toBe(true);
    writeOutput(out, V1, { cwd: root, renameDir: busy(out) });
    expectOutput(out, V1);
    expect(fs.existsSync(path.join(out, 'detections', 'c.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'detections', 'c.yaml.btg-tmp-0a1b2c'))).toBe(false);
    expect(fs.existsSync(path.join(out, PARTIAL_MARKER))).toBe(false);
  });
});

describe('btg build -o', () => {
  it('exits 2 with the reason for a refused path and leaves it byte-identical (no config is even read)', async () => {
    const root = tmpRoot();
    const file = path.join(root, 'somefile');
    fs.writeFileSync(file, 'data');
    const before = snapshot(root);
    const r = await runCli('build', '--config', EXAMPLE_CONFIG, '--out', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to write the output to .*somefile: it is a file, not a folder/);
    expect(snapshot(root)).toEqual(before);
    const packRoot = await runCli('build', '--config', EXAMPLE_CONFIG, '--out', PACK_ROOT);
    expect(packRoot.code).toBe(2);
    expect(packRoot.stderr).toMatch(
      /it is the pack root|it is the current directory|it contains the current directory/,
    );
    const dot = await runCli('build', '--config', EXAMPLE_CONFIG, '--out', '.');
    expect(dot.code).toBe(2);
    expect(dot.stderr).toMatch(/it is the current directory/);
  });
});
