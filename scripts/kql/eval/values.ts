/**
 * Kusto values in memory. A value is untyped at run time except where JavaScript cannot tell types apart:
 * date-times and timespans are classes; long, int and real are numbers (the analyzer's static type decides integer
 * arithmetic); string, bool, guid (lower-case string) are primitives; dynamic is a JSON-like JS value. `null` is the
 * null of every type but string, which Kusto never makes null (an absent string is "").
 *
 * Precision: a datetime is held as epoch milliseconds in a double (about 0.25 µs resolution near 2026; Kusto has
 * 100 ns ticks). Integers beyond 2^53 are not exact. Both are far from anything the pack's rows hold.
 */

/** A point in time, epoch milliseconds (UTC). */
export class KDate {
  constructor(readonly ms: number) {}
  toString(): string {
    return formatDatetime(this.ms);
  }
  toJSON(): string {
    return formatDatetime(this.ms);
  }
}

/** A duration in milliseconds. */
export class KSpan {
  constructor(readonly ms: number) {}
  toString(): string {
    return formatTimespan(this.ms);
  }
  toJSON(): string {
    return formatTimespan(this.ms);
  }
}

export type KDynamic = null | string | number | boolean | KDate | KSpan | KDynamic[] | { [k: string]: KDynamic };
export type KValue = KDynamic;

export interface Column {
  name: string;
  /** Kusto scalar type name: string, long, int, real, bool, datetime, timespan, guid, dynamic, decimal */
  type: string;
}

/** A row: column name → value. The hidden ingestion time travels with rows that come from a table. */
export type Row = Record<string, KValue> & { [INGESTION]?: number };
export const INGESTION = Symbol('ingestion_time');

export interface Table {
  columns: Column[];
  rows: Row[];
}

export const emptyTable = (columns: Column[]): Table => ({ columns, rows: [] });

/** Epoch milliseconds of 0001-01-01T00:00:00Z, Kusto's datetime origin (bin() aligns to it). */
const ORIGIN_MS = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();
export const originMs = (): number => ORIGIN_MS;

export function formatDatetime(ms: number): string {
  const d = new Date(Math.floor(ms));
  const base = d.toISOString().slice(0, 19);
  // a double holds epoch milliseconds to ~0.25 µs: print whole microseconds (Kusto's 100 ns ticks are finer)
  const fracTicks = Math.round((ms - Math.floor(ms / 1000) * 1000) * 1000) * 10;
  if (fracTicks === 0) return `${base}Z`;
  if (fracTicks >= 10_000_000) return formatDatetime(Math.floor(ms / 1000) * 1000 + 1000);
  return `${base}.${String(fracTicks).padStart(7, '0')}Z`;
}

