/**
 * Test-row values → KQL literals for a `datatable`, by the column's Kusto type. Every value goes through a helper
 * in kql/literals.ts; a value that does not fit its column is a problem (named by column and expected form), never
 * coerced silently: a test row that Kusto would read differently from what its author wrote is a broken test.
 */
import { GUID_RE } from '../core/definitions';
import {
  kqlBool,
  kqlDatetime,
  kqlDynamicValue,
  kqlGuid,
  kqlInt,
  kqlReal,
  kqlString,
  kqlTimespan,
  KqlLiteralError,
} from '../kql/literals';
import { Column } from '../kql/schemas';

export type Cell = { ok: true; text: string } | { ok: false; problem: string };

const NULLABLE = new Set(['bool', 'datetime', 'dynamic', 'guid', 'int', 'long', 'real', 'timespan', 'decimal']);

/**
 * The literal for an absent value. Kusto has no null string (`string(null)` does not parse; absent strings read as
 * ""), every other scalar type has a typed null.
 */
export function typedNull(type: string): string | undefined {
  if (type === 'string') return '""';
  return NULLABLE.has(type) ? `${type}(null)` : undefined;
}

const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Epoch milliseconds of a datetime cell: an ISO-8601 string (a time without a zone is UTC, as in Kusto) or a Date.
 * Undefined when the value is not a date-time.
 */
export function parseDatetime(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== 'string') return undefined;
  const m = DATETIME_RE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${zone ? (zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone) : 'Z'}`;
  const t = Date.parse(iso);
  // Date.parse rolls 2026-02-30 over to March; refuse dates that do not exist
  if (Number.isNaN(t) || (!zone && new Date(t).toISOString().slice(0, 10) !== `${y}-${mo}-${d}`)) return undefined;
  return t;
}

const shown = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : v instanceof Date
        ? 'a date'
        : typeof v === 'object'
          ? 'a mapping'
          : `${typeof v} ${JSON.stringify(v)}`;

function guarded(fn: () => string): Cell {
  try {
    return { ok: true, text: fn() };
  } catch (e) {
    if (e instanceof KqlLiteralError) return { ok: false, problem: e.message };
    throw e;
  }
}

/**
 * One cell. `value` undefined or null gives the typed null. Datetime cells are rendered as given: the caller shifts
 * them first (shadow.ts) and passes a Date.
 */
export function renderCell(col: Column, value: unknown): Cell {
  if (value === undefined || value === null) {
    const n = typedNull(col.type);
    return n ? { ok: true, text: n } : { ok: false, problem: `column type ${col.type} is not supported in test rows` };
  }
  switch (col.type) {
    case 'string':
      if (typeof value === 'string') return guarded(() => kqlString(value));
      // string columns that hold JSON text (AuthenticationDetails, AADNonInteractiveUserSignInLogs.LocationDetails ...)
      if (typeof value === 'object' && !(value instanceof Date)) return guarded(() => kqlString(JSON.stringify(value)));
      return { ok: false, problem: `expected a string, got ${shown(value)} (quote it in YAML: "${String(value)}")` };
    case 'datetime': {
      const t = parseDatetime(value);
      if (t === undefined)
        return { ok: false, problem: `expected an ISO-8601 date-time like 2026-11-20T08:15:00Z, got ${shown(value)}` };
      return guarded(() => kqlDatetime(new Date(t)));
    }
    case 'dynamic':
      if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
        try {
          JSON.parse(value);
          return {
            ok: false,
            problem:
              'dynamic column given JSON text in a string: write it as a YAML mapping or list, so it is stored as an object, not a string',
          };
        } catch {
          /* not JSON: a plain dynamic string */
        }
      }
      return guarded(() => kqlDynamicValue(value));
    case 'bool':
      return typeof value === 'boolean'
        ? guarded(() => kqlBool(value))
        : { ok: false, problem: `expected true or false, got ${shown(value)}` };
    case 'long':
    case 'int':
      return typeof value === 'number' &&
        Number.isSafeInteger(value) &&
        (col.type === 'long' || Math.abs(value) <= 2 ** 31 - 1)
        ? guarded(() => (col.type === 'int' ? `int(${kqlInt(value)})` : kqlInt(value))) // a bare integer is a long literal
        : { ok: false, problem: `expected an integer (${col.type}), got ${shown(value)}` };
    case 'real':
      return typeof value === 'number'
        ? guarded(() => kqlReal(value))
        : { ok: false, problem: `expected a number, got ${shown(value)}` };
    case 'guid':
      return typeof value === 'string' && GUID_RE.test(value)
        ? guarded(() => kqlGuid(value))
        : { ok: false, problem: `expected a GUID, got ${shown(value)}` };
    case 'timespan':
      return guarded(() => kqlTimespan(value));
    default:
      return { ok: false, problem: `column type ${col.type} is not supported in test rows` };
  }
}
