/**
 * `btg validate <paths>` on a user's own Azure-Sentinel content: every content type by its shape, directories and
 * globs, --schemas in the forms Azure-Sentinel writes, hostile files, and the corpus runner on a generated corpus.
 * One analyzer per process (in-process under ts-jest).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { emitPack } from '../scripts/emit/pack';
import { loadPack } from '../scripts/content/pack';
import { loadSchemaSources, parseLenientJson } from '../scripts/kql/schemas';
import { Diagnostic } from '../scripts/core/diagnostic';
import { expandInputs, validateContentFiles } from '../scripts/validate/files';
import { formatters } from '../scripts/validate/format';
import { DIAGNOSTIC_CHECKS } from '../scripts/core/checks';
import { MAX_CONTENT_FILE_BYTES } from '../scripts/validate/userContent';
import { runCorpus, formatCorpusReport } from '../scripts/bench/corpus';
import { baseRule, tempDir, writeRule } from './helpers/rules';
import { exampleConfig } from './helpers/pack';
import { runCli } from './helpers/cli';

const GUID2 = '5a0c7e2b-41a3-4f0e-8d7e-1f2a3b4c5d02';
const HUNTING = {
  id: 'b9a1f3c2-7e4d-4a8b-9c0d-3e2f1a0b9c8d',
  name: 'Sign-ins of one user',
  description: 'Hunting: every sign-in of a user.',
  requiredDataConnectors: [{ connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] }],
  tactics: ['InitialAccess'],
  relevantTechniques: ['T1078'],
  query:
    'SigninLogs\n| where TimeGenerated > todatetime("{{StartTimeISO}}")\n| project TimeGenerated, UserId, IPAddress\n',
  entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'AadUserId', columnName: 'UserId' }] }],
  version: '1.0.0',
  metadata: { source: { kind: 'Community' }, author: { name: 'someone' } },
};

async function validate(paths: string[], opts: { schemas?: string[] } = {}): Promise<Diagnostic[]> {
  const { files, errors } = expandInputs(paths);
  expect(errors).toEqual([]);
  return (await validateContentFiles(files, { schemas: opts.schemas, jobs: 1 })).diagnostics;
}
const errorsOf = (d: Diagnostic[]) => d.filter((x) => x.severity === 'error');

describe('btg validate: every content type by its shape', () => {
  const dir = tempDir('btg-shapes-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a hunting query (no kind, no schedule) validates as a hunting query, with its metadata tolerated', async () => {
    const d = await validate([writeRule(dir, 'h.yaml', HUNTING)]);
    expect(errorsOf(d)).toEqual([]);
    expect(d.filter((x) => x.code === 'rule-schema')).toEqual([]);
  });

  it('a hunting query is still analysed: an unknown column is an error at its line', async () => {
    const d = await validate([
      writeRule(dir, 'h-bad.yaml', { ...HUNTING, query: 'SigninLogs\n| where UserPrincipalNam == "x"\n' }),
    ]);
    const e = errorsOf(d);
    expect(e.map((x) => x.code)).toEqual(['kql-semantic']);
    expect(e[0].message).toMatch(/UserPrincipalNam/);
    expect(e[0].range?.start.line).toBeGreaterThan(0);
  });

  it('a member of a column kept by column_ifexists("X", default) is not an error (the engine keeps the column\'s own type)', async () => {
    const q =
      'AuditLogs\n| mv-expand TargetResources[0].modifiedProperties\n| extend TargetResources_0_modifiedProperties = columnifexists("TargetResources_0_modifiedProperties", \'\')\n| where TargetResources_0_modifiedProperties.displayName =~ "x"\n| extend Other = "s"\n| where Other.displayName == "y"\n| project TimeGenerated';
    const d = await validate([writeRule(dir, 'cie.yaml', { ...HUNTING, query: q, entityMappings: undefined })]);
    // the same member on a plain string column is still reported
    expect(errorsOf(d).map((x) => `${x.range?.start.line} ${x.message}`)).toEqual([
      expect.stringMatching(/KS142: The name 'displayName'/),
    ]);
    expect(errorsOf(d)[0].sourceLine).toMatch(/Other\.displayName/);
  });

  it('todynamic() of a dynamic value is not an error (todynamic is parse_json, which returns a dynamic as it is); of a number it is', async () => {
    const q =
      'let l = dynamic(["a"]);\nSigninLogs\n| where UserId in (todynamic(l))\n| extend N = todynamic(1)\n| project TimeGenerated, UserId, N';
    const d = await validate([writeRule(dir, 'todyn.yaml', { ...HUNTING, query: q, entityMappings: undefined })]);
    expect(errorsOf(d).map((x) => x.message)).toEqual(['KS107: A value of type string expected.']);
    expect(errorsOf(d)[0].sourceLine).toMatch(/todynamic\(1\)/);
  });

  it('hunting tactics in other spellings are named, unknown ones warned, neither is an error', async () => {
    const d = await validate([writeRule(dir, 'h-tac.yaml', { ...HUNTING, tactics: ['Initial access', 'Ransomware'] })]);
    expect(errorsOf(d)).toEqual([]);
    expect(d.filter((x) => x.code === 'hunting-tactics').map((x) => `${x.severity} ${x.message}`)).toEqual([
      'info tactics[0]: "Initial access" is read as InitialAccess; write InitialAccess',
      expect.stringMatching(/^warning tactics\[1\]: "Ransomware" is not a Sentinel tactic/),
    ]);
  });

  it('a file under "Hunting Queries" is a hunting query even with a rule\'s kind (a warning says the rule fields are ignored)', async () => {
    const hq = path.join(dir, 'Hunting Queries', 'X');
    fs.mkdirSync(hq, { recursive: true });
    const d = await validate([writeRule(hq, 'kinded.yaml', { ...HUNTING, kind: 'Scheduled' })]);
    expect(errorsOf(d)).toEqual([]);
    expect(d.filter((x) => x.code === 'hunting-fields').map((x) => `${x.severity} ${x.message}`)).toEqual([
      expect.stringMatching(/^warning kind: rule fields in a hunting query/),
    ]);
    // outside such a folder the same file is a Scheduled rule without its schedule
    expect(
      errorsOf(await validate([writeRule(dir, 'kinded.yaml', { ...HUNTING, kind: 'Scheduled' })])).map((x) => x.code),
    ).toContain('rule-schema');
  });

  it('NRT rule: scheduling fields are errors, the rest is checked', async () => {
    const nrt = baseRule({ kind: 'NRT' });
    for (const k of ['queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold']) delete nrt[k];
    expect(errorsOf(await validate([writeRule(dir, 'nrt.yaml', nrt)]))).toEqual([]);
    const bad = await validate([writeRule(dir, 'nrt-bad.yaml', { ...nrt, queryFrequency: '5m' })]);
    expect(errorsOf(bad).map((x) => x.code)).toEqual(['rule-nrt-fields']);
  });

  it('other kinds (Fusion, ...) are checked for id/kind only, and say so', async () => {
    const d = await validate([
      writeRule(dir, 'fusion.yaml', { id: GUID2, kind: 'Fusion', name: 'Advanced multistage attack detection' }),
    ]);
    expect(errorsOf(d)).toEqual([]);
    expect(d.find((x) => x.code === 'rule-kind')).toMatchObject({
      severity: 'info',
      message: expect.stringMatching(/kind Fusion: .*only id \(GUID\), kind and the field types were checked/),
    });
    const badId = await validate([
      writeRule(dir, 'fusion-id.yaml', { id: 'fusion-1', kind: 'MicrosoftSecurityIncidentCreation' }),
    ]);
    expect(errorsOf(badId).map((x) => x.code)).toEqual(['rule-id']);
  });

  it('a kind in the wrong case or an unknown kind is an error', async () => {
    const lower = await validate([writeRule(dir, 'k1.yaml', baseRule({ kind: 'scheduled' }))]);
    expect(errorsOf(lower)).toEqual([
      expect.objectContaining({
        code: 'rule-kind',
        message: 'kind: "scheduled" must be spelled "Scheduled" (kinds are case-sensitive)',
      }),
    ]);
    const unknown = await validate([writeRule(dir, 'k2.yaml', baseRule({ kind: 'Hourly' }))]);
    expect(errorsOf(unknown)[0].message).toMatch(/kind: "Hourly" is not a rule kind/);
  });

  it('a rule with a schedule but no kind is one clear error', async () => {
    const r = baseRule();
    delete r.kind;
    const d = await validate([writeRule(dir, 'nokind.yaml', r)]);
    expect(errorsOf(d).map((x) => x.message)).toEqual([expect.stringMatching(/kind is required on an analytic rule/)]);
  });

  it('a "moved" stub (no query) is an info note, and its id is not a duplicate of the moved content', async () => {
    const stub = writeRule(dir, 'moved.yaml', {
      id: baseRule().id,
      name: 'Test rule',
      description:
        "'As part of content migration, this file is moved to new location. You can find here: https://github.com/Azure/Azure-Sentinel/blob/master/Solutions/X/Analytic%20Rules/r.yaml'",
    });
    const d = await validate([stub, writeRule(dir, 'real.yaml', baseRule())]);
    expect(errorsOf(d)).toEqual([]);
    expect(d.find((x) => x.code === 'content-moved')).toMatchObject({
      severity: 'info',
      message: expect.stringMatching(
        /moved to https:\/\/github.com\/Azure\/Azure-Sentinel\/blob\/master\/Solutions\/X\/Analytic%20Rules\/r.yaml/,
      ),
    });
  });

  it('ids are unique among rules (error), names repeat as a warning, a hunting query may share a rule id', async () => {
    const a = writeRule(dir, 'dup-a.yaml', baseRule());
    const b = writeRule(dir, 'dup-b.yaml', baseRule());
    const h = writeRule(dir, 'dup-h.yaml', { ...HUNTING, id: baseRule().id });
    const d = await validate([a, b, h]);
    expect(d.filter((x) => x.code === 'pack-unique-ids').map((x) => [x.severity, x.file])).toEqual([['error', b]]);
    expect(d.filter((x) => x.code === 'pack-unique-names').map((x) => x.severity)).toEqual(['warning']);
  });

  it('ISO 8601 durations the service takes are accepted wherever a duration goes', async () => {
    const r = baseRule({
      queryFrequency: 'PT1H',
      queryPeriod: 'PT2H',
      suppressionEnabled: false,
      suppressionDuration: 'PT5H',
      incidentConfiguration: {
        createIncident: true,
        groupingConfiguration: { enabled: true, lookbackDuration: 'PT1H', matchingMethod: 'anyalert' },
      },
      eventGroupingSettings: { aggregationKind: 'alertperresult' },
    });
    const d = await validate([writeRule(dir, 'iso.yaml', r)]);
    expect(errorsOf(d)).toEqual([]);
    const bad = await validate([
      writeRule(
        dir,
        'iso-bad.yaml',
        baseRule({
          incidentConfiguration: {
            createIncident: true,
            groupingConfiguration: { enabled: true, lookbackDuration: 'P8D' },
          },
        }),
      ),
    ]);
    expect(errorsOf(bad).map((x) => x.message)).toEqual([
      expect.stringMatching(/lookbackDuration: expected 5m..7d, got "P8D"/),
    ]);
    const badEnum = await validate([
      writeRule(dir, 'enum-bad.yaml', baseRule({ eventGroupingSettings: { aggregationKind: 'PerResult' } })),
    ]);
    expect(errorsOf(badEnum).map((x) => x.code)).toEqual(['rule-schema']);
  });

  it('requiredDataConnectors keys in another case are read as Azure-Sentinel CI reads them; a Scheduled rule without them is an error', async () => {
    expect(
      errorsOf(
        await validate([
          writeRule(
            dir,
            'dc.yaml',
            baseRule({ requiredDataConnectors: [{ connectorId: 'AzureActiveDirectory', datatypes: ['SigninLogs'] }] }),
          ),
        ]),
      ),
    ).toEqual([]);
    const r = baseRule();
    delete r.requiredDataConnectors;
    expect(errorsOf(await validate([writeRule(dir, 'dc-none.yaml', r)])).map((x) => x.code)).toEqual([
      'rule-data-connectors',
    ]);
  });

  it('a legacy *CustomEntity column must be mapped (NewEntityMappings)', async () => {
    const r = baseRule({
      query:
        'SigninLogs\n| extend AccountCustomEntity = UserPrincipalName\n| project TimeGenerated, UserId, IPAddress, AccountCustomEntity\n',
    });
    expect(errorsOf(await validate([writeRule(dir, 'legacy.yaml', r)])).map((x) => x.code)).toEqual([
      'rule-legacy-entity-columns',
    ]);
  });

  it("the pack's own emitted detections and hunting YAML validate clean", async () => {
    const config = exampleConfig();
    const emitted = emitPack(loadPack(config, 'btg.config.yaml'), { report: false });
    const out = path.join(dir, 'out');
    let hunting = 0;
    for (const a of emitted.artifacts) {
      if (!/^(hunting|detections)\/[^/]+\.yaml$/.test(a.path)) continue;
      if (a.path.startsWith('hunting/')) hunting++;
      fs.mkdirSync(path.join(out, path.dirname(a.path)), { recursive: true });
      fs.writeFileSync(path.join(out, a.path), typeof a.content === 'string' ? a.content : stringify(a.content));
    }
    expect(hunting).toBeGreaterThanOrEqual(3);
    const d = await validate([path.join(out, 'hunting'), path.join(out, 'detections')]);
    expect(errorsOf(d)).toEqual([]);
    expect(d.filter((x) => x.code === 'rule-schema' || x.code === 'hunting-schema')).toEqual([]);
  });
});

describe('btg validate: paths, folders and globs', () => {
  const dir = tempDir('btg-paths-');
  beforeAll(() => {
    fs.mkdirSync(path.join(dir, 'rules', 'nested'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'empty'));
    writeRule(path.join(dir, 'rules'), 'a.yaml', baseRule());
    writeRule(path.join(dir, 'rules', 'nested'), 'b.yml', baseRule({ id: GUID2, name: 'B' }));
    fs.writeFileSync(path.join(dir, 'rules', 'README.md'), '# not content');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a folder is walked for *.yaml and *.yml (sorted, other files ignored)', () => {
    expect(expandInputs([path.join(dir, 'rules')])).toEqual({
      files: [path.join(dir, 'rules', 'a.yaml'), path.join(dir, 'rules', 'nested', 'b.yml')],
      errors: [],
    });
  });

  it('quoted globs are expanded (*, **)', () => {
    expect(expandInputs([path.join(dir, 'rules', '*.yaml')]).files).toEqual([path.join(dir, 'rules', 'a.yaml')]);
    expect(expandInputs([path.join(dir, '**', '*.yml')]).files).toEqual([path.join(dir, 'rules', 'nested', 'b.yml')]);
  });

  it('a missing path, an empty glob and a folder with no YAML are each one clear error', () => {
    const r = expandInputs([path.join(dir, 'nope.yaml'), path.join(dir, 'rules', '*.json'), path.join(dir, 'empty')]);
    expect(r.files).toEqual([]);
    expect(r.errors).toEqual([
      `${path.join(dir, 'nope.yaml')}: no such file or directory`,
      `${path.join(dir, 'rules', '*.json')}: no file matches this pattern`,
      `${path.join(dir, 'empty')}: folder holds no *.yaml or *.yml file`,
    ]);
  });
});

describe('btg validate (CLI): usage errors exit 2, findings exit 1 with SARIF still written', () => {
  const dir = tempDir('btg-cli-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a missing path, an empty glob or a missing --schemas path is one clear error, exit 2', async () => {
    const r = await runCli('validate', path.join(dir, 'nope'), path.join(dir, '*.yml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'nope')}: no such file or directory`);
    expect(r.stderr).toContain(`${path.join(dir, '*.yml')}: no file matches this pattern`);
    const good = writeRule(dir, 'good.yaml', baseRule());
    const s = await runCli('validate', good, '--schemas', path.join(dir, 'no-schemas'));
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('no-schemas: no such file or directory');
  });

  it('a folder with a broken file among good ones: exit 1, SARIF names the broken file', async () => {
    const sub = path.join(dir, 'rules');
    fs.mkdirSync(sub);
    writeRule(sub, 'a.yaml', baseRule());
    fs.writeFileSync(path.join(sub, 'b.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const r = await runCli('validate', sub, '--format', 'sarif', '-j', '1');
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('file-encoding');
  });
});

describe('btg validate: hostile files fail cleanly, the run goes on', () => {
  const dir = tempDir('btg-hostile-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('alias bomb, oversized file, invalid UTF-8, a folder named as a file, a non-mapping and a good file: one diagnostic each, the good file validated', async () => {
    const bomb = path.join(dir, 'bomb.yaml');
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    fs.writeFileSync(bomb, levels.join('\n') + '\nquery: *i\n');
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, `query: "${'x'.repeat(MAX_CONTENT_FILE_BYTES + 1)}"\n`);
    const latin1 = path.join(dir, 'latin1.yaml');
    fs.writeFileSync(
      latin1,
      Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xe9]), Buffer.from('\nquery: T\n')]),
    );
    const list = path.join(dir, 'list.yaml');
    fs.writeFileSync(list, '- a\n- b\n');
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'id: [unclosed\n');
    const good = writeRule(dir, 'good.yaml', baseRule());
    const files = [bomb, big, latin1, list, broken, good];
    const run = await validateContentFiles(files, { jobs: 1 });
    const byFile = (f: string) =>
      run.diagnostics.filter((d) => d.file === f && d.severity === 'error').map((d) => d.code);
    expect(byFile(bomb)).toEqual(['yaml-syntax']);
    expect(run.diagnostics.find((d) => d.file === bomb)!.message).toMatch(/alias/i);
    expect(byFile(big)).toEqual(['file-size']);
    expect(byFile(latin1)).toEqual(['file-encoding']);
    expect(run.diagnostics.find((d) => d.file === latin1)!.message).toMatch(
      /not valid UTF-8 \(first bad byte at offset 9\)/,
    );
    expect(byFile(list)).toEqual(['rule-schema']);
    expect(byFile(broken)).toEqual(['yaml-syntax']);
    expect(byFile(good)).toEqual([]);
    expect(run.results.map((r) => r.file)).toEqual(files);
    // SARIF and JUnit are still written, naming each hostile file
    const opts = {
      color: false,
      summary: 'x',
      extra: {},
      checks: DIAGNOSTIC_CHECKS,
      docsUri: 'https://example.invalid/checks.md',
      version: '0.0.0',
    };
    const sarif = JSON.parse(formatters.sarif(run.diagnostics, opts));
    const uris = new Set(
      sarif.runs[0].results.map(
        (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          r.locations[0].physicalLocation.artifactLocation.uri,
      ),
    );
    for (const f of [bomb, big, latin1]) expect([...uris].some((u) => String(u).endsWith(path.basename(f)))).toBe(true);
    const junit = formatters.junit(run.diagnostics, opts);
    for (const f of [bomb, big, latin1]) expect(junit).toContain(path.basename(f));
  });

  it('a BOM is ignored', async () => {
    const f = path.join(dir, 'bom.yaml');
    fs.writeFileSync(f, '\uFEFF' + stringify(baseRule(), { lineWidth: 0 }));
    expect(errorsOf(await validate([f]))).toEqual([]);
  });
});

describe('--schemas in the forms Azure-Sentinel writes', () => {
  const dir = tempDir('btg-schemas-');
  beforeAll(() => {
    fs.mkdirSync(path.join(dir, 'CustomTables'));
    fs.mkdirSync(path.join(dir, 'CustomFunctions'));
    fs.mkdirSync(path.join(dir, 'Parsers', 'ASimDns', 'Parsers'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'Parsers', 'ASimAuthentication', 'Parsers'), { recursive: true });
    // lower-case keys, type names in other cases and .NET spellings, a repeated column, a trailing comma (Newtonsoft reads it)
    fs.writeFileSync(
      path.join(dir, 'CustomTables', 'Contoso_CL.json'),
      '{\n "name": "Contoso_CL",\n "Properties": [\n  {"name": "TimeGenerated", "type": "DateTime"},\n  {"Name": "User_s", "Type": "string "},\n  {"Name": "Count_d", "Type": "Double"},\n  {"Name": "Flag_b", "Type": "Boolean"},\n  {"Name": "Bytes", "Type": "Int64"},\n  {"Name": "User_s", "Type": "String"},\n ]\n}\n',
    );
    fs.writeFileSync(
      path.join(dir, 'CustomFunctions', '_Im_Dns.json'),
      JSON.stringify({
        FunctionName: '_Im_Dns',
        FunctionParameters: [
          { Name: 'starttime', Type: 'datetime', IsRequired: false },
          { Name: 'response_has_any_prefix', Type: 'datetime', IsRequired: false },
        ],
        FunctionResultColumns: [
          { Name: 'TimeGenerated', Type: 'datetime' },
          { Name: 'DnsQuery', Type: 'string' },
          { Name: 'SrcIpAddr', Type: 'string' },
        ],
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'Parsers', 'ASimDns', 'Parsers', 'imDns.yaml'),
      stringify({
        Parser: { Title: 'DNS' },
        Normalization: { Schema: 'Dns' },
        ParserName: 'imDns',
        EquivalentBuiltInParser: '_Im_Dns_Builtin',
        ParserParams: [
          { Name: 'starttime', Type: 'datetime', Default: 'datetime(null)' },
          { Name: 'response_has_any_prefix', Type: 'dynamic', Default: 'dynamic([])' },
        ],
        ParserQuery: 'union isfuzzy=true vimDnsEmpty',
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'Parsers', 'ASimAuthentication', 'Parsers', 'imAuthentication.yaml'),
      stringify({
        Normalization: { Schema: 'Authentication' },
        ParserName: 'imAuthentication',
        ParserParams: [
          { Name: 'starttime', Type: 'datetime', Default: 'datetime(null)' },
          { Name: 'targetusername_has', Type: 'string', Default: '*' },
        ],
        ParserQuery: 'x',
      }),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads tables, functions and parsers; a repeated column is a warning; nothing is an error', () => {
    const set = loadSchemaSources([dir]);
    expect(set.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(set.diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      'warning Properties[5]: column "User_s" is listed twice; the first is kept',
    ]);
    expect(set.tables.Contoso_CL.slice(0, 5)).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'User_s', type: 'string' },
      { name: 'Count_d', type: 'real' },
      { name: 'Flag_b', type: 'bool' },
      { name: 'Bytes', type: 'long' },
    ]);
    // standard Log Analytics columns the file leaves out are added (a custom log also has SourceSystem, Computer ...)
    expect(set.tables.Contoso_CL.map((c) => c.name)).toEqual(
      expect.arrayContaining(['TenantId', 'Type', '_ResourceId', '_ItemId', 'SourceSystem', 'Computer']),
    );
    expect(set.tables.Contoso_CL.filter((c) => c.name === 'TimeGenerated')).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
    ]);
    expect(set.functions.map((f) => f.name).sort()).toEqual(
      ['_Im_Authentication', '_Im_Dns', '_Im_Dns_Builtin', 'imAuthentication', 'imDns'].sort(),
    );
    // a parser of a schema with a sample function gets its columns; without one its result is open
    expect(set.functions.find((f) => f.name === 'imDns')).toMatchObject({
      open: false,
      columns: expect.arrayContaining([{ name: 'DnsQuery', type: 'string' }]),
    });
    expect(set.functions.find((f) => f.name === '_Im_Authentication')).toMatchObject({ open: true });
  });

  it('rules over custom tables and ASIM parsers validate; a wrong column is still an error', async () => {
    const dirR = path.join(dir, 'rules');
    fs.mkdirSync(dirR, { recursive: true });
    const ok = writeRule(
      dirR,
      'ok.yaml',
      baseRule({
        requiredDataConnectors: [],
        query: 'Contoso_CL\n| where Count_d > 1 and Flag_b\n| project TimeGenerated, User_s, Bytes',
        entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'Name', columnName: 'User_s' }] }],
      }),
    );
    const parser = writeRule(
      dirR,
      'parser.yaml',
      baseRule({
        id: GUID2,
        name: 'P',
        query:
          'imAuthentication(starttime=ago(1h), targetusername_has="admin")\n| where EventResult == "Failure"\n| summarize n = count() by TargetUsername, SrcIpAddr\n| project TargetUsername, SrcIpAddr',
        entityMappings: [
          { entityType: 'Account', fieldMappings: [{ identifier: 'Name', columnName: 'TargetUsername' }] },
        ],
      }),
    );
    const dns = writeRule(dirR, 'dns.yaml', {
      ...HUNTING,
      query:
        '_Im_Dns(starttime=ago(1d), response_has_any_prefix=dynamic(["10.1."]))\n| where DnsQuery has "evil"\n| project TimeGenerated, SrcIpAddr, DnsQueryy',
      entityMappings: undefined,
    });
    const d = await validate([ok, parser, dns], {
      schemas: [path.join(dir, 'CustomTables'), path.join(dir, 'CustomFunctions'), path.join(dir, 'Parsers')],
    });
    expect(errorsOf(d).map((x) => `${path.basename(x.file!)} ${x.code} ${x.message}`)).toEqual([
      expect.stringMatching(/^dns.yaml kql-semantic KS142: The name 'DnsQueryy'/),
    ]);
  });

  it('a broken schema file is a diagnostic for that file, the others load', () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'A.json'), '{"Name": "A", "Properties": [{"Name": "x", "Type": "String"}]}');
    fs.writeFileSync(path.join(bad, 'B.json'), '{ not json');
    fs.writeFileSync(path.join(bad, 'C.json'), '{"Name": "C", "Properties": [{"Name": "y", "Type": "Blob"}]}');
    const set = loadSchemaSources([bad, path.join(dir, 'missing')]);
    expect(Object.keys(set.tables).sort()).toEqual(['A', 'C']);
    expect(set.tables.C[0]).toEqual({ name: 'y', type: 'dynamic' });
    expect(set.diagnostics.map((d) => `${d.severity} ${path.basename(d.file!)}`)).toEqual([
      'error missing',
      'error B.json',
      'warning C.json',
    ]);
  });

  it('lenient JSON: comments and trailing commas outside strings only', () => {
    expect(parseLenientJson('{"a": "x,]", // c\n "b": [1, 2,], /* d */}')).toEqual({ a: 'x,]', b: [1, 2] });
    expect(() => parseLenientJson('{"a": }')).toThrow();
  });
});

