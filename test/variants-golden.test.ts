/**
 * Config-driven variants and the two account modes change the emitted rules: each variant's output is a golden
 * file (UPDATE_GOLDEN=1 npx jest test/variants-golden.test.ts to refresh), and the change itself is asserted
 * against the example config's output, so a golden refresh cannot hide a variant that stopped working.
 */
import { loadConfig } from '../scripts/config/load';
import { Config } from '../scripts/config/schema';
import { loadPack } from '../scripts/content/pack';
import { RuleItem } from '../scripts/content/items';
import { ruleResources } from '../scripts/emit/resources';
import { ruleYaml } from '../scripts/emit/sentinelYaml';
import { armTemplate } from '../scripts/emit/arm';
import { expectGolden } from './helpers/golden';
import { configWith, exampleConfig, WATCHLIST_CONFIG } from './helpers/pack';

function rule(config: Config, templateId: string): RuleItem {
  const item = loadPack(config, 'btg.config.yaml').rules.find((r) => r.templateId === templateId);
  if (!item) throw new Error(`no rule ${templateId}`);
  return item;
}
const props = (item: RuleItem) => ruleResources(item, 'golden')[0].body.properties as Record<string, unknown>;
const arm = (item: RuleItem) =>
  JSON.stringify(armTemplate(ruleResources(item, 'golden'), `Analytics rule: ${item.rule.name}`), null, 2) + '\n';

const base = exampleConfig();

describe('account modes', () => {
  it('one rule query, inline and watchlist (golden)', () => {
    const inline = rule(base, 'btg-account-changed').query.text;
    const watchlist = rule(loadConfig(WATCHLIST_CONFIG).config!, 'btg-account-changed').query.text;
    expectGolden('modes/btg-account-changed.inline.kql', inline);
    expectGolden('modes/btg-account-changed.watchlist.kql', watchlist);
    // the modes differ only in how the account set is declared
    const body = (q: string) =>
      q
        .split('\n')
        .filter((l) => !l.startsWith('let BtgAccount'))
        .join('\n');
    expect(body(watchlist)).toBe(body(inline));
    expect(inline).toContain(
      'let BtgAccountIds = dynamic(["00000000-0000-4000-8000-00000000b701", "00000000-0000-4000-8000-00000000b702"]);',
    );
    expect(watchlist).toContain(
      'let BtgAccountIds = toscalar(_GetWatchlist("BreakGlassAccounts") | summarize make_set(tolower(tostring(AccountObjectId))));',
    );
  });
});

describe('config variants', () => {
  it('a severity override changes the rule severity (golden ARM)', () => {
    const item = rule(
      configWith((d) => (d.options.rules = { 'btg-admin-activity': { severity: 'High' } })),
      'btg-admin-activity',
    );
    expectGolden('variants/severity-override/arm/detections/btg-admin-activity.json', arm(item));
    expect([props(rule(base, 'btg-admin-activity')).severity, props(item).severity]).toEqual(['Medium', 'High']);
  });

  it('a disabled rule is still emitted, with enabled: false (golden ARM)', () => {
    const item = rule(
      configWith((d) => (d.options.rules = { 'btg-noninteractive-signin': { enabled: false } })),
      'btg-noninteractive-signin',
    );
    expectGolden('variants/disabled/arm/detections/btg-noninteractive-signin.json', arm(item));
    expect([props(rule(base, 'btg-noninteractive-signin')).enabled, props(item).enabled]).toEqual([true, false]);
  });

  it('the failed sign-in threshold is rendered into the query and the description (golden YAML)', () => {
    const item = rule(
      configWith((d) => (d.options.failedSignInThreshold = 10)),
      'btg-failed-signins',
    );
    expectGolden('variants/failed-threshold/detections/btg-failed-signins.yaml', ruleYaml(item));
    expect(rule(base, 'btg-failed-signins').query.text).toContain('| where Failures >= 3\n');
    expect(item.query.text).toContain('| where Failures >= 10\n');
    expect(item.rule.description).toMatch(/^At least 10 sign-ins/);
  });

  it('the allowed authentication methods are rendered into the query and the description (golden YAML)', () => {
    // names are checked against the sign-in logs' method names on load; quoting of odd values is the literal helpers' property test
    const methods = ['FIDO2 security key', 'Certificate-based authentication', 'Windows Hello for Business'];
    const item = rule(
      configWith((d) => (d.options.allowedAuthMethods = methods)),
      'btg-signin-not-phishing-resistant',
    );
    expectGolden('variants/auth-methods/detections/btg-signin-not-phishing-resistant.yaml', ruleYaml(item));
    expect(item.query.text).toContain(
      'let AllowedMethods = dynamic(["FIDO2 security key", "Certificate-based authentication", "Windows Hello for Business"]);',
    );
    // the default (Microsoft's current guidance) leaves Windows Hello out: it is bound to one person's device
    expect(rule(base, 'btg-signin-not-phishing-resistant').query.text).not.toContain('"Windows Hello for Business"');
    expect(item.rule.description).toContain(
      '(FIDO2 security key, Certificate-based authentication, Windows Hello for Business)',
    );
  });

  it('the expected locations are rendered into the location rule (golden YAML)', () => {
    const item = rule(
      configWith(
        (d) => (d.options.expectedLocations = { countries: ['DE'], ipRanges: ['192.0.2.0/24', '2001:db8::/32'] }),
      ),
      'btg-signin-unexpected-location',
    );
    expectGolden('variants/expected-locations/detections/btg-signin-unexpected-location.yaml', ruleYaml(item));
    expect(item.query.text).toContain('let ExpectedCountries = dynamic(["DE"]);');
    expect(item.query.text).toContain('let ExpectedRanges = dynamic(["192.0.2.0/24", "2001:db8::/32"]);');
  });
});
