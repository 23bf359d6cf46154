/**
 * Hunting query checks (Azure-Sentinel `Hunting Queries/**.yaml`, saved searches of category "Hunting Queries").
 * The service takes a hunting query's tactics and techniques as tags, so naming problems are warnings here; the KQL
 * itself (kql-semantic) is an error, as the query would not run.
 */
import { TACTICS, TECHNIQUE_RE } from '../../content/attack';
import { HuntingItem } from '../../content/items';
import { defineChecks, Finding, QueryContext } from './types';

const GUID_RE = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/** The Sentinel tactic a spelling means ("Initial access", "initialaccess" -> InitialAccess), or undefined. */
export function canonicalTactic(t: string): string | undefined {
  const k = String(t)
    .replace(/[\s_-]+/g, '')
    .toLowerCase();
  return TACTICS.find((x) => x.toLowerCase() === k);
}

export const huntingChecks = defineChecks<HuntingItem, QueryContext>()({
  'hunting-fields': {
    fn: (it) => {
      const h = it.hunting;
      const f: Finding[] = [];
      const id = (h as { id?: unknown }).id;
      if (id === undefined)
        f.push({
          path: [],
          severity: 'warning',
          message: 'no id: Azure-Sentinel hunting queries carry a GUID id that identifies them across versions',
        });
      else if (!GUID_RE.test(String(id))) f.push({ path: ['id'], message: `id: expected a GUID, got "${id}"` });
      if (!h.name.trim() || h.name.length > 256)
        f.push({ path: ['name'], message: `name: must be 1..256 characters, got ${h.name.length}` });
      if (h.description.length > 5000)
        f.push({
          path: ['description'],
          severity: 'warning',
          message: `description: longer than 5000 characters (${h.description.length})`,
        });
      if (!h.query.trim()) f.push({ path: ['query'], message: 'query: empty' });
      if (h.version !== undefined && !/^\d+\.\d+\.\d+$/.test(String(h.version)))
        f.push({ path: ['version'], severity: 'warning', message: `version: expected X.Y.Z, got "${h.version}"` });
      return f;
    },
  },
  'hunting-tactics': {
    fn: (it) => {
      const f: Finding[] = [];
      it.hunting.tactics.forEach((t, i) => {
        const c = canonicalTactic(String(t));
        if (!c)
          f.push({
            path: ['tactics', i],
            message: `tactics[${i}]: "${t}" is not a Sentinel tactic (expected one of ${TACTICS.join(', ')})`,
          });
        else if (c !== t)
          f.push({
            path: ['tactics', i],
            severity: 'info',
            message: `tactics[${i}]: "${t}" is read as ${c}; write ${c}`,
          });
      });
      it.hunting.relevantTechniques.forEach((t, i) => {
        if (!TECHNIQUE_RE.test(String(t)))
          f.push({
            path: ['relevantTechniques', i],
            message: `relevantTechniques[${i}]: expected T1234 or T1234.001, got "${t}"`,
          });
      });
      return f;
    },
  },
});
