import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheFileFor, MAGIC, openBuildCache } from '../scripts/buildCache';
import type { KqlAnalyzer } from '../scripts/kql/analyzer';

// the cache needs only what the analyzer declares (its schemas are part of every key): no bridge here
const analyzerOf = (tables: Record<string, { name: string; type: string }[]>) =>
  ({ tables, functions: [] }) as unknown as KqlAnalyzer;
const A = analyzerOf({ T: [{ name: 'x', type: 'string' }] });
const analysis = {
  diagnostics: [{ severity: 'warning', code: 'KS1', message: 'm', start: 0, length: 1 }],
  columns: [{ name: 'x', type: 'string' }],
  open: false,
  unknownTables: [],
  filterVariables: [],
  unboundedScans: [],
  tables: ['T'],
  ingestionTimeFilters: [],
  tableScans: [{ table: 'T', start: 0, length: 1, ingestionFiltered: false }],
};

let dir: string;
let out: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-cache-'));
  out = path.join(dir, 'out');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('build cache', () => {
  it('lives beside the output folder, named after it', () => {
    expect(cacheFileFor(out)).toBe(path.join(dir, '.out.btg-cache'));
  });

  it('keeps what a build computed for the next build, keyed by query and schemas', () => {
    const first = openBuildCache(out);
    const s = first.storeFor(A);
    expect(s.get('analysis', 'T | take 1')).toBeUndefined();
    s.set('analysis', 'T | take 1', analysis);
    s.set('test-summary', 'rule-key', { cases: 2, passed: 2, mutation: { killed: 3, total: 4, score: 0.75 } });
    first.save();
    expect(fs.readFileSync(cacheFileFor(out), 'utf8').startsWith(MAGIC)).toBe(true);

    const second = openBuildCache(out);
    const s2 = second.storeFor(A);
    expect(s2.get('analysis', 'T | take 1')).toEqual(analysis);
    expect(s2.get('test-summary', 'rule-key')).toEqual({
      cases: 2,
      passed: 2,
      mutation: { killed: 3, total: 4, score: 0.75 },
    });
    expect(s2.get('analysis', 'T | take 2')).toBeUndefined();
    // other schemas: another key
    expect(second.storeFor(analyzerOf({ T: [{ name: 'x', type: 'long' }] })).get('analysis', 'T | take 1')).toBe(
      undefined,
    );
    expect(second.stats).toEqual({ hits: 2, misses: 2 });
  });

  it('keeps only the entries the last build used', () => {
    const c = openBuildCache(out);
    c.storeFor(A).set('analysis', 'old', analysis);
    c.save();
    const c2 = openBuildCache(out);
    c2.storeFor(A).set('analysis', 'new', analysis);
    c2.save();
    const c3 = openBuildCache(out).storeFor(A);
    expect(c3.get('analysis', 'old')).toBeUndefined();
    expect(c3.get('analysis', 'new')).toEqual(analysis);
  });

  it('a foreign file at the cache path is neither read nor replaced', () => {
    const file = cacheFileFor(out);
    const foreign = JSON.stringify({ version: 'x', entries: {} });
    fs.writeFileSync(file, foreign);
    const c = openBuildCache(out);
    expect(c.note).toMatch(/not a btg build cache/);
    c.storeFor(A).set('analysis', 'q', analysis);
    c.save();
    expect(fs.readFileSync(file, 'utf8')).toBe(foreign);
    expect(fs.readdirSync(dir)).toEqual(['.out.btg-cache']);
  });

  it('a folder or a symbolic link at the cache path is left alone', () => {
    const file = cacheFileFor(out);
    const target = path.join(dir, 'target.txt');
    fs.writeFileSync(target, 'keep me');
    fs.symlinkSync(target, file);
    const c = openBuildCache(out);
    expect(c.note).toMatch(/left .* alone/);
    c.storeFor(A).set('analysis', 'q', analysis);
    c.save();
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    fs.unlinkSync(file);
    fs.mkdirSync(file);
    const d = openBuildCache(out);
    d.storeFor(A).set('analysis', 'q', analysis);
    d.save();
    expect(fs.readdirSync(file)).toEqual([]);
  });

  it('a damaged cache of ours is ignored and replaced', () => {
    const file = cacheFileFor(out);
    fs.writeFileSync(file, `${MAGIC}{"version": "trunc`);
    const c = openBuildCache(out);
    expect(c.note).toBeUndefined();
    expect(c.storeFor(A).get('analysis', 'q')).toBeUndefined();
    c.storeFor(A).set('analysis', 'q', analysis);
    c.save();
    expect(openBuildCache(out).storeFor(A).get('analysis', 'q')).toEqual(analysis);
  });

  it('an entry of the wrong shape (damaged or forged) is recomputed, never used', () => {
    const c = openBuildCache(out);
    const s = c.storeFor(A);
    s.set('analysis', 'q', analysis);
    s.set('classification', 'q', [{ kind: 'Table', start: 0, length: 1 }]);
    c.save();
    const file = cacheFileFor(out);
    const data = JSON.parse(fs.readFileSync(file, 'utf8').slice(MAGIC.length));
    for (const k of Object.keys(data.entries))
      data.entries[k] = Array.isArray(data.entries[k])
        ? [{ kind: 'Table', start: '0' }]
        : { ...analysis, diagnostics: 'none' };
    fs.writeFileSync(file, MAGIC + JSON.stringify(data));
    const s2 = openBuildCache(out).storeFor(A);
    expect(s2.get('analysis', 'q')).toBeUndefined();
    expect(s2.get('classification', 'q')).toBeUndefined();
  });

  it('a cache written by another analyzer or btg version is not used', () => {
    const c = openBuildCache(out);
    c.storeFor(A).set('analysis', 'q', analysis);
    c.save();
    const file = cacheFileFor(out);
    const data = JSON.parse(fs.readFileSync(file, 'utf8').slice(MAGIC.length));
    fs.writeFileSync(file, MAGIC + JSON.stringify({ ...data, version: 'another' }));
    expect(openBuildCache(out).storeFor(A).get('analysis', 'q')).toBeUndefined();
  });
});

