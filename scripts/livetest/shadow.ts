/**
 * `shadowQuery`: one rule test case as ONE self-contained KQL query. Each table the rule reads is re-declared by a
 * `let` of the same name bound to a `datatable` with the table's full schema, so the rule's own query, appended
 * unchanged, reads the test rows instead of the workspace; nothing is ingested. Then `| count`.
 *
 *   // btg-test: "<templateId>/<case name>"
 *   let SigninLogs = datatable(["AADTenantId"]:string, ...)[ "", dynamic(null), ... ];
 *   let AADNonInteractiveUserSignInLogs = datatable(...)[];      // read by the rule, not named by the test
 *   let _GetWatchlist = (watchlistAlias:string) { datatable(...)[...] };   // watchlist mode: the configured accounts
 *   <the rendered rule query, whose own lets (BtgAccountIds ...) follow ours>
 *   | count
 *
 * Time: the rows' date-times are fixed in the past, and a rule filtering on `ago(...)` would drop them. Every
 * datetime cell of the case is shifted by the same amount so that the newest becomes `now − 1 minute` (relative
 * spacing kept); a row without TimeGenerated gets that newest time. Date-times inside strings or dynamic values
 * are not shifted.
 *
 * Pure: tables the rule reads are an input (shadow.ts does not analyse); see plan.ts for the analysis.
 */
import { RuleTest } from '../content/ruleSchema';
import { kqlString } from '../kql/literals';
import { Column, TableSchemas } from '../kql/schemas';
import { AccountMap, AccountRef, rewriteAccounts } from './accounts';
import { parseDatetime, renderCell } from './values';

/** How far before "now" the newest test row is placed. */
export const NEWEST_ROW_OFFSET_MS = 60_000;
export const WATCHLIST_FUNCTION_NAME = '_GetWatchlist';
/**
 * A row key that is not a column: the row's ingestion time (what `ingestion_time()` returns for it). Used by the
 * offline evaluator only (shifted with the row's other date-times; default: the row's TimeGenerated). A datatable
 * cannot carry it: in a live run `ingestion_time()` falls back to TimeGenerated (see liveIngestionTime), and a case
 * whose rows give this key is skipped live.
 */
export const INGESTION_TIME_KEY = '$IngestionTime';

export interface ShadowRule {
  templateId: string;
  /** the rendered rule query */
  query: string;
  /** tables the query reads, by name (from the analyzer) */
  readTables: readonly string[];
  /** whether the query calls `_GetWatchlist` (watchlist mode): shadowed by the configured accounts */
  readsWatchlist?: boolean;
}

export interface ShadowOptions {
  /** run time: the newest row is placed at now − 1 minute */
  now: Date;
  /** rewrite example accounts in the rows to the configured ones (default: rows as written) */
  accounts?: AccountMap;
  /** the accounts `_GetWatchlist` returns when the rule reads the watchlist */
  watchlistAccounts?: readonly AccountRef[];
}

export interface ShadowTable {
  name: string;
  rows: number;
  /** 'rows': the test's rows; 'empty': read by the rule, not named by the test */
  source: 'rows' | 'empty';
}

export interface ShadowQuery {
  /** `<templateId>/<case name>`, also embedded in the query's first line */
  marker: string;
  /** the KQL text; empty when there are problems */
  text: string;
  /** why the case cannot be shadowed, each naming table, row and column where it applies */
  problems: string[];
  /** set when the case mentions example accounts that the config has no counterpart for */
  skipReason?: string;
  /** set when the case can run offline but not in a workspace (rows give an ingestion time) */
  liveSkipReason?: string;
  tables: ShadowTable[];
  /** datetime shift applied to every datetime cell; undefined when the rows hold no date-time */
  shift?: { ms: number; newest: string };
  /** offset of the rule's query inside `text` (to map analyzer offsets back to the rule template) */
  ruleOffset: number;
  /**
   * The same rows as data (accounts rewritten, date-times shifted, as Date objects), per shadowed table, for the
   * offline evaluator; `ingestion` holds each row's shifted ingestion time (epoch ms).
   */
  data: Record<string, { rows: Record<string, unknown>[]; ingestion: number[] }>;
}

export const markerComment = (marker: string): string => `// btg-test: ${kqlString(marker)}`;
/** The marker of a shadow query (what the first-line comment names), or undefined. */
export function markerOf(query: string): string | undefined {
  const m = /^\/\/ btg-test: ("(?:[^"\\]|\\.)*")$/m.exec(query);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]) as string;
  } catch {
    return undefined;
  }
}

