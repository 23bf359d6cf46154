/** The KQL analyzer: parse + semantic analysis against declared workspace tables and functions. */
import { remember } from '../core/memo';
import { kusto, kustoSystem, netList } from './kusto';
import { bundledSchemas, Column, TableSchemas } from './schemas';

export interface KqlFunctionDecl {
  name: string;
  /** parameters as "(a:string, b:long)"; default none */
  parameters?: { name: string; type: string; optional?: boolean }[];
  /** result columns; with `open: true` any column may be referenced on the result */
  columns: Column[];
  open?: boolean;
}

export interface AnalyzerOptions {
  tables?: TableSchemas;
  functions?: KqlFunctionDecl[];
}

export interface KqlDiagnostic {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  /** character offset into the query text */
  start: number;
  length: number;
}

export interface KqlAnalysis {
  diagnostics: KqlDiagnostic[];
  /** the query's result columns (empty if the query returns no table) */
  columns: Column[];
  /** true when the result may carry more columns than listed (open watchlist tables) */
  open: boolean;
  /** names of tables the analyzer did not know, once each */
  unknownTables: string[];
  /** let-variables referenced inside a `where` (resolved by the analyzer, not by text) */
  filterVariables: string[];
  /** `search` without `in (tables)` and `union *`: unbounded scans */
  unboundedScans: { start: number; length: number; text: string }[];
  /** tables the query reads (references the analyzer resolved to a table symbol), once each */
  tables: string[];
  /**
   * `ingestion_time()` calls inside a `where` (the ingestion-delay pattern); `lookback` is the argument text of
   * `ago(...)` when the call is compared as `ingestion_time() > ago(lookback)` (or `>=`)
   */
  ingestionTimeFilters: { start: number; length: number; lookback?: string }[];
  /**
   * each reference to a table, and whether a `where` with `ingestion_time() > ...` (or `>=`) filters it: a pipe
   * operator applied to the expression that holds the reference (`T | where ...`, `union A, B | where ...`), not a
   * filter of another pipeline (a join's other side, a later use of a let-variable)
   */
  tableScans: { table: string; start: number; length: number; ingestionFiltered: boolean }[];
}

/** A token range and its classification kind name (Kusto.Language.Editor.ClassificationKind: Table, Column, Keyword ...). */
export interface KqlClassifiedRange {
  kind: string;
  start: number;
  length: number;
}

/** Sentinel's watchlist accessor: columns depend on the watchlist, so its result is open. */
export const WATCHLIST_FUNCTION: KqlFunctionDecl = {
  name: '_GetWatchlist',
  parameters: [{ name: 'watchlistAlias', type: 'string' }],
  columns: [
    { name: '_DTItemId', type: 'string' },
    { name: 'LastUpdatedTimeUTC', type: 'datetime' },
    { name: 'SearchKey', type: 'string' },
    { name: 'WatchlistItem', type: 'dynamic' },
  ],
  open: true,
};

