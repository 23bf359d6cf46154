import * as fs from 'fs';
import * as path from 'path';
import { parseDocument, stringify } from 'yaml';
import { contentHash } from '../scripts/emit/artifacts';
import { EXAMPLE_CONFIG } from '../scripts/paths';
import { runCli } from './helpers/cli';
import { baseRule, tempDir, writeRule } from './helpers/rules';

jest.setTimeout(60_000);

/** One build of the example config, shared by the tests that only read what it wrote and printed. */
const exampleDir = tempDir();
const exampleOut = path.join(exampleDir, 'out');
let exampleBuild: Awaited<ReturnType<typeof runCli>>;
beforeAll(async () => {
  exampleBuild = await runCli('build', '--config', EXAMPLE_CONFIG, '--out', exampleOut);
});

describe('btg build', () => {
  const dir = exampleDir;
  const out = exampleOut;

  it('writes the pack and a manifest whose hashes match the files', async () => {
    const r = exampleBuild;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/built .* in \d+ ms/);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts.filter((a: { kind: string }) => a.kind === 'rule-yaml').length).toBeGreaterThanOrEqual(3);
    for (const a of manifest.artifacts)
      expect(contentHash({ path: a.path, content: fs.readFileSync(path.join(out, a.path), 'utf8') })).toBe(a.sha256);
    expect(JSON.stringify(manifest)).not.toMatch(/secret|password/i);
  });

  it('a config with a malformed object id fails with a precise message and leaves out/ as it was', async () => {
    const before = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8');
    const cfg = path.join(dir, 'bad.yaml');
    const text = fs.readFileSync(EXAMPLE_CONFIG, 'utf8').replace('00000000-0000-4000-8000-00000000b702', 'not-a-guid');
    fs.writeFileSync(cfg, text);
    const r = await runCli('build', '--config', cfg, '--out', out);
    expect(r.code).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes('not-a-guid')) + 1;
    expect(r.stderr).toContain(`bad.yaml:${line}:`);
    expect(r.stderr).toContain('accounts[1].objectId: expected a GUID, got "not-a-guid"');
    expect(r.stderr).toMatch(/nothing written/);
    expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('tmp'))).toEqual([]);
  });

  it('a fresh output directory is not created when the build fails', async () => {
    const cfg = path.join(dir, 'bad2.yaml');
    fs.writeFileSync(cfg, stringify({ accounts: [{ objectId: 'x', userPrincipalName: 'a@b.example' }] }));
    const fresh = path.join(dir, 'fresh-out');
    expect((await runCli('build', '--config', cfg, '--out', fresh)).code).toBe(1);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  it('a missing config says how to start from the example', async () => {
    const r = await runCli('build', '--config', path.join(dir, 'nope.yaml'), '--out', path.join(dir, 'o2'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/examples\/btg.config.yaml/);
  });

  it('ids are deterministic UUID v5: two builds give identical files', async () => {
    const out2 = path.join(dir, 'out2');
    await runCli('build', '--config', EXAMPLE_CONFIG, '--out', out2);
    const m1 = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const m2 = JSON.parse(fs.readFileSync(path.join(out2, 'manifest.json'), 'utf8'));
    expect(m2.artifacts).toEqual(m1.artifacts);
    for (const a of m1.artifacts.filter((x: { kind: string }) => x.kind === 'rule-yaml'))
      expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('btg validate (user rule files)', () => {
  const dir = tempDir();

  it('rejects a query with an unknown column, with file:line:col and a caret', async () => {
    const file = writeRule(
      dir,
      'unknown-column.yaml',
      baseRule({ query: 'SigninLogs\n| where UserPrincipalNam =~ "x"\n| project TimeGenerated, UserId, IPAddress\n' }),
    );
    const r = await runCli('validate', file);
    expect(r.code).toBe(1);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('UserPrincipalNam '));
    const col = lines[line].indexOf('UserPrincipalNam') + 1;
    expect(r.stdout).toContain(
      `${path.relative(process.cwd(), file) === file ? file : file}:${line + 1}:${col}  error  KS142: The name 'UserPrincipalNam' does not refer to any known column`,
    );
    expect(r.stdout).toMatch(/\n\s+\^{16}/);
  });

  it('rejects an entity mapping that names a column the query does not return', async () => {
    const file = writeRule(
      dir,
      'bad-entity.yaml',
      baseRule({
        entityMappings: [
          { entityType: 'Account', fieldMappings: [{ identifier: 'AadUserId', columnName: 'TargetUserId' }] },
        ],
      }),
    );
    const r = await runCli('validate', '--json', file);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.diagnostics).toEqual([
      expect.objectContaining({
        code: 'rule-entity-column',
        line: expect.any(Number),
        message: expect.stringMatching(/does not return a column "TargetUserId"/),
      }),
    ]);
  });

  it('a valid rule passes with exit 0', async () => {
    const r = await runCli('validate', writeRule(dir, 'good.yaml', baseRule()));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 error\(s\), 0 warning\(s\)/);
  });

  it('duplicate ids across files name both files', async () => {
    const a = writeRule(dir, 'dup-a.yaml', baseRule({ name: 'A' }));
    const b = writeRule(dir, 'dup-b.yaml', baseRule({ name: 'B' }));
    const r = await runCli('validate', '--json', a, b);
    const d = JSON.parse(r.stdout).diagnostics.find((x: { code: string }) => x.code === 'pack-unique-ids');
    expect(d.file).toBe(b);
    // the other file is a related location, not text in the message
    expect(d.message).not.toContain(a);
    expect(d.related).toEqual([expect.objectContaining({ message: 'also used by', file: a, line: 1 })]);
  });

  it('a table with no schema is reported once, not as a cascade; --schemas supplies it', async () => {
    const q =
      'MyApp_CL\n| where Account_s == "x" and Ip_s != ""\n| project TimeGenerated, UserId = Account_s, IPAddress = Ip_s, UserPrincipalName = Account_s\n';
    const file = writeRule(dir, 'custom.yaml', baseRule({ query: q }));
    const r = await runCli('validate', '--json', file);
    const diags = JSON.parse(r.stdout).diagnostics;
    expect(diags.map((d: { code: string }) => d.code)).toEqual(['kql-unknown-table']);
    expect(diags[0].message).toMatch(/no schema for table 'MyApp_CL'/);
    const schemas = path.join(dir, 'schemas');
    fs.mkdirSync(schemas);
    fs.writeFileSync(
      path.join(schemas, 'MyApp_CL.json'),
      JSON.stringify({
        Name: 'MyApp_CL',
        Properties: [
          { Name: 'TimeGenerated', Type: 'DateTime' },
          { Name: 'Account_s', Type: 'String' },
          { Name: 'Ip_s', Type: 'String' },
        ],
      }),
    );
    const r2 = await runCli('validate', '--schemas', schemas, file);
    expect(r2.code).toBe(0);
  });

  it('the pack itself validates clean', async () => {
    const r = await runCli('validate', '--config', EXAMPLE_CONFIG);
    expect(r.stdout).toMatch(/^0 error\(s\)/m);
    expect(r.code).toBe(0);
  });
});

describe('help', () => {
  it('every command has --help', async () => {
    const top = await runCli('--help');
    const commands = [...top.stdout.matchAll(/^  (\w[\w-]*) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['build', 'validate', 'render']));
    for (const c of commands) {
      const r = await runCli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: btg ${c}`));
    }
  });
});

/** Issue 12: one option set, one exit-code rule, fail-fast sign-in, every artifact renderable, the build's last words. */
describe('CLI scenarios (options, exit codes, messages)', () => {
  const dir = tempDir();
  const missing = path.join(dir, 'no-such.yaml');
  /** stderr without the config's own warnings (advice about the config, not about the command) */
  const errOnly = (s: string) =>
    s
      .split(/(?<=\n)/)
      .filter((l) => !/^\S+: warning: /.test(l))
      .join('');

  it('--version and -V print the package version, exit 0', async () => {
    const version = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;
    for (const flag of ['--version', '-V']) {
      const r = await runCli(flag);
      expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('--help documents --no-color, NO_COLOR, BTG_ACCESS_TOKEN and the exit codes', async () => {
    const r = await runCli('--help');
    expect(r.stdout).toMatch(/--no-color +no colours/);
    expect(r.stdout).toContain('NO_COLOR');
    expect(r.stdout).toContain('Exit codes: 0 clean, 1 findings');
    expect(
      (await runCli('--no-color', 'render', '--config', EXAMPLE_CONFIG, 'btg-interactive-signin', '--format', 'kql'))
        .code,
    ).toBe(0);
  });

  it('colours on a terminal only: --no-color (before or after the command) and NO_COLOR turn them off', async () => {
    const file = writeRule(
      dir,
      'colour.yaml',
      baseRule({ query: 'SigninLogs\n| where UserPrincipalNam =~ "x"\n| project TimeGenerated, UserId, IPAddress\n' }),
    );
    const saved = { tty: process.stdout.isTTY, ci: process.env.CI, noColor: process.env.NO_COLOR };
    delete process.env.CI;
    delete process.env.NO_COLOR;
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    const coloured = async (...args: string[]) => {
      const r = await runCli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stdout).toContain("KS142: The name 'UserPrincipalNam'");
      return r.stdout.includes('\x1b[');
    };
    try {
      expect(await coloured('validate', file)).toBe(true);
      expect(await coloured('--no-color', 'validate', file)).toBe(false);
      expect(await coloured('validate', '--no-color', file)).toBe(false);
      process.env.NO_COLOR = '1';
      expect(await coloured('validate', file)).toBe(false);
      // an empty NO_COLOR does not count (no-color.org)
      process.env.NO_COLOR = '';
      expect(await coloured('validate', file)).toBe(true);
      delete process.env.NO_COLOR;
      // --no-color lasts one run: the next one on the terminal has colours again
      expect(await coloured('validate', file)).toBe(true);
      // btg check decides the same way (it had its own rule, which ignored CI)
      const check = async (...extra: string[]) =>
        (
          await runCli('check', '-c', EXAMPLE_CONFIG, '--from', 'test/fixtures/posture/clean', ...extra)
        ).stdout.includes('\x1b[');
      expect(await check()).toBe(true);
      expect(await check('--no-color')).toBe(false);
      process.env.CI = 'true';
      expect(await check()).toBe(false);
      delete process.env.CI;
    } finally {
      Object.defineProperty(process.stdout, 'isTTY', { value: saved.tty, configurable: true });
      if (saved.ci !== undefined) process.env.CI = saved.ci;
      if (saved.noColor !== undefined) process.env.NO_COLOR = saved.noColor;
    }
  });

  it('an extra positional argument is a usage error (exit 2), not silently ignored', async () => {
    const r = await runCli('build', EXAMPLE_CONFIG, '--out', path.join(dir, 'x'));
    expect(r.code).toBe(2);
    // one line in the format of every other error, and where the options are (not the whole help)
    expect(r.stderr).toBe(
      "btg: too many arguments for 'build'. Expected 0 arguments but got 1.\n(btg <command> --help lists the options)\n",
    );
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
    for (const c of ['init', 'check', 'test', 'drill', 'plan', 'deploy']) {
      const x = await runCli(c, '-c', EXAMPLE_CONFIG, 'extra');
      expect({ c, code: x.code, stdout: x.stdout, stderr: x.stderr }).toEqual({
        c,
        code: 2,
        stdout: '',
        stderr: `btg: too many arguments for '${c}'. Expected 0 arguments but got 1.\n(btg <command> --help lists the options)\n`,
      });
    }
    const render = await runCli('render', 'btg-interactive-signin', 'btg-admin-activity', '-c', EXAMPLE_CONFIG);
    expect(render.code).toBe(2);
    expect(render.stderr).toMatch(/^btg: too many arguments for 'render'\. Expected 1 argument but got 2\.\n/);
    expect(await runCli('build', '-c', EXAMPLE_CONFIG, '-o', '')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'btg: --out: expected a folder, e.g. -o out (got an empty path)\n',
    });
    const option = await runCli('validate', '--nope');
    expect(option).toEqual({
      code: 2,
      stdout: '',
      stderr: "btg: unknown option '--nope'\n(btg <command> --help lists the options)\n",
    });
  });

  it('a missing config is exit 2 with the same message in every command', async () => {
    const message = `btg: config file ${missing} not found. Start from the example: cp examples/btg.config.yaml btg.config.yaml (then put in your accounts' object IDs and UPNs), run btg init, or pass --config examples/btg.config.yaml\n`;
    const runs: string[][] = [
      ['build', '-c', missing, '-o', path.join(dir, 'o')],
      ['validate', '-c', missing],
      ['render', 'btg-interactive-signin', '-c', missing],
      ['check', '-c', missing, '--from', 'test/fixtures/posture/clean'],
      ['test', '-c', missing],
      ['drill', '-c', missing],
      ['plan', '-c', missing],
      ['deploy', '-c', missing, '--yes'],
    ];
    for (const args of runs) {
      const r = await runCli(...args);
      expect({ args, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
        args,
        code: 2,
        stderr: message,
        stdout: '',
      });
    }
  });

  it('-c/--config is accepted by every command that reads the config, with one default path', async () => {
    const top = await runCli('--help');
    const commands = [...top.stdout.matchAll(/^  (\w[\w-]*) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    for (const c of commands) {
      const help = (await runCli(c, '--help')).stdout.replace(/\s+/g, ' ');
      expect({ c, option: /-c, --config <file> [^-]*\(default: "btg\.config\.yaml"\)/.test(help) }).toEqual({
        c,
        option: true,
      });
    }
    const r = await runCli('check', '-c', EXAMPLE_CONFIG, '--from', 'test/fixtures/posture/clean', '--json');
    expect(r.code).toBe(0);
  });

  it('check --json: a Graph name holding C1 controls or direction overrides is escaped, the same JSON', async () => {
    const dir = tempDir();
    fs.cpSync('test/fixtures/posture/clean', dir, { recursive: true });
    const policies = path.join(dir, 'identity/conditionalAccess/policies.json');
    fs.writeFileSync(
      policies,
      fs.readFileSync(policies, 'utf8').replace(/"CA00(\d) - /g, '"CA00$1\\u202e\\u009b31m - '),
    );
    const r = await runCli('check', '-c', EXAMPLE_CONFIG, '--from', dir, '--json');
    expect(r.stdout).toContain('CA001\\u202e');
    // eslint-disable-next-line no-control-regex -- what a terminal would act on
    expect(r.stdout).not.toMatch(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    // the same value once parsed
    expect(JSON.parse(r.stdout).findings.some((f: { subject: string }) => f.subject.startsWith('CA001\u202e'))).toBe(
      true,
    );
  });

  it('durations are written one way: drill --interval 30s, deploy --timeout 2m; a bare number is a usage error', async () => {
    const help = async (c: string) => (await runCli(c, '--help')).stdout.replace(/\s+/g, ' ');
    expect(await help('drill')).toContain('--interval <duration> time between polls, e.g. 30s or 1m (default: 30s)');
    expect(await help('deploy')).toContain('--timeout <duration> per-request timeout, e.g. 60s or 2m (default: 1m)');
    const r = await runCli('plan', '-c', EXAMPLE_CONFIG, '--timeout', '60');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--timeout 60: expected a duration like 30s, 5m or 1h');
    expect((await runCli('drill', '-c', EXAMPLE_CONFIG, '--interval', '30000')).stderr).toContain(
      '--interval 30000: expected a duration like 30s, 5m or 1h',
    );
    expect(await runCli('drill', '-c', EXAMPLE_CONFIG, '--interval', '2m', '--timeout', '90s')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'btg: --interval 2m is longer than --timeout 90s: the drill would poll once\n',
    });
  });

  it('validate -j takes a whole number ≥ 1, else a usage error (exit 2)', async () => {
    for (const bad of ['0', '-1', 'abc', '1.5']) {
      const r = await runCli('validate', '-j', bad, '-c', EXAMPLE_CONFIG);
      expect({ bad, code: r.code, msg: r.stderr.includes(`--jobs ${bad}: expected a whole number ≥ 1`) }).toEqual({
        bad,
        code: 2,
        msg: true,
      });
    }
  });

  it('an unknown rule id is exit 2 listing the valid ids, never a green "0 rules"', async () => {
    const r = await runCli('test', '-c', EXAMPLE_CONFIG, '--rule', 'btg-nope');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(errOnly(r.stderr)).toMatch(/^btg: unknown rule "btg-nope"; valid: .*btg-interactive-signin/);
    const typo = await runCli('test', '-c', EXAMPLE_CONFIG, '--rule', 'btg-interactive-signn');
    expect(errOnly(typo.stderr)).toContain(
      'unknown rule "btg-interactive-signn" (did you mean btg-interactive-signin?)',
    );
    const noLoc = path.join(dir, 'no-locations.yaml');
    fs.writeFileSync(noLoc, fs.readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/  expectedLocations:\n(    .*\n)+/, ''));
    const leftOut = await runCli('test', '-c', noLoc, '--rule', 'btg-signin-unexpected-location');
    expect(leftOut.code).toBe(2);
    expect(errOnly(leftOut.stderr)).toMatch(
      /^btg: nothing to test: btg-signin-unexpected-location is not in the pack for this config \(.*expectedLocations.*\)\n$/,
    );
    // a hunting query is not a rule with test rows: said so
    const hunting = await runCli('test', '-c', EXAMPLE_CONFIG, '--rule', 'btg-last-signin');
    expect({ code: hunting.code, stderr: errOnly(hunting.stderr) }).toEqual({
      code: 2,
      stderr: 'btg: btg-last-signin is a hunting query: btg test runs the test rows of analytics rules\n',
    });
    // --live: the wrong id is said before signing in (not hidden behind a sign-in failure)
    const { testDeps } = await import('../scripts/cli/commands/test');
    const saved = { ...testDeps };
    let asked = 0;
    testDeps.credential = async () => ({ getToken: async () => (asked++, null) });
    try {
      const live = await runCli('test', '--live', '-c', EXAMPLE_CONFIG, '--rule', 'btg-nope');
      expect(live.code).toBe(2);
      expect(errOnly(live.stderr)).toMatch(/^btg: unknown rule "btg-nope"; valid: /);
      expect(asked).toBe(0);
    } finally {
      Object.assign(testDeps, saved);
    }
    const render = await runCli('render', 'btg-nope', '-c', EXAMPLE_CONFIG);
    expect(render.code).toBe(2);
    expect(errOnly(render.stderr)).toMatch(
      /^btg: unknown artifact id "btg-nope"; valid: .*btg-interactive-signin.*btg-accounts.*btg-notify-enrich.*test-routine.*workbook, watchlist, monitor-alert, pack\n$/,
    );
  });

  it('check --from a folder that is not an export is exit 2 (an empty folder used to pass with every check skipped)', async () => {
    const empty = path.join(dir, 'empty-export');
    fs.mkdirSync(empty);
    const r = await runCli('check', '-c', EXAMPLE_CONFIG, '--from', empty);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(errOnly(r.stderr)).toBe(
      `btg: --from ${empty}: not an export written by btg check --export (no valid btg-export.json in it)\n`,
    );
    // a folder of something else, a missing path, a file: each one clear message, exit 2
    const other = path.join(dir, 'other-folder');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'btg-export.json'), '{}');
    const file = path.join(other, 'policies.json');
    fs.writeFileSync(file, '{}');
    for (const [from, message] of [
      [other, 'not an export written by btg check --export (no valid btg-export.json in it)'],
      [path.join(dir, 'no-such-export'), 'no such folder'],
      [file, 'a file, not a folder: pass the folder btg check --export wrote'],
    ]) {
      const x = await runCli('check', '-c', EXAMPLE_CONFIG, '--from', from);
      expect({ code: x.code, stdout: x.stdout, stderr: errOnly(x.stderr) }).toEqual({
        code: 2,
        stdout: '',
        stderr: `btg: --from ${from}: ${message}\n`,
      });
    }
  });
});

describe('fail-fast sign-in', () => {
  it('check (live Graph) without a token: one two-line message, exit 2, nothing read', async () => {
    const { checkDeps } = await import('../scripts/cli/commands/check');
    const saved = { ...checkDeps };
    checkDeps.credential = async () => ({
      getToken: async () => {
        throw new Error('ChainedTokenCredential authentication failed.\nCredentialUnavailableError: az not found');
      },
    });
    try {
      const r = await runCli('check', '-c', EXAMPLE_CONFIG, '--graph-endpoint', 'https://127.0.0.1:9');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l && !/: warning: /.test(l));
      expect(lines).toEqual([
        'btg: cannot get a token for https://127.0.0.1:9/.default with DefaultAzureCredential: ChainedTokenCredential authentication failed.',
        expect.stringMatching(/^Sign in with `az login`.*or set BTG_ACCESS_TOKEN$/),
      ]);
    } finally {
      Object.assign(checkDeps, saved);
    }
  });

  it('test --live without a token: the message once (not once per case), exit 2', async () => {
    const { testDeps } = await import('../scripts/cli/commands/test');
    const saved = { ...testDeps };
    testDeps.credential = async () => ({
      getToken: async () => {
        throw new Error('DefaultAzureCredential failed to retrieve a token');
      },
    });
    try {
      // the example config carries workspaces[].workspaceId
      const r = await runCli('test', '--live', '-c', EXAMPLE_CONFIG);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.match(/cannot get a token/g)).toHaveLength(1);
      expect(r.stderr).toContain(
        'btg: cannot get a token for https://api.loganalytics.io/.default with DefaultAzureCredential: DefaultAzureCredential failed to retrieve a token\nSign in with `az login`',
      );
    } finally {
      Object.assign(testDeps, saved);
    }
  });
  it('drill --record where it cannot be written: exit 2 before signing in (not after a half-hour drill)', async () => {
    const { drillDeps } = await import('../scripts/cli/commands/drill');
    const saved = { ...drillDeps };
    const asked: string[] = [];
    drillDeps.credential = async () => ({
      getToken: async (scope) => {
        asked.push(String(scope));
        return null;
      },
    });
    const dir = tempDir();
    const nowhere = path.join(dir, 'no-such-folder', 'drills.jsonl');
    try {
      const r = await runCli('drill', '-c', EXAMPLE_CONFIG, '--record', nowhere);
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
        code: 2,
        stdout: '',
        stderr: `btg: --record ${nowhere}: the folder ${path.dirname(nowhere)} does not exist; nothing was done\n`,
      });
      const folder = await runCli('drill', '-c', EXAMPLE_CONFIG, '--record', dir);
      expect(folder.code).toBe(2);
      expect(folder.stderr).toBe(`btg: --record ${dir}: not a file (a JSON-lines file the drills are appended to)\n`);
      expect(asked).toEqual([]);
      // a null token is a sign-in failure too (one message, exit 2)
      const signIn = await runCli('drill', '-c', EXAMPLE_CONFIG, '--record', path.join(dir, 'drills.jsonl'));
      expect(signIn.code).toBe(2);
      expect(signIn.stderr).toMatch(/^btg: cannot get a token for .*: no token returned\nSign in with `az login`/);
      expect(fs.existsSync(path.join(dir, 'drills.jsonl'))).toBe(false);
    } finally {
      Object.assign(drillDeps, saved);
    }
  });

  it('plan and deploy without a token: one two-line message, exit 2, before the pack is validated, nothing sent', async () => {
    const { deployCliDeps } = await import('../scripts/cli/deployRun');
    const saved = { ...deployCliDeps };
    const asked: string[] = [];
    deployCliDeps.chooseCredential = async () => ({
      source: 'DefaultAzureCredential (AzureCloud)',
      credential: {
        getToken: async (scope) => {
          asked.push(String(scope));
          throw new Error('ChainedTokenCredential authentication failed.\nCredentialUnavailableError: az not found');
        },
      },
    });
    // a config that loads but whose pack does not validate (a rule override for no rule): validating first would say
    // so (exit 1) after seconds of analysis; signing in first says what is wrong now
    const dir = tempDir();
    const packError = path.join(dir, 'pack-error.yaml');
    fs.writeFileSync(
      packError,
      fs.readFileSync(EXAMPLE_CONFIG, 'utf8').replace('  rules: {}', '  rules: { btg-nope: { enabled: false } }'),
    );
    try {
      for (const args of [
        ['plan', '-c', EXAMPLE_CONFIG],
        ['deploy', '--yes', '-c', EXAMPLE_CONFIG],
        ['plan', '--json', '-c', packError],
      ]) {
        const r = await runCli(...args);
        expect({ args, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
          args,
          code: 2,
          stdout: '',
          stderr:
            'btg: cannot get a token for https://management.azure.com/.default with DefaultAzureCredential (AzureCloud): ChainedTokenCredential authentication failed.\n' +
            'Sign in with `az login` (add `--cloud` for sovereign clouds), or set AZURE_TENANT_ID + AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE (workload identity), or set BTG_ACCESS_TOKEN\n',
        });
      }
      expect(asked).toEqual(Array(3).fill('https://management.azure.com/.default'));
      // the config's own usage errors and a missing input still come first
      const schemas = path.join(dir, 'no-such-schemas');
      expect(await runCli('plan', '-c', EXAMPLE_CONFIG, '--schemas', schemas)).toEqual({
        code: 2,
        stdout: '',
        stderr: `btg: --schemas ${schemas}: not a directory\n`,
      });
      const ws = await runCli('plan', '-c', EXAMPLE_CONFIG, '--workspace', 'nope');
      expect(ws).toEqual({
        code: 2,
        stdout: '',
        stderr: `btg: --workspace nope: not in ${EXAMPLE_CONFIG} (known: prod)\n`,
      });
      expect(asked).toHaveLength(3);
    } finally {
      Object.assign(deployCliDeps, saved);
    }
  });
});

