/** rule-connector-id: requiredDataConnectors' ids against Azure-Sentinel's ValidConnectorIds list (as its CI checks). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RuleItem } from '../scripts/content/items';
import { ciChecks } from '../scripts/validate/checks/ci';
import { validConnectorIds } from '../scripts/validate/connectorIds';
import { validateContentFile } from '../scripts/validate/files';
import { defaultAnalyzer } from '../scripts/kql/analyzer';
import { baseRule, writeRule } from './helpers/rules';

const check = ciChecks['rule-connector-id'].fn;
const run = (requiredDataConnectors: unknown) =>
  check({ rule: { requiredDataConnectors } } as unknown as RuleItem, { analysis: undefined } as never);

describe('rule-connector-id', () => {
  it('the list is data with its source and date, each id once', () => {
    const l = validConnectorIds();
    expect(l.source).toMatch(/Azure-Sentinel.*ValidConnectorIds\.json/);
    expect(l.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(l.ids.length).toBeGreaterThan(200);
    expect(new Set(l.ids).size).toBe(l.ids.length);
  });

  it.each([
    ['a listed id', [{ connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] }]],
    [
      'several listed ids',
      [
        { connectorId: 'AzureActivity', dataTypes: ['AzureActivity'] },
        { connectorId: 'Office365', dataTypes: ['OfficeActivity'] },
      ],
    ],
    ['no connector', []],
    ['no requiredDataConnectors (rule-data-connectors says whether it is needed)', undefined],
    ['an empty id (rule-data-connectors reports it)', [{ connectorId: ' ', dataTypes: ['X'] }]],
  ])('passes: %s', (_name, rdc) => {
    expect(run(rdc)).toEqual([]);
  });

  it.each([
    ['an id not in the list', 'SentinelHealth', /"SentinelHealth" is not a data connector id Azure-Sentinel knows;/],
    ['another case (the CI matches exactly)', 'azureactivedirectory', /did you mean "AzureActiveDirectory"\?/],
    ['a table name instead of a connector', 'SigninLogs', /"SigninLogs" is not a data connector id/],
  ])('fails: %s', (_name, id, message) => {
    const f = run([
      { connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] },
      { connectorId: id, dataTypes: ['X'] },
    ]);
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(['requiredDataConnectors', 1, 'connectorId']);
    expect(f[0].message).toMatch(message);
  });

  it('end to end: btg validate reports it on a rule file at the connectorId', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-connector-'));
    try {
      const file = writeRule(
        dir,
        'r.yaml',
        baseRule({ requiredDataConnectors: [{ connectorId: 'Watchlist', dataTypes: ['Watchlist'] }] }),
      );
      const d = validateContentFile(file, defaultAnalyzer()).diagnostics.filter((x) => x.code === 'rule-connector-id');
      expect(d).toHaveLength(1);
      expect(d[0].severity).toBe('error');
      expect(d[0].range?.start.line).toBe(
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('connectorId: Watchlist')),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
