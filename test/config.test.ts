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
    expect(r.config!.options.testIntervalDays).toBe(180);
    for (const a of r.config!.accounts) expect(a.objectId).toMatch(/^00000000-0000-4000-8000-/);
  });

  it('names the path and the expected form of a malformed object id, with its line', () => {
    const text = stringify({ accounts: [good.accounts[0], { objectId: 'abc', userPrincipalName: 'btg2@contoso.example' }] });
    const r = parseConfigText(text);
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d.message).toBe('accounts[1].objectId: expected a GUID, got "abc"');
    expect(d.range!.start.line).toBe(text.split('\n').findIndex((l) => l.includes('objectId: abc')));
    expect(d.sourceLine).toContain('objectId: abc');
  });

  it('reports duplicate object ids with both positions', () => {
    const msgs = messages(stringify({ accounts: [good.accounts[0], { ...good.accounts[1], objectId: good.accounts[0].objectId.toUpperCase() }] }));
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
    const msgs = messages(stringify({ ...good, colour: 'red', options: { testIntervalDays: 'soon', failedSignInThreshold: 0 }, accountSource: 'ldap' }));
    expect(msgs).toEqual(
      expect.arrayContaining([
        '(top level): unknown key "colour"',
        'options.testIntervalDays: expected number, got "soon"',
        expect.stringMatching(/^options.failedSignInThreshold: .*got number 0/),
        'accountSource: expected one of "inline", "watchlist", got "ldap"',
      ]),
    );
  });

  it('a missing required field says it is required', () => {
    expect(messages(stringify({ accounts: [{ objectId: good.accounts[0].objectId }, good.accounts[1]] }))).toEqual(['accounts[0].userPrincipalName: required, expected string']);
  });

  it('YAML syntax errors carry a position', () => {
    const r = parseConfigText('accounts:\n  - objectId: [unclosed\n');
    expect(r.diagnostics[0].code).toBe('yaml-syntax');
    expect(r.diagnostics[0].range).toBeDefined();
  });

  it('a missing config file says how to start', () => {
    expect(loadConfig('/nonexistent/btg.config.yaml').diagnostics[0].message).toMatch(/cp examples\/btg.config.yaml btg.config.yaml/);
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
      fc.property(fc.string({ maxLength: 50 }).filter((s) => !/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(s)), (id) => {
        const r = parseConfigText(stringify({ accounts: [{ objectId: id, userPrincipalName: 'a@b.example' }, good.accounts[1]] }));
        expect(r.config).toBeUndefined();
        expect(r.diagnostics.some((d) => d.message.startsWith('accounts[0].objectId: expected a GUID'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
