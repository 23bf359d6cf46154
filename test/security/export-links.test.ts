/**
 * `btg check --export <dir>` replaces a previous export by the list in its btg-export.json, like `--out` by its
 * manifest: a forged list and a symbolic link planted in the folder must not delete or overwrite a file elsewhere.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeExport } from '../../scripts/posture/export';
import { GraphResult } from '../../scripts/posture/source';

function setUp(): { dir: string; victim: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-export-links-'));
  const victim = path.join(root, 'victim');
  fs.mkdirSync(victim);
  fs.writeFileSync(path.join(victim, 'x.json'), 'precious');
  const dir = path.join(root, 'export');
  fs.mkdirSync(dir);
  fs.symlinkSync(victim, path.join(dir, 'users'));
  const manifest = { tool: 'breakglass-sentinel', kind: 'btg-check-export', files: ['users/x.json'] };
  fs.writeFileSync(path.join(dir, 'btg-export.json'), JSON.stringify(manifest));
  return { dir, victim };
}

test('a previous export is cleared only inside the folder: a listed file behind a symbolic link stays', () => {
  const { dir, victim } = setUp();
  writeExport(dir, new Map(), { exportedAt: new Date('2026-01-01T00:00:00Z') });
  expect(fs.readFileSync(path.join(victim, 'x.json'), 'utf8')).toBe('precious');
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'btg-export.json'), 'utf8')).files).toEqual([]);
});

test('a response is never written through a symbolic link in the folder', () => {
  const { dir, victim } = setUp();
  const records = new Map<string, GraphResult>([['users/x', { kind: 'ok', body: { overwritten: true } }]]);
  expect(() => writeExport(dir, records, { exportedAt: new Date('2026-01-01T00:00:00Z') })).toThrow(
    /users is a symbolic link or a file, and users\/x.json would be written through it/,
  );
  expect(fs.readFileSync(path.join(victim, 'x.json'), 'utf8')).toBe('precious');
  expect(fs.readdirSync(victim)).toEqual(['x.json']);
});
