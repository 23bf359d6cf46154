/** The content stage hands later stages one deep-frozen Pack: nothing after it can write into the content. */
import { loadPack } from '../scripts/content/pack';
import { deepFreeze } from '../scripts/core/freeze';
import { exampleConfig } from './helpers/pack';

const pack = loadPack(exampleConfig(), 'btg.config.yaml');

/** Every plain object or array reachable from `v` that is not frozen, as a path. */
function unfrozen(v: unknown, at = 'pack', seen = new Set<object>()): string[] {
  if (typeof v !== 'object' || v === null || seen.has(v)) return [];
  const proto = Object.getPrototypeOf(v);
  if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return [];
  seen.add(v);
  const own = Object.isFrozen(v) ? [] : [at];
  return [...own, ...Object.entries(v).flatMap(([k, x]) => unfrozen(x, `${at}.${k}`, seen))];
}

describe('the Pack is frozen', () => {
  it('holds every kind', () => {
    expect(pack.rules.length).toBeGreaterThan(0);
    expect(pack.hunting.length).toBeGreaterThan(0);
    expect(pack.workbooks.length).toBeGreaterThan(0);
    expect(pack.playbooks.length).toBeGreaterThan(0);
    expect(pack.playbookQueries.length).toBeGreaterThan(0);
    expect(pack.monitorAlerts.length).toBeGreaterThan(0);
    expect(pack.routines.length).toBeGreaterThan(0);
    expect(Object.keys(pack.diagnostics).sort()).toEqual(
      ['config', 'hunting', 'monitorAlerts', 'playbooks', 'routines', 'rules', 'workbooks'].sort(),
    );
  });

  it('every plain object and array in it is frozen, down to the rules, queries and workflow definitions', () => {
    expect(unfrozen(pack)).toEqual([]);
    expect(Object.isFrozen(pack.rules[0].rule)).toBe(true);
    expect(Object.isFrozen(pack.playbooks[0].definition)).toBe(true);
  });

  it('a write into it throws (strict mode) instead of changing what validate and emit read', () => {
    const rule = pack.rules[0];
    expect(() => ((rule as { enabled: boolean }).enabled = !rule.enabled)).toThrow(TypeError);
    expect(() => (pack.rules as unknown[]).push(rule)).toThrow(TypeError);
    expect(() => ((pack.config.options as { ingestionDelay: string }).ingestionDelay = '1h')).toThrow(TypeError);
  });

  it('deepFreeze leaves class instances (YAML documents, dates) writable and handles cycles', () => {
    const date = new Date(0);
    const cyclic: { self?: unknown; date: Date; list: number[] } = { date, list: [1] };
    cyclic.self = cyclic;
    deepFreeze(cyclic);
    expect(Object.isFrozen(cyclic) && Object.isFrozen(cyclic.list)).toBe(true);
    expect(Object.isFrozen(date)).toBe(false);
    expect(Object.isFrozen(pack.rules[0].source.doc)).toBe(false);
  });
});