export function formatTimespan(ms: number): string {
  const neg = ms < 0;
  let ticks = Math.round(Math.abs(ms) * 10_000);
  const days = Math.floor(ticks / 864_000_000_000);
  ticks -= days * 864_000_000_000;
  const h = Math.floor(ticks / 36_000_000_000);
  ticks -= h * 36_000_000_000;
  const m = Math.floor(ticks / 600_000_000);
  ticks -= m * 600_000_000;
  const s = Math.floor(ticks / 10_000_000);
  ticks -= s * 10_000_000;
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${neg ? '-' : ''}${days ? `${days}.` : ''}${p2(h)}:${p2(m)}:${p2(s)}${ticks ? `.${String(ticks).padStart(7, '0')}` : ''}`;
}

const DT_RE =
  /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;

/** A datetime literal's text (ISO 8601 forms Kusto accepts); undefined when not one. */
export function parseDatetimeText(text: string): number | undefined {
  const m = DT_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number(y) < 100) {
    const x = new Date(ms);
    x.setUTCFullYear(Number(y));
    ms = x.getTime();
  }
  const check = new Date(ms);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  ms += frac ? Number(`0.${frac}`) * 1000 : 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const z = zone.slice(1).replace(':', '');
    ms -= sign * (Number(z.slice(0, 2)) * 60 + Number(z.slice(2))) * 60_000;
  }
  return ms;
}

const UNIT_MS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
};

/** A timespan literal (`1h`, `2.5d`, `time(1.02:03:04)`, `10ms`); undefined when not one. */
export function parseTimespanText(text: string): number | undefined {
  const t = text.trim();
  const unit = /^(-?\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(t);
  if (unit) {
    const f = UNIT_MS[unit[2].toLowerCase()];
    return f === undefined ? undefined : Number(unit[1]) * f;
  }
  const clock = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/.exec(t);
  if (clock) {
    const [, neg, d = '0', h, m, s = '0', frac = ''] = clock;
    const ms =
      ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000 +
      Number(s) * 1000 +
      (frac ? Number(`0.${frac}`) * 1000 : 0);
    return neg ? -ms : ms;
  }
  if (/^-?\d+$/.test(t)) return Number(t) * 86_400_000; // time(2) is 2 days
  return undefined;
}

export const isObject = (v: KValue): v is { [k: string]: KDynamic } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof KDate) && !(v instanceof KSpan);

/** JSON text of a dynamic value as Kusto writes it (compact; date-times and timespans as strings). */
export function dynamicJson(v: KValue): string {
  return JSON.stringify(v, (_k, x) =>
    typeof x === 'number' && !Number.isFinite(x) ? (Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity') : x,
  );
}

function formatReal(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(n);
}

/** tostring(): null → "", dynamic arrays/bags → JSON, date-times ISO 8601. */
export function toKString(v: KValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatReal(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof KDate || v instanceof KSpan) return v.toString();
  return dynamicJson(v);
}

/** Parse JSON text into a dynamic value (todynamic/parse_json): not JSON → the text itself as a dynamic string. */
export function parseDynamic(text: string): KValue {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as KValue;
  } catch {
    return text;
  }
}

/** Structural equality of dynamic values (and scalars). */
export function deepEqual(a: KValue, b: KValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (a instanceof KDate && b instanceof KDate) return a.ms === b.ms;
  if (a instanceof KSpan && b instanceof KSpan) return a.ms === b.ms;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

/** A key that groups equal values together (summarize by, distinct, join keys, make_set). */
export function valueKey(v: KValue): string {
  if (v === null || v === undefined) return 'n';
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'number') return `r${v}`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (v instanceof KDate) return `d${v.ms}`;
  if (v instanceof KSpan) return `t${v.ms}`;
  return `j${dynamicJson(v)}`;
}

/** Order of two non-null values of one type; strings ordinal. */
export function compareValues(a: KValue, b: KValue): number {
  if (a instanceof KDate && b instanceof KDate) return a.ms - b.ms;
  if (a instanceof KSpan && b instanceof KSpan) return a.ms - b.ms;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = toKString(a);
  const sb = toKString(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Kusto's comparison of mixed dynamic/scalar values for == (string vs dynamic string, long vs real). */
export function kEquals(a: KValue, b: KValue): boolean | null {
  // null == null is null; null == a value is false (and != true): learn.microsoft.com/kusto/query/scalar-data-types/null-values
  if (a === null || b === null) return a === null && b === null ? null : false;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a instanceof KDate || a instanceof KSpan || b instanceof KDate || b instanceof KSpan)
    return compareValues(a, b) === 0 && sameTimeKind(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (typeof a === 'object' || typeof b === 'object') return deepEqual(a, b);
  if (typeof a === 'string' || typeof b === 'string') return toKString(a) === toKString(b);
  return a === b;
}

const sameTimeKind = (a: KValue, b: KValue) =>
  (a instanceof KDate && b instanceof KDate) || (a instanceof KSpan && b instanceof KSpan);

/** Kusto's null for a type (strings: ""). */
export const nullOf = (type: string): KValue => (type === 'string' ? '' : null);

/** A value converted to a column of `type` (from a dynamic or another scalar), as `to<type>()` would. */
export function coerce(v: KValue, type: string): KValue {
  if (v === undefined) return nullOf(type);
  switch (type) {
    case 'string':
      return toKString(v);
    case 'dynamic':
      return v;
    case 'bool':
      return toBool(v);
    case 'long':
    case 'int':
      return toLong(v);
    case 'real':
    case 'decimal':
      return toReal(v);
    case 'datetime':
      return toDatetime(v);
    case 'timespan':
      return toTimespan(v);
    case 'guid':
      return typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)
        ? v.toLowerCase()
        : null;
    default:
      return v;
  }
}

export function toBool(v: KValue): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    return s === 'true' || s === '1' ? true : s === 'false' || s === '0' ? false : null;
  }
  return null;
}

export function toLong(v: KValue): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?\d+$/.test(s)) return Number(s);
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Math.trunc(Number(s));
    return null;
  }
  if (v instanceof KDate) return Math.round((v.ms - ORIGIN_MS) * 10_000);
  if (v instanceof KSpan) return Math.round(v.ms * 10_000);
  return null;
}

export function toReal(v: KValue): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
    if (/^(nan|[+-]?inf(inity)?)$/i.test(s))
      return s.toLowerCase() === 'nan' ? NaN : s.startsWith('-') ? -Infinity : Infinity;
    return null;
  }
  return null;
}

export function toDatetime(v: KValue): KDate | null {
  if (v instanceof KDate) return v;
  if (typeof v === 'string') {
    const ms = parseDatetimeText(v);
    return ms === undefined ? null : new KDate(ms);
  }
  return null;
}

export function toTimespan(v: KValue): KSpan | null {
  if (v instanceof KSpan) return v;
  if (typeof v === 'number') return new KSpan(v / 10_000); // ticks
  if (typeof v === 'string') {
    const ms = parseTimespanText(v);
    return ms === undefined ? null : new KSpan(ms);
  }
  return null;
}