describe('a rebuild with nothing changed', () => {
  // imported here so the cache tests above stay free of the CLI
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildRecord, upToDateBuild } = require('../scripts/buildCache') as typeof import('../scripts/buildCache');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { fastBuild } = require('../scripts/cli/fastBuild') as typeof import('../scripts/cli/fastBuild');
  const artifacts = [
    { path: 'detections/a.yaml', kind: 'rule-yaml', content: 'id: a\n' },
    { path: 'hunting/h.yaml', kind: 'hunting-yaml', content: 'id: h\n' },
    {
      path: 'manifest.json',
      kind: 'manifest',
      content:
        '{"generator":"breakglass-sentinel","artifacts":[{"path":"detections/a.yaml"},{"path":"hunting/h.yaml"}]}',
    },
  ];
  let config: string;

  /** what build() does after writing the output: record it in the cache beside the folder */
  function written(): void {
    for (const a of artifacts) {
      fs.mkdirSync(path.dirname(path.join(out, a.path)), { recursive: true });
      fs.writeFileSync(path.join(out, a.path), a.content);
    }
    const c = openBuildCache(out);
    c.recordBuild(buildRecord(config, out, artifacts, [{ templateId: 'x', reason: 'not configured' }], 'report.html'));
    c.save();
  }

  beforeEach(() => {
    config = path.join(dir, 'btg.config.yaml');
    fs.writeFileSync(config, 'accounts: []\n');
    written();
  });

  it('is recognised: same inputs, every written file as it was', () => {
    expect(upToDateBuild(config, out)?.kinds).toEqual(['rule-yaml', 'hunting-yaml', 'manifest']);
    const printed: string[] = [];
    expect(fastBuild(['node', 'btg', 'build', '-c', config, '--out', out], (s) => printed.push(s))).toBe(0);
    expect(printed.join('')).toMatch(
      new RegExp(
        `^skipped x: not configured\\nbuilt ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/ in \\d+ ms: the pack validated \\(0 errors, 0 warnings\\); 1 analytics rule, 1 hunting query\\nreview it in .*/out/report.html\\n$`,
      ),
    );
  });

  it('is not recognised when the config changed', () => {
    fs.appendFileSync(config, '# changed\n');
    expect(upToDateBuild(config, out)).toBeUndefined();
  });

  it('is not recognised when a written file changed or is gone', () => {
    fs.appendFileSync(path.join(out, 'detections/a.yaml'), 'x');
    expect(upToDateBuild(config, out)).toBeUndefined();
    fs.writeFileSync(path.join(out, 'detections/a.yaml'), 'id: a\n');
    expect(upToDateBuild(config, out)).toBeDefined();
    fs.rmSync(path.join(out, 'hunting/h.yaml'));
    expect(upToDateBuild(config, out)).toBeUndefined();
  });

  it("is not recognised beside an interrupted build's leftovers", () => {
    fs.mkdirSync(path.join(dir, '.out-old-abc123'));
    expect(upToDateBuild(config, out)).toBeUndefined();
    fs.rmdirSync(path.join(dir, '.out-old-abc123'));
    fs.writeFileSync(path.join(out, '.btg-partial'), '[]');
    expect(upToDateBuild(config, out)).toBeUndefined();
  });

  it('a forged record naming a path outside the folder is not trusted', () => {
    const file = cacheFileFor(out);
    const data = JSON.parse(fs.readFileSync(file, 'utf8').slice(MAGIC.length));
    fs.writeFileSync(path.join(dir, 'secret'), 's');
    data.build.files['../secret'] = require('crypto').createHash('sha256').update('s').digest('hex');
    fs.writeFileSync(file, MAGIC + JSON.stringify(data));
    expect(upToDateBuild(config, out)).toBeUndefined();
  });

  it('a record with terminal control sequences prints them as plain text', () => {
    const file = cacheFileFor(out);
    const data = JSON.parse(fs.readFileSync(file, 'utf8').slice(MAGIC.length));
    data.build.skipped = [{ templateId: 'x\u001b]8;;https://evil.example\u0007', reason: 'ok\u001b[2J\nbuilt fake/' }];
    fs.writeFileSync(file, MAGIC + JSON.stringify(data));
    const printed: string[] = [];
    expect(fastBuild(['node', 'btg', 'build', '-c', config, '--out', out], (s) => printed.push(s))).toBe(0);
    const text = printed.join('');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text.split('\n')[0]).toBe('skipped x]8;;https://evil.example: ok built fake/');
  });

  it('only the plain form takes the fast path (any other option builds)', () => {
    const none = () => undefined;
    expect(fastBuild(['node', 'btg', 'build', '-c', config, '-o', out, '--json'], none)).toBeUndefined();
    expect(fastBuild(['node', 'btg', 'build', '-c', config, '-o', out, '--schemas', dir], none)).toBeUndefined();
    expect(fastBuild(['node', 'btg', 'validate', config], none)).toBeUndefined();
    expect(fastBuild(['node', 'btg', 'build', `--config=${config}`, `--out=${out}`], none)).toBe(0);
    // a place btg refuses to write stays refused by the real build
    expect(fastBuild(['node', 'btg', 'build', '-c', config, '-o', '.'], none)).toBeUndefined();
  });
});
