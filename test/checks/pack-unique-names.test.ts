/** pack-unique-names: no two rules (or two hunting queries) share a title. */
import { findings, templateRule, validateTemplates } from '../helpers/pack';

const hunting = (name: string) => ({
  name,
  description: 'd',
  query: '{{> btgAccounts}}\nSigninLogs\n| where tolower(UserId) in (BtgAccountIds)\n',
});

describe('pack-unique-names', () => {
  it('distinct titles pass', () => {
    const { diagnostics } = validateTemplates({
      'btg-a': templateRule({ name: 'Rule A' }),
      'btg-b': templateRule({ name: 'Rule B' }),
    });
    expect(findings(diagnostics, 'pack-unique-names')).toEqual([]);
  });

  it('a rule and a hunting query may share a title (different lists in the portal)', () => {
    const { diagnostics } = validateTemplates(
      { 'btg-a': templateRule({ name: 'BTG sign-ins' }) },
      { hunting: { 'btg-h': hunting('BTG sign-ins') } },
    );
    expect(findings(diagnostics, 'pack-unique-names')).toEqual([]);
  });

  it('two rules with one title (case and spacing aside) fail, naming the other file', () => {
    const { diagnostics } = validateTemplates({
      'btg-a': templateRule({ name: 'Break-glass sign-in' }),
      'btg-b': templateRule({ name: ' break-glass SIGN-IN ' }),
    });
    const f = findings(diagnostics, 'pack-unique-names');
    expect(f).toEqual([expect.stringMatching(/^btg-b → duplicate name " break-glass SIGN-IN ": also used by btg-a$/)]);
    expect(diagnostics.find((d) => d.code === 'pack-unique-names')!.sourceLine).toMatch(/^name:/);
  });

  it('two hunting queries with one title fail', () => {
    const { diagnostics } = validateTemplates(
      {},
      { hunting: { 'btg-h1': hunting('Timeline'), 'btg-h2': hunting('Timeline') } },
    );
    expect(findings(diagnostics, 'pack-unique-names')).toEqual([
      expect.stringMatching(/^btg-h2 → duplicate name "Timeline"/),
    ]);
  });
});