describe('btg render: every artifact', () => {
  const dir = tempDir();

  it('without an id lists every artifact with its formats', async () => {
    const r = await runCli('render', '-c', EXAMPLE_CONFIG);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^  btg-interactive-signin +analytics rule: Break-glass account interactive sign-in +\[yaml, arm, kql\]$/m,
    );
    expect(r.stdout).toMatch(/^  btg-accounts +workbook: .* +\[json, arm\]$/m);
    expect(r.stdout).toMatch(/^  btg-notify-enrich +playbook: Break-glass: notify and enrich +\[arm\]$/m);
    expect(r.stdout).toMatch(/^  btg-incident-alert-added +automation rule: .* +\[automation\]$/m);
    expect(r.stdout).toMatch(/^  btg-test-reminder +playbook: .*\[arm\]$/m);
    expect(r.stdout).toMatch(/^  btg-signin-monitor-alert +Azure Monitor alert: .*\[arm\]$/m);
    expect(r.stdout).toMatch(/^  test-routine +routine +\[md\]$/m);
    expect(r.stdout).toMatch(/^  pack +combined ARM template: .*\[arm\]$/m);
    const cfg = path.join(dir, 'no-locations-list.yaml');
    fs.writeFileSync(cfg, fs.readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/  expectedLocations:\n(    .*\n)+/, ''));
    expect((await runCli('render', '-c', cfg)).stdout).toMatch(
      /^Not in the pack for this config:\n(.*\n)*  btg-signin-unexpected-location: .*expectedLocations/m,
    );
  });

  it('prints each artifact exactly as build writes it', async () => {
    const out = exampleOut;
    expect(exampleBuild.code).toBe(0);
    const cases: [string[], string][] = [
      [['btg-interactive-signin'], 'detections/btg-interactive-signin.yaml'],
      [['btg-interactive-signin', '--format', 'arm'], 'arm/detections/btg-interactive-signin.json'],
      [['btg-activity-timeline'], 'hunting/btg-activity-timeline.yaml'],
      [['workbook'], 'workbooks/btg-accounts.json'],
      [['btg-accounts', '--format', 'arm'], 'arm/workbooks/btg-accounts.json'],
      [['btg-notify-enrich'], 'playbooks/btg-notify-enrich/azuredeploy.json'],
      [['btg-incident-created'], 'arm/automation/btg-incident-created.json'],
      [['btg-incident-alert-added', '--format', 'automation'], 'arm/automation/btg-incident-alert-added.json'],
      [['monitor-alert'], 'arm/monitor/btg-signin-monitor-alert.json'],
      [['btg-response-failure-alert'], 'arm/monitor/btg-response-failure-alert.json'],
      [['btg-last-signin', '--format', 'arm'], 'arm/hunting/btg-last-signin.json'],
      [['drill-watchlist'], 'arm/watchlists/BreakGlassDrills.json'],
      [['break-glass-procedure'], 'routines/break-glass-procedure.md'],
      [['pack'], 'arm/breakglass-sentinel.json'],
    ];
    // every kind of file the build writes is among them (a new kind without a render form fails here)
    const manifest: { path: string; kind: string }[] = JSON.parse(
      fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'),
    ).artifacts;
    const kindOf = (file: string) => manifest.find((a) => a.path === file)?.kind;
    expect([...new Set(cases.map(([, file]) => kindOf(file)))].sort()).toEqual(
      [...new Set(manifest.map((a) => a.kind))].sort(),
    );
    for (const [args, file] of cases) {
      const r = await runCli('render', ...args, '-c', EXAMPLE_CONFIG);
      expect({ args, code: r.code, same: r.stdout === fs.readFileSync(path.join(out, file), 'utf8') }).toEqual({
        args,
        code: 0,
        same: true,
      });
    }
    const bad = await runCli('render', 'test-routine', '--format', 'arm', '-c', EXAMPLE_CONFIG);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('btg: test-routine (routine) has no arm form; its formats: md');
  });

  it('the watchlist (accountSource: watchlist) as CSV and ARM; with inline accounts it says why there is none', async () => {
    const inline = await runCli('render', 'watchlist', '-c', EXAMPLE_CONFIG);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toContain('the watchlist is not in the pack for this config: accountSource is inline');
    const cfg = path.join(dir, 'watchlist.yaml');
    fs.writeFileSync(
      cfg,
      fs.readFileSync(EXAMPLE_CONFIG, 'utf8').replace('accountSource: inline', 'accountSource: watchlist'),
    );
    const csv = await runCli('render', 'watchlist', '-c', cfg);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toMatch(/AccountObjectId/);
    expect(csv.stdout).toContain('00000000-0000-4000-8000-00000000b701');
    expect(
      JSON.parse((await runCli('render', 'watchlist', '--format', 'arm', '-c', cfg)).stdout).resources.length,
    ).toBeGreaterThan(0);
  });

  it('a rule the config leaves out says why (exit 2)', async () => {
    const cfg = path.join(dir, 'no-locations.yaml');
    fs.writeFileSync(cfg, fs.readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/  expectedLocations:\n(    .*\n)+/, ''));
    const r = await runCli('render', 'btg-signin-unexpected-location', '-c', cfg);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^btg: btg-signin-unexpected-location is not in the pack for this config: .*expectedLocations/m,
    );
    // the sign-in Monitor alert turned off: by its id and by the alias, and in the list; the alias never falls back to
    // the response-failure alert
    const off = path.join(dir, 'monitor-off.yaml');
    fs.writeFileSync(
      off,
      fs
        .readFileSync(EXAMPLE_CONFIG, 'utf8')
        .replace('  rules: {}', '  rules: {}\n  monitorAlert:\n    enabled: false'),
    );
    for (const [id, stderr] of [
      ['btg-signin-monitor-alert', 'btg-signin-monitor-alert is not in the pack for this config'],
      ['monitor-alert', 'the Azure Monitor alert is not in the pack for this config'],
    ]) {
      const x = await runCli('render', id, '-c', off);
      expect({ id, code: x.code, stdout: x.stdout, stderr: x.stderr }).toEqual({
        id,
        code: 2,
        stdout: '',
        stderr: `btg: ${stderr}: options.monitorAlert.enabled is false\n`,
      });
    }
    expect((await runCli('render', '-c', off)).stdout).toMatch(
      /^Not in the pack for this config:\n(.*\n)*  btg-signin-monitor-alert: options\.monitorAlert\.enabled is false$/m,
    );
    expect((await runCli('render', 'btg-response-failure-alert', '-c', off)).code).toBe(0);
  });
});

