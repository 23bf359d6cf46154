/**
 * The pack's test rows are written for the example accounts (examples/btg.config.yaml). The rules under test are
 * rendered for the user's config, so before shadowing, every mention of example account N (its object id or UPN,
 * anywhere inside a value, case-insensitive; its display name as a whole value) becomes configured account N.
 * A row that mentions an example account with no configured counterpart cannot be translated: the case is skipped.
 */

export interface AccountRef {
  objectId: string;
  userPrincipalName: string;
  displayName?: string;
}

export interface AccountMap {
  /** example account → configured account, by position */
  pairs: { from: AccountRef; to: AccountRef }[];
  /** example accounts beyond the number configured */
  unmapped: AccountRef[];
}

export function accountMap(examples: readonly AccountRef[], configured: readonly AccountRef[]): AccountMap {
  return {
    pairs: examples.slice(0, configured.length).map((from, i) => ({ from, to: configured[i] })),
    unmapped: examples.slice(configured.length),
  };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface Rewritten {
  value: unknown;
  /** UPNs of unmapped example accounts the value mentions */
  unmapped: string[];
}

/**
 * Rewrite `value` (a cell: string, number, list or mapping) in one pass, so a configured account that happens to be
 * another example account is not rewritten twice.
 */
export function rewriteAccounts(value: unknown, map: AccountMap): Rewritten {
  const tokens = new Map<string, string>();
  const names = new Map<string, string>();
  for (const { from, to } of map.pairs) {
    tokens.set(from.objectId.toLowerCase(), to.objectId.toLowerCase());
    tokens.set(from.userPrincipalName.toLowerCase(), to.userPrincipalName);
    if (from.displayName) names.set(from.displayName, to.displayName ?? to.userPrincipalName);
  }
  const identity = [...tokens].every(([k, v]) => k === v.toLowerCase()) && [...names].every(([k, v]) => k === v);
  const re = tokens.size
    ? new RegExp(
        [...tokens.keys()]
          .sort((a, b) => b.length - a.length)
          .map(escapeRe)
          .join('|'),
        'gi',
      )
    : undefined;
  const unmappedTokens = map.unmapped.flatMap((a) => [a.objectId.toLowerCase(), a.userPrincipalName.toLowerCase()]);
  const unmapped = new Set<string>();

  const str = (s: string): string => {
    const lower = s.toLowerCase();
    map.unmapped.forEach((a, i) => {
      if (lower.includes(unmappedTokens[2 * i]) || lower.includes(unmappedTokens[2 * i + 1]))
        unmapped.add(a.userPrincipalName);
    });
    if (identity) return s;
    if (names.has(s)) return names.get(s)!;
    return re ? s.replace(re, (m) => tokens.get(m.toLowerCase()) ?? m) : s;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && !(v instanceof Date))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value), unmapped: [...unmapped] };
}
