/** pack-mitre-mapping: every pack rule names at least one tactic and one technique. */
import { findings, templateRule, validateTemplates } from '../helpers/pack';

const cases: { name: string; over: Record<string, unknown>; expect: 'pass' | RegExp; line?: RegExp }[] = [
  { name: 'tactic and technique', over: {}, expect: 'pass' },
  {
    name: 'no tactics',
    over: { tactics: [], relevantTechniques: ['T1078.004'] },
    expect: /a pack rule needs at least one tactic and one technique/,
    line: /^tactics:/,
  },
  {
    name: 'no techniques',
    over: { relevantTechniques: [] },
    expect: /a pack rule needs at least one tactic and one technique/,
    line: /^relevantTechniques:/,
  },
  {
    name: 'neither (keys absent)',
    over: { tactics: undefined, relevantTechniques: undefined },
    expect: /a pack rule needs at least one tactic and one technique/,
  },
];

describe('pack-mitre-mapping', () => {
  for (const c of cases) {
    it(c.name, () => {
      const rule = templateRule(c.over);
      for (const k of Object.keys(rule)) if (rule[k] === undefined) delete rule[k];
      const { diagnostics } = validateTemplates({ 'btg-test': rule });
      const f = findings(diagnostics, 'pack-mitre-mapping');
      if (c.expect === 'pass') expect(f).toEqual([]);
      else {
        expect(f).toEqual([expect.stringMatching(c.expect)]);
        if (c.line) expect(diagnostics.find((d) => d.code === 'pack-mitre-mapping')!.sourceLine).toMatch(c.line);
      }
    });
  }
});
