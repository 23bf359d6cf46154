/**
 * KQL literal helpers: the ONLY way a value enters a query. Each returns KQL source text
 * that the Kusto parser reads back as exactly the input value (property-tested), so no
 * input can end the literal early and add an operator.
 */
import { formatIsoDuration, formatShortDuration, parseIsoDuration, parseYamlDuration, UNIT_MS } from '../core/duration';
import { GUID_RE } from '../core/definitions';

export class KqlLiteralError extends Error {}

/** Escape into a double-quoted KQL string. Everything outside printable ASCII is \u-escaped. */
export function kqlString(value: unknown): string {
  if (typeof value !== 'string') {
    if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
    else throw new KqlLiteralError(`kqlString: expected a string, got ${value === null ? 'null' : typeof value}`);
  }
  let out = '"';
  for (const ch of value as string) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else {
      // astral characters as a UTF-16 surrogate pair, each half \u-escaped
      const s = ch;
      out +=
        '\\u' + s.charCodeAt(0).toString(16).padStart(4, '0') + '\\u' + s.charCodeAt(1).toString(16).padStart(4, '0');
    }
  }
  return out + '"';
}

/** `dynamic(["a", "b"])` from a list of strings. */
export function kqlDynamicStrings(values: unknown): string {
  if (!Array.isArray(values)) throw new KqlLiteralError(`kqlDynamic: expected a list, got ${typeof values}`);
  return `dynamic([${values.map((v) => kqlString(v)).join(', ')}])`;
}

/** A GUID as a lower-case string literal (Entra object ids are compared as strings in the log tables). */
export function kqlGuidString(value: unknown): string {
  if (typeof value !== 'string' || !GUID_RE.test(value))
    throw new KqlLiteralError(`kqlGuid: expected a GUID, got ${JSON.stringify(value)}`);
  return `"${value.toLowerCase()}"`;
}

/** A `guid(...)` literal. */
export function kqlGuid(value: unknown): string {
  if (typeof value !== 'string' || !GUID_RE.test(value))
    throw new KqlLiteralError(`kqlGuid: expected a GUID, got ${JSON.stringify(value)}`);
  return `guid(${value.toLowerCase()})`;
}

const durationError = (value: unknown) =>
  new KqlLiteralError(`timespan: expected a duration like 5m, 1h, 14d or PT1H, got ${JSON.stringify(value)}`);

/** Milliseconds of a duration written `5m`/`1h`/`14d` or ISO-8601 `PT5M`/`P1D` (a bare number is days); throws otherwise. */
function durationMsOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value * UNIT_MS.d;
  if (typeof value !== 'string') throw durationError(value);
  const ms = parseYamlDuration(value, 6) ?? parseIsoDuration(value);
  if (ms === undefined || ms <= 0) throw durationError(value);
  return ms;
}

/** Minutes in a duration written `5m`/`1h`/`14d` or ISO-8601 `PT5M`/`P1D`; throws otherwise. */
export function durationMinutes(value: unknown): number {
  return durationMsOf(value) / UNIT_MS.m;
}

/** A KQL timespan literal (`5m`, `2h`, `180d`). */
export function kqlTimespan(value: unknown): string {
  return formatShortDuration(durationMsOf(value), ['d', 'h', 'm', 's']);
}

/** A `datetime(...)` literal from an ISO-8601 date/time. */
export function kqlDatetime(value: unknown): string {
  // Kusto reads a date-time without a zone as UTC; so must we (JS would read it as local time).
  const iso =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
      ? /[T ][\d:.]+$/.test(value)
        ? `${value}Z`
        : value
      : undefined;
  const d = value instanceof Date ? value : iso ? new Date(iso) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw new KqlLiteralError(`kqlDatetime: expected an ISO-8601 date, got ${JSON.stringify(value)}`);
  return `datetime(${d.toISOString()})`;
}

/** An integer literal (safe integers only). */
export function kqlInt(value: unknown): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new KqlLiteralError(`kqlInt: expected an integer, got ${JSON.stringify(value)}`);
  return String(value);
}

/**
 * A `real(...)` literal from a finite number. JavaScript's shortest round-trip spelling (`1.5`, `1e-7`, `1e+21`)
 * is also a Kusto real literal; NaN and infinities are refused (no test row needs them).
 */
export function kqlReal(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new KqlLiteralError(`kqlReal: expected a finite number, got ${JSON.stringify(value)}`);
  return `real(${jsonNumber(value)})`;
}

/** `true` / `false` from a boolean (no truthiness: "false" the string is refused). */
export function kqlBool(value: unknown): string {
  if (typeof value !== 'boolean')
    throw new KqlLiteralError(`kqlBool: expected true or false, got ${JSON.stringify(value)}`);
  return value ? 'true' : 'false';
}

/**
 * A number as Kusto reads it: safe integers as long literals; larger integers in exponent form (JavaScript would
 * print 1e19 as "10000000000000000000", which overflows a long); the rest in JavaScript's shortest round-trip form.
 */
function jsonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new KqlLiteralError(`expected a finite number, got ${n}`);
  if (Object.is(n, -0)) return '0';
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return n.toExponential(); // "1e+19", "1.2345678901234568e+20"
  return String(n); // "12", "-1.5", "1e-7", "1e+21"
}

function dynamicBody(value: unknown, depth: number): string {
  if (depth > 64) throw new KqlLiteralError('kqlDynamicValue: nested deeper than 64 levels');
  if (value === null) return 'null';
  if (typeof value === 'string') return kqlString(value);
  if (typeof value === 'number') return jsonNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map((v) => dynamicBody(v, depth + 1)).join(', ')}]`;
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined) // as JSON.stringify does
      .map(([k, v]) => `${kqlString(k)}: ${dynamicBody(v, depth + 1)}`)
      .join(', ')}}`;
  }
  throw new KqlLiteralError(
    `kqlDynamicValue: expected a JSON value (null, string, number, boolean, list, mapping), got ${value instanceof Date ? 'a date' : typeof value}`,
  );
}

/**
 * `dynamic(<json>)` from any JSON value, e.g. `{"city": "Oslo"}` → `dynamic({"city": "Oslo"})`. Every string (keys
 * too) is written with kqlString, so Kusto's dynamic-literal parser reads back exactly the input (property-tested
 * against the Kusto parser's JSON nodes).
 */
export function kqlDynamicValue(value: unknown): string {
  return `dynamic(${dynamicBody(value, 0)})`;
}

/** Durations: YAML spelling to ISO-8601 for ARM (`5m` → `PT5M`, `1d` → `P1D`). */
export function toIsoDuration(value: string): string {
  return formatIsoDuration(durationMsOf(value));
}

/** The helpers available to query templates, by name. */
export const KQL_HELPERS = {
  kqlString,
  kqlDynamic: kqlDynamicStrings,
  kqlGuid,
  kqlGuidString,
  kqlTimespan,
  kqlDatetime,
  kqlInt,
} as const;
export type KqlHelperName = keyof typeof KQL_HELPERS;
