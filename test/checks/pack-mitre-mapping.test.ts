/** pack-mitre-mapping: every pack rule names at least one tactic and one technique. */
import { templateRule } from '../helpers/pack';
import { ruleItem, testCheck } from '../helpers/checks';
import { baseRule } from '../helpers/rules';

const MESSAGE = /a pack rule needs at least one tactic and one technique/;
const pack = (over: Record<string, unknown>) => ruleItem(templateRule(over), { fromPack: true });

testCheck('pack-mitre-mapping', [
  { name: 'tactic and technique', item: pack({}), expect: 'pass' },
  {
    name: 'no tactics',
    item: pack({ tactics: [], relevantTechniques: ['T1078.004'] }),
    expect: MESSAGE,
    count: 1,
    line: /^tactics:/,
  },
  {
    name: 'no techniques',
    item: pack({ relevantTechniques: [] }),
    expect: MESSAGE,
    count: 1,
    line: /^relevantTechniques:/,
  },
  {
    name: 'neither (keys absent)',
    item: pack({ tactics: undefined, relevantTechniques: undefined }),
    expect: MESSAGE,
    count: 1,
  },
  { name: "a user's own rule file is not held to it", item: ruleItem(baseRule({ tactics: [] })), expect: 'pass' },
]);
