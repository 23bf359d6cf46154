/**
 * Scalar functions, by Kusto name. Each takes evaluated arguments and the call's static facts (argument and
 * result types from the analyzer, the fixed clock). Only the functions the pack's queries use, plus close kin
 * that share their code; anything else is refused by the walker (not supported offline).
 */
import { contains, endsWith, hasTerm, ipv4InRange, ipv6InRange, parseIpv4, startsWith } from './strings';
import {
  coerce,
  deepEqual,
  isObject,
  KDate,
  KDynamic,
  KSpan,
  KValue,
  originMs,
  parseDynamic,
  toBool,
  toDatetime,
  toKString,
  toLong,
  toReal,
  toTimespan,
  valueKey,
} from './values';

export interface CallFacts {
  now: number;
  argTypes: string[];
  resultType: string;
}

export type ScalarFn = (args: KValue[], facts: CallFacts) => KValue;

/** A function called with an argument the evaluator does not implement (the walker reports it with its place). */
export class UnsupportedArgument extends Error {}

const str = (v: KValue) => toKString(v);
const arr = (v: KValue): KDynamic[] | null => (Array.isArray(v) ? v : null);

function distinctValues(values: KValue[]): KValue[] {
  const seen = new Set<string>();
  const out: KValue[] = [];
  for (const v of values) {
    const k = valueKey(v);
    if (!seen.has(k)) (seen.add(k), out.push(v));
  }
  return out;
}

/** Flatten the dynamic-array arguments of set_* functions; a non-array argument is an error in Kusto: null here. */
function arrays(args: KValue[]): KDynamic[][] | null {
  const out: KDynamic[][] = [];
  for (const a of args) {
    const x = arr(a);
    if (!x) return null;
    out.push(x);
  }
  return out;
}

const DAY = 86_400_000;

function startOf(part: string, ms: number): number {
  const d = new Date(ms);
  switch (part) {
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    case 'quarter':
      return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'week': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return day - d.getUTCDay() * DAY; // weeks start on Sunday
    }
    case 'day':
      return Math.floor(ms / DAY) * DAY;
    case 'hour':
      return Math.floor(ms / 3_600_000) * 3_600_000;
    case 'minute':
      return Math.floor(ms / 60_000) * 60_000;
    case 'second':
      return Math.floor(ms / 1000) * 1000;
    case 'millisecond':
      return Math.floor(ms);
    default:
      return NaN;
  }
}

/** datetime_diff(part, a, b): boundaries of `part` crossed from b to a. */
function datetimeDiff(part: string, a: number, b: number): number | null {
  const p = part.toLowerCase();
  const da = new Date(a);
  const db = new Date(b);
  switch (p) {
    case 'year':
      return da.getUTCFullYear() - db.getUTCFullYear();
    case 'quarter':
      return (
        (da.getUTCFullYear() - db.getUTCFullYear()) * 4 +
        Math.floor(da.getUTCMonth() / 3) -
        Math.floor(db.getUTCMonth() / 3)
      );
    case 'month':
      return (da.getUTCFullYear() - db.getUTCFullYear()) * 12 + da.getUTCMonth() - db.getUTCMonth();
    case 'week':
      return Math.round((startOf('week', a) - startOf('week', b)) / (7 * DAY));
    case 'day':
    case 'hour':
    case 'minute':
    case 'second':
    case 'millisecond': {
      const unit = { day: DAY, hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1 }[p]!;
      return Math.round((startOf(p, a) - startOf(p, b)) / unit);
    }
    case 'microsecond':
      return Math.floor(a * 1000) - Math.floor(b * 1000);
    default:
      throw new UnsupportedArgument(`datetime_diff('${part}', ...)`);
  }
}

/** Calendar months added; a day past the end of the target month is clamped to its last day (Jan 31 + 1 month = Feb 28). */
function addMonths(d: Date, months: number): number {
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  const last = new Date(Date.UTC(2000, m + 1, 0)).getUTCDate();
  const leapFix = m === 1 ? new Date(Date.UTC(y, 2, 0)).getUTCDate() : last;
  const r = new Date(d.getTime());
  r.setUTCDate(1);
  r.setUTCFullYear(y, m, Math.min(d.getUTCDate(), leapFix));
  return r.getTime();
}