const columnDecl = (cols: readonly Column[]) => cols.map((c) => `[${kqlString(c.name)}]:${c.type}`).join(', ');

/** The columns of the `_GetWatchlist` shadow: what the account-set partial reads, plus the watchlist key. */
export const WATCHLIST_SHADOW_COLUMNS: Column[] = [
  { name: 'SearchKey', type: 'string' },
  { name: 'AccountObjectId', type: 'string' },
  { name: 'AccountUPN', type: 'string' },
];

function datatable(cols: readonly Column[], rows: string[][]): string {
  if (rows.length === 0) return `datatable(${columnDecl(cols)})[]`;
  return `datatable(${columnDecl(cols)})[\n${rows.map((r) => `    ${r.join(', ')}`).join(',\n')}\n]`;
}

export function shadowQuery(rule: ShadowRule, test: RuleTest, schemas: TableSchemas, opts: ShadowOptions): ShadowQuery {
  const marker = `${rule.templateId}/${test.name}`;
  const problems: string[] = [];
  const read = new Set(rule.readTables);
  const named = Object.keys(test.tables);

  for (const t of named) {
    if (!schemas[t])
      problems.push(
        `table ${t}: no schema for this table (bundled: ${Object.keys(schemas).sort().join(', ')}; add others with --schemas)`,
      );
    else if (!read.has(t))
      problems.push(
        `table ${t}: the rule does not read this table (it reads ${[...read].sort().join(', ') || 'no table'})`,
      );
  }
  for (const t of read)
    if (!schemas[t])
      problems.push(`the rule reads ${t}, which has no schema, so it cannot be shadowed (add one with --schemas)`);

  // 1. rows: rewrite accounts, check columns
  const unmapped = new Set<string>();
  const tableRows = new Map<string, Record<string, unknown>[]>();
  for (const t of named) {
    const cols = schemas[t];
    if (!cols) continue;
    const known = new Set(cols.map((c) => c.name));
    tableRows.set(
      t,
      test.tables[t].map((row, i) => {
        for (const k of Object.keys(row))
          if (!known.has(k) && k !== INGESTION_TIME_KEY) problems.push(`${t}[${i}].${k}: no such column in ${t}`);
        if (!opts.accounts) return row;
        const r = rewriteAccounts(row, opts.accounts);
        r.unmapped.forEach((u) => unmapped.add(u));
        return r.value as Record<string, unknown>;
      }),
    );
  }

  // 2. time shift: newest datetime cell → now − 1 min
  const anchor = opts.now.getTime() - NEWEST_ROW_OFFSET_MS;
  let newest: number | undefined;
  for (const [t, rows] of tableRows) {
    // a row's ingestion time counts too: it is never later than now
    for (const name of [...schemas[t].filter((c) => c.type === 'datetime').map((c) => c.name), INGESTION_TIME_KEY]) {
      for (const row of rows) {
        const ms = row[name] === undefined || row[name] === null ? undefined : parseDatetime(row[name]);
        if (ms !== undefined && (newest === undefined || ms > newest)) newest = ms;
      }
    }
  }
  const shiftMs = newest === undefined ? 0 : anchor - newest;

  // 3. render
  const lets: string[] = [];
  const tables: ShadowTable[] = [];
  const data: ShadowQuery['data'] = {};
  for (const t of [...new Set([...named, ...read])]) {
    const cols = schemas[t];
    if (!cols) continue;
    const rows = tableRows.get(t) ?? [];
    const dataRows: Record<string, unknown>[] = [];
    const ingestion: number[] = [];
    const rendered = rows.map((row, i) => {
      const shifted: Record<string, unknown> = {};
      const cells = cols.map((c) => {
        let v = row[c.name];
        if (c.type === 'datetime') {
          if ((v === undefined || v === null) && c.name === 'TimeGenerated') v = new Date(anchor);
          else if (v !== undefined && v !== null) {
            const ms = parseDatetime(v);
            if (ms !== undefined) v = new Date(ms + shiftMs);
          }
        }
        if (v !== undefined && v !== null) shifted[c.name] = v;
        const cell = renderCell(c, v);
        if (!cell.ok) problems.push(`${t}[${i}].${c.name}: ${cell.problem}`);
        return cell.ok ? cell.text : '';
      });
      const given = row[INGESTION_TIME_KEY];
      const ims = given === undefined || given === null ? undefined : parseDatetime(given);
      if (given !== undefined && given !== null && ims === undefined)
        problems.push(`${t}[${i}].${INGESTION_TIME_KEY}: expected an ISO-8601 date-time like 2026-11-20T08:15:00Z`);
      const tg = shifted.TimeGenerated instanceof Date ? shifted.TimeGenerated.getTime() : anchor;
      ingestion.push(ims !== undefined ? ims + shiftMs : tg);
      dataRows.push(shifted);
      return cells;
    });
    data[t] = { rows: dataRows, ingestion };
    lets.push(`let ${t} = ${datatable(cols, rendered)};`);
    tables.push({ name: t, rows: rows.length, source: named.includes(t) ? 'rows' : 'empty' });
  }
  if (rule.readsWatchlist) {
    const accounts = opts.watchlistAccounts ?? [];
    const rows = accounts.map((a) => [
      kqlString(a.objectId.toLowerCase()),
      kqlString(a.objectId.toLowerCase()),
      kqlString(a.userPrincipalName),
    ]);
    lets.push(
      `let ${WATCHLIST_FUNCTION_NAME} = (watchlistAlias:string) { ${datatable(WATCHLIST_SHADOW_COLUMNS, rows).replace(/\n\s*/g, ' ')} };`,
    );
  }

  const shift = newest === undefined ? undefined : { ms: shiftMs, newest: new Date(anchor).toISOString() };
  const skipReason = unmapped.size
    ? `the rows mention example account(s) ${[...unmapped].join(', ')} and the config has only ${opts.accounts?.pairs.length ?? 0} account(s)`
    : undefined;
  if (problems.length || skipReason)
    return { marker, text: '', problems, skipReason, tables, shift, ruleOffset: 0, data };
  const prefix = [markerComment(marker), ...lets, ''].join('\n');
  const text = `${prefix}${liveIngestionTime(rule.query.replace(/\s+$/, ''))}\n| count\n`;
  const givesIngestion = [...tableRows.values()].some((rows) =>
    rows.some((r) => r[INGESTION_TIME_KEY] !== undefined && r[INGESTION_TIME_KEY] !== null),
  );
  const liveSkipReason = givesIngestion
    ? `the rows give ${INGESTION_TIME_KEY}, which a datatable cannot carry: this case runs offline only`
    : undefined;
  return {
    marker,
    text,
    problems,
    tables,
    shift,
    ruleOffset: prefix.length,
    data,
    ...(liveSkipReason ? { liveSkipReason } : {}),
  };
}

