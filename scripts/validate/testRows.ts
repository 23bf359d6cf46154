/**
 * Static check of each pack rule's `tests:`: the synthetic rows must fit the tables the query
 * reads, so that a live run can shadow those tables with `datatable` rows. Checked here: at least one `fire`
 * and one `no-fire` case; every table named is read by the query and has a schema; every column exists in
 * that table with a value of a compatible type. Diagnostics point at the offending key in the rule's YAML.
 */
import { RuleItem } from '../content/items';
import { RuleTest } from '../content/ruleSchema';
import { GUID_RE } from '../core/definitions';
import { Column, TableSchemas } from '../kql/schemas';
import { formatPath } from '../core/diagnostic';
import { defineChecks, Finding, QueryContext } from './checks/types';

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TIMESPAN = /^(-?\d+(\.\d+)?(d|h|m|s|ms)|-?(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d+)?)$/;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  return `the ${typeof v} ${String(v)}`;
}

function isJsonContainer(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}

/**
 * Why `value` cannot be a value of a column of Kusto type `type`, or undefined when it can. Values stay plain
 * YAML (what a datatable literal can hold): strings, numbers, booleans, and objects/lists (or JSON text) for dynamic.
 */
export function valueProblem(type: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return `expected a ${type} value, got null (leave the column out instead)`;
  switch (type) {
    case 'string':
      if (typeof value === 'string') return undefined;
      if (typeof value === 'object')
        return `expected a string, got ${describe(value)}: this column holds JSON as text, so quote it ('{"key":"value"}')`;
      return `expected a string, got ${describe(value)} (quote it)`;
    case 'guid':
      return typeof value === 'string' && GUID_RE.test(value)
        ? undefined
        : `expected a GUID string, got ${describe(value)}`;
    case 'datetime':
      return typeof value === 'string' && ISO_DATETIME.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : `expected an ISO-8601 date/time such as 2026-11-20T08:15:00Z, got ${describe(value)}`;
    case 'timespan':
      return typeof value === 'string' && TIMESPAN.test(value)
        ? undefined
        : `expected a timespan such as 5m or 01:00:00, got ${describe(value)}`;
    case 'long':
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? undefined
        : `expected an integer, got ${describe(value)}`;
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31
        ? undefined
        : `expected a 32-bit integer, got ${describe(value)}`;
    case 'real':
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `expected a number, got ${describe(value)}`;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${describe(value)}`;
    case 'dynamic':
      if (typeof value === 'object') return undefined;
      if (typeof value === 'string' && isJsonContainer(value)) return undefined;
      return `expected an object or list (or its JSON text), got ${describe(value)}`;
    default:
      return undefined; // a type this check does not know: the live run will tell
  }
}

function closest(name: string, columns: Column[]): string | undefined {
  const lower = name.toLowerCase();
  return (
    columns.find((c) => c.name.toLowerCase() === lower)?.name ??
    columns.find((c) => c.name.toLowerCase().replace(/_/g, '') === lower.replace(/_/g, ''))?.name
  );
}

export interface TestRowsContext extends QueryContext {
  /** table schemas the analyzer knows */
  schemas: TableSchemas;
}

/** Findings for one rule's tests; paths are inside the rule template (`tests[i].tables.T[j].Column`). */
export function testRowFindings(
  tests: readonly RuleTest[],
  readTables: readonly string[],
  schemas: TableSchemas,
): Finding[] {
  const f: Finding[] = [];
  if (!tests.length)
    return [
      {
        path: ['tests'],
        message:
          'tests: the rule has no test cases; add at least one with expect: fire and one with expect: no-fire (rows for the tables the query reads)',
      },
    ];
  for (const want of ['fire', 'no-fire'] as const) {
    if (!tests.some((t) => t.expect === want))
      f.push({
        path: ['tests'],
        message: `tests: no case with expect: ${want}; every rule needs at least one firing and one non-firing case`,
      });
  }
  const read = new Set(readTables);
  tests.forEach((t, i) => {
    for (const [table, rows] of Object.entries(t.tables)) {
      const tpath = ['tests', i, 'tables', table];
      if (!read.has(table)) {
        f.push({
          path: tpath,
          message: `${formatPath(tpath)}: the query does not read ${table} (it reads ${[...read].join(', ') || 'no table'})`,
        });
        continue;
      }
      const cols = schemas[table];
      if (!cols) {
        f.push({
          path: tpath,
          message: `${formatPath(tpath)}: no schema for table ${table}, so its columns cannot be checked (pass --schemas)`,
        });
        continue;
      }
      const byName = new Map(cols.map((c) => [c.name, c]));
      rows.forEach((row, j) => {
        if (!Object.keys(row).length)
          f.push({
            path: [...tpath, j],
            message: `${formatPath([...tpath, j])}: empty row; give the columns the query reads`,
          });
        for (const [column, value] of Object.entries(row)) {
          const cpath = [...tpath, j, column];
          // the row's ingestion time (ingestion_time()), not a column: see livetest/shadow.ts
          if (column === '$IngestionTime') {
            if (valueProblem('datetime', value))
              f.push({
                path: cpath,
                message: `${formatPath(cpath)}: the row's ingestion time; ${valueProblem('datetime', value)}`,
              });
            continue;
          }
          const col = byName.get(column);
          if (!col) {
            const hint = closest(column, cols);
            f.push({
              path: cpath,
              message: `${formatPath(cpath)}: ${table} has no column "${column}"${hint ? ` (did you mean ${hint}?)` : ''}`,
            });
            continue;
          }
          const problem = valueProblem(col.type, value);
          if (problem)
            f.push({ path: cpath, message: `${formatPath(cpath)}: ${table}.${column} is ${col.type}; ${problem}` });
        }
      });
    }
  });
  return f;
}

export const testRowChecks = defineChecks<RuleItem, TestRowsContext>()({
  'rule-test-rows': {
    fn: (item, ctx) => (item.fromPack ? testRowFindings(item.tests, ctx.analysis?.tables ?? [], ctx.schemas) : []),
  },
});
