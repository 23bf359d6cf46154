/** rule-period-frequency on pack templates: the look-back covers the interval between runs. */
import { findings, templateRule, validateTemplates } from '../helpers/pack';

const cases: { name: string; over: Record<string, unknown>; expect: 'pass' | RegExp }[] = [
  { name: 'period equal to frequency', over: { queryFrequency: '10m', queryPeriod: '10m' }, expect: 'pass' },
  { name: 'period longer than frequency', over: { queryFrequency: '1h', queryPeriod: '1d' }, expect: 'pass' },
  { name: 'period shorter than frequency leaves gaps', over: { queryFrequency: '1h', queryPeriod: '30m' }, expect: /queryPeriod \(30m\) must be at least queryFrequency \(1h\), or events between runs are never evaluated/ },
  { name: 'a 2-day period needs an hourly frequency', over: { queryFrequency: '15m', queryPeriod: '2d' }, expect: /queryFrequency \(15m\) must be at least 1h when queryPeriod is 2d or more \(2d\)/ },
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
