/**
 * Hermetic analysis of a shadow query: Kusto.Language with its default global state, in which NO table and no
 * workspace function exists. A shadow query that analyses without errors here reads nothing but its own
 * `datatable` lets: a table the shadowing missed would be an unknown name (KS204), a workspace function an unknown
 * function (KS211). The pack's KqlAnalyzer cannot do this: it always declares the workspace tables and
 * `_GetWatchlist`, which is right for validating rules and wrong for proving a test reads no real data.
 *
 * Names Kusto resolves at run time rather than at analysis (`table("X")`, `database()`, `search`, `find`,
 * `externaldata` ...) are not errors here, so they are reported separately as implicit reads.
 */
import { KqlDiagnostic } from '../kql/analyzer';
import { kusto, netList } from '../kql/kusto';
import { Column } from '../kql/schemas';
import { deepFreeze } from '../core/freeze';
import { remember } from '../core/memo';

export interface HermeticDatatable {
  /** the `let` that binds it, when it is the let's value */
  letName?: string;
  /** columns as Kusto typed them */
  columns: Column[];
  /** Kusto's result type of each value, in order (row after row) */
  valueTypes: string[];
  start: number;
}

export interface HermeticAnalysis {
  diagnostics: KqlDiagnostic[];
  /** names in table position that resolve to nothing (KS204): the tables a bare rule query reads */
  unresolvedTables: string[];
  /** function names that resolve to nothing (KS211): workspace functions such as `_GetWatchlist` */
  unresolvedFunctions: string[];
  /** data read by a name resolved at run time, or by a scan of every table */
  implicitReads: { text: string; start: number }[];
  datatables: HermeticDatatable[];
  /** result columns of the query */
  columns: Column[];
  /** names of the variables and functions the query references (lets included): which shadows it actually reads */
  referenced: string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const RUNTIME_NAMED = new Set([
  'table',
  'database',
  'cluster',
  'workspace',
  'app',
  'resource',
  'materialized_view',
  'external_table',
  'materialize_view',
]);

const quoted = (message: string) => /'([^']+)'/.exec(message)?.[1];

/** Where hermetic analyses are kept, by query text (the analysis depends on nothing else: the default global state). */
export interface HermeticCache {
  get(query: string): HermeticAnalysis | undefined;
  set(query: string, value: HermeticAnalysis): void;
}
function processCache(): HermeticCache {
  const map = new Map<string, HermeticAnalysis>();
  return { get: (q) => map.get(q), set: (q, v) => void remember(map, q, v, 512) };
}
let hermeticCache: HermeticCache = processCache();
/** Replace the per-process cache (the test suite shares one per Jest worker across test files). */
export function useHermeticCache(cache: HermeticCache): void {
  hermeticCache = cache;
}

/** The hermetic analysis of `query`, frozen: callers share it. */
export function analyzeHermetic(query: string): HermeticAnalysis {
  const hit = hermeticCache.get(query);
  if (hit) return hit;
  const value = deepFreeze(analyzeUncached(query));
  hermeticCache.set(query, value);
  return value;
}

function analyzeUncached(query: string): HermeticAnalysis {
  const K = kusto();
  const SK = K.Syntax.SyntaxKind;
  const code = K.KustoCode.ParseAndAnalyze(query, K.GlobalState.Default);
  const diagnostics: KqlDiagnostic[] = [];
  const unresolvedTables = new Set<string>();
  const unresolvedFunctions = new Set<string>();
  for (const d of netList(code.GetDiagnostics())) {
    const severity = d.Severity === 'Error' ? 'error' : d.Severity === 'Warning' ? 'warning' : 'info';
    diagnostics.push({ severity, code: d.Code, message: d.Message, start: d.Start, length: d.Length });
    const name = quoted(d.Message);
    if (name && d.Code === 'KS204') unresolvedTables.add(name);
    if (name && d.Code === 'KS211') unresolvedFunctions.add(name);
  }

  const implicitReads: HermeticAnalysis['implicitReads'] = [];
  const referenced = new Set<string>();
  const SymbolKind = K.Symbols.SymbolKind;
  const datatables: HermeticDatatable[] = [];
  const firstLine = (n: any) => query.substr(n.TextStart, n.Width).split('\n')[0];
  code.Syntax.WalkNodes((n: any) => {
    if (n.Kind === SK.NameReference) {
      const sym = n.ReferencedSymbol;
      if (sym && (sym.Kind === SymbolKind.Variable || sym.Kind === SymbolKind.Function))
        referenced.add(String(sym.Name));
    }
    if (n.Kind === SK.FunctionCallExpression && RUNTIME_NAMED.has(String(n.Name?.SimpleName ?? '').toLowerCase())) {
      implicitReads.push({ text: firstLine(n), start: n.TextStart });
    } else if (n.Kind === SK.SearchOperator || n.Kind === SK.FindOperator || n.Kind === SK.ExternalDataExpression) {
      implicitReads.push({ text: firstLine(n), start: n.TextStart });
    } else if (n.Kind === SK.DataTableExpression) {
      const columns: Column[] = [];
      const rt = n.ResultType;
      if (rt && rt.Columns)
        for (const c of netList(rt.Columns)) columns.push({ name: c.Name, type: c.Type?.Name ?? 'unknown' });
      const valueTypes: string[] = [];
      for (const el of netList(n.Values)) valueTypes.push(el.Element?.ResultType?.Name ?? 'unknown');
      const parent = n.Parent;
      const letName = parent && parent.Kind === SK.LetStatement ? String(parent.Name?.SimpleName ?? '') : undefined;
      datatables.push({ letName, columns, valueTypes, start: n.TextStart });
    }
  });

  const columns: Column[] = [];
  const rt = code.ResultType;
  if (rt && rt.Columns)
    for (const c of netList(rt.Columns)) columns.push({ name: c.Name, type: c.Type?.Name ?? 'unknown' });
  return {
    diagnostics,
    unresolvedTables: [...unresolvedTables],
    unresolvedFunctions: [...unresolvedFunctions],
    implicitReads,
    datatables,
    columns,
    referenced: [...referenced],
  };
}
