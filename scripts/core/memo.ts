/** Bounded memos: what a process computes once and meets again (the same query, template or file in every build). */

/** Remember `value` under `key` in a map of at most `max` entries (the oldest entry goes first). */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  if (map.size >= max) map.delete(map.keys().next().value as K);
  map.set(key, value);
  return value;
}