describe('btg build: its last words', () => {
  it('names out/report.html and says the pack validated', async () => {
    const out = exampleOut;
    const r = exampleBuild;
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[lines.length - 2]).toMatch(
      new RegExp(
        `^built ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/ in \\d+ ms: the pack validated \\(0 errors, \\d+ warnings?\\); \\d+ analytics rules, 3 hunting queries, 1 workbook, 3 playbooks, 2 automation rules, 2 Azure Monitor alerts, 4 routines$`,
      ),
    );
    expect(lines[lines.length - 1]).toBe(`review it in ${out}/report.html`);
    // no progress line without a terminal
    expect(r.stderr).not.toMatch(/rendering the pack/);
  });
});

describe('btg init', () => {
  const REAL1 = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
  const REAL2 = '7e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908';
  const SUB = '0b1c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d3e';
  // neither this process's terminal nor its stdin: each test says where answers come from
  let savedDeps: typeof import('../scripts/cli/commands/init').initDeps;
  beforeEach(async () => {
    const { initDeps } = await import('../scripts/cli/commands/init');
    savedDeps = { ...initDeps };
    initDeps.interactive = () => false;
    initDeps.piped = () => false;
  });
  afterEach(async () => {
    const { initDeps } = await import('../scripts/cli/commands/init');
    Object.assign(initDeps, savedDeps);
  });

  it('non-interactive with flags: a commented config that loads, .gitignore for real ids, the next two commands', async () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'btg.config.yaml');
    const r = await runCli(
      'init',
      '-c',
      cfg,
      '--tenant-name',
      'Fabrikam "HQ" # not a comment',
      '--account',
      `${REAL1}=btg-01@fabrikam.com`,
      '--account',
      `${REAL2}=btg-02@fabrikam.com`,
      '--notify',
      'soc@fabrikam.com',
      '--subscription-id',
      SUB,
      '--resource-group',
      'rg-sec',
      '--workspace-name',
      'law-sec',
      '--location',
      'northeurope',
      '--workspace-id',
      REAL2,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `wrote ${cfg} (and added it to ${dir}/.gitignore: it names real accounts)\nnext:\n  npx btg build -c ${cfg}   # build and validate the pack into out/, then open out/report.html\n  npx btg plan -c ${cfg}    # what btg deploy would change in your workspace (needs az login)\n`,
    );
    const text = fs.readFileSync(cfg, 'utf8');
    expect(text).toMatch(/^# breakglass-sentinel config, written by `btg init`/);
    expect(text).toContain('# the break-glass (emergency access) accounts');
    const { loadConfig } = await import('../scripts/config/load');
    const loaded = loadConfig(cfg);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.config).toMatchObject({
      tenantName: 'Fabrikam "HQ" # not a comment',
      accounts: [
        { objectId: REAL1, userPrincipalName: 'btg-01@fabrikam.com' },
        { objectId: REAL2, userPrincipalName: 'btg-02@fabrikam.com' },
      ],
      notify: { emails: ['soc@fabrikam.com'] },
      workspaces: [
        {
          subscriptionId: SUB,
          resourceGroup: 'rg-sec',
          workspaceName: 'law-sec',
          location: 'northeurope',
          workspaceId: REAL2,
        },
      ],
    });
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe(
      '# btg init: the config names real accounts\n/btg.config.yaml\n',
    );
    // the written config builds
    expect((await runCli('build', '-c', cfg, '-o', path.join(dir, 'out'))).code).toBe(0);
    // without --tenant-name the titles name the accounts' tenant, not the example's Contoso
    const other = path.join(dir, 'other.yaml');
    const named = await runCli(
      'init',
      '-c',
      other,
      '--account',
      `${REAL1}=btg-01@fabrikam.onmicrosoft.com`,
      '--account',
      `${REAL2}=btg-02@fabrikam.onmicrosoft.com`,
    );
    expect(named.code).toBe(0);
    expect(loadConfig(other).config!.tenantName).toBe('Fabrikam');
  });

  it('refuses to overwrite without --force (exit 2, file kept); --force overwrites; example ids are not gitignored', async () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'my.yaml');
    fs.writeFileSync(cfg, 'keep me\n');
    const args = [
      'init',
      '-c',
      cfg,
      '--account',
      '00000000-0000-4000-8000-00000000b701=a@contoso.example',
      '--account',
      '00000000-0000-4000-8000-00000000b702=b@contoso.example',
    ];
    const refused = await runCli(...args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `btg: ${cfg} already exists: nothing was written (use --force to overwrite it, or -c <file> for another path)\n`,
    );
    expect(fs.readFileSync(cfg, 'utf8')).toBe('keep me\n');
    const forced = await runCli(...args, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`npx btg check -c ${cfg}`);
    expect(fs.existsSync(path.join(dir, '.gitignore'))).toBe(false);
  });

  it('without a terminal and without flags: exit 2 naming the flags; bad values: exit 2 naming the field, nothing written', async () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'btg.config.yaml');
    const none = await runCli('init', '-c', cfg);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^btg: btg init without a terminal needs flags: --account <objectId>=<userPrincipalName> at least twice/,
    );
    const bad = await runCli(
      'init',
      '-c',
      cfg,
      '--account',
      `not-a-guid=a@fabrikam.com`,
      '--account',
      `${REAL2}=b@fabrikam.com`,
    );
    expect(bad.code).toBe(2);
    // refused at the flag that holds it, with the config's message
    expect(bad.stderr).toBe('btg: --account "not-a-guid": expected a GUID; nothing was written\n');
    expect(fs.existsSync(cfg)).toBe(false);
    expect(
      (
        await runCli(
          'init',
          '-c',
          cfg,
          '--account',
          `${REAL1}=a@f.com`,
          '--account',
          `${REAL2}=b@f.com`,
          '--subscription-id',
          SUB,
        )
      ).stderr,
    ).toContain('a workspace needs all of');
    const nowhere = await runCli(
      'init',
      '-c',
      path.join(dir, 'no', 'such', 'btg.config.yaml'),
      '--account',
      `${REAL1}=a@f.com`,
      '--account',
      `${REAL2}=b@f.com`,
    );
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain(`the folder ${path.join(dir, 'no', 'such')} does not exist; nothing was written`);
    expect(
      (await runCli('init', '-c', dir, '--account', `${REAL1}=a@f.com`, '--account', `${REAL2}=b@f.com`, '--force'))
        .stderr,
    ).toContain(`${dir} is a folder`);
  });

  it('interactive: asks, re-asks a wrong answer, writes the config', async () => {
    const { initDeps } = await import('../scripts/cli/commands/init');
    const { PassThrough, Readable } = await import('stream');
    const saved = { ...initDeps };
    const dir = tempDir();
    const cfg = path.join(dir, 'btg.config.yaml');
    let prompts = '';
    const output = new PassThrough();
    output.on('data', (c) => (prompts += String(c)));
    initDeps.output = output;
    initDeps.input = Readable.from([
      'Northwind\n',
      'abc\n',
      `${REAL1}\n`,
      'btg-01@northwind.com\n',
      `${REAL1.toUpperCase()}\n`,
      `${REAL2}\n`,
      'BTG-01@northwind.com\n',
      'btg-02@northwind.com\n',
      '\n',
      'soc@northwind.com, ciso@northwind.com\n',
      `${SUB}\n`,
      'rg-sec\n',
      'law\n',
      'law-sec\n',
      '\n',
      '\n',
    ]);
    initDeps.interactive = () => true;
    try {
      const r = await runCli('init', '-c', cfg);
      expect(r.code).toBe(0);
      expect(prompts).toContain('Account 1 object id: ');
      expect(prompts).toContain('  expected a GUID, got "abc"; try again\n');
      expect(prompts).toContain('Account 3 object id (empty when done): ');
      // each answer is checked as the config will be: a duplicate account or a name Azure refuses is asked again
      // (not found at the end, with everything typed thrown away)
      expect(prompts).toContain(`  the same as account 1's, got "${REAL1.toUpperCase()}"; try again\n`);
      expect(prompts).toContain(`  the same as account 1's, got "BTG-01@northwind.com"; try again\n`);
      expect(prompts).toContain(
        '  expected a Log Analytics workspace name (4-63 letters, digits, hyphens), got "law"; try again\n',
      );
      const { loadConfig } = await import('../scripts/config/load');
      expect(loadConfig(cfg).config).toMatchObject({
        tenantName: 'Northwind',
        accounts: [{ objectId: REAL1 }, { objectId: REAL2, userPrincipalName: 'btg-02@northwind.com' }],
        notify: { emails: ['soc@northwind.com', 'ciso@northwind.com'] },
        workspaces: [
          { subscriptionId: SUB, resourceGroup: 'rg-sec', workspaceName: 'law-sec', location: 'westeurope' },
        ],
      });
      // input that ends early: exit 2, nothing written
      initDeps.input = Readable.from(['Northwind\n']);
      const early = await runCli('init', '-c', path.join(dir, 'other.yaml'));
      expect(early.code).toBe(2);
      expect(early.stderr).toContain('the input ended before "Account 1 object id" was answered; nothing was written');
      expect(fs.existsSync(path.join(dir, 'other.yaml'))).toBe(false);
    } finally {
      Object.assign(initDeps, saved);
    }
  });

  it("a value the config refuses is refused at its flag or prompt with the config's message, quoted escaped", async () => {
    const { initDeps } = await import('../scripts/cli/commands/init');
    const { PassThrough, Readable } = await import('stream');
    const dir = tempDir();
    const cfg = path.join(dir, 'btg.config.yaml');
    const accounts = ['--account', `${REAL1}=btg-01@fabrikam.com`, '--account', `${REAL2}=btg-02@fabrikam.com`];
    const esc = await runCli('init', '-c', cfg, '--tenant-name', 'Fab\x1b[2Jrikam', ...accounts);
    expect(esc).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'btg: --tenant-name "Fab\\u001b[2Jrikam": expected printable text: control characters (tab, line breaks, escape codes, direction overrides) are not allowed; nothing was written\n',
    });
    const rlo = await runCli('init', '-c', cfg, ...accounts, '--notify', 'soc\u202e@fabrikam.com');
    expect(rlo.code).toBe(2);
    expect(rlo.stderr).toBe(
      'btg: --notify "soc\\u202e@fabrikam.com": expected an email address without direction overrides; nothing was written\n',
    );
    expect(fs.existsSync(cfg)).toBe(false);
    // at a prompt: asked again, the value shown escaped (a U+202E would reorder the line)
    let prompts = '';
    const output = new PassThrough();
    output.on('data', (c) => (prompts += String(c)));
    initDeps.output = output;
    initDeps.interactive = () => true;
    initDeps.input = Readable.from([
      'North\u202ewind\n',
      'Northwind\n',
      `${REAL1}\n`,
      'btg-01\u202e@northwind.com\n',
      'btg-01@northwind.com\n',
      `${REAL2}\n`,
      'btg-02@northwind.com\n',
      '\n',
      '\n',
      '\n',
    ]);
    const r = await runCli('init', '-c', cfg);
    expect(r.code).toBe(0);
    expect(prompts).toContain('  expected printable text: control characters');
    expect(prompts).toContain(', got "North\\u202ewind"; try again\n');
    expect(prompts).toContain(
      '  expected a user principal name without direction overrides, got "btg-01\\u202e@northwind.com"; try again\n',
    );
    expect(prompts).not.toMatch(/\u202e/);
  });

  it('answers piped in, one a line: no prompts, the config written; a wrong answer or an empty pipe is exit 2, nothing written', async () => {
    const { initDeps } = await import('../scripts/cli/commands/init');
    const { PassThrough, Readable } = await import('stream');
    const dir = tempDir();
    const cfg = path.join(dir, 'btg.config.yaml');
    let prompts = '';
    const output = new PassThrough();
    output.on('data', (c) => (prompts += String(c)));
    initDeps.output = output;
    initDeps.piped = () => true;
    // the input ends after the second account: the questions that may be empty are left empty
    initDeps.input = Readable.from([`Northwind\n${REAL1}\nbtg-01@northwind.com\n${REAL2}\nbtg-02@northwind.com\n`]);
    const r = await runCli('init', '-c', cfg);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(prompts).toBe('');
    expect(r.stdout).toContain(`wrote ${cfg} (and added it to ${dir}/.gitignore`);
    const { loadConfig } = await import('../scripts/config/load');
    expect(loadConfig(cfg).config).toMatchObject({
      tenantName: 'Northwind',
      accounts: [{ objectId: REAL1 }, { objectId: REAL2 }],
      notify: { emails: [] },
      workspaces: [],
    });
    const other = path.join(dir, 'other.yaml');
    initDeps.input = Readable.from([`Northwind\nabc\n${REAL1}\n`]);
    const wrong = await runCli('init', '-c', other);
    expect(wrong).toEqual({
      code: 2,
      stdout: '',
      stderr: 'btg: answer 2 ("Account 1 object id"): expected a GUID, got "abc"; nothing was written\n',
    });
    initDeps.input = Readable.from([]);
    const empty = await runCli('init', '-c', other);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(
      /^btg: btg init without a terminal needs flags: .*the answers piped in, one a line\n$/,
    );
    expect(fs.existsSync(other)).toBe(false);
  });
});