const quoteCol = (n: string) => `['${n.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
const schemaString = (cols: Column[]) => `(${cols.map((c) => `${quoteCol(c.name)}:${c.type}`).join(', ')})`;

/**
 * A store the analyzer consults before analysing a query and fills after (the build's on-disk cache, keyed by the
 * query's hash): a query whose results are all in the store never loads the Kusto bridge. The offline test runner
 * keeps its per-rule summaries in the analyzer's store too (livetest/offline.ts).
 */
export interface AnalysisStore {
  get(kind: StoredKind, key: string): unknown;
  set(kind: StoredKind, key: string, value: unknown): void;
}
/** what a store holds: analyses and classifications by query text, the offline test summary of a rule by its key */
export type StoredKind = 'analysis' | 'classification' | 'test-summary';

/** Results are data shared by every caller: frozen, so no caller can change what another one reads. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/**
 * A query that may read tables it does not name (wildcard union, search, find, table()/database()/cluster()): it
 * is analysed against every declared table. With many declared (SCOPE_FROM), any other query is analysed against the
 * tables and functions whose names occur in its text, which binds exactly as the whole set does (a name absent from the text cannot be
 * referenced) and spares declaring hundreds of tables for a query that reads two.
 */
const READS_UNNAMED = /\b(?:search|find)\b|\b(?:table|database|cluster)\s*\(|\bunion\b[^|;]*\*/i;

/**
 * Declared tables + functions from which a query gets a global state of its own names: below it, one state of all of
 * them is cheaper (each new global state starts with cold Kusto.Language caches: ~15% more CPU per query measured on
 * the pack's 24 queries over 14 tables), above it declaring them all is what costs (seconds for ~1,000 tables).
 */
const SCOPE_FROM = 64;

/** Lower-cased words and bracket-quoted names of a query: every name it could use for a table or function. */
function namesIn(query: string): Set<string> {
  const names = new Set<string>();
  for (const m of query.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) names.add(m[0].toLowerCase());
  for (const m of query.matchAll(/\[\s*@?(['"])((?:(?!\1)[^\\]|\\.)*)\1\s*\]/g))
    names.add(m[2].replace(/\\(.)/g, '$1').toLowerCase());
  return names;
}

export class KqlAnalyzer {
  /** every table and function declared, built on first use of a query that needs them all */
  private allGlobals: any;
  /** global states over the tables/functions a query names, keyed by those names */
  private readonly scopedGlobals = new Map<string, any>();
  private readonly tableSymbols = new Map<string, any>();
  private readonly functionSymbols = new Map<KqlFunctionDecl, any>();
  /** declared names by lower-cased name */
  private readonly tableNames = new Map<string, string[]>();
  private readonly functionDecls = new Map<string, KqlFunctionDecl[]>();
  /** analyses per query text (frozen: they are handed to every caller as they are) */
  private readonly analyses = new Map<string, KqlAnalysis>();
  /** classification per query text: the report asks again for queries shared by several artifacts */
  private readonly classified = new Map<string, KqlClassifiedRange[]>();
  /** the last analysed trees, so highlighting a query that was just validated does not analyse it again */
  private readonly recentCodes = new Map<string, any>();
  readonly tables: TableSchemas;
  readonly functions: readonly KqlFunctionDecl[];
  /** how many tables and functions are declared */
  private readonly declared: number;
  /** consulted before analysing and filled after (see AnalysisStore); set by the build's cache */
  store?: AnalysisStore;

  constructor(opts: AnalyzerOptions = {}) {
    this.tables = { ...bundledSchemas(), ...(opts.tables ?? {}) };
    this.functions = [WATCHLIST_FUNCTION, ...(opts.functions ?? [])];
    this.declared = Object.keys(this.tables).length + this.functions.length;
    for (const name of Object.keys(this.tables)) {
      const k = name.toLowerCase();
      this.tableNames.set(k, [...(this.tableNames.get(k) ?? []), name]);
    }
    for (const f of this.functions) {
      const k = f.name.toLowerCase();
      this.functionDecls.set(k, [...(this.functionDecls.get(k) ?? []), f]);
    }
  }

  /** Analyses computed in this process or found in the store; the bridge is not loaded for those. */
  get analyzedQueries(): number {
    return this.analyses.size;
  }

  private tableSymbol(name: string): any {
    let s = this.tableSymbols.get(name);
    if (!s) {
      s = new (kusto().Symbols.TableSymbol.$ctor7)(name, schemaString(this.tables[name]), null);
      this.tableSymbols.set(name, s);
    }
    return s;
  }

  private functionSymbol(f: KqlFunctionDecl): any {
    let s = this.functionSymbols.get(f);
    if (s) return s;
    const S = kusto().Symbols;
    let result = new S.TableSymbol.$ctor7('', schemaString(f.columns), null);
    if (f.open) result = result.WithIsOpen(true);
    const params = (f.parameters ?? []).map((p) =>
      p.optional
        ? new S.Parameter.$ctor3(
            p.name,
            S.ScalarTypes.GetSymbol(p.type),
            S.ArgumentKind.Expression,
            null,
            null,
            false,
            null,
            0,
            1,
            null,
            null,
          )
        : new S.Parameter.$ctor2(p.name, S.ScalarTypes.GetSymbol(p.type)),
    );
    s = new S.FunctionSymbol.$ctor5(f.name, result, params);
    this.functionSymbols.set(f, s);
    return s;
  }

  private globalsOf(tables: string[], functions: KqlFunctionDecl[]): any {
    const K = kusto();
    const symbols = [...tables.map((t) => this.tableSymbol(t)), ...functions.map((f) => this.functionSymbol(f))];
    const db = new K.Symbols.DatabaseSymbol.ctor('workspace', symbols);
    const cluster = new K.Symbols.ClusterSymbol.ctor('sentinel', [db]);
    return K.GlobalState.Default.WithCluster(cluster).WithDatabase(db);
  }

  /** The global state a query is analysed against: the declared tables and functions it can reach. */
  private globalsFor(query: string): any {
    if (this.declared < SCOPE_FROM || READS_UNNAMED.test(query)) {
      if (!this.allGlobals)
        this.allGlobals = this.globalsOf(Object.keys(this.tables), this.functions as KqlFunctionDecl[]);
      return this.allGlobals;
    }
    const names = namesIn(query);
    const tables: string[] = [];
    const functions: KqlFunctionDecl[] = [];
    for (const n of names) {
      tables.push(...(this.tableNames.get(n) ?? []));
      functions.push(...(this.functionDecls.get(n) ?? []));
    }
    tables.sort();
    const key = `${tables.join('\u0000')}\u0001${functions.map((f) => this.functions.indexOf(f)).sort((a, b) => a - b)}`;
    return this.scopedGlobals.get(key) ?? remember(this.scopedGlobals, key, this.globalsOf(tables, functions), 512);
  }

  private parse(query: string): any {
    const code = kusto().KustoCode.ParseAndAnalyze(query, this.globalsFor(query));
    return remember(this.recentCodes, query, code, 128);
  }

  /** The analysis of a query: computed once per query text (or taken from the store), frozen, shared. */
  analyze(query: string): KqlAnalysis {
    const hit = this.analyses.get(query);
    if (hit) return hit;
    const stored = this.store?.get('analysis', query) as KqlAnalysis | undefined;
    if (stored) return remember(this.analyses, query, deepFreeze(stored), 2048);
    const analysis = deepFreeze(this.analyzeUncached(query));
    this.store?.set('analysis', query, analysis);
    return remember(this.analyses, query, analysis, 2048);
  }

  private analyzeUncached(query: string): KqlAnalysis {
    const K = kusto();
    const code = this.parse(query);
    const diagnostics: KqlDiagnostic[] = [];
    const unknownTables = new Set<string>();
    for (const d of netList(code.GetDiagnostics())) {
      const severity = d.Severity === 'Error' ? 'error' : d.Severity === 'Warning' ? 'warning' : 'info';
      if (d.Code === 'KS107' && todynamicOfDynamic(K, code, query, d.Start, d.Length)) continue;
      diagnostics.push({ severity, code: d.Code, message: d.Message, start: d.Start, length: d.Length });
    }
    // KS204: a name in table position that resolves to nothing, i.e. a table with no schema.
    for (const d of diagnostics) {
      const m = d.code === 'KS204' ? /'([^']+)'/.exec(d.message) : null;
      if (m) unknownTables.add(m[1]);
    }
    const columns: Column[] = [];
    const rt = code.ResultType;
    let open = false;
    if (rt && rt.Columns) {
      for (const c of netList(rt.Columns)) columns.push({ name: c.Name, type: c.Type?.Name ?? 'unknown' });
      open = !!rt.IsOpen;
    }
    const { filterVariables, unboundedScans, tables, ingestionTimeFilters, tableScans } = structure(K, code, query);
    return {
      diagnostics,
      columns,
      open,
      unknownTables: [...unknownTables],
      filterVariables,
      unboundedScans,
      tables,
      ingestionTimeFilters,
      tableScans,
    };
  }

  /**
   * The analysed tree (Kusto.Language KustoCode: syntax with bindings and result types) of a query, reusing the tree
   * of a query just validated. The offline evaluator (kql/eval) executes it.
   */
  code(query: string): any {
    return this.recentCodes.get(query) ?? this.parse(query);
  }

  /**
   * Microsoft's own token classification (what the Kusto editors colour), over the analysed query so
   * tables, columns, functions and variables are told apart. Ranges are sorted and do not overlap.
   */
  classify(query: string): KqlClassifiedRange[] {
    const hit = this.classified.get(query);
    if (hit) return hit;
    const stored = this.store?.get('classification', query) as KqlClassifiedRange[] | undefined;
    if (stored) return remember(this.classified, query, deepFreeze(stored), 1024);
    const K = kusto();
    const code = this.code(query);
    const ListOfRanges = kustoSystem().Collections.Generic.List$1(K.Editor.ClassifiedRange);
    const list = new ListOfRanges();
    K.Editor.KustoClassifier.GetClassifications(
      code.Syntax,
      0,
      query.length,
      false,
      list,
      new K.Utils.CancellationToken(),
    );
    const names = K.Editor.ClassificationKind;
    const kindName = new Map<number, string>(
      Object.keys(names)
        .filter((k) => !k.startsWith('$') && typeof names[k] === 'number')
        .map((k) => [names[k], k]),
    );
    const ranges = deepFreeze(
      [...netList(list)].map((r) => ({
        kind: kindName.get(r.Kind) ?? 'PlainText',
        start: r.Start,
        length: r.Length,
      })),
    );
    this.store?.set('classification', query, ranges);
    return remember(this.classified, query, ranges, 1024);
  }
}

/**
 * `todynamic(x)` with a dynamic `x`: the engine's todynamic is parse_json, which returns a dynamic argument as it is,
 * but Kusto.Language wants a string there (KS107) while it accepts the same argument in parse_json. Not an error.
 */
function todynamicOfDynamic(K: any, code: any, query: string, start: number, length: number): boolean {
  if (!/\b(todynamic|toobject)\s*\(\s*$/.test(query.slice(Math.max(0, start - 40), start))) return false;
  let dynamic = false;
  code.Syntax.WalkNodes((n: any) => {
    if (
      !dynamic &&
      n.TextStart === start &&
      n.Width === length &&
      n.ResultType &&
      (n.ResultType === K.Symbols.ScalarTypes.Dynamic ||
        /^dynamic/.test(String(n.ResultType.Display ?? n.ResultType.Name)))
    )
      dynamic = true;
  });
  return dynamic;
}

/** Facts read off the analysed syntax tree. */
function structure(
  K: any,
  code: any,
  query: string,
): Pick<KqlAnalysis, 'filterVariables' | 'unboundedScans' | 'tables' | 'ingestionTimeFilters' | 'tableScans'> {
  const SK = K.Syntax.SyntaxKind;
  const filterVariables = new Set<string>();
  const ingestion = new Map<number, KqlAnalysis['ingestionTimeFilters'][number]>();
  const isIngestionTime = (e: any) =>
    e && e.Kind === SK.FunctionCallExpression && e.Name?.SimpleName === 'ingestion_time';
  const isIngestionComparison = (r: any) =>
    (r.Kind === SK.GreaterThanExpression || r.Kind === SK.GreaterThanOrEqualExpression) && isIngestionTime(r.Left);
  /** A `where` with an ingestion_time() comparison among the pipe operators applied to the expression holding `n`. */
  const ingestionFiltered = (n: any): boolean => {
    for (let child = n, p = n.Parent; p; child = p, p = p.Parent) {
      if (p.Kind !== SK.PipeExpression || p.Expression !== child || p.Operator?.Kind !== SK.FilterOperator) continue;
      let found = false;
      p.Operator.WalkNodes((r: any) => {
        if (isIngestionComparison(r)) found = true;
      });
      if (found) return true;
    }
    return false;
  };
  const tableScans: KqlAnalysis['tableScans'] = [];
  const unboundedScans: KqlAnalysis['unboundedScans'] = [];
  const tables = new Set<string>();
  code.Syntax.WalkNodes((n: any) => {
    if (n.Kind === SK.NameReference && n.ReferencedSymbol && n.ReferencedSymbol.Kind === K.Symbols.SymbolKind.Table) {
      tables.add(n.ReferencedSymbol.Name);
      tableScans.push({
        table: n.ReferencedSymbol.Name,
        start: n.TextStart,
        length: n.Width,
        ingestionFiltered: ingestionFiltered(n),
      });
    }
    if (n.Kind === SK.FilterOperator) {
      n.WalkNodes((r: any) => {
        if (isIngestionComparison(r)) {
          const right = query.substr(r.Right.TextStart, r.Right.Width);
          const ago = /^ago\s*\(\s*([^()]*?)\s*\)$/.exec(right);
          ingestion.set(r.Left.TextStart, { start: r.TextStart, length: r.Width, lookback: ago ? ago[1] : undefined });
        } else if (isIngestionTime(r) && !ingestion.has(r.TextStart))
          ingestion.set(r.TextStart, { start: r.TextStart, length: r.Width });
        if (r.Kind !== SK.NameReference) return;
        const sym = r.ReferencedSymbol;
        if (sym && sym.Kind === K.Symbols.SymbolKind.Variable) filterVariables.add(sym.Name);
      });
    } else if (n.Kind === SK.UnionOperator) {
      let star = false;
      n.WalkNodes((r: any) => {
        if ((r.Kind === SK.NameReference && r.SimpleName === '*') || r.Kind === SK.WildcardedName) star = true;
      });
      if (star)
        unboundedScans.push({
          start: n.TextStart,
          length: n.Width,
          text: query.substr(n.TextStart, n.Width).split('\n')[0],
        });
    } else if (n.Kind === SK.SearchOperator && !n.InClause) {
      unboundedScans.push({
        start: n.TextStart,
        length: n.Width,
        text: query.substr(n.TextStart, n.Width).split('\n')[0],
      });
    }
  });
  return {
    filterVariables: [...filterVariables],
    unboundedScans,
    tables: [...tables],
    ingestionTimeFilters: [...ingestion.values()],
    tableScans,
  };
}

let shared: KqlAnalyzer | undefined;
/** One analyzer per process for the bundled schemas (building the global state costs ~0.3 s). */
export function defaultAnalyzer(): KqlAnalyzer {
  if (!shared) shared = new KqlAnalyzer();
  return shared;
}
