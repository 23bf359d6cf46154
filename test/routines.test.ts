/** Routines: rendered with the tenant's accounts, custodians, intervals and the names of what the pack emits. */
import * as fs from 'fs';
import { packExtras } from '../scripts/content/extras';
import { fillAlertName, intervalText } from '../scripts/content/routines';
import { routineEmitter } from '../scripts/emit/routines';
import { extrasWith, folderWith, packFor } from './helpers/extras';
import { configWith, exampleConfig } from './helpers/pack';

jest.setTimeout(60_000);

const pack = packFor(exampleConfig());
const out = routineEmitter(pack);
const doc = (name: string) => out.artifacts.find((a) => a.path === `routines/${name}.md`)!.content;

describe('routines', () => {
  it('are the four runbooks, fully rendered', () => {
    expect(packExtras(pack).diagnostics.routines).toEqual([]);
    expect(out.artifacts.map((a) => a.path).sort()).toEqual(['routines/break-glass-procedure.md', 'routines/emergency-access-routine.md', 'routines/fido2-pin-rotation.md', 'routines/test-routine.md']);
    for (const a of out.artifacts) {
      expect(a.content).not.toMatch(/\{\{|\}\}/);
      expect(a.content).toContain('btg-emergency-01@contoso.example');
      expect(a.content).toContain('ciso@contoso.example, it-director@contoso.example');
    }
  });

  it('the test routine says how to confirm the alert fired: incident titles, mail subject, btg drill', () => {
    const t = doc('test-routine');
    expect(t).toMatch(/^# Break-glass account test \(six-monthly, Contoso\)/);
    expect(t).toContain('at least every **180 days**');
    expect(t).toContain('from the rule "Break-glass account interactive sign-in"');
    expect(t).toContain('for btg-emergency-02@contoso.example: "Break-glass sign-in by btg-emergency-02@contoso.example (Success)"');
    expect(t).toContain('received the mail "Break-glass account activity: Break-glass sign-in by btg-emergency-01@contoso.example (Success)"');
    expect(t).toContain('"Break-glass account activity - Break-glass account sign-in (Azure Monitor)"');
    expect(t).toContain('`btg drill -c btg.config.yaml --account btg-emergency-02@contoso.example --record btg-drills.jsonl`');
    expect(t).toContain('"Break-glass account test overdue: <account>"');
  });

  it('the emergency-access routine lists the rules the pack actually emits and the playbooks', () => {
    const t = doc('emergency-access-routine');
    for (const r of pack.rules.filter((x) => x.enabled)) expect(t).toContain(`- ${r.rule.name} (${r.rule.severity}, ${r.rule.kind})`);
    expect(t).toContain('**Break-glass: custodian confirmation** (`btg-custodian-confirmation`)');
    expect(t).toContain('| Global Administrator |');
  });

  it('follow the config: interval, monitor alert and custodians', () => {
    const cfg = configWith((c) => {
      c.options.testIntervalDays = 90;
      c.options.monitorAlert = { enabled: false };
      for (const a of c.accounts) a.custodians = [];
    });
    const other = routineEmitter(packFor(cfg));
    const t = other.artifacts.find((a) => a.path === 'routines/test-routine.md')!.content;
    expect(t).toMatch(/^# Break-glass account test \(quarterly, Contoso\)/);
    expect(t).not.toContain('Azure Monitor');
    expect(t).not.toContain('authorised?');
    expect(other.artifacts.find((a) => a.path === 'routines/emergency-access-routine.md')!.content).toContain('(none configured)');
  });

  it('report a template error naming the routine file', () => {
    const dir = folderWith({ 'broken.md.hbs': '# {{tenantName}}\n\n{{#each accountsTable}}{{nosuchfield}}{{/each}}\n' });
    const ex = extrasWith(pack, { routines: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(ex.routines).toEqual([]);
    expect(ex.diagnostics.routines).toEqual([expect.objectContaining({ code: 'template-render', severity: 'error', message: expect.stringMatching(/^routine broken\.md\.hbs: "nosuchfield" not defined/) })]);
  });

  it('name intervals and fill alert names', () => {
    expect([180, 183, 90, 30, 365, 120].map(intervalText)).toEqual(['six-monthly', 'six-monthly', 'quarterly', 'monthly', 'yearly', 'every 120 days']);
    expect(fillAlertName('Sign-in by {{UserPrincipalName}} ({{Result}}) from {{IPAddress}}', { UserPrincipalName: 'a@b.c', Result: 'Success' })).toBe('Sign-in by a@b.c (Success) from <IPAddress>');
  });
});
