/** Checks over the whole set of rules (pack invariants and uniqueness). */
import { ACCOUNT_SET_SYMBOLS } from '../../content/render';
import { HuntingItem, RuleItem } from '../../content/items';
import { duplicates } from '../../core/duplicates';
import { KqlAnalysis } from '../../kql/analyzer';
import { defineChecks, Finding } from './types';

type Item = RuleItem | HuntingItem;
export interface PackFinding extends Finding {
  item: Item;
}
/** What the cross-item checks read besides the items: the analysis of each item's query. */
export interface PackContext {
  analyses: ReadonlyMap<Item, KqlAnalysis>;
}
const isRule = (it: Item): it is RuleItem => it.itemKind === 'rule';

const nameOf = (it: Item) => (it.itemKind === 'rule' ? it.rule.name : it.hunting.name);

export const packChecks = defineChecks<readonly Item[], PackContext, PackFinding>()({
  'pack-unique-ids': {
    fn: (items) =>
      duplicates(items.filter(isRule), (it) => it.rule.id).map(({ item, first }) => ({
        item,
        path: item.fromPack ? [] : ['id'],
        message: `duplicate id ${item.rule.id}: also used by ${first.templateId}`,
      })),
  },
  'pack-unique-names': {
    fn: (items) =>
      // a rule and a hunting query may share a name (different lists in the portal)
      duplicates(items, nameOf, { group: (it) => it.itemKind }).map(({ item, first }) => ({
        item,
        path: ['name'],
        message: `duplicate name "${nameOf(item)}": also used by ${first.templateId}`,
      })),
  },
  'pack-account-filter': {
    fn: (items, ctx) =>
      items
        .filter((it) => {
          const a = ctx.analyses.get(it);
          return it.fromPack && a !== undefined && !a.unknownTables.length;
        })
        // a rule that declares `scope: tenant` watches a tenant-wide path (federation, the log pipeline) on purpose
        .filter((it) => !(it.itemKind === 'rule' && it.scope === 'tenant'))
        .filter(
          (it) =>
            !ctx.analyses.get(it)!.filterVariables.some((v) => (ACCOUNT_SET_SYMBOLS as readonly string[]).includes(v)),
        )
        .map((it) => ({
          item: it,
          path: ['query'],
          message: `the query never filters on the break-glass account set: add {{> btgAccounts}} and a where clause on ${ACCOUNT_SET_SYMBOLS.join(' / ')}`,
        })),
  },
  'pack-mitre-mapping': {
    fn: (items) =>
      items
        .filter((it): it is RuleItem => it.itemKind === 'rule' && it.fromPack)
        .filter((it) => !it.rule.tactics.length || !it.rule.relevantTechniques.length)
        .map((it) => ({
          item: it,
          path: it.rule.tactics.length ? ['relevantTechniques'] : ['tactics'],
          message: 'a pack rule needs at least one tactic and one technique',
        })),
  },
});
export type PackCheckId = keyof typeof packChecks;
