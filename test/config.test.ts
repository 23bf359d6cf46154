import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadConfig, parseConfigText } from '../scripts/config/load';
import { EXAMPLE_CONFIG } from '../scripts/paths';

const good = {
  accounts: [
    { objectId: '00000000-0000-4000-8000-00000000b701', userPrincipalName: 'btg1@contoso.example' },
    { objectId: '00000000-0000-4000-8000-00000000b702', userPrincipalName: 'btg2@contoso.example' },
  ],
};
const messages = (text: string) => parseConfigText(text, 'btg.config.yaml').diagnostics.map((d) => d.message);

describe('config', () => {
  it('the example config loads clean, with fake IDs and defaults filled in', () => {
    const r = loadConfig(EXAMPLE_CONFIG);
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.accounts).toHaveLength(2);
    expect(r.config!.options.testIntervalDays).toBe(90);
    for (const a of r.config!.accounts) expect(a.objectId).toMatch(/^00000000-0000-4000-8000-/);
  });

  it('names the path and the expected form of a malformed object id, with its line', () => {
    const text = stringify({
      accounts: [good.accounts[0], { objectId: 'abc', userPrincipalName: 'btg2@contoso.example' }],
    });
    const r = parseConfigText(text);
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d.message).toBe('accounts[1].objectId: expected a GUID, got "abc"');
    expect(d.range!.start.line).toBe(text.split('\n').findIndex((l) => l.includes('objectId: abc')));
    expect(d.sourceLine).toContain('objectId: abc');
  });

  it('reports duplicate object ids with both positions', () => {
    const msgs = messages(
      stringify({
        accounts: [good.accounts[0], { ...good.accounts[1], objectId: good.accounts[0].objectId.toUpperCase() }],
      }),
    );
    expect(msgs).toEqual([expect.stringMatching(/^accounts\[1\].objectId: duplicate of accounts\[0\].objectId/)]);
  });

  it('fewer than two accounts is an error unless allowSingleAccount, then a warning', () => {
    const one = { accounts: [good.accounts[0]] };
    const r1 = parseConfigText(stringify(one));
    expect(r1.config).toBeUndefined();
    expect(r1.diagnostics[0]).toMatchObject({ severity: 'error', code: 'config-account-count' });
    const r2 = parseConfigText(stringify({ ...one, allowSingleAccount: true }));
    expect(r2.config).toBeDefined();
    expect(r2.diagnostics[0]).toMatchObject({ severity: 'warning', code: 'config-account-count' });
  });

  it('catches unknown keys and wrong types, all at once', () => {
    const msgs = messages(
      stringify({
        ...good,
        colour: 'red',
        options: { testIntervalDays: 'soon', failedSignInThreshold: 0 },
        accountSource: 'ldap',
      }),
    );
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^colour: unknown key "colour"; valid keys: tenantName, .*accounts/),
        'options.testIntervalDays: expected number, got "soon"',
        expect.stringMatching(/^options.failedSignInThreshold: .*got number 0/),
        'accountSource: expected one of "inline", "watchlist", got "ldap"',
      ]),
    );
  });

  it('a missing required field says it is required', () => {
    expect(messages(stringify({ accounts: [{ objectId: good.accounts[0].objectId }, good.accounts[1]] }))).toEqual([
      'accounts[0].userPrincipalName: required, expected string',
    ]);
  });

  it('YAML syntax errors carry a position', () => {
    const r = parseConfigText('accounts:\n  - objectId: [unclosed\n');
    expect(r.diagnostics[0].code).toBe('yaml-syntax');
    expect(r.diagnostics[0].range).toBeDefined();
  });

  it('a missing config file says how to start', () => {
    expect(loadConfig('/nonexistent/btg.config.yaml').diagnostics[0].message).toMatch(
      /cp examples\/btg.config.yaml btg.config.yaml/,
    );
  });

  it('never throws, whatever the YAML holds (property)', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (data) => {
        const r = parseConfigText(stringify({ accounts: data }));
        expect(!!r.config !== r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        for (const d of r.diagnostics) expect(d.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('object ids of any form other than a GUID are rejected (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 50 }).filter((s) => !/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(s)),
        (id) => {
          const r = parseConfigText(
            stringify({ accounts: [{ objectId: id, userPrincipalName: 'a@b.example' }, good.accounts[1]] }),
          );
          expect(r.config).toBeUndefined();
          expect(r.diagnostics.some((d) => d.message.startsWith('accounts[0].objectId: expected a GUID'))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("config: defaults from Microsoft's emergency-access guidance, and the ingestion delay", () => {
  const parsed = (options: Record<string, unknown>) =>
    parseConfigText(stringify({ ...good, options }), 'btg.config.yaml');

  it('defaults: test every 90 days, FIDO2 security keys and certificates, 30m ingestion delay, no allow-listed policy', () => {
    const r = parsed({});
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.options.testIntervalDays).toBe(90);
    expect(r.config!.options.allowedAuthMethods).toEqual([
      'FIDO2 security key',
      'Passkey (device-bound)',
      'X.509 Certificate',
    ]);
    expect(r.config!.options.ingestionDelay).toBe('30m');
    expect(r.config!.options.caPolicyAllowList).toEqual([]);
  });

  it("a method bound to one person's device is allowed with a warning that names the guidance", () => {
    const r = parsed({ allowedAuthMethods: ['FIDO2 security key', 'Windows Hello for Business', 'X.509 Certificate'] });
    expect(r.config).toBeDefined();
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['config-auth-methods', 'warning']]);
    expect(r.diagnostics[0].message).toMatch(
      /^options\.allowedAuthMethods\[1\]: "Windows Hello for Business" is not one of the methods Microsoft recommends .*"Manage emergency access accounts in Microsoft Entra ID", https:\/\/learn\.microsoft\.com\//,
    );
    expect(r.diagnostics[0].range).toBeDefined();
  });

  it('ingestionDelay takes 1m..1d in the Azure-Sentinel spelling', () => {
    for (const ok of ['1m', '30m', '2h', '1d', '1440m'])
      expect([ok, parsed({ ingestionDelay: ok }).diagnostics]).toEqual([ok, []]);
    for (const bad of ['0m', '25h', '2d', 'PT30M', '30', '-5m', '']) {
      const msgs = parsed({ ingestionDelay: bad }).diagnostics.map((d) => d.message);
      expect([bad, msgs]).toEqual([bad, [expect.stringMatching(/^options\.ingestionDelay: expected a duration/)]]);
    }
  });

  it('caPolicyAllowList holds policy ids', () => {
    expect(parsed({ caPolicyAllowList: ['5b6e3a1c-0000-4000-8000-0000000000c9'] }).diagnostics).toEqual([]);
    expect(parsed({ caPolicyAllowList: ['Require MFA'] }).diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/^options\.caPolicyAllowList\[0\]: expected a GUID/),
    ]);
  });

  it('dataSilence (btg-data-silence) defaults to 24h and takes 1h..7d', () => {
    expect(parsed({}).config!.options.dataSilence).toBe('24h');
    for (const ok of ['1h', '60m', '72h', '7d'])
      expect([ok, parsed({ dataSilence: ok }).diagnostics]).toEqual([ok, []]);
    for (const bad of ['59m', '8d', '169h', 'P1D', '24', '']) {
      const msgs = parsed({ dataSilence: bad }).diagnostics.map((d) => d.message);
      expect([bad, msgs]).toEqual([bad, [expect.stringMatching(/^options\.dataSilence: expected a duration/)]]);
    }
  });
});

describe('config: precise messages (issue 12)', () => {
  const base = (extra: string) => `accounts:
  - objectId: 00000000-0000-4000-8000-00000000b701
    userPrincipalName: btg1@contoso.example
  - objectId: 00000000-0000-4000-8000-00000000b702
    userPrincipalName: btg2@contoso.example
${extra}`;
  const errors = (text: string) => parseConfigText(text).diagnostics.filter((d) => d.severity === 'error');

  it('an unknown key is reported at its own line, with the nearest valid key', () => {
    const text = base('    dispalyName: Emergency 02\n');
    const [d, ...rest] = errors(text);
    expect(rest).toEqual([]);
    expect(d.message).toBe(
      'accounts[1].dispalyName: unknown key "dispalyName" (did you mean displayName?); valid keys in accounts[1]: objectId, userPrincipalName, displayName, custodians, role',
    );
    expect(d.range!.start).toEqual({
      line: text.split('\n').findIndex((l) => l.includes('dispalyName')),
      character: 4,
    });
    expect(d.sourceLine).toBe('    dispalyName: Emergency 02');
    const nested = errors(base('options:\n  testIntervalDay: 30\n  failedSignInThreshhold: 5\n'));
    expect(nested.map((x) => x.message.split(';')[0])).toEqual([
      'options.testIntervalDay: unknown key "testIntervalDay" (did you mean testIntervalDays?)',
      'options.failedSignInThreshhold: unknown key "failedSignInThreshhold" (did you mean failedSignInThreshold?)',
    ]);
    expect(nested.map((x) => x.range!.start.line)).toEqual([6, 7]);
    // nothing near: no guess
    expect(errors(base('zzz: 1\n'))[0].message).toMatch(/^zzz: unknown key "zzz"; valid keys: /);
  });

  it('IP ranges are real addresses and prefixes', () => {
    const ranges = (r: string[]) =>
      errors(base(`options:\n  expectedLocations:\n    ipRanges: [${r.join(', ')}]\n`)).map((d) => d.message);
    expect(ranges(['203.0.113.0/24', '198.51.100.7', '2001:db8::/32', '::1', '0.0.0.0/0'])).toEqual([]);
    const bad = [
      '999.1.1.1/24',
      '10.0.0.0/33',
      '2001:db8::/129',
      '10.0.0',
      'abc',
      '1.2.3.4/',
      'fe80::1%eth0',
      '10.0.0.0/024',
    ];
    expect(ranges(bad.map((v) => JSON.stringify(v)))).toEqual(
      bad.map(
        (v, i) =>
          `options.expectedLocations.ipRanges[${i}]: expected an IP address or CIDR range like 203.0.113.0/24 or 2001:db8::/32 (octets 0-255, prefix /0-32 for IPv4, /0-128 for IPv6), got "${v}"`,
      ),
    );
  });

  it('names and titles are printable text: control characters are refused where they are', () => {
    const text = base(
      'tenantName: "Contoso\\e[2J"\nnotify:\n  emailSubject: "Alert\\u202eevil"\n  emails: ["soc\\x07@contoso.example"]\n',
    ).replace('btg1@contoso.example', '"btg1\\x1b@contoso.example"\n    displayName: "Emergency\\n01"');
    const found = errors(text);
    expect(found.map((d) => d.message.split(':')[0]).sort()).toEqual([
      'accounts[0].displayName',
      'accounts[0].userPrincipalName',
      'notify.emailSubject',
      'notify.emails[0]',
      'tenantName',
    ]);
    // each at its own line
    expect(
      found.every((d) =>
        text.split('\n')[d.range!.start.line].includes(
          d.message
            .split(':')[0]
            .split('.')
            .pop()!
            .replace(/\[0\]$/, ''),
        ),
      ),
    ).toBe(true);
    expect(found.find((d) => d.message.startsWith('tenantName'))!.message).toMatch(
      /expected printable text: control characters .* are not allowed/,
    );
    // a printable name of any script is fine
    expect(errors(base('tenantName: "Økonomi & Co <AS> {x} @{y} ℮"\n'))).toEqual([]);
  });

  it('UPNs and email addresses refuse direction overrides too (\\s and the control ranges do not hold them)', () => {
    const text = base(
      'notify:\n  emails: ["soc\\u202e@contoso.example"]\n  identityOwners: ["it\\u2066@contoso.example"]\n  incidentOwner: "own\\u200f@contoso.example"\n',
    ).replace('btg1@contoso.example', '"btg1\\u202egpj.exe@contoso.example"');
    expect(
      errors(text)
        .map((d) => d.message.split(':')[0])
        .sort(),
    ).toEqual([
      'accounts[0].userPrincipalName',
      'notify.emails[0]',
      'notify.identityOwners[0]',
      'notify.incidentOwner',
    ]);
  });

  it('a key holding a line break or escape cannot forge a diagnostic line: keys and paths are quoted escaped', () => {
    const found = errors(
      base('"x\\nforged.yaml:1:1  error  fake": 1\noptions:\n  rules:\n    "r\\e[2J\\nnext": { enabled: false }\n'),
    );
    const messages = found.map((d) => d.message);
    expect(messages.some((m) => m.includes('unknown key "x\\u000aforged.yaml:1:1  error  fake"'))).toBe(true);
    // eslint-disable-next-line no-control-regex -- nothing a terminal acts on, no line break
    expect(messages.filter((m) => /[\x00-\x1f]/.test(m))).toEqual([]);
  });

  it('country codes are ISO 3166-1 alpha-2 codes', () => {
    const countries = (c: string[]) =>
      errors(base(`options:\n  expectedLocations:\n    countries: [${c.join(', ')}]\n`)).map((d) => d.message);
    expect(countries(['NO', 'SE', 'US', 'GB', 'AX'])).toEqual([]);
    expect(countries(['XX', 'UK', 'EU', 'no'])).toEqual([
      'options.expectedLocations.countries[0]: expected an ISO 3166-1 alpha-2 country code like NO, SE or US, got "XX"',
      'options.expectedLocations.countries[1]: expected an ISO 3166-1 alpha-2 country code (the United Kingdom is GB), got "UK"',
      'options.expectedLocations.countries[2]: expected an ISO 3166-1 alpha-2 country code like NO, SE or US, got "EU"',
      'options.expectedLocations.countries[3]: expected an upper-case ISO 3166-1 alpha-2 country code (NO), got "no"',
    ]);
  });

  it("auth-method names are the sign-in logs' names; a near miss gets a suggestion", () => {
    const methods = (m: string[]) =>
      errors(base(`options:\n  allowedAuthMethods: [${m.map((x) => JSON.stringify(x)).join(', ')}]\n`)).map(
        (d) => d.message,
      );
    expect(methods(['FIDO2 security key', 'X.509 Certificate'])).toEqual([]);
    const [yubikey, typo] = methods(['Yubikey', 'FIDO2 securty key']);
    expect(yubikey).toMatch(
      /^options\.allowedAuthMethods\[0\]: expected one of the authentication method names of the sign-in logs: "FIDO2 security key", .*, got "Yubikey"$/,
    );
    expect(typo).toMatch(/got "FIDO2 securty key" \(did you mean "FIDO2 security key"\?\)$/);
  });

  it('accounts: [] says the real minimum', () => {
    expect(errors('accounts: []\n').map((d) => d.message)).toEqual([
      'accounts: expected at least 2 break-glass accounts (or 1 with allowSingleAccount: true), got 0',
    ]);
    expect(errors('accounts: []\nallowSingleAccount: true\n').map((d) => d.message)).toEqual([
      'accounts: expected at least 1 break-glass account (allowSingleAccount: true), got 0',
    ]);
  });

  it('an enum value close to a valid one gets a suggestion', () => {
    expect(errors(base('accountSource: watchlst\n'))[0].message).toBe(
      'accountSource: expected one of "inline", "watchlist", got "watchlst" (did you mean watchlist?)',
    );
  });

  it('an unclosed [ or { is reported at the bracket, not where the parser gave up', () => {
    const text =
      'tenantName: "Contoso [HQ]" # a [ in a comment\n' +
      'accounts:\n' +
      '  - objectId: 00000000-0000-4000-8000-00000000b701\n' +
      "    userPrincipalName: it's@contoso.example\n" +
      '    custodians: [ciso@contoso.example, it@contoso.example\n' +
      '  - objectId: 00000000-0000-4000-8000-00000000b702\n' +
      '    userPrincipalName: btg2@contoso.example\n';
    const r = parseConfigText(text);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: 'yaml-syntax',
      message:
        'this [ is not closed: a flow sequence ends with ] (on the same line, or on lines indented more than its key)',
      range: { start: { line: 4, character: 16 } },
      sourceLine: '    custodians: [ciso@contoso.example, it@contoso.example',
    });
    const mapping = parseConfigText('notify: {emails: [a@b.example]\naccounts: []\n').diagnostics;
    expect(mapping.map((d) => [d.message.split(':')[0], d.range!.start])).toEqual([
      ['this { is not closed', { line: 0, character: 8 }],
    ]);
  });

  it('a YAML syntax error shows its first cause only, not the cascade', () => {
    const text = 'accounts:\n  - objectId: "unclosed\n    userPrincipalName: a@b.example\n  - objectId: x\nnotify: [\n';
    const r = parseConfigText(text);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', range: { start: { line: expect.any(Number) } } });
  });
});
