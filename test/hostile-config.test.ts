/**
 * Attack: a config full of values that are code in one of the languages they land in (ARM expressions, Logic App
 * expressions, workbook parameters, HTML, spreadsheet formulas, placeholders). It builds, and every value stays data
 * in every emitted file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadConfig } from '../scripts/config/load';
import { substitute, TargetValues } from '../scripts/emit/placeholders';
import { watchlistCsv } from '../scripts/emit/watchlist';
import { build, BuildResult } from '../scripts/pipeline';

jest.setTimeout(120_000);

const ARM_EXPR = "[concat('evil', subscription().id)]";
const WF_UPN = '{TimeRange}@{guid()}.example';
const FORMULA_UPN = '=HYPERLINK("http://evil.example")@contoso.example';
const HTML_NAME = `@{guid()} <script>alert(1)</script> {Account} "dq" 'sq'`;
const SUBJECT = '[{{alertName}} {{foo}} @{triggerBody()} {{#each x}}]';
const PLACEHOLDER_LIKE = '{subscriptionId}/channel';

const hostile = {
  tenantName: ARM_EXPR,
  accounts: [
    {
      objectId: '00000000-0000-4000-8000-00000000b701',
      userPrincipalName: FORMULA_UPN,
      displayName: HTML_NAME,
      custodians: ['=cmd@evil.example', "[x]'@evil.example"],
    },
    {
      objectId: '00000000-0000-4000-8000-00000000b702',
      userPrincipalName: WF_UPN,
      displayName: 'line1<br>\u2028# line2 [x]',
    },
  ],
  notify: {
    emails: ['soc@contoso.example'],
    emailSubject: SUBJECT,
    incidentOwner: '[owner]@contoso.example',
    teams: { groupId: '00000000-0000-4000-8000-0000000000c1', channelId: PLACEHOLDER_LIKE },
  },
  workspaces: [
    {
      name: '<b>prod</b>',
      subscriptionId: '00000000-0000-4000-8000-0000000000a1',
      resourceGroup: 'rg-sentinel',
      workspaceName: 'law-sentinel',
      location: 'westeurope',
    },
  ],
};
/** Text that only the config holds: a string containing one of these came from the config. */
const MARKERS = [
  "concat('evil'",
  'guid()}',
  'HYPERLINK',
  '<script>',
  'alert(1)',
  '{{foo}}',
  'subscriptionId}/channel',
  '=cmd@',
  '[owner]@',
  'line2 [x]',
];
const fromConfig = (s: string) => MARKERS.some((m) => s.includes(m));

/** ARM reads a string as an expression when it starts with `[` and ends with `]`, unless it starts with `[[`. */
const isArmExpression = (s: string) => s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');
/** An interpolation or expression the workflow language would evaluate (`@{` not escaped as `@@{`, or a leading single `@`). */
const isWorkflowCode = (s: string) => /(^|[^@])@\{/.test(s) || (s.startsWith('@') && !s.startsWith('@@'));

function strings(v: unknown, p: string[] = [], out: { p: string; s: string }[] = []): { p: string; s: string }[] {
  if (typeof v === 'string') out.push({ p: p.join('.'), s: v });
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, [...p, String(i)], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) strings(x, [...p, k], out);
  return out;
}

let res: BuildResult;
let out: string;
const read = (rel: string) => fs.readFileSync(path.join(out, rel), 'utf8');
const files = (ext: string) => {
  const all: string[] = [];
  const walk = (rel: string) => {
    for (const n of fs.readdirSync(path.join(out, rel))) {
      const r = rel ? `${rel}/${n}` : n;
      if (fs.statSync(path.join(out, r)).isDirectory()) walk(r);
      else if (r.endsWith(ext)) all.push(r);
    }
  };
  walk('');
  return all;
};

beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-hostile-'));
  const cfg = path.join(dir, 'btg.config.yaml');
  fs.writeFileSync(cfg, stringify(hostile));
  out = path.join(dir, 'out');
  res = build({ configFile: cfg, outDir: out });
});

