/**
 * Attack: an error nobody catches (a timer, a socket listener, a forgotten promise) is printed by Node itself, past
 * main()'s redaction of process.stdout/stderr. bin/btg.js prints it redacted and exits 2. Runs the real bin (dist/).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PACK_ROOT } from '../../scripts/paths';

const TOKEN = 'opaque-env-token-0123456789';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA';
const bin = path.join(PACK_ROOT, 'bin', 'btg.js');
const compiled = fs.existsSync(path.join(PACK_ROOT, 'dist', 'scripts', 'security', 'redact.js'));

(compiled ? test.each : test.skip.each)([
  [
    'an uncaught exception',
    `setTimeout(() => { throw new Error('server said Authorization: Bearer ${JWT} with ' + process.env.BTG_ACCESS_TOKEN); }, 0);`,
  ],
  [
    'an unhandled rejection',
    `setTimeout(() => { Promise.reject(new Error('rejected ${JWT} ' + process.env.BTG_ACCESS_TOKEN)); }, 0);`,
  ],
])('%s holding tokens is printed redacted, exit 2', (_what, code) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-uncaught-'));
  const preload = path.join(dir, 'throw.js');
  fs.writeFileSync(preload, code);
  const r = spawnSync(process.execPath, ['-r', preload, bin, '--version'], {
    env: { ...process.env, BTG_ACCESS_TOKEN: TOKEN },
    encoding: 'utf8',
  });
  const all = `${r.stdout}\n${r.stderr}`;
  expect(all).not.toContain(TOKEN);
  expect(all).not.toContain(JWT);
  expect(all).not.toContain('c2lnbmF0dXJl');
  expect(r.stderr).toContain('btg: internal error:');
  expect(r.status).toBe(2);
});