describe('corpus runner (npm run corpus) on a small generated Azure-Sentinel-shaped tree', () => {
  const root = tempDir('btg-corpus-');
  beforeAll(() => {
    const w = (rel: string, data: unknown) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(
        path.join(root, rel),
        typeof data === 'string'
          ? data
          : rel.endsWith('.json')
            ? JSON.stringify(data)
            : stringify(data, { lineWidth: 0 }),
      );
    };
    w('Detections/SigninLogs/a.yaml', baseRule());
    w('Detections/SigninLogs/moved.yaml', {
      id: GUID2,
      name: 'B',
      description: 'As part of content migration, this file is moved to new location.',
    });
    w(
      'Solutions/Contoso/Analytic Rules/b.yaml',
      baseRule({
        id: GUID2,
        name: 'B',
        query: 'Contoso_CL\n| project TimeGenerated, User_s, UserId = User_s, IPAddress = User_s',
      }),
    );
    w('Solutions/Contoso/Analytic Rules/dup.yaml', baseRule({ name: 'Dup' }));
    w('Solutions/Contoso/Hunting Queries/h.yaml', HUNTING);
    w('Solutions/Contoso/Workbooks/ignored.yaml', { not: 'content' });
    w('Hunting Queries/SigninLogs/h2.yaml', { ...HUNTING, id: GUID2, name: 'H2', query: 'SigninLogs | project Nope' });
    // a solution parser function saved from a .txt file ("... alias as ContosoEvent"), used by a hunting query
    w(
      'Solutions/Contoso/Parsers/ContosoEvent.txt',
      '// Usage: save as a function with the name and alias as ContosoEvent\nContoso_CL\n| extend User = User_s\n',
    );
    w('Solutions/Contoso/Hunting Queries/h3.yaml', {
      ...HUNTING,
      id: 'c1d2e3f4-0000-4000-8000-000000000003',
      name: 'H3',
      query: 'ContosoEvent\n| where User == "x"\n| project TimeGenerated, User',
    });
    w('.script/tests/KqlvalidationsTests/CustomTables/Contoso_CL.json', {
      name: 'Contoso_CL',
      properties: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'User_s', type: 'String' },
      ],
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('validates every rule and hunting query with the repository schemas, counts per check, lists errors', async () => {
    const r = await runCorpus(root, { jobs: 1, commit: 'abc123' });
    expect(r.files).toBe(7);
    expect(r.shapes).toEqual({ rule: 3, moved: 1, hunting: 3 });
    expect(r.schemas.tables).toBe(1);
    expect(r.schemas.functions).toBe(1);
    expect(r.checks['content-moved']).toEqual({ error: 0, warning: 0, info: 1 });
    expect(r.errors.map((e) => `${e.file} ${e.code}`).sort()).toEqual([
      'Hunting Queries/SigninLogs/h2.yaml kql-semantic',
      'Solutions/Contoso/Analytic Rules/dup.yaml pack-unique-ids',
    ]);
    expect(formatCorpusReport(r)).toMatch(
      /corpus .* @ abc123: 7 files \(3 rule, 1 moved, 3 hunting\)[\s\S]*pack-unique-ids\s+1\s+0\s+0/,
    );
  });
});
