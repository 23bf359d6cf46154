/**
 * rule-period-frequency and rule-ingestion-delay on pack templates: the look-back covers the interval between runs
 * plus the ingestion delay. Table cases run the check on in-memory templates with a canned analysis (testCheck); the
 * loader's look-back (scheduledPeriod) is a pure function; the cases through the loader and analyzer are in end-to-end.test.ts.
 */
import { scheduledPeriod } from '../../scripts/content/load';
import { ruleItem, testCheck } from '../helpers/checks';
import { templateRule } from '../helpers/pack';

const pack = (over: Record<string, unknown>, ingestionDelay?: string) =>
  ruleItem(templateRule(over), { fromPack: true, ingestionDelay });

testCheck('rule-period-frequency', [
  { name: 'period equal to frequency', item: pack({ queryFrequency: '10m', queryPeriod: '10m' }), expect: 'pass' },
  { name: 'period longer than frequency', item: pack({ queryFrequency: '1h', queryPeriod: '1d' }), expect: 'pass' },
  {
    name: 'period shorter than frequency leaves gaps',
    item: pack({ queryFrequency: '1h', queryPeriod: '30m' }),
    expect: /queryPeriod \(30m\) must be at least queryFrequency \(1h\), or events between runs are never evaluated/,
    count: 1,
    line: /^queryPeriod: 30m/,
  },
  {
    name: 'a 2-day period needs an hourly frequency',
    item: pack({ queryFrequency: '15m', queryPeriod: '2d' }),
    expect: /queryFrequency \(15m\) must be at least 1h when queryPeriod is 2d or more \(2d\)/,
    count: 1,
  },
  {
    name: 'NRT rules have no period',
    item: pack({ kind: 'NRT', queryFrequency: undefined, queryPeriod: undefined }),
    expect: 'pass',
  },
]);

/** A template query with the ingestion-delay filter at `lookback`, and that filter as the analyzer reports it. */
const delayed = (lookback: string) =>
  `{{> btgAccounts}}\nSigninLogs\n| where ingestion_time() > ago(${lookback})\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n`;
const filterAt = (lookback: string) => {
  const q = delayed(lookback);
  return { ingestionTimeFilters: [{ start: q.indexOf('ingestion_time()'), length: 16, lookback }] };
};

/** The loader's look-back for a template without queryPeriod: frequency + options.ingestionDelay. */
describe('scheduledPeriod', () => {
  it.each([
    ['10m', '30m', '40m'],
    ['1h', '2h', '3h'],
    ['23h', '1h', '1d'],
    ['1h', '30m', '90m'],
  ])('frequency %s + delay %s looks back %s', (frequency, delay, period) =>
    expect(scheduledPeriod(frequency, delay)).toBe(period),
  );
  it('an unreadable frequency has no look-back', () => expect(scheduledPeriod('PT1H', '30m')).toBeUndefined());
});

testCheck('rule-ingestion-delay', [
  {
    name: 'frequency + the default 30m with ago(frequency)',
    item: pack({ queryFrequency: '10m', queryPeriod: '40m', query: delayed('10m') }),
    analysis: filterAt('10m'),
    expect: 'pass',
  },
  {
    name: 'options.ingestionDelay sets the buffer',
    item: pack({ queryFrequency: '1h', queryPeriod: '3h', query: delayed('1h') }, '2h'),
    analysis: filterAt('1h'),
    expect: 'pass',
  },
  {
    name: 'a whole-day look-back is spelled in days',
    item: pack({ queryFrequency: '23h', queryPeriod: '1d', query: delayed('23h') }, '1h'),
    analysis: filterAt('23h'),
    expect: 'pass',
  },
  {
    name: 'an explicit look-back without the buffer is an error',
    item: pack({ queryFrequency: '1h', queryPeriod: '1h', query: delayed('1h') }),
    analysis: filterAt('1h'),
    expect:
      /queryPeriod \(1h\) must exceed queryFrequency \(1h\) by options.ingestionDelay \(30m\), i.e. be at least 90m/,
    severity: 'error',
    count: 1,
  },
  {
    name: 'a larger configured delay makes a short explicit buffer an error',
    item: pack({ queryFrequency: '1h', queryPeriod: '90m', query: delayed('1h') }, '45m'),
    analysis: filterAt('1h'),
    expect: /by options.ingestionDelay \(45m\), i.e. be at least 105m/,
    severity: 'error',
  },
  {
    name: 'a template without the ingestion_time() filter is an error',
    item: pack({ queryPeriod: '90m' }),
    expect: /the query has no `\| where ingestion_time\(\) > ago\(1h\)`/,
    severity: 'error',
    count: 1,
  },
  {
    name: 'ago() that differs from the frequency is an error, at the call in the query',
    item: pack({ queryFrequency: '10m', queryPeriod: '40m', query: delayed('15m') }),
    analysis: filterAt('15m'),
    expect: /ingestion_time\(\) > ago\(15m\) must use the rule's queryFrequency \(10m\)/,
    severity: 'error',
    line: /ingestion_time\(\) > ago\(15m\)/,
  },
  {
    name: 'ingestion_time() not compared with ago() is an error',
    item: pack({ queryFrequency: '10m', queryPeriod: '40m', query: delayed('10m') }),
    analysis: { ingestionTimeFilters: [{ start: 0, length: 16 }] },
    expect: /ingestion_time\(\) must be compared as `ingestion_time\(\) > ago\(10m\)`/,
  },
  {
    name: 'an absence rule measures its own look-back',
    item: pack({ evaluation: 'absence', queryFrequency: '1h', queryPeriod: '1h' }),
    expect: 'pass',
  },
  {
    name: 'a query the analyzer rejects is not judged on its filters',
    item: pack({ queryPeriod: '90m' }),
    analysis: { diagnostics: [{ code: 'KS142', message: 'x', severity: 'error', start: 0, length: 1 }] },
    expect: 'pass',
  },
]);
