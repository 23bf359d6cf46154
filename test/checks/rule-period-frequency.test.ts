/** rule-period-frequency on pack templates: the look-back covers the interval between runs. */
import { configWith, exampleConfig, findings, shippedPack, templateRule, validateTemplates } from '../helpers/pack';

const cases: { name: string; over: Record<string, unknown>; expect: 'pass' | RegExp }[] = [
  { name: 'period equal to frequency', over: { queryFrequency: '10m', queryPeriod: '10m' }, expect: 'pass' },
  { name: 'period longer than frequency', over: { queryFrequency: '1h', queryPeriod: '1d' }, expect: 'pass' },
  {
    name: 'period shorter than frequency leaves gaps',
    over: { queryFrequency: '1h', queryPeriod: '30m' },
    expect: /queryPeriod \(30m\) must be at least queryFrequency \(1h\), or events between runs are never evaluated/,
  },
  {
    name: 'a 2-day period needs an hourly frequency',
    over: { queryFrequency: '15m', queryPeriod: '2d' },
    expect: /queryFrequency \(15m\) must be at least 1h when queryPeriod is 2d or more \(2d\)/,
  },
];

describe('rule-period-frequency', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { diagnostics } = validateTemplates({ 'btg-test': templateRule(c.over) });
      const f = findings(diagnostics, 'rule-period-frequency');
      if (c.expect === 'pass') expect(f).toEqual([]);
      else expect(f).toEqual([expect.stringMatching(c.expect)]);
    });
  }
});

/** rule-ingestion-delay on pack templates: the loader adds options.ingestionDelay to the frequency; the check is an error. */
describe('rule-ingestion-delay (pack templates)', () => {
  const delayed = (lookback: string) =>
    `{{> btgAccounts}}\nSigninLogs\n| where ingestion_time() > ago(${lookback})\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n`;
  const cases: {
    name: string;
    over: Record<string, unknown>;
    delay?: string;
    period?: string;
    expect: 'pass' | RegExp;
  }[] = [
    {
      name: 'a template without queryPeriod looks back frequency + the default 30m',
      over: { queryFrequency: '10m', queryPeriod: undefined, query: delayed('10m') },
      period: '40m',
      expect: 'pass',
    },
    {
      name: 'options.ingestionDelay sets the buffer',
      over: { queryFrequency: '1h', queryPeriod: undefined, query: delayed('1h') },
      delay: '2h',
      period: '3h',
      expect: 'pass',
    },
    {
      name: 'a whole-day look-back is spelled in days',
      over: { queryFrequency: '23h', queryPeriod: undefined, query: delayed('23h') },
      delay: '1h',
      period: '1d',
      expect: 'pass',
    },
    {
      name: 'an explicit look-back without the buffer is an error',
      over: { queryFrequency: '1h', queryPeriod: '1h', query: delayed('1h') },
      period: '1h',
      expect:
        /queryPeriod \(1h\) must exceed queryFrequency \(1h\) by options.ingestionDelay \(30m\), i.e. be at least 90m/,
    },
    {
      name: 'a larger configured delay makes a short explicit buffer an error',
      over: { queryFrequency: '1h', queryPeriod: '90m', query: delayed('1h') },
      delay: '45m',
      period: '90m',
      expect: /by options.ingestionDelay \(45m\), i.e. be at least 105m/,
    },
    {
      name: 'a template without the ingestion_time() filter is an error',
      over: { queryPeriod: undefined },
      period: '90m',
      expect: /the query has no `\| where ingestion_time\(\) > ago\(1h\)`/,
    },
    {
      name: 'ago() that differs from the frequency is an error',
      over: { queryFrequency: '10m', queryPeriod: undefined, query: delayed('15m') },
      period: '40m',
      expect: /ingestion_time\(\) > ago\(15m\) must use the rule's queryFrequency \(10m\)/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const config = c.delay
        ? configWith((d) => {
            d.options.ingestionDelay = c.delay;
          })
        : undefined;
      const over = { ...c.over };
      const template = templateRule(over);
      for (const [k, v] of Object.entries(over)) if (v === undefined) delete template[k];
      const { pack, diagnostics } = validateTemplates({ 'btg-test': template }, { config });
      expect(pack.rules.find((r) => r.templateId === 'btg-test')?.rule.queryPeriod).toBe(c.period);
      const f = diagnostics.filter((d) => d.code === 'rule-ingestion-delay');
      if (c.expect === 'pass') expect(f.map((d) => d.message)).toEqual([]);
      else {
        expect(f.map((d) => d.message).join('\n')).toMatch(c.expect);
        expect(f.every((d) => d.severity === 'error')).toBe(true);
      }
    });
  }

  it('every Scheduled rule of the shipped pack looks back its frequency + the buffer and filters on ingestion_time()', () => {
    const { pack, diagnostics, analyses } = shippedPack(exampleConfig());
    const scheduled = pack.rules.filter((r) => r.rule.kind === 'Scheduled');
    expect(scheduled.length).toBeGreaterThan(0);
    expect(findings(diagnostics, 'rule-ingestion-delay')).toEqual([]);
    for (const r of scheduled)
      if (
        !/absence/.test(
          String((r as { evaluation?: string }).evaluation ?? (r.rule as { evaluation?: string }).evaluation),
        )
      )
        expect(analyses.get(r)?.ingestionTimeFilters.length).toBeGreaterThan(0);
  });
});