function datetimeAdd(part: string, amount: number, ms: number): number | null {
  const p = part.toLowerCase();
  const d = new Date(ms);
  switch (p) {
    case 'year':
      return addMonths(d, 12 * amount);
    case 'quarter':
      return addMonths(d, 3 * amount);
    case 'month':
      return addMonths(d, amount);
    case 'week':
      return ms + amount * 7 * DAY;
    case 'day':
      return ms + amount * DAY;
    case 'hour':
      return ms + amount * 3_600_000;
    case 'minute':
      return ms + amount * 60_000;
    case 'second':
      return ms + amount * 1000;
    case 'millisecond':
      return ms + amount;
    default:
      throw new UnsupportedArgument(`datetime_add('${part}', ...)`);
  }
}

/** bin(value, size) for numbers, date-times (aligned to 0001-01-01) and timespans. */
export function bin(v: KValue, size: KValue): KValue {
  if (v === null || size === null) return null;
  if (v instanceof KDate) {
    const s = size instanceof KSpan ? size.ms : null;
    if (!s || s <= 0) return null;
    const o = originMs();
    return new KDate(Math.floor((v.ms - o) / s) * s + o);
  }
  if (v instanceof KSpan) {
    const s = size instanceof KSpan ? size.ms : null;
    if (!s || s <= 0) return null;
    return new KSpan(Math.floor(v.ms / s) * s);
  }
  if (typeof v === 'number' && typeof size === 'number' && size > 0) return Math.floor(v / size) * size;
  return null;
}

function ipInAny(fn: (ip: string, r: string) => boolean | null) {
  return (args: KValue[]): KValue => {
    if (args[0] === null) return null;
    const ip = str(args[0]);
    const ranges: KValue[] = args.length === 2 && Array.isArray(args[1]) ? args[1] : args.slice(1);
    let anyNull = false;
    for (const r of ranges) {
      const x = fn(ip, str(r));
      if (x === true) return true;
      if (x === null) anyNull = true;
    }
    return anyNull ? null : false;
  };
}

function substring(s: string, start: number | null, len?: number | null): string {
  if (start === null) return '';
  const chars = [...s];
  let st = start < 0 ? 0 : start;
  let n = len === undefined || len === null ? chars.length - st : len;
  if (start < 0 && len !== undefined && len !== null) n = len + start;
  if (n <= 0 || st >= chars.length) return '';
  st = Math.max(0, st);
  return chars.slice(st, st + n).join('');
}

function trimRe(pattern: string, s: string, where: 'both' | 'start' | 'end'): string {
  let re: RegExp;
  try {
    re = new RegExp(
      where === 'start'
        ? `^(?:${pattern})+`
        : where === 'end'
          ? `(?:${pattern})+$`
          : `^(?:${pattern})+|(?:${pattern})+$`,
      'gu',
    );
  } catch {
    return s;
  }
  return s.replace(re, '');
}

function extract(pattern: string, group: number, s: string): string {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return '';
  }
  const m = re.exec(s);
  return m && m[group] !== undefined ? m[group] : '';
}

const num = (v: KValue): number | null => (typeof v === 'number' ? v : null);

