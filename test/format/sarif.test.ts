/** SARIF output checked against the official OASIS SARIF 2.1.0 schema (vendored, see test/fixtures/schemas/README.md). */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { formatters } from '../../scripts/validate/format';
import { DIAGNOSTIC_CHECKS } from '../../scripts/core/checks';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import { runCli } from '../helpers/cli';
import { baseRule, tempDir, writeRule } from '../helpers/rules';
import { count, MIXED, OPTIONS } from './fixture';

const schema = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'),
);
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function check(log: unknown): void {
  if (!validate(log))
    throw new Error(`not valid SARIF 2.1.0:\n${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

describe('sarif', () => {
  const log: Sarif.Log = JSON.parse(formatters.sarif(MIXED, OPTIONS));
  const run = log.runs[0];
  const rules = run.tool.driver.rules!;

  it('is valid against the SARIF 2.1.0 schema, with and without findings and options', () => {
    check(log);
    check(JSON.parse(formatters.sarif([], OPTIONS)));
    check(JSON.parse(formatters.sarif(MIXED, {})));
  });

  it('the schema check can fail: a result with a 0 line or no message is rejected', () => {
    const i = log.runs[0].results!.findIndex((r) => r.ruleId === 'config-schema');
    const bad = structuredClone(log);
    bad.runs[0].results![i].locations![0].physicalLocation!.region!.startLine = 0;
    expect(validate(bad)).toBe(false);
    const noMessage = structuredClone(log) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    delete noMessage.runs[0].results[i].message;
    expect(validate(noMessage)).toBe(false);
  });

  it('lists one rule per check id of the catalogue, with descriptions, help and a helpUri into docs/checks.md', () => {
    for (const [id, c] of Object.entries(DIAGNOSTIC_CHECKS)) {
      const r = rules.find((x) => x.id === id);
      expect(r).toMatchObject({
        shortDescription: { text: c.description },
        fullDescription: { text: c.help },
        helpUri: `${OPTIONS.docsUri}#${id}`,
      });
    }
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('adds a rule for a diagnostic code the catalogue does not know, so every ruleIndex resolves', () => {
    expect(rules.some((r) => r.id === 'workbook-tile-query')).toBe(true);
    for (const res of run.results!) expect(rules[res.ruleIndex!].id).toBe(res.ruleId);
  });

  it('has one result per diagnostic with its level', () => {
    expect(run.results).toHaveLength(MIXED.length);
    const levels = run.results!.map((r) => r.level);
    expect(levels.filter((l) => l === 'error')).toHaveLength(count('error'));
    expect(levels.filter((l) => l === 'warning')).toHaveLength(count('warning'));
    expect(levels.filter((l) => l === 'note')).toHaveLength(count('info'));
  });

  it('locates results in the source file, relative to %SRCROOT%, 1-based, end column exclusive', () => {
    const r = run.results!.find((x) => x.ruleId === 'config-schema')!;
    expect(r.locations![0].physicalLocation).toEqual({
      artifactLocation: { uri: 'my%20config/btg.config.yaml', uriBaseId: '%SRCROOT%' },
      region: {
        startLine: 13,
        startColumn: 21,
        endLine: 13,
        endColumn: 31,
        snippet: { text: '    subscriptionId: not-a-guid' },
      },
    });
    expect(r.message.text).toBe('workspaces[0].subscriptionId: expected a GUID');
  });

  it('prefixes the document path when the message does not start with it', () => {
    const r = run.results!.find((x) => x.ruleId === 'rule-limits')!;
    expect(r.message.text).toBe(`description: ${MIXED[3].message.replace(/^description: /, '')}`);
    const cfg = run.results!.find((x) => x.ruleId === 'config-account-count')!;
    expect(cfg.message.text?.startsWith('accounts: ')).toBe(true);
  });

  it('gives a pack-level diagnostic without a file a logical location', () => {
    const r = run.results!.find((x) => x.ruleId === 'pack-unique-names')!;
    expect(r.locations).toEqual([{ logicalLocations: [{ fullyQualifiedName: 'pack', kind: 'module' }] }]);
  });

  it('turns an absolute path into a file: URI', () => {
    const out: Sarif.Log = JSON.parse(formatters.sarif([{ ...MIXED[0], file: '/home/ci/btg/rule.yaml' }], OPTIONS));
    expect(out.runs[0].results![0].locations![0].physicalLocation!.artifactLocation).toEqual({
      uri: 'file:///home/ci/btg/rule.yaml',
    });
  });
});

describe('btg validate --format sarif', () => {
  jest.setTimeout(60_000);

  it('the pack: valid SARIF, every rule of the catalogue, exit 0', async () => {
    const r = await runCli('validate', '--config', EXAMPLE_CONFIG, '--format', 'sarif');
    const out = JSON.parse(r.stdout);
    check(out);
    expect(out.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining(Object.keys(DIAGNOSTIC_CHECKS)),
    );
    expect(r.code).toBe(0);
  });

  it('a broken rule file: valid SARIF whose results point at the file and line, exit 1', async () => {
    const dir = tempDir();
    const file = writeRule(dir, 'bad.yaml', baseRule({ query: 'SigninLogs\n| where UserPrincipalNam == "x"\n' }));
    const rel = path.relative(process.cwd(), file); // as CI passes paths: relative to the checkout
    const r = await runCli('validate', rel, '--format', 'sarif');
    const out: Sarif.Log = JSON.parse(r.stdout);
    check(out);
    const res = out.runs[0].results!.find((x) => x.ruleId === 'kql-semantic')!;
    const loc = res.locations![0].physicalLocation!;
    expect(loc.artifactLocation).toEqual({
      uri: rel.split(path.sep).map(encodeURIComponent).join('/'),
      uriBaseId: '%SRCROOT%',
    });
    const line =
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('UserPrincipalNam ==')) + 1;
    expect(loc.region!.startLine).toBe(line);
    expect(r.code).toBe(1);
  });
});