describe('CLI scenarios: config messages and the build progress line', () => {
  it('a config key holding an escape sequence or a direction override is printed without it (btg check, test, drill, build)', async () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'keys.yaml');
    fs.writeFileSync(
      cfg,
      fs.readFileSync(EXAMPLE_CONFIG, 'utf8') +
        '"x\\e[2J\\e]0;owned\\ay": 1\n"ab\\u202ecd": 2\noptions2:\n  "r\\u009b31m": {}\n',
    );
    for (const args of [
      ['check', '-c', cfg, '--from', 'test/fixtures/posture/clean'],
      ['test', '-c', cfg],
      ['drill', '-c', cfg],
      ['build', '-c', cfg, '-o', path.join(dir, 'out')],
    ]) {
      const r = await runCli(...args);
      expect({ args, code: r.code, keyNamed: r.stderr.includes('unknown key "ab\\u202ecd"') }).toEqual({
        args,
        code: 1,
        keyNamed: true,
      });
      // eslint-disable-next-line no-control-regex -- the characters that must not reach the terminal
      expect((r.stdout + r.stderr).match(/[\x1b\x07\x9b\u202e]/g)).toBeNull();
    }
  });

  it('an invalid config is exit 1 (a finding) in every command, the unknown key at its own line with the nearest valid key', async () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'typo.yaml');
    const text = fs
      .readFileSync(EXAMPLE_CONFIG, 'utf8')
      .replace('    displayName: Emergency Access 02', '    dispalyName: Emergency Access 02');
    fs.writeFileSync(cfg, text);
    const line = text.split('\n').findIndex((l) => l.includes('dispalyName')) + 1;
    const runs: string[][] = [
      ['build', '-c', cfg, '-o', path.join(dir, 'out')],
      ['validate', '-c', cfg],
      ['render', 'btg-interactive-signin', '-c', cfg],
      ['check', '-c', cfg, '--from', 'test/fixtures/posture/clean'],
      ['test', '-c', cfg],
      ['drill', '-c', cfg],
      ['plan', '-c', cfg],
    ];
    for (const args of runs) {
      const r = await runCli(...args);
      const all = r.stdout + r.stderr;
      expect({
        args,
        code: r.code,
        at: all.includes(`typo.yaml:${line}:5`),
        hint: all.includes('accounts[1].dispalyName: unknown key "dispalyName" (did you mean displayName?)'),
      }).toEqual({ args, code: 1, at: true, hint: true });
    }
  });

  it('an IP range, a country code and an auth method outside their real sets fail the build with the value named', async () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'sets.yaml');
    fs.writeFileSync(
      cfg,
      fs
        .readFileSync(EXAMPLE_CONFIG, 'utf8')
        .replace('countries: [NO, SE]', 'countries: [NO, XX]')
        .replace(/ipRanges: \[[^\]]*\]/, 'ipRanges: [999.1.1.1/24, 10.0.0.0/33, "2001:db8::/129"]')
        .replace('    - X.509 Certificate', '    - Yubikey'),
    );
    const r = await runCli('build', '-c', cfg, '-o', path.join(dir, 'out'));
    expect(r.code).toBe(1);
    for (const v of ['"999.1.1.1/24"', '"10.0.0.0/33"', '"2001:db8::/129"', '"XX"', '"Yubikey"'])
      expect(r.stderr).toContain(`got ${v}`);
  });

  it('accounts: [] says the real minimum; a YAML syntax error shows its first cause only (one diagnostic, exit 1)', async () => {
    const dir = tempDir();
    const example = fs.readFileSync(EXAMPLE_CONFIG, 'utf8');
    const noAccounts = path.join(dir, 'no-accounts.yaml');
    fs.writeFileSync(noAccounts, example.replace(/^accounts:\n(  .*\n)+/m, 'accounts: []\n'));
    const empty = await runCli('validate', '-c', noAccounts);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain(
      'error  accounts: expected at least 2 break-glass accounts (or 1 with allowSingleAccount: true), got 0',
    );
    expect(empty.stdout).toMatch(/^1 error\(s\), 0 warning\(s\)/m);
    // an unclosed flow sequence: the parser's cascade (flow, indentation, mapping errors) is cut to its first cause
    const broken = path.join(dir, 'broken.yaml');
    const text = example.replace(
      'custodians: [ciso@contoso.example, it-director@contoso.example]',
      'custodians: [ciso@contoso.example, it-director@contoso.example',
    );
    expect(parseDocument(text).errors.length).toBeGreaterThan(3);
    fs.writeFileSync(broken, text);
    const r = await runCli('validate', '-c', broken, '--json');
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.stdout).diagnostics;
    expect(diags).toHaveLength(1);
    // at the bracket that is not closed, not at the next account where the parser gave up
    expect(diags[0]).toMatchObject({
      code: 'yaml-syntax',
      severity: 'error',
      message: expect.stringMatching(/^this \[ is not closed: a flow sequence ends with \]/),
      line: text.split('\n').findIndex((l) => l.includes('it-director@contoso.example')) + 1,
    });
  });

  it('build, validate and plan show a progress line on a terminal only, erased when done', async () => {
    const out = path.join(tempDir(), 'out');
    const saved = { tty: process.stderr.isTTY, ci: process.env.CI, noColor: process.env.NO_COLOR };
    delete process.env.CI;
    delete process.env.NO_COLOR;
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    try {
      const r = await runCli('build', '-c', EXAMPLE_CONFIG, '-o', out);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        /^btg build: rendering the pack from .* and checking every query with the Kusto analyzer…\r\x1b\[K/,
      );
      const v = await runCli('validate', '-c', EXAMPLE_CONFIG);
      expect(v.code).toBe(0);
      expect(v.stderr).toBe(
        `btg validate: rendering the pack from ${EXAMPLE_CONFIG} and checking every query with the Kusto analyzer…\r\x1b[K`,
      );
      const { deployCliDeps } = await import('../scripts/cli/deployRun');
      const savedDeps = { ...deployCliDeps };
      deployCliDeps.chooseCredential = async () => ({
        source: 'BTG_ACCESS_TOKEN',
        credential: { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }) },
      });
      try {
        // stops after the pack check: --force of an id the pack does not have (nothing is read)
        const p = await runCli('plan', '-c', EXAMPLE_CONFIG, '--force', 'btg-nope');
        expect(p.code).toBe(2);
        expect(p.stderr).toMatch(
          /^btg: validating the pack from .* before reading the workspaces…\r\x1b\[Kbtg: --force btg-nope: unknown template id "btg-nope"; valid: /,
        );
      } finally {
        Object.assign(deployCliDeps, savedDeps);
      }
      // not on a pipe
      Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
      expect((await runCli('validate', '-c', EXAMPLE_CONFIG)).stderr).toBe('');
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: saved.tty, configurable: true });
      if (saved.ci !== undefined) process.env.CI = saved.ci;
      if (saved.noColor !== undefined) process.env.NO_COLOR = saved.noColor;
    }
  });
});
