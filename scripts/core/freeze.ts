/** Immutability of what one stage hands the next (the content Pack, the analyzer's shared results). */

/**
 * Freeze a value's plain objects and arrays, all the way down. Instances of classes (the YAML documents and line
 * counters the source maps hold, dates) are left as they are: their methods keep internal state.
 */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return;
    seen.add(v);
    for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  };
  walk(value);
  return value;
}
