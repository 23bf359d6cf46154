/** pack-unique-names (and pack-unique-ids): no two rules (or two hunting queries) share a title or an id. */
import { templateRule } from '../helpers/pack';
import { huntingItem, ruleItem, testCheck } from '../helpers/checks';
import { baseRule } from '../helpers/rules';

const hunting = (name: string, templateId: string) =>
  huntingItem(
    { name, description: 'd', query: '{{> btgAccounts}}\nSigninLogs\n| where tolower(UserId) in (BtgAccountIds)\n' },
    { templateId },
  );
const rule = (name: string, templateId: string) => ruleItem(templateRule({ name }), { fromPack: true, templateId });

testCheck('pack-unique-names', [
  {
    name: 'distinct titles pass',
    items: [{ item: rule('Rule A', 'btg-a') }, { item: rule('Rule B', 'btg-b') }],
    expect: 'pass',
  },
  {
    name: 'a rule and a hunting query may share a title (different lists in the portal)',
    items: [{ item: rule('BTG sign-ins', 'btg-a') }, { item: hunting('BTG sign-ins', 'btg-h') }],
    expect: 'pass',
  },
  {
    name: 'two rules with one title (case and spacing aside) fail, naming the other item',
    items: [{ item: rule('Break-glass sign-in', 'btg-a') }, { item: rule(' break-glass SIGN-IN ', 'btg-b') }],
    expect: /^duplicate name " break-glass SIGN-IN ": also used by btg-a$/,
    count: 1,
    about: 'btg-b',
    line: /^name:/,
  },
  {
    name: 'two hunting queries with one title fail',
    items: [{ item: hunting('Timeline', 'btg-h1') }, { item: hunting('Timeline', 'btg-h2') }],
    expect: /^duplicate name "Timeline": also used by btg-h1$/,
    count: 1,
    about: 'btg-h2',
  },
  {
    name: 'three with one title: each later one once, naming the first',
    items: [{ item: rule('X', 'btg-a') }, { item: rule('X', 'btg-b') }, { item: rule('x', 'btg-c') }],
    expect: /also used by btg-a\n.*also used by btg-a$/,
    count: 2,
  },
]);

testCheck('pack-unique-ids', [
  {
    name: 'two user rule files with one id (case aside) fail at the id',
    items: [
      { item: ruleItem(baseRule(), { templateId: 'a.yaml' }) },
      {
        item: ruleItem(baseRule({ id: '8C0F1A3E-6A51-4D8B-9A0E-2B9C6F4D1E01', name: 'Other' }), {
          templateId: 'b.yaml',
        }),
      },
    ],
    expect: /^duplicate id 8C0F1A3E-6A51-4D8B-9A0E-2B9C6F4D1E01: also used by a\.yaml$/,
    count: 1,
    about: 'b.yaml',
    line: /^id:/,
  },
  {
    name: 'distinct ids pass',
    items: [
      { item: ruleItem(baseRule(), { templateId: 'a.yaml' }) },
      { item: ruleItem(baseRule({ id: '8c0f1a3e-6a51-4d8b-9a0e-2b9c6f4d1e02' }), { templateId: 'b.yaml' }) },
    ],
    expect: 'pass',
  },
]);
