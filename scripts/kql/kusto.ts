/**
 * Loads Microsoft's Kusto.Language analyzer (@kusto/language-service-next, a Bridge.NET build) once per
 * process. All untyped access to the bridge lives here.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
let K: any;

export function kusto(): any {
  if (!K) {
    // The bridge defines globals (Bridge, System, Kusto); it has no module exports.
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.js');
    K = (globalThis as any).Kusto.Language;
  }
  return K;
}

/** Iterate a .NET IReadOnlyList from the bridge. */
export function* netList<T = any>(list: any): Generator<T> {
  if (!list) return;
  const n = list.Count;
  for (let i = 0; i < n; i++) yield list.getItem(i);
}
