/**
 * Loads Microsoft's Kusto.Language analyzer (@kusto/language-service-next, a Bridge.NET build) once per
 * process. All untyped access to the bridge lives here.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
let K: any;
let SYS: any;

/** A host may hand over an already loaded bridge (the Jest environment shares one per worker process). */
type SharedBridge = () => { Kusto: any; System: any };

function load(): void {
  const shared = (globalThis as { __btgSharedKusto?: SharedBridge }).__btgSharedKusto;
  if (typeof shared === 'function') {
    const b = shared();
    K = b.Kusto.Language;
    SYS = b.System;
    return;
  }
  // The bridge defines globals (Bridge, System, Kusto); it has no module exports. The minified build is
  // the same code and loads in half the time.
  require('@kusto/language-service-next/bridge.min.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
  K = (globalThis as any).Kusto.Language;
  SYS = (globalThis as any).System;
}

export function kusto(): any {
  if (!K) load();
  return K;
}

/** The bridge's `System` namespace (generic .NET collections the analyzer API takes). */
export function kustoSystem(): any {
  if (!SYS) load();
  return SYS;
}

/** Iterate a .NET IReadOnlyList from the bridge. */
export function* netList<T = any>(list: any): Generator<T> {
  if (!list) return;
  const n = list.Count;
  for (let i = 0; i < n; i++) yield list.getItem(i);
}
