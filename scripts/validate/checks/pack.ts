/** Checks over the whole set of rules (pack invariants and uniqueness). */
import { ACCOUNT_SET_SYMBOLS } from '../../content/render';
import { HuntingItem, RuleItem } from '../../content/items';
import { Check, Finding } from './types';

type Item = RuleItem | HuntingItem;
export interface PackFinding extends Finding {
  item: Item;
}
type PackCheck = Check<Item[]> & { fn: (items: Item[]) => PackFinding[] };

const nameOf = (it: Item) => (it.itemKind === 'rule' ? it.rule.name : it.hunting.name);

export const packChecks = {
  'pack-unique-ids': {
    description: 'rule ids are unique',
    severity: 'error',
    help: 'Two rules with one id overwrite each other on deploy; Azure-Sentinel CI rejects duplicate ids.',
    fn: (items) => {
      const seen = new Map<string, Item>();
      const f: PackFinding[] = [];
      for (const it of items) {
        if (it.itemKind !== 'rule') continue;
        const prev = seen.get(it.rule.id.toLowerCase());
        if (prev)
          f.push({
            item: it,
            path: it.fromPack ? [] : ['id'],
            message: `duplicate id ${it.rule.id}: also used by ${prev.file}`,
          });
        else seen.set(it.rule.id.toLowerCase(), it);
      }
      return f;
    },
  },
  'pack-unique-names': {
    description: 'rule and hunting query names are unique',
    severity: 'error',
    help: 'Analysts tell incidents apart by rule name; two rules with one title are indistinguishable in the incident queue.',
    fn: (items) => {
      const seen = new Map<string, Item>();
      const f: PackFinding[] = [];
      for (const it of items) {
        const key = `${it.itemKind}:${nameOf(it).trim().toLowerCase()}`;
        const prev = seen.get(key);
        if (prev)
          f.push({ item: it, path: ['name'], message: `duplicate name "${nameOf(it)}": also used by ${prev.file}` });
        else seen.set(key, it);
      }
      return f;
    },
  },
  'pack-account-filter': {
    description: 'every pack detection filters on the BTG account set',
    severity: 'error',
    help: `Each pack rule must reference ${ACCOUNT_SET_SYMBOLS.join(' or ')} (declared by {{> btgAccounts}}) inside a where clause, as resolved by the Kusto analyzer; otherwise it alerts on every account in the tenant. A template that watches a tenant-wide path protecting every account at once (domain federation, the authentication methods policy, the log pipeline) declares \`scope: tenant\` and is exempt.`,
    fn: (items) =>
      items
        .filter((it) => it.fromPack && it.analysis && !it.analysis.unknownTables.length)
        // a rule that declares `scope: tenant` watches a tenant-wide path (federation, the log pipeline) on purpose
        .filter((it) => !(it.itemKind === 'rule' && it.scope === 'tenant'))
        .filter(
          (it) => !it.analysis!.filterVariables.some((v) => (ACCOUNT_SET_SYMBOLS as readonly string[]).includes(v)),
        )
        .map((it) => ({
          item: it,
          path: ['query'],
          message: `the query never filters on the break-glass account set: add {{> btgAccounts}} and a where clause on ${ACCOUNT_SET_SYMBOLS.join(' / ')}`,
        })),
  },
  'pack-mitre-mapping': {
    description: 'every pack rule has at least one tactic and one technique',
    severity: 'error',
    help: 'MITRE mapping drives the coverage view and incident triage; every pack rule names its tactics and techniques.',
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
} satisfies Record<string, PackCheck>;
export type PackCheckId = keyof typeof packChecks;
