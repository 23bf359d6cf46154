/**
 * The one duplicate detector (rule and hunting ids and names, user files across a run, config accounts and
 * workspaces, workbook item and parameter names): every element whose key was already seen, with the first element
 * that had it. Keys compare trimmed and without regard to case (Sentinel ids and names, object ids, UPNs and ARM
 * names are case-insensitive) unless `exact` (names that are case-sensitive where they are used). Keys are compared
 * within their `group` only (a rule and a hunting query may share a name).
 */
export interface Duplicate<T> {
  item: T;
  /** the first element with the same key */
  first: T;
}

export function duplicates<T>(
  items: Iterable<T>,
  key: (item: T) => string | undefined,
  opts: { exact?: boolean; group?: (item: T) => string } = {},
): Duplicate<T>[] {
  const seen = new Map<string, T>();
  const out: Duplicate<T>[] = [];
  for (const item of items) {
    const raw = key(item);
    if (raw === undefined) continue;
    const k = `${opts.group?.(item) ?? ''}\u0000${opts.exact ? raw : raw.trim().toLowerCase()}`;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, item);
    else out.push({ item, first });
  }
  return out;
}
