/**
 * `--out` under real kills: a child process rewrites the output in a loop and is SIGKILLed at many moments; every
 * time, what is left is the old or the new output (after the recovery any next build runs first), whole, with the
 * foreign file kept and no leftovers.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { recoverLeftovers, writeOutput } from '../scripts/emit/output';

jest.setTimeout(120_000);

const FILES = 60;
/** Version `v` of the output: every file says which version it belongs to. */
const version = (v: string) => {
  const arts = Array.from({ length: FILES }, (_, i) => ({
    path: `d${i % 7}/f${i}.txt`,
    kind: 'x',
    content: `${v}:${i}:${'x'.repeat(2000)}`,
  }));
  return [
    ...arts,
    {
      path: 'manifest.json',
      kind: 'manifest',
      content: JSON.stringify({
        generator: 'breakglass-sentinel',
        version: v,
        artifacts: arts.map((a) => ({ path: a.path })),
      }),
    },
  ];
};

function wholeVersion(out: string): string {
  const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
    version: string;
    artifacts: { path: string }[];
  };
  expect(m.artifacts).toHaveLength(FILES);
  for (const a of m.artifacts) expect(fs.readFileSync(path.join(out, a.path), 'utf8').split(':')[0]).toBe(m.version);
  return m.version;
}

describe('a build killed at any moment', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-kill-'));
  const moduleFile = path.join(dir, 'output.js');
  const child = path.join(dir, 'child.js');

  beforeAll(() => {
    // the real module, transpiled as is (it needs only node's fs/os/path/crypto)
    const src = fs.readFileSync(path.join(__dirname, '..', 'scripts', 'emit', 'output.ts'), 'utf8');
    fs.writeFileSync(
      moduleFile,
      ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } })
        .outputText,
    );
    fs.writeFileSync(
      child,
      [
        `const { writeOutput } = require(${JSON.stringify(moduleFile)});`,
        'const [out, cwd] = process.argv.slice(2);',
        'function version(v) {',
        `  const arts = Array.from({ length: ${FILES} }, (_, i) => ({ path: 'd' + (i % 7) + '/f' + i + '.txt', kind: 'x', content: v + ':' + i + ':' + 'x'.repeat(2000) }));`,
        "  return [...arts, { path: 'manifest.json', kind: 'manifest', content: JSON.stringify({ generator: 'breakglass-sentinel', version: v, artifacts: arts.map((a) => ({ path: a.path })) }) }];",
        '}',
        "process.stdout.write('ready\\n');",
        // one line per finished rewrite: the parent kills during a later one, at a different point each time
        "for (let n = 0; ; n++) { writeOutput(out, version(n % 2 ? 'B' : 'A'), { cwd }); process.stdout.write(n + '\\n'); }",
      ].join('\n'),
    );
  });

  // 13 kill points, 7 ms apart: 7 and 13 are coprime, so the delay after a finished rewrite (ms % 13) takes every
  // value 0-12 ms once, and the rewrite it falls in (3 + ms % 5 lines: A->B or B->A) both ways; the 11 more points
  // this used to run repeated those delays (each run's own scheduling jitter is what samples the moments between)
  it.each(Array.from({ length: 13 }, (_, i) => 5 + i * 7))(
    'SIGKILL during rewriting (case %d): old or new output, never neither',
    async (ms) => {
      const root = fs.mkdtempSync(path.join(dir, 'run-'));
      const out = path.join(root, 'out');
      const { writeOutput } = await import('../scripts/emit/output');
      writeOutput(out, version('A') as never, { cwd: root });
      fs.writeFileSync(path.join(out, 'foreign.txt'), 'keep me');
      const p = spawn(process.execPath, [child, out, root], { stdio: ['ignore', 'pipe', 'inherit'] });
      // wait until the child has finished some rewrites (whatever the machine's load), then kill it within the next ones
      let text = '';
      await new Promise<void>((resolve) => {
        const onData = (d: Buffer) => {
          text += d.toString();
          if (text.split('\n').length > 3 + (ms % 5)) {
            p.stdout!.off('data', onData);
            resolve();
          }
        };
        p.stdout!.on('data', onData);
      });
      await new Promise((r) => setTimeout(r, ms % 13));
      p.kill('SIGKILL');
      await new Promise((r) => p.once('exit', r));

      recoverLeftovers(out);
      expect(['A', 'B']).toContain(wholeVersion(out));
      expect(fs.readFileSync(path.join(out, 'foreign.txt'), 'utf8')).toBe('keep me');
      expect(fs.readdirSync(root).sort()).toEqual(['out']);
    },
  );
});

/** A real mount point as the output folder (needs permission to mount: root in a container; skipped elsewhere). */
function tryMount(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('an output folder that is a mount point', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-mnt-'));
  const out = path.join(root, 'out');
  fs.mkdirSync(out);
  // can this process mount at all? (probe, unmounted at once; the real mount lives only while the test runs)
  const canMount = tryMount(out) && (execFileSync('umount', [out]), true);

  (canMount ? it : it.skip)('is written and replaced in place (rename gives EBUSY), foreign files kept', () => {
    expect(tryMount(out)).toBe(true);
    try {
      writeBoth();
    } finally {
      execFileSync('umount', [out]);
    }
  });
  function writeBoth(): void {
    expect(() => fs.renameSync(out, `${out}-moved`)).toThrow(/EBUSY|EXDEV|EPERM/);
    expect(writeOutput(out, version('A') as never, { cwd: root }).mode).toBe('in-place');
    fs.writeFileSync(path.join(out, 'foreign.txt'), 'keep me');
    const res = writeOutput(out, version('B') as never, { cwd: root });
    expect(res.mode).toBe('in-place');
    expect(wholeVersion(out)).toBe('B');
    expect(fs.readFileSync(path.join(out, 'foreign.txt'), 'utf8')).toBe('keep me');
    expect(fs.readdirSync(root)).toEqual(['out']);
    expect(fs.readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  }
});