/** What `ingestion_time()` becomes in a live shadow query. */
export const LIVE_INGESTION_TIME = 'coalesce(ingestion_time(), TimeGenerated)';

/**
 * A datatable row has no ingestion time, so in the workspace `ingestion_time()` over shadow rows is null and the
 * ingestion-delay filter (`where ingestion_time() > ago(<frequency>)`) would drop every test row. In the live
 * shadow text each `ingestion_time()` call therefore falls back to the row's TimeGenerated, which is what the
 * offline evaluator defaults to as well. Calls inside string literals and comments are left alone (a config
 * value is always inside a literal). Offsets after a rewritten call move by the added length.
 */
export function liveIngestionTime(query: string): string {
  let out = '';
  let i = 0;
  const n = query.length;
  while (i < n) {
    const ch = query[i];
    const next = query[i + 1];
    let end = i;
    if (ch === '/' && next === '/') {
      end = query.indexOf('\n', i);
      end = end < 0 ? n : end;
    } else if (query.startsWith('```', i)) {
      end = query.indexOf('```', i + 3);
      end = end < 0 ? n : end + 3;
    } else if (ch === '@' && (next === '"' || next === "'")) {
      // verbatim literal: no escapes, a doubled quote stands for one
      const q = next;
      end = i + 2;
      while (end < n && !(query[end] === q && query[end + 1] !== q)) end += query[end] === q ? 2 : 1;
      end = Math.min(n, end + 1);
    } else if (ch === '"' || ch === "'") {
      end = i + 1;
      while (end < n && query[end] !== ch) end += query[end] === '\\' ? 2 : 1;
      end = Math.min(n, end + 1);
    } else {
      const m = /^ingestion_time\s*\(\s*\)/.exec(query.slice(i, i + 40));
      const wordBefore = i > 0 && /[A-Za-z0-9_]/.test(query[i - 1]);
      if (m && !wordBefore) {
        out += LIVE_INGESTION_TIME;
        i += m[0].length;
        continue;
      }
      out += ch;
      i++;
      continue;
    }
    out += query.slice(i, end);
    i = end;
  }
  return out;
}
