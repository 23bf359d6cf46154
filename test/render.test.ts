import * as fs from 'fs';
import * as path from 'path';
import { parseConfigText } from '../scripts/config/load';
import { Config } from '../scripts/config/schema';
import { loadRuleTemplates } from '../scripts/content/load';
import {
  accountSetKql,
  lintQueryTemplate,
  queryEnvironment,
  renderQuery,
  toTemplateOffset,
} from '../scripts/content/render';
import { defaultAnalyzer } from '../scripts/kql/analyzer';
import { validateRule } from '../scripts/validate/run';
import { tempDir } from './helpers/rules';

const cfgText = (extra = '') => `accounts:
  - { objectId: 00000000-0000-4000-8000-00000000B701, userPrincipalName: BTG1@contoso.example, displayName: 'O"Brien, \\\\ |' }
  - { objectId: 00000000-0000-4000-8000-00000000b702, userPrincipalName: btg2@contoso.example }
${extra}`;
const config = (extra = ''): Config => parseConfigText(cfgText(extra)).config!;

describe('query templates', () => {
  it('rejects raw interpolation, triple-stash and unknown partials', () => {
    const problems = lintQueryTemplate(
      'SigninLogs | where UserPrincipalName == "{{accounts.0.userPrincipalName}}" | where x == {{{raw}}}\n{{> other}}',
    );
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/raw interpolation \{\{accounts.0.userPrincipalName\}\}/),
      expect.stringMatching(/raw interpolation \{\{raw\}\}/),
      expect.stringMatching(/unknown partial \{\{> other\}\}/),
    ]);
  });

  it('allows helpers inside #each / #if', () => {
    expect(
      lintQueryTemplate(
        '{{#each accounts}}{{kqlString this.userPrincipalName}}{{/each}}{{#if options.hasExpectedLocations}}{{kqlInt 1}}{{/if}}',
      ),
    ).toEqual([]);
  });

  it('declares the account set as lower-case literals (inline) or from the watchlist', () => {
    expect(accountSetKql(config())).toBe(
      'let BtgAccountIds = dynamic(["00000000-0000-4000-8000-00000000b701", "00000000-0000-4000-8000-00000000b702"]);\nlet BtgAccountUpns = dynamic(["btg1@contoso.example", "btg2@contoso.example"]);',
    );
    const wl = accountSetKql(config('accountSource: watchlist\nwatchlist: { alias: BtgList }'));
    expect(wl).toContain('_GetWatchlist("BtgList")');
    expect(wl).toContain('AccountObjectId');
  });

  it('maps every rendered character of static text back to its template offset', () => {
    const tpl = 'let x = {{kqlString tenant}};\nSigninLogs\n| where A == {{kqlInt n}}\n| take 1';
    const r = renderQuery(tpl, { tenant: 'a"b', n: 5 }, queryEnvironment(config()));
    expect(r.text).toBe('let x = "a\\"b";\nSigninLogs\n| where A == 5\n| take 1');
    const out = r.text.indexOf('SigninLogs');
    expect(toTemplateOffset(r, out)).toBe(tpl.indexOf('SigninLogs'));
    expect(toTemplateOffset(r, r.text.indexOf('take'))).toBe(tpl.indexOf('take'));
    expect(toTemplateOffset(r, r.text.indexOf('"a'))).toBe(tpl.indexOf('{{kqlString'));
  });

  it('a helper given a bad value fails with the template position', () => {
    expect(() => renderQuery('print x = {{kqlGuid id}}', { id: 'not-a-guid' }, queryEnvironment(config()))).toThrow(
      /kqlGuid: expected a GUID/,
    );
  });

  it('a missing value fails the render, naming the expression', () => {
    expect(() => renderQuery('print x = {{kqlString nope}}', {}, queryEnvironment(config()))).toThrow(
      '{{kqlString nope}}: kqlString: expected a string, got undefined',
    );
  });
});

describe('diagnostics point at the template source', () => {
  const dir = tempDir();
  const template = [
    'name: Probe rule',
    'description: probe',
    'severity: Low',
    'kind: Scheduled',
    'queryFrequency: 1h',
    'queryPeriod: 1h',
    'triggerOperator: gt',
    'triggerThreshold: 0',
    'tactics: [InitialAccess]',
    'relevantTechniques: [T1078]',
    'query: |',
    '  {{> btgAccounts}}',
    '  SigninLogs',
    '  | where tolower(UserId) in (BtgAccountIds)',
    '  | where ResultType == {{kqlString options.tenantish}}',
    '  | project TimeGenerated, UserId, NoSuchColumn',
    'entityMappings:',
    '  - entityType: Account',
    '    fieldMappings:',
    '      - identifier: AadUserId',
    '        columnName: UserIdentity',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'probe.yaml'), template.replace('options.tenantish', 'tenantName'));
  const loaded = loadRuleTemplates(dir, config());
  const diags = validateRule(loaded.items[0], defaultAnalyzer());

  it('an unknown column in the query is reported at its template line and column', () => {
    const d = diags.find((x) => x.code === 'kql-semantic')!;
    expect(d.message).toMatch(/NoSuchColumn/);
    expect(d.range!.start).toEqual({ line: 15, character: template.split('\n')[15].indexOf('NoSuchColumn') });
    expect(d.sourceLine).toContain('NoSuchColumn');
  });

  it('the entity mapping column not returned by the query is reported at the mapping', () => {
    // the query has an error, so result columns are not trusted: fix the query and check again
    fs.writeFileSync(
      path.join(dir, 'probe.yaml'),
      template.replace('options.tenantish', 'tenantName').replace(', NoSuchColumn', ''),
    );
    const again = validateRule(loadRuleTemplates(dir, config()).items[0], defaultAnalyzer());
    const d = again.find((x) => x.code === 'rule-entity-column')!;
    expect(d.message).toMatch(/does not return a column "UserIdentity"/);
    expect(d.range!.start.line).toBe(20);
  });
});