describe('a config of hostile values', () => {
  it('builds (values are data: nothing is compiled or evaluated)', () => {
    expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(res.written).toBe(true);
  });

  it('no ARM template holds a config value that ARM would evaluate', () => {
    const arm = files('.json').filter((f) => f.startsWith('arm/') || f.startsWith('playbooks/'));
    expect(arm.length).toBeGreaterThan(5);
    const bad: string[] = [];
    let seen = 0;
    for (const f of arm) {
      for (const { p, s } of strings(JSON.parse(read(f)))) {
        if (!fromConfig(s)) continue;
        seen++;
        if (isArmExpression(s)) bad.push(`${f} ${p}: ${s}`);
      }
    }
    expect(bad).toEqual([]);
    expect(seen).toBeGreaterThan(10);
    // the tenant name as a parameter default is the escaped literal
    const notify = JSON.parse(read('playbooks/btg-notify-enrich/azuredeploy.json'));
    expect(notify.parameters.TenantName.defaultValue).toBe(`[${ARM_EXPR}`);
    expect(notify.parameters.EmailSubjectTemplate.defaultValue).toBe(
      '[[{alertName} {{foo}} @{triggerBody()} {{#each x}}]',
    );
    // a placeholder-looking value is a plain string, not an expression
    expect(notify.parameters.TeamsChannelId.defaultValue).toBe(PLACEHOLDER_LIKE);
  });

  it('Logic App definitions hold no config value the workflow language would evaluate', () => {
    let seen = 0;
    for (const f of files('azuredeploy.json')) {
      const template = JSON.parse(read(f));
      const wf = template.resources.find((r: { type: string }) => r.type === 'Microsoft.Logic/workflows');
      for (const { p, s } of strings(wf.properties.definition)) {
        if (!s.includes('guid()}.example')) continue;
        seen++;
        // the hostile UPN sits in an inlined query: only the binding lets may interpolate, the UPN is escaped
        const withoutBindings = s.replace(/datetime\(@\{formatDateTime\([^}]*\)\}\)/g, 'datetime(BOUND)');
        expect({ p, code: isWorkflowCode(withoutBindings) }).toEqual({ p, code: false });
        expect(s.toLowerCase()).toContain('{timerange}@@{guid()}.example');
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('HTML bodies HTML-encode every inserted value', () => {
    const wf = JSON.parse(read('playbooks/btg-notify-enrich/azuredeploy.json')).resources.find(
      (r: { type: string }) => r.type === 'Microsoft.Logic/workflows',
    );
    const html = strings(wf.properties.definition).filter(({ s }) => /<(p|b|a)[ >]/.test(s));
    expect(html.length).toBeGreaterThan(1);
    for (const { p, s } of html) {
      for (const m of s.matchAll(/(?<!@)@\{/g)) {
        const rest = s.slice(m.index! + 2);
        expect({ p, encoded: rest.startsWith('replace(replace(') || /^body\('Sign-in_table'\)\}/.test(rest) }).toEqual({
          p,
          encoded: true,
        });
      }
    }
  });

  it('workbook queries carry config values with their braces escaped; workbook text has no raw value', () => {
    const wb = JSON.parse(read('workbooks/btg-accounts.json'));
    const all = strings(wb);
    const queries = all.filter(({ p }) => p.endsWith('.query'));
    expect(queries.some(({ s }) => s.includes('\\u007bTimeRange\\u007d@\\u007bguid()\\u007d.example'))).toBe(true);
    for (const { s } of queries) expect(s).not.toContain(WF_UPN);
    for (const { s } of all) expect(s).not.toContain('<script>');
  });

  it('the deploy bodies keep placeholder-looking config values as text', () => {
    const values: TargetValues = {
      workspaceResourceId: '/W',
      resourceGroupId: '/RG',
      subscriptionId: 'SUB',
      tenantId: 'TEN',
      location: 'LOC',
      workspaceName: 'WS',
    };
    const bodies = res.emitted!.resources.map((r) => substitute(r.body, values));
    const text = JSON.stringify(bodies);
    expect(text).toContain(PLACEHOLDER_LIKE);
    expect(text).not.toContain('SUB/channel');
    // the real placeholders were substituted
    expect(text).toContain('"/W/providers/Microsoft.SecurityInsights/alertRules/');
  });

  it('the report shows every value as text', () => {
    const report = read('report.html');
    expect(report).not.toContain('<script>alert(1)</script>');
    expect(report).not.toContain('<b>prod</b>');
  });

  it('the watchlist CSV neutralises formulas', () => {
    const cfg = loadConfig(path.join(path.dirname(out), 'btg.config.yaml')).config!;
    const csv = watchlistCsv({ ...cfg, accountSource: 'watchlist' });
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")@contoso.example"`);
    expect(csv).not.toMatch(/(^|,)[=+\-@]/m);
  });
});
