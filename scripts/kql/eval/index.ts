/**
 * Offline KQL evaluator: executes a query from Kusto.Language's parsed and bound tree over in-memory tables.
 *
 *   const q = compileQuery(text, analyzer);         // analysed once (the analyzer's tree and bindings)
 *   if (q.unsupported.length) ...                   // constructs the walker does not implement: refused, never guessed
 *   const result = evaluate(q, { tables, now });    // a Table: typed columns, rows
 *
 * Scope: what the pack's own queries use (docs/test-and-drill.md lists it); everything else raises
 * `not supported offline: <operator or function> at line:col (run btg test --live)`.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { KqlAnalyzer } from '../analyzer';
import { kusto } from '../kusto';
import { AGGREGATES } from './aggregates';
import { lineColOf, NotSupportedOffline } from './errors';
import { SCALAR_FUNCTIONS } from './scalars';
import { elems, EvalEnv, Evaluator, JOIN_KINDS, kindName, supportedBinaryKind } from './walker';
import { Column, INGESTION, KValue, Row, Table } from './values';

export * from './values';
export * from './errors';
export { mutationSites } from './mutations';
export type { Mutation, MutationKind } from './mutations';
export type { EvalEnv } from './walker';

export interface CompiledQuery {
  text: string;
  /** the analyzer's KustoCode (parsed and bound) */
  code: any;
  /** analyzer errors (a query with errors is not run) */
  errors: string[];
  /** constructs the evaluator refuses, each `not supported offline: ... at line:col` */
  unsupported: NotSupportedOffline[];
}

const STRUCTURAL = [
  'QueryBlock',
  'List',
  'SeparatedElement',
  'LetStatement',
  'ExpressionStatement',
  'QueryParametersStatement',
  'NameDeclaration',
  'TokenName',
  'NameReference',
  'FunctionDeclaration',
  'FunctionParameters',
  'FunctionParameter',
  'FunctionBody',
  'NameAndTypeDeclaration',
  'PrimitiveTypeExpression',
  'PipeExpression',
  'ParenthesizedExpression',
  'ExpressionList',
  'DataTableExpression',
  'RowSchema',
  'PrintOperator',
  'UnionOperator',
  'FilterOperator',
  'ExtendOperator',
  'ProjectOperator',
  'ProjectAwayOperator',
  'ProjectRenameOperator',
  'SummarizeOperator',
  'SummarizeByClause',
  'SortOperator',
  'OrderedExpression',
  'OrderingClause',
  'OrderingNullsClause',
  'TakeOperator',
  'TopOperator',
  'DistinctOperator',
  'CountOperator',
  'MvExpandOperator',
  'MvExpandExpression',
  'MvApplyOperator',
  'MvApplyExpression',
  'MvApplySubqueryExpression',
  'ToTypeOfClause',
  'TypeOfLiteralExpression',
  'JoinOperator',
  'JoinOnClause',
  'NamedParameter',
  'SimpleNamedExpression',
  'StarExpression',
  'LongLiteralExpression',
  'IntLiteralExpression',
  'RealLiteralExpression',
  'StringLiteralExpression',
  'BooleanLiteralExpression',
  'GuidLiteralExpression',
  'DateTimeLiteralExpression',
  'TimespanLiteralExpression',
  'TokenLiteralExpression',
  'NullLiteralExpression',
  'DynamicExpression',
  'JsonArrayExpression',
  'JsonObjectExpression',
  'JsonPair',
  'PathExpression',
  'ElementExpression',
  'BracketedExpression',
  'FunctionCallExpression',
  'ToScalarExpression',
  'AndExpression',
  'OrExpression',
  'UnaryMinusExpression',
  'UnaryPlusExpression',
  'BetweenExpression',
  'NotBetweenExpression',
  'ExpressionCouple',
  'InExpression',
  'NotInExpression',
  'InCsExpression',
  'NotInCsExpression',
  'HasAnyExpression',
  'HasAllExpression',
  'BracketedName',
  'WildcardedName',
];

const OPERATOR_WORD: Record<string, string> = {
  ExternalDataExpression: 'externaldata',
  SearchOperator: 'search',
  FindOperator: 'find',
  ParseOperator: 'parse',
  ParseWhereOperator: 'parse-where',
  MakeSeriesOperator: 'make-series',
  LookupOperator: 'lookup',
  AsOperator: 'as',
  EvaluateOperator: 'evaluate',
  RenderOperator: 'render',
  SerializeOperator: 'serialize',
  ScanOperator: 'scan',
  InvokeOperator: 'invoke',
  SampleOperator: 'sample',
  SampleDistinctOperator: 'sample-distinct',
  FacetOperator: 'facet',
  ForkOperator: 'fork',
  PartitionOperator: 'partition',
  GetSchemaOperator: 'getschema',
  RangeExpression: 'range',
  RangeOperator: 'range',
  MaterializeExpression: 'materialize',
  ConsumeOperator: 'consume',
  ExecuteAndCacheOperator: 'execute_and_cache',
  ReduceByOperator: 'reduce',
  ProjectKeepOperator: 'project-keep',
  ProjectReorderOperator: 'project-reorder',
  ExtendOperator: 'extend',
  TopHittersOperator: 'top-hitters',
  TopNestedOperator: 'top-nested',
  JoinWhereClause: 'join ... where',
  MvApplyContextIdClause: 'mv-apply context_id',
  MvApplyRowLimitClause: 'mv-apply limit',
  MvExpandRowLimitClause: 'mv-expand limit',
  CompoundNamedExpression: '(a, b) = tuple assignment',
  WildcardedNameReference: 'wildcard column name',
  PatternStatement: 'declare pattern',
  SetOptionStatement: 'set',
  AliasStatement: 'alias',
  RestrictStatement: 'restrict',
  MacroExpandOperator: 'macro-expand',
};

