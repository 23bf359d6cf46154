/**
 * Issue 11 item 8 as attacks on `btg validate <paths>`: a file that never ends and a dangling link matched by a glob
 * are one diagnostic each, and the run goes on (no hang, no exit 2 for the whole run).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadSchemaSources } from '../../scripts/kql/schemas';
import { expandInputs } from '../../scripts/validate/files';
import { MAX_CONTENT_FILE_BYTES, readContentText } from '../../scripts/validate/userContent';

// Reading /dev/zero whole never returns, and a test cannot interrupt a synchronous read: such a read fails instead.
jest.mock('fs', () => {
  const actual = jest.requireActual<typeof import('fs')>('fs');
  return {
    ...actual,
    readFileSync: (...args: Parameters<typeof actual.readFileSync>) => {
      if (args[0] === '/dev/zero') throw new Error('/dev/zero read whole');
      return actual.readFileSync(...args);
    },
  };
});

test('a file that never ends (/dev/zero) is read up to the size cap and refused, not read forever', () => {
  const t0 = Date.now();
  const r = readContentText('/dev/zero');
  expect(r.text).toBeUndefined();
  expect(r.diagnostic).toMatchObject({ code: 'file-size', severity: 'error', file: '/dev/zero' });
  expect(r.diagnostic!.message).toMatch(new RegExp(`over the ${MAX_CONTENT_FILE_BYTES / 1024 / 1024} MB limit`));
  expect(Date.now() - t0).toBeLessThan(10_000);
});

test('a regular file and a device that ends (/dev/null) are read whole', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-hostile-files-'));
  const file = path.join(dir, 'rule.yaml');
  fs.writeFileSync(file, '\uFEFFid: x\n');
  expect(readContentText(file)).toEqual({ text: 'id: x\n' });
  expect(readContentText('/dev/null')).toEqual({ text: '' });
});

test('a glob that matches a dangling symbolic link: the link is one file to report, the others are validated', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-hostile-files-'));
  fs.writeFileSync(path.join(dir, 'a.yaml'), 'id: a\n');
  fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'b.yaml'));
  const r = expandInputs([path.join(dir, '*.yaml')]);
  expect(r).toEqual({ files: [path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')], errors: [] });
  expect(readContentText(path.join(dir, 'b.yaml')).diagnostic).toMatchObject({ code: 'file-read', severity: 'error' });
});

test('--schemas: a link to a device is one diagnostic (not read: /dev/zero would never end), the others load', () => {
  // /dev/null, not /dev/zero: this module is shared by the test environment (no fs mock), and without the check a
  // link to /dev/zero would hang the test instead of failing it
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-hostile-files-'));
  fs.symlinkSync('/dev/null', path.join(dir, 'device.json'));
  fs.writeFileSync(
    path.join(dir, 'T.json'),
    JSON.stringify({ Name: 'T', Properties: [{ Name: 'c', Type: 'String' }] }),
  );
  const set = loadSchemaSources([dir]);
  expect(set.diagnostics).toEqual([
    {
      code: 'schema-file',
      severity: 'error',
      file: path.join(dir, 'device.json'),
      message: 'not a regular file; not read',
    },
  ]);
  expect(Object.keys(set.tables)).toEqual(['T']);
});
