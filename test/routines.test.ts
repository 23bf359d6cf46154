/** Routines: rendered with the tenant's accounts, custodians, intervals and the names of what the pack emits. */
import * as fs from 'fs';
import { fillAlertName, intervalText } from '../scripts/content/routines';
import { routineEmitter } from '../scripts/emit/routines';
import { renderMarkdown } from '../scripts/emit/report/markdown';
import { packWith, folderWith, packFor } from './helpers/content';
import { configWith, exampleConfig } from './helpers/pack';

jest.setTimeout(60_000);

const pack = packFor(exampleConfig());
const out = routineEmitter(pack);
const doc = (name: string) => out.artifacts.find((a) => a.path === `routines/${name}.md`)!.content;

describe('routines', () => {
  it('are the four runbooks, fully rendered', () => {
    expect(pack.diagnostics.routines).toEqual([]);
    expect(out.artifacts.map((a) => a.path).sort()).toEqual([
      'routines/break-glass-procedure.md',
      'routines/emergency-access-routine.md',
      'routines/fido2-pin-rotation.md',
      'routines/test-routine.md',
    ]);
    for (const a of out.artifacts) {
      expect(a.content).not.toMatch(/\{\{|\}\}/);
      expect(a.content).toContain('btg-emergency-01@contoso.example');
      expect(a.content).toContain('ciso@contoso.example, it-director@contoso.example');
    }
  });

  it('the test routine says how to confirm the alert fired: incident titles, mail subject, btg drill', () => {
    const t = doc('test-routine');
    expect(t).toMatch(/^# Break-glass account test \(quarterly, Contoso\)/);
    expect(t).toContain('at least every **90 days**');
    expect(t).toContain('from the rule "Break-glass account interactive sign-in"');
    expect(t).toContain(
      'for btg-emergency-02@contoso.example: "Break-glass sign-in by btg-emergency-02@contoso.example (Success)"',
    );
    expect(t).toContain(
      'received the mail "Break-glass account activity: Break-glass sign-in by btg-emergency-01@contoso.example (Success)"',
    );
    expect(t).toContain('"Break-glass account activity - Break-glass account sign-in (Azure Monitor) (');
    expect(t).toContain(
      '`btg drill -c btg.config.yaml --account btg-emergency-02@contoso.example --record btg-drills.jsonl`',
    );
    expect(t).toContain('"Break-glass account test overdue: <account>"');
  });

  it('the emergency-access routine lists the rules the pack actually emits and the playbooks', () => {
    const t = doc('emergency-access-routine');
    for (const r of pack.rules.filter((x) => x.enabled))
      expect(t).toContain(`- ${r.rule.name} (${r.rule.severity}, ${r.rule.kind})`);
    expect(t).toContain('**Break-glass: custodian confirmation** (`btg-custodian-confirmation`)');
    expect(t).toContain('| Global Administrator |');
  });

  it('follow the config: interval, monitor alert and custodians', () => {
    const cfg = configWith((c) => {
      c.options.testIntervalDays = 30;
      c.options.monitorAlert = { enabled: false };
      for (const a of c.accounts) a.custodians = [];
    });
    const other = routineEmitter(packFor(cfg));
    const t = other.artifacts.find((a) => a.path === 'routines/test-routine.md')!.content;
    expect(t).toMatch(/^# Break-glass account test \(monthly, Contoso\)/);
    expect(t).not.toContain('Azure Monitor');
    expect(t).not.toContain('authorised?');
    expect(other.artifacts.find((a) => a.path === 'routines/emergency-access-routine.md')!.content).toContain(
      '(none configured)',
    );
  });

  it('report a template error naming the routine file', () => {
    const dir = folderWith({
      'broken.md.hbs': '# {{tenantName}}\n\n{{#each accountsTable}}{{nosuchfield}}{{/each}}\n',
    });
    const ex = packWith(pack, { routines: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(ex.routines).toEqual([]);
    expect(ex.diagnostics.routines).toEqual([
      expect.objectContaining({
        code: 'template-render',
        severity: 'error',
        message: expect.stringMatching(/^routine broken\.md\.hbs: "nosuchfield" not defined/),
      }),
    ]);
  });

  it('name intervals and fill alert names', () => {
    expect([180, 183, 90, 30, 365, 120].map(intervalText)).toEqual([
      'six-monthly',
      'six-monthly',
      'quarterly',
      'monthly',
      'yearly',
      'every 120 days',
    ]);
    expect(
      fillAlertName('Sign-in by {{UserPrincipalName}} ({{Result}}) from {{IPAddress}}', {
        UserPrincipalName: 'a@b.c',
        Result: 'Success',
      }),
    ).toBe('Sign-in by a@b.c (Success) from <IPAddress>');
  });
});

describe('routines follow "Manage emergency access accounts in Microsoft Entra ID" (issue 14 item 7)', () => {
  const all = () => out.artifacts.map((a) => a.content).join('\n');
  const cases: [string, string, RegExp][] = [
    [
      'cites the guidance',
      'emergency-access-routine',
      /Manage emergency access accounts in Microsoft Entra ID\]\(https:\/\/learn\.microsoft\.com\/entra\/identity\/role-based-access-control\/security-emergency-access\)/,
    ],
    ['validates at least every 90 days', 'emergency-access-routine', /at least every 90 days/],
    [
      'validates after staff changes',
      'emergency-access-routine',
      /After a staff change .* Validate the accounts again/,
    ],
    ['validates after subscription changes', 'test-routine', /change of the subscriptions, licences or workspace/],
    [
      'keeps credentials in separate safes',
      'emergency-access-routine',
      /Credentials in separate safes\.\*\* Each part of an account's credential/,
    ],
    [
      'keeps key and PIN apart in the procedure',
      'break-glass-procedure',
      /its sealed PIN\s+from the \*\*other\*\* safe/,
    ],
    ['uses a privileged-access workstation', 'break-glass-procedure', /designated privileged-access workstation/],
    [
      'revokes sessions when the emergency ends',
      'break-glass-procedure',
      /When the emergency ends, revoke the account's sessions[\s\S]*Signing out is not enough:\s+it leaves the refresh tokens valid/,
    ],
    ['preserves logs for the review', 'break-glass-procedure', /Preserve the logs for the review/],
    [
      'trains the people who may use the accounts',
      'emergency-access-routine',
      /Train the people who may use the accounts/,
    ],
    [
      'changes safe combinations when a custodian leaves',
      'emergency-access-routine',
      /When a custodian leaves \| Change the combinations of the safes/,
    ],
    [
      'no MFA or SSPR method on a personal device',
      'emergency-access-routine',
      /No MFA or SSPR method on a personal device/,
    ],
  ];
  it.each(cases)('%s', (_what, routine, re) => expect(doc(routine)).toMatch(re));

  it('words the sign-in after the configured methods, not FIDO2 only', () => {
    expect(doc('break-glass-procedure')).toContain(
      'with a FIDO2 security key or a certificate (certificate-based authentication, e.g. a smart card)',
    );
    const certOnly = routineEmitter(packFor(configWith((c) => (c.options.allowedAuthMethods = ['X.509 Certificate']))));
    const proc = certOnly.artifacts.find((a) => a.path === 'routines/break-glass-procedure.md')!.content;
    expect(proc).toContain('interactively, with a certificate (certificate-based authentication, e.g. a smart card)');
    expect(proc).not.toMatch(/FIDO2|PIN/);
    expect(certOnly.artifacts.find((a) => a.path === 'routines/test-routine.md')!.content).not.toMatch(/FIDO2/);
  });

  it('mentions Teams only where Teams is configured', () => {
    expect(all()).not.toMatch(/Teams/);
    const teams = routineEmitter(
      packFor(
        configWith(
          (c) =>
            (c.notify.teams = { groupId: '00000000-0000-4000-8000-0000000000ee', channelId: '19:abc@thread.tacv2' }),
        ),
      ),
    );
    expect(teams.artifacts.map((a) => a.content).join('\n')).toMatch(/Teams channel/);
  });

  it('the incident tasks name the identity owner only when one is configured', () => {
    expect(doc('break-glass-procedure')).not.toContain('identity owner (');
    const owned = routineEmitter(packFor(configWith((c) => (c.notify.identityOwners = ['iam-lead@contoso.example']))));
    expect(owned.artifacts.find((a) => a.path === 'routines/break-glass-procedure.md')!.content).toContain(
      'the identity owner (iam-lead@contoso.example) answers whether the change was planned',
    );
  });
});

describe('routines: config values are Markdown text, never markup (attack)', () => {
  const hostile = configWith((c) => {
    c.accounts[0].custodians = ['[x](javascript:alert(4))@a.example', '**bold**_x_@a.example'];
    c.notify.incidentOwner = '`code`|x@a.example';
  });
  // the config schema refuses line breaks in names; set past it, so the Markdown escaping is tested on its own
  hostile.tenantName = 'Contoso</script><img src=x onerror=alert(1)>\n\n# Forged heading [t](javascript:alert(2))';
  hostile.accounts[0].displayName =
    'EA01 | forged | cell\n\n## Step 0: disable MFA <b>now</b> [go](javascript:alert(3))\u2028* forged item';
  const docs = routineEmitter(packFor(hostile)).artifacts;
  it.each(docs.map((a) => [a.path, a.content] as const))(
    '%s: no forged line, link, HTML or table cell; the report shows the values as text',
    (_p, md) => {
      // no line starts with a forged heading/item, no raw HTML tag, no link whose target came from the config
      expect(md).not.toMatch(/^\s*#+ (Forged|Step 0)/m);
      expect(md).not.toMatch(/^\s*\* forged item/m);
      expect(md).not.toMatch(/(^|[^\\])<(b|img|script)\b/im);
      expect(md).not.toMatch(/[^\\]\[(x|t|go)\]\(javascript:/);
      const html = String(renderMarkdown(md));
      expect(html).not.toMatch(/<a href="javascript|<img|<script|<b>now|<h\d>(Forged|Step 0)|<strong>bold/i);
      if (md.includes('EA01')) expect(html).toContain('EA01 | forged | cell');
      for (const row of md.split('\n').filter((l) => l.includes('EA01') && l.startsWith('|')))
        expect(row.split(/(?<!\\)\|/).length).toBe(7);
    },
  );
});