/**
 * Constructs the walker does not implement, found on the whole tree before running (a branch no test row reaches
 * is refused too). Database functions the environment supplies (`_GetWatchlist`) are passed in `dbFunctions`.
 */
export function checkSupported(code: any, query: string, dbFunctions: readonly string[] = []): NotSupportedOffline[] {
  const K = kusto();
  const SK = K.Syntax.SyntaxKind;
  const out: NotSupportedOffline[] = [];
  const structural = new Set(STRUCTURAL.map((k) => SK[k]).filter((k) => k !== undefined));
  const userFns = new Set<string>();
  code.Syntax.WalkNodes((n: any) => {
    if (n.Kind === SK.LetStatement) userFns.add(n.Name.SimpleName);
  });
  const refuse = (what: string, n: any) => {
    const { line, col } = lineColOf(query, n.TextStart);
    out.push(new NotSupportedOffline(what, n.TextStart, line, col));
  };
  code.Syntax.WalkNodes((n: any) => {
    if (n.IsToken) return;
    const k = n.Kind;
    const name = kindName(n);
    if (k === SK.FunctionCallExpression) {
      const fn: string = n.Name.SimpleName;
      const ok =
        fn in SCALAR_FUNCTIONS ||
        fn in AGGREGATES ||
        fn === 'arg_max' ||
        fn === 'arg_min' ||
        fn === 'ingestion_time' ||
        userFns.has(fn) ||
        dbFunctions.includes(fn);
      if (!ok) refuse(`${fn}()`, n);
      return;
    }
    if (k === SK.NamedParameter) {
      const parent = n.Parent?.Parent;
      const pname = String(n.Name.ToString()).trim().toLowerCase();
      const value = String(n.Expression.ToString()).trim().toLowerCase();
      if (!(parent && parent.Kind === SK.JoinOperator && pname === 'kind' && JOIN_KINDS.has(value)))
        refuse(
          `${kindName(parent ?? n)
            .replace(/Operator$/, '')
            .toLowerCase()} ${pname}=${value}`,
          n,
        );
      return;
    }
    if (k === SK.CountOperator && n.AsIdentifier) return refuse('count as', n);
    if (k === SK.JoinOperator && (!n.ConditionClause || n.ConditionClause.Kind !== SK.JoinOnClause))
      return refuse('join ... where', n);
    if (k === SK.MvExpandOperator && n.RowLimitClause) return refuse('mv-expand limit', n);
    if (k === SK.MvApplyOperator && (n.RowLimitClause || n.ContextIdClause))
      return refuse('mv-apply limit/context_id', n);
    if (k === SK.ToScalarExpression && n.KindParameter) return refuse('toscalar kind=', n);
    if (structural.has(k) || supportedBinaryKind(k)) return;
    refuse(OPERATOR_WORD[name] ?? name.replace(/Expression$|Operator$/, ''), n);
  });
  return out;
}

const compiled = new WeakMap<KqlAnalyzer, Map<string, CompiledQuery>>();

/** Parse, bind and check a query once (cached per analyzer and text); evaluate it any number of times. */
export function compileQuery(
  query: string,
  analyzer: KqlAnalyzer,
  dbFunctions: readonly string[] = ['_GetWatchlist'],
): CompiledQuery {
  let byText = compiled.get(analyzer);
  if (!byText) compiled.set(analyzer, (byText = new Map()));
  const key = `${dbFunctions.join(',')}\u0000${query}`;
  const hit = byText.get(key);
  if (hit) return hit;
  if (byText.size >= 256) byText.clear();
  const q = compileUncached(query, analyzer, dbFunctions);
  byText.set(key, q);
  return q;
}

function compileUncached(query: string, analyzer: KqlAnalyzer, dbFunctions: readonly string[]): CompiledQuery {
  // the analyzer's own reading of the diagnostics (it discounts the ones it knows the engine accepts)
  const errors = analyzer
    .analyze(query)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => {
      const { line, col } = lineColOf(query, d.start);
      return `${line}:${col}: ${d.code} ${d.message}`;
    });
  const code = analyzer.code(query);
  return { text: query, code, errors, unsupported: errors.length ? [] : checkSupported(code, query, dbFunctions) };
}

/** Execute a compiled query. Throws NotSupportedOffline (never for a query checkSupported passed) or KqlRuntimeError. */
export function evaluate(q: CompiledQuery, env: EvalEnv): Table {
  if (q.errors.length) throw new Error(`the query does not analyze: ${q.errors[0]}`);
  if (q.unsupported.length) throw q.unsupported[0];
  return new Evaluator(q.text, env).run(q.code.Syntax);
}

/** A table from plain values already of each column's in-memory form (see rows.ts for test rows). */
export function table(columns: Column[], rows: Record<string, KValue>[], ingestion?: (number | undefined)[]): Table {
  return {
    columns,
    rows: rows.map((r, i) => {
      const o = Object.assign(Object.create(null), r) as Row;
      for (const c of columns) if (!(c.name in o)) o[c.name] = c.type === 'string' ? '' : null;
      if (ingestion?.[i] !== undefined) o[INGESTION] = ingestion[i];
      return o;
    }),
  };
}

export { elems };
