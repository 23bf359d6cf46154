/**
 * Kusto's string operators (https://learn.microsoft.com/kusto/query/datatypes-string-operators).
 *
 * `has` matches TERMS: a string is broken into maximal sequences of ASCII alphanumeric characters, and `has "x"`
 * is true when x is a whole term (case-insensitive): "North America" has "america", but "Americas" does not. A
 * needle that itself holds non-alphanumeric characters ("security info", "a.b") matches where it occurs with a
 * term boundary before its first and after its last alphanumeric character. `contains` is a plain substring.
 * Operators without `_cs` ignore case.
 */
const ALNUM = /[A-Za-z0-9]/;
const isAlnum = (c: string | undefined) => c !== undefined && ALNUM.test(c);

/** `hay has needle` (or has_cs with cs=true). */
export function hasTerm(hay: string, needle: string, cs = false): boolean {
  if (needle === '') return true;
  const h = cs ? hay : hay.toLowerCase();
  const n = cs ? needle : needle.toLowerCase();
  const needStart = isAlnum(n[0]);
  const needEnd = isAlnum(n[n.length - 1]);
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    if (needStart && isAlnum(h[i - 1])) continue;
    if (needEnd && isAlnum(h[i + n.length])) continue;
    return true;
  }
  return false;
}

/** `hasprefix`: a term starts with the needle. */
export function hasPrefix(hay: string, needle: string, cs = false): boolean {
  if (needle === '') return true;
  const h = cs ? hay : hay.toLowerCase();
  const n = cs ? needle : needle.toLowerCase();
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) if (!(isAlnum(n[0]) && isAlnum(h[i - 1]))) return true;
  return false;
}

/** `hassuffix`: a term ends with the needle. */
export function hasSuffix(hay: string, needle: string, cs = false): boolean {
  if (needle === '') return true;
  const h = cs ? hay : hay.toLowerCase();
  const n = cs ? needle : needle.toLowerCase();
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1))
    if (!(isAlnum(n[n.length - 1]) && isAlnum(h[i + n.length]))) return true;
  return false;
}

export const contains = (hay: string, needle: string, cs = false): boolean =>
  cs ? hay.includes(needle) : hay.toLowerCase().includes(needle.toLowerCase());
export const startsWith = (hay: string, needle: string, cs = false): boolean =>
  cs ? hay.startsWith(needle) : hay.toLowerCase().startsWith(needle.toLowerCase());
export const endsWith = (hay: string, needle: string, cs = false): boolean =>
  cs ? hay.endsWith(needle) : hay.toLowerCase().endsWith(needle.toLowerCase());
export const equalsCi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** ipv4 text → 32-bit number, or undefined. */
export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return undefined;
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

/** `ipv4_is_in_range(ip, "a.b.c.d/n")` (a range without /n is one address); null when either does not parse. */
export function ipv4InRange(ip: string, range: string): boolean | null {
  const a = parseIpv4(ip);
  const [base, bits = '32'] = range.trim().split('/');
  const b = parseIpv4(base);
  const n = Number(bits);
  if (a === undefined || b === undefined || !/^\d+$/.test(bits) || n > 32) return null;
  if (n === 0) return true;
  const mask = n === 32 ? 0xffffffff : ~(0xffffffff >>> n) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

/** ipv6 text (also ipv4-mapped and plain ipv4, as Kusto accepts) → 128-bit bigint, or undefined. */
export function parseIpv6(s: string): bigint | undefined {
  let t = s.trim();
  if (!t.includes(':')) {
    const v4 = parseIpv4(t);
    return v4 === undefined ? undefined : (0xffffn << 32n) | BigInt(v4);
  }
  let tail: bigint[] = [];
  const v4tail = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(t);
  if (v4tail) {
    const v4 = parseIpv4(v4tail[1]);
    if (v4 === undefined) return undefined;
    tail = [BigInt(v4 >>> 16), BigInt(v4 & 0xffff)];
    t = `${t.slice(0, v4tail.index)}:`;
    if (t.endsWith('::')) t = `${t}`;
    else t = t.slice(0, -1);
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const parse = (x: string) => (x === '' ? [] : x.split(':'));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const groups = [
    ...head,
    ...(halves.length === 2 ? Array(8 - head.length - rest.length - tail.length).fill('0') : []),
    ...rest,
  ].map((g) => BigInt(`0x${g}`));
  const all = [...groups, ...tail];
  if (all.length !== 8) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function ipv6InRange(ip: string, range: string): boolean | null {
  const a = parseIpv6(ip);
  const [base, bits = '128'] = range.trim().split('/');
  const b = parseIpv6(base);
  if (a === undefined || b === undefined || !/^\d+$/.test(bits) || Number(bits) > 128) return null;
  const n = BigInt(Number(bits));
  const mask = n === 0n ? 0n : ((1n << 128n) - 1n) ^ ((1n << (128n - n)) - 1n);
  return (a & mask) === (b & mask);
}
