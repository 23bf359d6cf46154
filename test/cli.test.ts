import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { contentHash } from '../scripts/emit/artifacts';
import { EXAMPLE_CONFIG } from '../scripts/paths';
import { runCli } from './helpers/cli';
import { baseRule, tempDir, writeRule } from './helpers/rules';

jest.setTimeout(60_000);

describe('btg build', () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');

  it('writes the pack and a manifest whose hashes match the files', async () => {
    const r = await runCli('build', '--config', EXAMPLE_CONFIG, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/built .* in \d+ ms/);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts.filter((a: { kind: string }) => a.kind === 'rule-yaml').length).toBeGreaterThanOrEqual(3);
    for (const a of manifest.artifacts) expect(contentHash({ path: a.path, content: fs.readFileSync(path.join(out, a.path), 'utf8') })).toBe(a.sha256);
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
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/examples\/btg.config.yaml/);
  });

  it('ids are deterministic UUID v5: two builds give identical files', async () => {
    const out2 = path.join(dir, 'out2');
    await runCli('build', '--config', EXAMPLE_CONFIG, '--out', out2);
    const m1 = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const m2 = JSON.parse(fs.readFileSync(path.join(out2, 'manifest.json'), 'utf8'));
    expect(m2.artifacts).toEqual(m1.artifacts);
    for (const a of m1.artifacts.filter((x: { kind: string }) => x.kind === 'rule-yaml')) expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('btg validate (user rule files)', () => {
  const dir = tempDir();

  it('rejects a query with an unknown column, with file:line:col and a caret', async () => {
    const file = writeRule(dir, 'unknown-column.yaml', baseRule({ query: 'SigninLogs\n| where UserPrincipalNam =~ "x"\n| project TimeGenerated, UserId, IPAddress\n' }));
    const r = await runCli('validate', file);
    expect(r.code).toBe(1);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('UserPrincipalNam ')) ;
    const col = lines[line].indexOf('UserPrincipalNam') + 1;
    expect(r.stdout).toContain(`${path.relative(process.cwd(), file) === file ? file : file}:${line + 1}:${col}  error  KS142: The name 'UserPrincipalNam' does not refer to any known column`);
    expect(r.stdout).toMatch(/\n\s+\^{16}/);
  });

  it('rejects an entity mapping that names a column the query does not return', async () => {
    const file = writeRule(dir, 'bad-entity.yaml', baseRule({ entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'AadUserId', columnName: 'TargetUserId' }] }] }));
    const r = await runCli('validate', '--json', file);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.diagnostics).toEqual([expect.objectContaining({ code: 'rule-entity-column', line: expect.any(Number), message: expect.stringMatching(/does not return a column "TargetUserId"/) })]);
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
    expect(d.message).toContain(a);
    expect(d.file).toBe(b);
  });

  it('a table with no schema is reported once, not as a cascade; --schemas supplies it', async () => {
    const q = 'MyApp_CL\n| where Account_s == "x" and Ip_s != ""\n| project TimeGenerated, UserId = Account_s, IPAddress = Ip_s, UserPrincipalName = Account_s\n';
    const file = writeRule(dir, 'custom.yaml', baseRule({ query: q }));
    const r = await runCli('validate', '--json', file);
    const diags = JSON.parse(r.stdout).diagnostics;
    expect(diags.map((d: { code: string }) => d.code)).toEqual(['kql-unknown-table']);
    expect(diags[0].message).toMatch(/no schema for table 'MyApp_CL'/);
    const schemas = path.join(dir, 'schemas');
    fs.mkdirSync(schemas);
    fs.writeFileSync(path.join(schemas, 'MyApp_CL.json'), JSON.stringify({ Name: 'MyApp_CL', Properties: [{ Name: 'TimeGenerated', Type: 'DateTime' }, { Name: 'Account_s', Type: 'String' }, { Name: 'Ip_s', Type: 'String' }] }));
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