export const SCALAR_FUNCTIONS: Record<string, ScalarFn> = {
  // --- conversion
  tostring: ([v]) => str(v),
  todynamic: ([v]) => (typeof v === 'string' ? parseDynamic(v) : v),
  parse_json: ([v]) => (typeof v === 'string' ? parseDynamic(v) : v),
  tobool: ([v]) => toBool(v),
  toboolean: ([v]) => toBool(v),
  tolong: ([v]) => toLong(v),
  toint: ([v]) => toLong(v),
  toreal: ([v]) => toReal(v),
  todouble: ([v]) => toReal(v),
  todatetime: ([v]) => toDatetime(v),
  totimespan: ([v]) => toTimespan(v),
  toguid: ([v]) => coerce(v, 'guid'),
  // --- strings
  tolower: ([v]) => str(v).toLowerCase(),
  toupper: ([v]) => str(v).toUpperCase(),
  strlen: ([v]) => [...str(v)].length,
  strcat: (args) => args.map(str).join(''),
  strcat_delim: ([d, ...rest]) => rest.map(str).join(str(d)),
  strcat_array: ([a, d]) => {
    const x = arr(a);
    return x ? x.map(str).join(str(d)) : '';
  },
  substring: ([s, st, len]) => substring(str(s), num(st), len === undefined ? undefined : num(len)),
  split: ([s, d, idx]) => {
    const parts = str(s).split(str(d));
    if (idx === undefined) return parts;
    const i = num(idx);
    return i === null || i < 0 || i >= parts.length ? null : [parts[i]];
  },
  trim: ([re, s]) => trimRe(str(re), str(s), 'both'),
  trim_start: ([re, s]) => trimRe(str(re), str(s), 'start'),
  trim_end: ([re, s]) => trimRe(str(re), str(s), 'end'),
  replace_string: ([s, a, b]) => (str(a) === '' ? str(s) : str(s).split(str(a)).join(str(b))),
  indexof: ([s, needle]) => str(s).indexOf(str(needle)),
  extract: ([re, g, s]) => extract(str(re), num(g) ?? 0, str(s)),
  isempty: ([v]) => v === null || v === '',
  isnotempty: ([v]) => !(v === null || v === ''),
  isnull: ([v], f) => (f.argTypes[0] === 'string' ? false : v === null),
  isnotnull: ([v], f) => (f.argTypes[0] === 'string' ? true : v !== null),
  // --- logic
  not: ([v]) => (v === null ? null : !toBool(v)),
  iff: ([c, a, b]) => (c === true ? a : b),
  iif: ([c, a, b]) => (c === true ? a : b),
  case: (args) => {
    for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1];
    return args[args.length - 1];
  },
  coalesce: (args, f) => {
    for (const a of args) if (a !== null && !(f.resultType === 'string' && a === '')) return a;
    return f.resultType === 'string' ? '' : null;
  },
  // --- dynamic
  array_length: ([a]) => (Array.isArray(a) ? a.length : null),
  set_intersect: (args) => {
    const xs = arrays(args);
    if (!xs) return null;
    return distinctValues(xs[0]).filter((v) => xs.slice(1).every((o) => o.some((w) => deepEqual(v, w)))) as KDynamic[];
  },
  set_difference: (args) => {
    const xs = arrays(args);
    if (!xs) return null;
    return distinctValues(xs[0]).filter((v) => !xs.slice(1).some((o) => o.some((w) => deepEqual(v, w)))) as KDynamic[];
  },
  set_union: (args) => {
    const xs = arrays(args);
    return xs ? (distinctValues(xs.flat()) as KDynamic[]) : null;
  },
  set_has_element: ([a, v]) => (Array.isArray(a) ? a.some((w) => deepEqual(w, v)) : null),
  array_concat: (args) => {
    const xs = arrays(args);
    return xs ? xs.flat() : null;
  },
  pack_array: (args) => args as KDynamic[],
  bag_pack: (args) => {
    const o: Record<string, KDynamic> = {};
    for (let i = 0; i + 1 < args.length; i += 2) o[str(args[i])] = args[i + 1];
    return o;
  },
  pack: (args) => SCALAR_FUNCTIONS.bag_pack(args, { now: 0, argTypes: [], resultType: 'dynamic' }),
  bag_keys: ([b]) => (isObject(b) ? Object.keys(b) : null),
  // --- time
  now: ([off], f) => new KDate(f.now + (off instanceof KSpan ? off.ms : 0)),
  ago: ([ts], f) => (ts instanceof KSpan ? new KDate(f.now - ts.ms) : null),
  bin: ([v, size]) => bin(v, size),
  floor: ([v, size]) => bin(v, size),
  datetime_diff: ([p, a, b]) => (a instanceof KDate && b instanceof KDate ? datetimeDiff(str(p), a.ms, b.ms) : null),
  datetime_add: ([p, n, d]) => {
    if (!(d instanceof KDate) || typeof n !== 'number') return null;
    const r = datetimeAdd(str(p), n, d.ms);
    return r === null ? null : new KDate(r);
  },
  startofday: ([d, off]) => (d instanceof KDate ? new KDate(startOf('day', d.ms) + (num(off ?? 0) ?? 0) * DAY) : null),
  endofday: ([d]) => (d instanceof KDate ? new KDate(startOf('day', d.ms) + DAY - 0.0001) : null),
  // --- ip
  ipv4_is_in_range: ([ip, r]) => (ip === null || r === null ? null : ipv4InRange(str(ip), str(r))),
  ipv4_is_in_any_range: ipInAny(ipv4InRange),
  ipv6_is_in_range: ([ip, r]) => (ip === null || r === null ? null : ipv6InRange(str(ip), str(r))),
  ipv6_is_in_any_range: ipInAny(ipv6InRange),
  ipv4_is_private: ([ip]) => {
    const a = parseIpv4(str(ip));
    if (a === undefined) return null;
    return ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].some((r) => ipv4InRange(str(ip), r) === true);
  },
};

/** The predicate helpers the walker's binary operators use (exported for the conformance tests). */
export const STRING_PREDICATES = { hasTerm, contains, startsWith, endsWith };
