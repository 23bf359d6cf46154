/**
 * The tree walker: executes a query from Kusto.Language's parsed and bound tree (KustoCode) over in-memory tables.
 * Names resolve through the analyzer's bindings (a column, a let variable, a table, a function), and the types of
 * computed columns are the analyzer's result types, so the walker never infers what the engine decided.
 *
 * Anything the walker does not implement raises NotSupportedOffline naming the construct and its line:col; it never
 * falls back to an approximation. `checkSupported` finds such constructs before running (including branches the
 * rows would not reach).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { kusto } from '../kusto';
import { AGGREGATES, argExtreme } from './aggregates';
import { KqlRuntimeError, lineColOf, NotSupportedOffline } from './errors';
import { CallFacts, SCALAR_FUNCTIONS, UnsupportedArgument } from './scalars';
import { contains, endsWith, equalsCi, hasPrefix, hasSuffix, hasTerm, startsWith } from './strings';
import {
  coerce,
  Column,
  compareValues,
  INGESTION,
  isObject,
  KDate,
  KDynamic,
  KSpan,
  kEquals,
  KValue,
  nullOf,
  parseDatetimeText,
  parseTimespanText,
  Row,
  Table,
  toBool,
  toKString,
  valueKey,
} from './values';
import { applyThreshold, Mutation } from './mutations';

/** The join kinds the evaluator implements (index.ts refuses any other before evaluating). */
export const JOIN_KINDS = new Set([
  'inner',
  'innerunique',
  'leftouter',
  'leftanti',
  'leftantisemi',
  'leftsemi',
  'rightouter',
  'rightanti',
  'rightantisemi',
  'rightsemi',
  'fullouter',
]);

export interface EvalEnv {
  /** tables by name (the query's table references) */
  tables: Record<string, Table>;
  /** database functions (e.g. `_GetWatchlist`) by name */
  functions?: Record<string, (args: KValue[]) => Table>;
  /** values of `declare query_parameters(...)` */
  parameters?: Record<string, KValue>;
  /** the fixed clock: now() and ago() (epoch ms) */
  now: number;
  /** a mutation applied while evaluating (btg test --mutate) */
  mutation?: Mutation;
  /** called after each piped operator with its input and output row counts (why a case did not fire) */
  trace?: (operator: any, rowsIn: number, rowsOut: number) => void;
}

type Binding =
  { kind: 'scalar'; value: KValue } | { kind: 'table'; table: Table } | { kind: 'function'; node: any; scope: Scope };

class Scope {
  private readonly vars = new Map<string, Binding>();
  constructor(readonly parent?: Scope) {}
  get(name: string): Binding | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }
  set(name: string, b: Binding): void {
    this.vars.set(name, b);
  }
}

let SK: any;
let SymK: any;
let kindNames: Map<number, string>;
function init(): void {
  if (SK) return;
  const K = kusto();
  SK = K.Syntax.SyntaxKind;
  SymK = K.Symbols.SymbolKind;
  kindNames = new Map(
    Object.keys(SK)
      .filter((k) => typeof SK[k] === 'number')
      .map((k) => [SK[k], k]),
  );
}
export const kindName = (n: any): string => {
  init();
  return kindNames.get(n.Kind) ?? String(n.Kind);
};

// Kusto.Language's tree is read through Bridge.NET property getters, which cost more than the evaluation itself:
// what the walker reads repeatedly per row is cached per node (the tree is immutable).
const elemsCache = new WeakMap<object, any[]>();
const typeCache = new WeakMap<object, string>();
const columnsCache = new WeakMap<object, Column[] | null>();
/** a node's source text: Kusto builds it token by token on every ToString(), and the evaluator asks per row */
const textCache = new WeakMap<object, string>();
/** A property of a tree node, read once (kept on the node itself: the fastest cache there is). */
export function prop(n: any, name: string): any {
  let o = n.$btgProps;
  if (o === undefined) n.$btgProps = o = {};
  const v = o[name];
  if (v !== undefined) return v;
  return (o[name] = n[name] ?? null);
}

/** The elements of a SyntaxList (unwrapping SeparatedElement). */
export function elems(list: any): any[] {
  if (!list) return [];
  const hit = elemsCache.get(list);
  if (hit) return hit;
  const out: any[] = [];
  elemsCache.set(list, out);
  for (let i = 0; i < list.ChildCount; i++) {
    const c = list.GetChild(i);
    if (!c) continue;
    out.push(c.Kind === SK.SeparatedElement ? c.Element : c);
  }
  return out;
}

const typeName = (n: any): string => {
  if (!n) return 'dynamic';
  const hit = typeCache.get(n);
  if (hit) return hit;
  const t = n.ResultType;
  const name: string = t?.Name ?? 'unknown';
  const out = name === 'unknown' || name === 'error' ? 'dynamic' : name === 'int' ? 'long' : name;
  typeCache.set(n, out);
  return out;
};

/** Result columns the analyzer computed for a tabular node (undefined when open or not a table). */
function analyzerColumns(n: any): Column[] | undefined {
  if (!n) return undefined;
  const hit = columnsCache.get(n);
  if (hit !== undefined) return hit ?? undefined;
  const out = readColumns(n);
  columnsCache.set(n, out ?? null);
  return out;
}
function readColumns(n: any): Column[] | undefined {
  const t = n.ResultType;
  if (!t || !t.Columns || t.IsOpen) return undefined;
  const out: Column[] = [];
  const cols = t.Columns;
  for (let i = 0; i < cols.Count; i++) {
    const c = cols.getItem(i);
    out.push({ name: c.Name, type: c.Type?.Name === 'int' ? 'long' : (c.Type?.Name ?? 'dynamic') });
  }
  return out;
}

const text = (n: any): string => {
  const hit = textCache.get(n);
  if (hit !== undefined) return hit;
  const out = String(n.ToString()).trim();
  textCache.set(n, out);
  return out;
};

/** Three-valued and/or. */
const and3 = (a: KValue, b: KValue): KValue =>
  a === false || b === false ? false : a === null || b === null ? null : true;
const or3 = (a: KValue, b: KValue): KValue =>
  a === true || b === true ? true : a === null || b === null ? null : false;

/** A row that starts as a copy of `r` (its columns and ingestion time, read through the prototype: no copying). */
const newRow = (r?: Row): Row => Object.create(r ?? null) as Row;

export class Evaluator {
  constructor(
    private readonly query: string,
    private readonly env: EvalEnv,
  ) {
    init();
  }

  unsupported(what: string, n: any): never {
    const start = n?.TextStart ?? 0;
    const { line, col } = lineColOf(this.query, start);
    throw new NotSupportedOffline(what, start, line, col);
  }

  /** Run the query block; the result of its last expression statement. */
  run(root: any): Table {
    const scope = new Scope();
    let result: Table | undefined;
    for (const st of elems(prop(root, 'Statements'))) {
      switch (prop(st, 'Kind')) {
        case SK.LetStatement:
          this.bindLet(st, scope);
          break;
        case SK.ExpressionStatement:
          result = this.tabular(prop(st, 'Expression'), scope);
          break;
        case SK.QueryParametersStatement:
          for (const p of elems(prop(st, 'Parameters'))) {
            const name = prop(prop(prop(p, 'NameAndType'), 'Name'), 'SimpleName');
            const type = text(prop(prop(p, 'NameAndType'), 'Type'));
            const given = this.env.parameters?.[name];
            scope.set(name, { kind: 'scalar', value: given === undefined ? nullOf(type) : coerce(given, type) });
          }
          break;
        default:
          this.unsupported(`statement ${kindName(st)}`, st);
      }
    }
    if (!result) throw new KqlRuntimeError('the query has no tabular expression statement', 0);
    return result;
  }

  private bindLet(st: any, scope: Scope): void {
    const name: string = prop(prop(st, 'Name'), 'SimpleName');
    const e = prop(st, 'Expression');
    if (e.Kind === SK.FunctionDeclaration) {
      scope.set(name, { kind: 'function', node: e, scope });
      return;
    }
    if (this.isTabular(e)) scope.set(name, { kind: 'table', table: this.tabular(e, scope) });
    else scope.set(name, { kind: 'scalar', value: this.scalar(e, scope, undefined) });
  }

  private isTabular(e: any): boolean {
    const t = e.ResultType;
    return !!t && (t.Kind === SymK.Table || !!t.Columns);
  }

  // ---------------------------------------------------------------- tabular

  tabular(n: any, scope: Scope, input?: Table): Table {
    switch (prop(n, 'Kind')) {
      case SK.PipeExpression: {
        const left = this.tabular(prop(n, 'Expression'), scope, input);
        const out = this.operator(prop(n, 'Operator'), scope, left);
        this.env.trace?.(prop(n, 'Operator'), left.rows.length, out.rows.length);
        return out;
      }
      case SK.ParenthesizedExpression:
        return this.tabular(prop(n, 'Expression'), scope, input);
      case SK.NameReference:
        return this.tableRef(n, scope);
      case SK.FunctionCallExpression:
        return this.tableCall(n, scope);
      case SK.DataTableExpression:
        return this.datatable(n, scope);
      case SK.PrintOperator:
        return this.print(n, scope);
      case SK.UnionOperator:
        return this.union(n, scope, input);
      default:
        if (input) return this.operator(n, scope, input);
        return this.unsupported(`tabular expression ${kindName(n)}`, n);
    }
  }

  private tableRef(n: any, scope: Scope): Table {
    const name: string = prop(n, 'SimpleName');
    const b = scope.get(name);
    if (b?.kind === 'table') return b.table;
    if (b?.kind === 'function') return this.callUser(b, [], n, scope);
    const t = this.env.tables[name];
    if (t) return t;
    if (prop(n, 'ReferencedSymbol')?.Kind === SymK.Table) {
      const cols = analyzerColumns(n) ?? [];
      return { columns: cols, rows: [] };
    }
    return this.unsupported(`table reference ${name}`, n);
  }

  private tableCall(n: any, scope: Scope): Table {
    const name: string = prop(prop(n, 'Name'), 'SimpleName');
    const b = scope.get(name);
    const args = elems(prop(prop(n, 'ArgumentList'), 'Expressions'));
    if (b?.kind === 'function') return this.callUser(b, args, n, scope);
    const db = this.env.functions?.[name];
    if (db) return db(args.map((a) => this.scalar(a, scope, undefined)));
    return this.unsupported(`tabular function ${name}()`, n);
  }

  private callUser(b: Binding & { kind: 'function' }, args: any[], n: any, scope: Scope): any {
    const decl = b.node;
    const inner = new Scope(b.scope);
    const params = elems(prop(prop(decl, 'Parameters'), 'Parameters'));
    params.forEach((p, i) => {
      const pname = prop(prop(prop(p, 'NameAndType'), 'Name'), 'SimpleName');
      const arg = args[i] ?? prop(p, 'DefaultValue')?.Value;
      if (!arg) return inner.set(pname, { kind: 'scalar', value: null });
      if (this.isTabular(arg)) inner.set(pname, { kind: 'table', table: this.tabular(arg, scope) });
      else inner.set(pname, { kind: 'scalar', value: this.scalar(arg, scope, undefined) });
    });
    const body = prop(decl, 'Body');
    for (const st of elems(prop(body, 'Statements'))) {
      if (st.Kind === SK.LetStatement) this.bindLet(st, inner);
      else this.unsupported(`statement ${kindName(st)} in a function body`, st);
    }
    if (this.isTabular(prop(body, 'Expression'))) return this.tabular(prop(body, 'Expression'), inner);
    return this.scalar(prop(body, 'Expression'), inner, undefined);
  }

  private datatable(n: any, scope: Scope): Table {
    const columns: Column[] = elems(prop(n, 'Schema').Columns).map((c: any) => ({
      name: prop(prop(c, 'Name'), 'SimpleName'),
      type: text(prop(c, 'Type')) === 'int' ? 'long' : text(prop(c, 'Type')),
    }));
    const values = elems(prop(n, 'Values')).map((v: any) => this.scalar(v, scope, undefined));
    if (values.length % columns.length !== 0)
      throw new KqlRuntimeError(
        'datatable: the number of values is not a multiple of the columns',
        prop(n, 'TextStart'),
      );
    const rows: Row[] = [];
    for (let i = 0; i < values.length; i += columns.length) {
      const r = newRow();
      columns.forEach((c, j) => (r[c.name] = coerce(values[i + j], c.type)));
      rows.push(r);
    }
    return { columns, rows };
  }

  private print(n: any, scope: Scope): Table {
    const exprs = elems(prop(n, 'Expressions'));
    const names = analyzerColumns(n);
    const columns: Column[] = [];
    const r = newRow();
    exprs.forEach((e, i) => {
      const { name, value, type } = this.named(e, scope, undefined, names?.[i]?.name ?? `print_${i}`);
      columns.push({ name, type });
      r[name] = value;
    });
    return { columns, rows: [r] };
  }

  private union(n: any, scope: Scope, input?: Table): Table {
    for (const p of elems(prop(n, 'Parameters'))) this.unsupported(`union ${text(p)}`, p);
    let legs = elems(prop(n, 'Expressions')).map((e) => ({ node: e, table: () => this.tabular(e, scope) }));
    const m = this.env.mutation;
    if (m?.kind === 'drop-union-leg' && m.start === prop(n, 'TextStart')) legs = legs.filter((_l, i) => i !== m.index);
    const tables = [...(input ? [input] : []), ...legs.map((l) => l.table())];
    // columns of every leg by name; a name whose legs disagree on the type becomes one column per type, named
    // <name>_<type> as the engine names them (SigninLogs.Agent is dynamic, the non-interactive table's a string)
    const types = new Map<string, string[]>();
    for (const t of tables)
      for (const c of t.columns) {
        const ts = types.get(c.name);
        if (!ts) types.set(c.name, [c.type]);
        else if (!ts.includes(c.type)) ts.push(c.type);
      }
    const outName = (name: string, type: string) => ((types.get(name)?.length ?? 1) > 1 ? `${name}_${type}` : name);
    const columns: Column[] = [];
    for (const [name, ts] of types) for (const type of ts) columns.push({ name: outName(name, type), type });
    const conflicting = [...types.entries()].filter(([, ts]) => ts.length > 1).map(([name]) => name);
    const rows: Row[] = [];
    for (const t of tables) {
      const renamed = t.columns.filter((c) => outName(c.name, c.type) !== c.name);
      for (const r of t.rows) {
        const o = newRow(r);
        for (const c of renamed) o[outName(c.name, c.type)] = r[c.name];
        for (const c of columns) if (!(c.name in o)) o[c.name] = nullOf(c.type);
        // the leg's own column of a renamed name must not show through from its row (the prototype)
        for (const name of conflicting) if (name in o) o[name] = null;
        rows.push(o);
      }
    }
    return { columns, rows };
  }

  // ---------------------------------------------------------------- operators

  operator(op: any, scope: Scope, input: Table): Table {
    switch (prop(op, 'Kind')) {
      case SK.FilterOperator:
        return this.filter(op, scope, input);
      case SK.ExtendOperator:
        return this.extend(op, scope, input);
      case SK.ProjectOperator:
        return this.project(op, scope, input);
      case SK.ProjectAwayOperator:
        return this.projectAway(op, input);
      case SK.ProjectRenameOperator:
        return this.projectRename(op, input);
      case SK.SummarizeOperator:
        return this.summarize(op, scope, input);
      case SK.SortOperator:
        return this.sort(op, scope, input);
      case SK.TakeOperator:
        for (const p of elems(prop(op, 'Parameters'))) this.unsupported(`take ${text(p)}`, p);
        return {
          columns: input.columns,
          rows: input.rows.slice(0, Math.max(0, Number(this.scalar(prop(op, 'Expression'), scope, undefined)) || 0)),
        };
      case SK.TopOperator:
        return this.top(op, scope, input);
      case SK.DistinctOperator:
        return this.distinct(op, scope, input);
      case SK.CountOperator:
        return {
          columns: [{ name: prop(op, 'AsIdentifier') ? this.unsupported('count as', op) : 'Count', type: 'long' }],
          rows: [Object.assign(newRow(), { Count: input.rows.length })],
        };
      case SK.MvExpandOperator:
        return this.mvExpand(op, scope, input);
      case SK.MvApplyOperator:
        return this.mvApply(op, scope, input);
      case SK.JoinOperator:
        return this.join(op, scope, input);
      case SK.UnionOperator:
        return this.union(op, scope, input);
      default:
        return this.unsupported(`operator ${text(op).split(/\s/)[0] || kindName(op)}`, op);
    }
  }

  private filter(op: any, scope: Scope, input: Table): Table {
    for (const p of elems(prop(op, 'Parameters'))) this.unsupported(`where ${text(p)}`, p);
    const m = this.env.mutation;
    const here = m && m.start === prop(op, 'TextStart');
    if (here && m.kind === 'drop-where') return input;
    const negate = here && m.kind === 'negate-where';
    const rows = input.rows.filter((r) => {
      const v = this.scalar(prop(op, 'Condition'), scope, r);
      return negate ? v === false : v === true;
    });
    return { columns: input.columns, rows };
  }

  /** name, value and type of an (optionally named) expression in extend/project/summarize by/print. */
  private named(
    e: any,
    scope: Scope,
    row: Row | undefined,
    fallback: string,
  ): { name: string; value: KValue; type: string } {
    if (e.Kind === SK.SimpleNamedExpression)
      return {
        name: prop(prop(e, 'Name'), 'SimpleName'),
        value: this.scalar(prop(e, 'Expression'), scope, row),
        type: typeName(prop(e, 'Expression')),
      };
    if (e.Kind === SK.CompoundNamedExpression) return this.unsupported('(a, b) = tuple assignment', e);
    return { name: this.defaultName(e) ?? fallback, value: this.scalar(e, scope, row), type: typeName(e) };
  }

  /** Kusto's name for an unnamed expression: a column keeps its name; a path `a.b` becomes `a_b`. */
  private defaultName(e: any): string | undefined {
    if (e.Kind === SK.NameReference) return prop(e, 'SimpleName');
    if (e.Kind === SK.PathExpression) {
      const l = this.defaultName(prop(e, 'Expression'));
      const r = prop(e, 'Selector')?.SimpleName;
      return l && r ? `${l}_${r}` : undefined;
    }
    if (e.Kind === SK.FunctionCallExpression && prop(e, 'Name').SimpleName === 'bin') {
      const first = elems(prop(prop(e, 'ArgumentList'), 'Expressions'))[0];
      return first ? this.defaultName(first) : undefined;
    }
    return undefined;
  }

  private extend(op: any, scope: Scope, input: Table): Table {
    const exprs = elems(prop(op, 'Expressions'));
    const names = analyzerColumns(op);
    const columns = [...input.columns];
    const specs = exprs.map((e, i) => {
      let fallback = `Column${i + 1}`;
      if (names) fallback = names[input.columns.length + i]?.name ?? fallback;
      const name =
        e.Kind === SK.SimpleNamedExpression ? prop(prop(e, 'Name'), 'SimpleName') : (this.defaultName(e) ?? fallback);
      const type = typeName(e.Kind === SK.SimpleNamedExpression ? prop(e, 'Expression') : e);
      const at = columns.findIndex((c) => c.name === name);
      if (at >= 0) columns[at] = { name, type };
      else columns.push({ name, type });
      return { name, expr: e.Kind === SK.SimpleNamedExpression ? prop(e, 'Expression') : e };
    });
    const rows = input.rows.map((r) => {
      const o = newRow(r);
      for (const s of specs) o[s.name] = this.scalar(s.expr, scope, o);
      return o;
    });
    return { columns, rows };
  }

  private project(op: any, scope: Scope, input: Table): Table {
    const exprs = elems(prop(op, 'Expressions'));
    const names = analyzerColumns(op);
    const specs = exprs.map((e, i) => {
      const inner = e.Kind === SK.SimpleNamedExpression ? prop(e, 'Expression') : e;
      const name =
        e.Kind === SK.SimpleNamedExpression
          ? prop(prop(e, 'Name'), 'SimpleName')
          : (this.defaultName(e) ?? names?.[i]?.name ?? `Column${i + 1}`);
      if (inner.Kind === SK.NameReference && prop(inner, 'ReferencedSymbol')?.Kind === SymK.Column) {
        const col = input.columns.find((c) => c.name === prop(inner, 'SimpleName'));
        return { name, expr: inner, type: col?.type ?? typeName(inner) };
      }
      return { name, expr: inner, type: typeName(inner) };
    });
    const rows = input.rows.map((r) => {
      const o = newRow();
      if (r[INGESTION] !== undefined) o[INGESTION] = r[INGESTION];
      for (const s of specs) o[s.name] = this.scalar(s.expr, scope, r);
      return o;
    });
    return { columns: specs.map((s) => ({ name: s.name, type: s.type })), rows };
  }

  private columnPatterns(op: any): RegExp[] {
    return elems(prop(op, 'Expressions')).map((e: any) => {
      const t = text(e);
      return new RegExp(`^${t.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    });
  }

  private projectAway(op: any, input: Table): Table {
    const pats = this.columnPatterns(op);
    const columns = input.columns.filter((c) => !pats.some((p) => p.test(c.name)));
    const rows = input.rows.map((r) => {
      const o = newRow();
      if (r[INGESTION] !== undefined) o[INGESTION] = r[INGESTION];
      for (const c of columns) o[c.name] = r[c.name];
      return o;
    });
    return { columns, rows };
  }

  private projectRename(op: any, input: Table): Table {
    const renames = new Map<string, string>();
    for (const e of elems(prop(op, 'Expressions'))) {
      if (prop(e, 'Kind') !== SK.SimpleNamedExpression) this.unsupported('project-rename without =', e);
      renames.set(text(prop(e, 'Expression')), prop(prop(e, 'Name'), 'SimpleName'));
    }
    const columns = input.columns.map((c) => ({ ...c, name: renames.get(c.name) ?? c.name }));
    const rows = input.rows.map((r) => {
      const o = newRow();
      if (r[INGESTION] !== undefined) o[INGESTION] = r[INGESTION];
      for (const c of input.columns) o[renames.get(c.name) ?? c.name] = r[c.name];
      return o;
    });
    return { columns, rows };
  }

  private summarize(op: any, scope: Scope, input: Table): Table {
    for (const p of elems(prop(op, 'Parameters'))) this.unsupported(`summarize ${text(p)}`, p);
    const byExprs = prop(op, 'ByClause') ? elems(prop(prop(op, 'ByClause'), 'Expressions')) : [];
    const aggExprs = elems(prop(op, 'Aggregates'));
    const resultCols = analyzerColumns(op);
    type AggSpec =
      | { kind: 'plain'; fn: string; args: any[]; name: string; type: string; node: any }
      | { kind: 'arg'; sign: 1 | -1; by: any; outs: { name: string; expr?: any; star?: boolean }[]; node: any };
    // output columns: by-columns, then aggregates (arg_max expands into its columns)
    const byCols = byExprs.map((e, i) => {
      const inner = e.Kind === SK.SimpleNamedExpression ? prop(e, 'Expression') : e;
      const name =
        e.Kind === SK.SimpleNamedExpression
          ? prop(prop(e, 'Name'), 'SimpleName')
          : (this.defaultName(e) ?? resultCols?.[i]?.name ?? `Column${i + 1}`);
      return { name, expr: inner, type: typeName(inner) };
    });
    let pos = byCols.length;
    const aggs: AggSpec[] = aggExprs.map((e) => {
      const call = e.Kind === SK.SimpleNamedExpression ? prop(e, 'Expression') : e;
      if (prop(call, 'Kind') !== SK.FunctionCallExpression)
        return this.unsupported(`summarize expression ${text(call)}`, call);
      const fn: string = prop(prop(call, 'Name'), 'SimpleName');
      const args = elems(prop(prop(call, 'ArgumentList'), 'Expressions'));
      if (fn === 'arg_max' || fn === 'arg_min') {
        const outs: { name: string; expr?: any; star?: boolean }[] = [];
        const first = args[0];
        outs.push({
          name:
            e.Kind === SK.SimpleNamedExpression
              ? prop(prop(e, 'Name'), 'SimpleName')
              : (this.defaultName(first) ?? resultCols?.[pos]?.name ?? `${fn}_`),
          expr: first,
        });
        for (const a of args.slice(1)) {
          if (a.Kind === SK.StarExpression) outs.push({ name: '*', star: true });
          else
            outs.push({
              name:
                a.Kind === SK.SimpleNamedExpression
                  ? prop(prop(a, 'Name'), 'SimpleName')
                  : (this.defaultName(a) ?? `${fn}_${outs.length}`),
              expr: a.Kind === SK.SimpleNamedExpression ? prop(a, 'Expression') : a,
            });
        }
        pos += outs.length;
        return { kind: 'arg', sign: fn === 'arg_max' ? 1 : -1, by: first, outs, node: call };
      }
      if (!AGGREGATES[fn]) return this.unsupported(`aggregation ${fn}()`, call);
      const name =
        e.Kind === SK.SimpleNamedExpression
          ? prop(prop(e, 'Name'), 'SimpleName')
          : (resultCols?.[pos]?.name ?? `${fn}_`);
      pos++;
      return { kind: 'plain', fn, args, name, type: typeName(call), node: call };
    });

    const groups = new Map<string, { keys: KValue[]; rows: Row[] }>();
    const order: string[] = [];
    for (const r of input.rows) {
      const keys = byCols.map((b) => this.scalar(b.expr, scope, r));
      const k = keys.map(valueKey).join('\u0001');
      let g = groups.get(k);
      if (!g) {
        g = { keys, rows: [] };
        groups.set(k, g);
        order.push(k);
      }
      g.rows.push(r);
    }
    // summarize without by-columns yields one row even over no input
    if (byCols.length === 0 && groups.size === 0) {
      groups.set('', { keys: [], rows: [] });
      order.push('');
    }

    const columns: Column[] = byCols.map((b) => ({ name: b.name, type: b.type }));
    const starCols = input.columns.filter((c) => !byCols.some((b) => b.name === c.name));
    for (const a of aggs) {
      if (a.kind === 'plain') columns.push({ name: a.name, type: a.type });
      else
        for (const o of a.outs) {
          if (o.star) {
            for (const c of starCols) if (!columns.some((x) => x.name === c.name)) columns.push(c);
          } else if (!columns.some((x) => x.name === o.name)) columns.push({ name: o.name, type: typeName(o.expr) });
        }
    }

    const rows: Row[] = [];
    for (const k of order) {
      const g = groups.get(k)!;
      const out = newRow();
      byCols.forEach((b, i) => (out[b.name] = g.keys[i]));
      for (const a of aggs) {
        if (a.kind === 'plain') {
          const consts = a.args.map((x: any) => (x.IsConstant ? this.scalar(x, scope, undefined) : undefined));
          const st = AGGREGATES[a.fn].create(consts, a.type);
          for (const r of g.rows)
            st.add(
              a.args.map((x: any, i: number) => (consts[i] !== undefined ? consts[i] : this.scalar(x, scope, r))),
              r,
            );
          out[a.name] = st.result();
        } else {
          const st = argExtreme(a.sign);
          for (const r of g.rows) st.add(this.scalar(a.by, scope, r), r);
          const best = st.row() as Row | undefined;
          for (const o of a.outs) {
            if (o.star) {
              for (const c of starCols) if (!(c.name in out)) out[c.name] = best ? best[c.name] : nullOf(c.type);
            } else out[o.name] = best ? this.scalar(o.expr, scope, best) : nullOf(typeName(o.expr));
          }
        }
      }
      rows.push(out);
    }
    return { columns, rows };
  }

  private sortKeys(exprs: any[]): { expr: any; desc: boolean; nullsFirst: boolean }[] {
    return exprs.map((e) => {
      const ordered = e.Kind === SK.OrderedExpression;
      const inner = ordered ? prop(e, 'Expression') : e;
      const dir = ordered ? String(prop(e, 'Ordering')?.AscOrDescKeyword?.Text ?? 'desc').toLowerCase() : 'desc';
      const nullsText =
        ordered && prop(e, 'Ordering')?.NullsClause ? text(prop(prop(e, 'Ordering'), 'NullsClause')).toLowerCase() : '';
      const desc = dir !== 'asc';
      const nullsFirst = nullsText ? nullsText.includes('first') : !desc;
      return { expr: inner, desc, nullsFirst };
    });
  }

  private sortRows(rows: Row[], keys: { expr: any; desc: boolean; nullsFirst: boolean }[], scope: Scope): Row[] {
    const withKeys = rows.map((r, i) => ({ r, i, k: keys.map((s) => this.scalar(s.expr, scope, r)) }));
    withKeys.sort((a, b) => {
      for (let j = 0; j < keys.length; j++) {
        const x = a.k[j];
        const y = b.k[j];
        const xn = x === null;
        const yn = y === null;
        if (xn || yn) {
          if (xn && yn) continue;
          return (xn ? -1 : 1) * (keys[j].nullsFirst ? 1 : -1);
        }
        const c = compareValues(x, y);
        if (c !== 0) return keys[j].desc ? -c : c;
      }
      return a.i - b.i;
    });
    return withKeys.map((x) => x.r);
  }

  private sort(op: any, scope: Scope, input: Table): Table {
    for (const p of elems(prop(op, 'Parameters'))) this.unsupported(`sort ${text(p)}`, p);
    return {
      columns: input.columns,
      rows: this.sortRows(input.rows, this.sortKeys(elems(prop(op, 'Expressions'))), scope),
    };
  }

  private top(op: any, scope: Scope, input: Table): Table {
    const n = Number(this.scalar(prop(op, 'Expression'), scope, undefined)) || 0;
    const rows = this.sortRows(input.rows, this.sortKeys([prop(op, 'ByExpression')]), scope).slice(0, n);
    return { columns: input.columns, rows };
  }

  private distinct(op: any, scope: Scope, input: Table): Table {
    const exprs = elems(prop(op, 'Expressions'));
    if (exprs.length === 1 && exprs[0].Kind === SK.StarExpression) {
      const seen = new Set<string>();
      const rows = input.rows.filter((r) => {
        const k = input.columns.map((c) => valueKey(r[c.name])).join('\u0001');
        return seen.has(k) ? false : (seen.add(k), true);
      });
      return { columns: input.columns, rows };
    }
    const proj = this.project(op, scope, input);
    const seen = new Set<string>();
    const rows = proj.rows.filter((r) => {
      const k = proj.columns.map((c) => valueKey(r[c.name])).join('\u0001');
      return seen.has(k) ? false : (seen.add(k), true);
    });
    return { columns: proj.columns, rows: rows.map((r) => Object.assign(newRow(), r)) };
  }

  /** The items of one mv-expand / mv-apply value: arrays by element, bags by property ({key: value}), null once. */
  private expandItems(v: KValue): KValue[] {
    if (Array.isArray(v)) return v;
    if (isObject(v)) return Object.entries(v).map(([k, x]) => ({ [k]: x }) as KDynamic);
    return [v];
  }

  private expansions(op: any, _scope: Scope): { name: string; expr: any; type: string; node: any }[] {
    for (const p of elems(prop(op, 'Parameters')))
      this.unsupported(`${kindName(op) === 'MvApplyOperator' ? 'mv-apply' : 'mv-expand'} ${text(p)}`, p);
    if (prop(op, 'RowLimitClause')) this.unsupported('mv-expand limit', prop(op, 'RowLimitClause'));
    return elems(prop(op, 'Expressions')).map((x: any) => {
      const e = prop(x, 'Expression');
      const inner = e.Kind === SK.SimpleNamedExpression ? prop(e, 'Expression') : e;
      const name =
        e.Kind === SK.SimpleNamedExpression
          ? prop(prop(e, 'Name'), 'SimpleName')
          : (this.defaultName(inner) ?? this.unsupported('mv-expand of an unnamed expression', e));
      let type = 'dynamic';
      if (prop(x, 'ToTypeOf')) {
        const types = elems(prop(prop(prop(x, 'ToTypeOf'), 'TypeOf'), 'Types'));
        type = text(types[0]).replace(/^int$/, 'long');
      }
      return { name, expr: inner, type, node: x };
    });
  }

  /** Rows of one input row's expansion: the arrays expanded in parallel, missing values null. */
  private expandRow(r: Row, specs: { name: string; expr: any; type: string }[], scope: Scope): Row[] {
    const lists = specs.map((s) => {
      const v = this.scalar(s.expr, scope, r);
      return v === null ? [null] : this.expandItems(v);
    });
    const n = Math.max(0, ...lists.map((l) => l.length));
    const out: Row[] = [];
    for (let i = 0; i < n; i++) {
      const o = newRow(r);
      specs.forEach((s, j) => {
        const item = i < lists[j].length ? lists[j][i] : null;
        o[s.name] = s.type === 'dynamic' ? item : castTo(item, s.type);
      });
      out.push(o);
    }
    return out;
  }

  private expandedColumns(input: Table, specs: { name: string; type: string }[]): Column[] {
    const columns = [...input.columns];
    for (const s of specs) {
      const at = columns.findIndex((c) => c.name === s.name);
      if (at >= 0) columns[at] = { name: s.name, type: s.type };
      else columns.push({ name: s.name, type: s.type });
    }
    return columns;
  }

  private mvExpand(op: any, scope: Scope, input: Table): Table {
    const specs = this.expansions(op, scope);
    const rows = input.rows.flatMap((r) => this.expandRow(r, specs, scope));
    return { columns: this.expandedColumns(input, specs), rows };
  }

  private mvApply(op: any, scope: Scope, input: Table): Table {
    if (prop(op, 'ContextIdClause')) this.unsupported('mv-apply with context id', prop(op, 'ContextIdClause'));
    const specs = this.expansions(op, scope);
    const subColumns = this.expandedColumns(input, specs);
    const sub = prop(prop(op, 'Subquery'), 'Expression');
    const resultCols = analyzerColumns(op);
    let outColumns: Column[] | undefined;
    const rows: Row[] = [];
    for (const r of input.rows) {
      const t: Table = { columns: subColumns, rows: this.expandRow(r, specs, scope) };
      const res = this.tabular(sub, scope, t);
      if (!outColumns) {
        // the input's columns (expanded ones as the subquery left them), then the subquery's new columns
        const expanded = new Set(specs.map((s) => s.name));
        const resNames = new Set(res.columns.map((c) => c.name));
        outColumns = [
          ...input.columns
            .filter((c) => !expanded.has(c.name) || resNames.has(c.name))
            .map((c) => res.columns.find((x) => x.name === c.name) ?? c),
        ];
        for (const c of res.columns) if (!outColumns.some((x) => x.name === c.name)) outColumns.push(c);
        // the analyzer knows which input columns survive (an expanded column of the same name may stay as it was)
        if (resultCols)
          outColumns = resultCols.map(
            (c) => res.columns.find((x) => x.name === c.name) ?? input.columns.find((x) => x.name === c.name) ?? c,
          );
      }
      for (const s of res.rows) {
        const o = newRow(r);
        for (const c of outColumns) o[c.name] = c.name in s ? s[c.name] : (r[c.name] ?? nullOf(c.type));
        rows.push(o);
      }
    }
    if (!outColumns) {
      const res = this.tabular(sub, scope, { columns: subColumns, rows: [] });
      const expanded = new Set(specs.map((s) => s.name));
      outColumns = [
        ...input.columns.filter((c) => !expanded.has(c.name)),
        ...res.columns.filter((c) => !input.columns.some((x) => x.name === c.name)),
      ];
    }
    return { columns: outColumns, rows };
  }

  private join(op: any, scope: Scope, left: Table): Table {
    let kind = 'innerunique';
    for (const p of elems(prop(op, 'Parameters'))) {
      const name = text(prop(p, 'Name')).toLowerCase();
      const value = text(prop(p, 'Expression')).toLowerCase();
      if (name !== 'kind') this.unsupported(`join ${name}=${value}`, p);
      kind = value;
    }
    if (!JOIN_KINDS.has(kind)) this.unsupported(`join kind=${kind}`, op);
    if (kind === 'leftantisemi') kind = 'leftanti';
    if (kind === 'rightantisemi') kind = 'rightanti';
    const right = this.tabular(prop(op, 'Expression'), scope);
    const cond = prop(op, 'ConditionClause');
    if (!cond || prop(cond, 'Kind') !== SK.JoinOnClause) this.unsupported('join without on', op);
    const pairs: { l: string; r: string }[] = elems(prop(cond, 'Expressions')).map((e: any) => {
      if (e.Kind === SK.NameReference) return { l: prop(e, 'SimpleName'), r: prop(e, 'SimpleName') };
      if (e.Kind === SK.EqualExpression) {
        const side = (x: any) =>
          x.Kind === SK.PathExpression
            ? { side: text(prop(x, 'Expression')), col: prop(prop(x, 'Selector'), 'SimpleName') }
            : undefined;
        const a = side(prop(e, 'Left'));
        const b = side(prop(e, 'Right'));
        if (a && b && a.side === '$left' && b.side === '$right') return { l: a.col, r: b.col };
        if (a && b && a.side === '$right' && b.side === '$left') return { l: b.col, r: a.col };
      }
      return this.unsupported(`join condition ${text(e)}`, e);
    });
    const key = (r: Row, cols: string[]): string | undefined => {
      const ks: string[] = [];
      for (const c of cols) {
        const v = r[c] ?? null;
        if (v === null) return undefined;
        ks.push(valueKey(v));
      }
      return ks.join('\u0001');
    };
    let lrows = left.rows;
    if (kind === 'innerunique') {
      const seen = new Set<string>();
      lrows = lrows.filter((r) => {
        const k =
          key(
            r,
            pairs.map((p) => p.l),
          ) ?? `\u0002${Math.random()}`;
        return seen.has(k) ? false : (seen.add(k), true);
      });
      kind = 'inner';
    }
    const index = new Map<string, number[]>();
    right.rows.forEach((r, i) => {
      const k = key(
        r,
        pairs.map((p) => p.r),
      );
      if (k === undefined) return;
      const l = index.get(k);
      if (l) l.push(i);
      else index.set(k, [i]);
    });
    const matchedRight = new Set<number>();
    const leftOnly = ['leftanti', 'leftsemi'].includes(kind);
    const rightOnly = ['rightanti', 'rightsemi'].includes(kind);
    if (leftOnly) {
      const rows = lrows.filter((r) => {
        const k = key(
          r,
          pairs.map((p) => p.l),
        );
        const hit = k !== undefined && index.has(k);
        return kind === 'leftsemi' ? hit : !hit;
      });
      return { columns: left.columns, rows };
    }
    if (rightOnly) {
      const lkeys = new Set(
        lrows
          .map((r) =>
            key(
              r,
              pairs.map((p) => p.l),
            ),
          )
          .filter((k): k is string => k !== undefined),
      );
      const rows = right.rows.filter((r) => {
        const k = key(
          r,
          pairs.map((p) => p.r),
        );
        const hit = k !== undefined && lkeys.has(k);
        return kind === 'rightsemi' ? hit : !hit;
      });
      return { columns: right.columns, rows };
    }
    // output: left columns, then right columns renamed on collision (Kusto appends 1, 2 ...), except that an
    // equi-join key of the same name on both sides is kept once only for kinds that drop it: Kusto keeps both
    const leftNames = new Set(left.columns.map((c) => c.name));
    const rightMap = right.columns.map((c) => {
      let name = c.name;
      for (let i = 1; leftNames.has(name); i++) name = `${c.name}${i}`;
      leftNames.add(name);
      return { from: c.name, to: name, type: c.type };
    });
    const columns = [...left.columns, ...rightMap.map((m) => ({ name: m.to, type: m.type }))];
    const rows: Row[] = [];
    const emit = (l: Row | undefined, r: Row | undefined) => {
      const o = newRow();
      for (const c of left.columns) o[c.name] = l ? l[c.name] : nullOf(c.type);
      for (const m of rightMap) o[m.to] = r ? r[m.from] : nullOf(m.type);
      rows.push(o);
    };
    for (const l of lrows) {
      const k = key(
        l,
        pairs.map((p) => p.l),
      );
      const hits = k === undefined ? undefined : index.get(k);
      if (hits) for (const i of hits) (matchedRight.add(i), emit(l, right.rows[i]));
      else if (kind === 'leftouter' || kind === 'fullouter') emit(l, undefined);
    }
    if (kind === 'rightouter' || kind === 'fullouter')
      right.rows.forEach((r, i) => !matchedRight.has(i) && emit(undefined, r));
    return { columns, rows };
  }

  // ---------------------------------------------------------------- scalars

  scalar(n: any, scope: Scope, row: Row | undefined): KValue {
    switch (prop(n, 'Kind')) {
      case SK.LongLiteralExpression:
      case SK.IntLiteralExpression:
      case SK.RealLiteralExpression:
      case SK.DecimalLiteralExpression: {
        const v = n.LiteralValue;
        return v === null || v === undefined ? null : Number(String(v));
      }
      case SK.StringLiteralExpression:
        return String(n.LiteralValue ?? '');
      case SK.BooleanLiteralExpression: {
        const v = n.LiteralValue;
        return v === null || v === undefined ? null : String(v) === 'True';
      }
      case SK.GuidLiteralExpression: {
        const v = n.LiteralValue;
        return v === null || v === undefined ? null : String(v).toLowerCase();
      }
      case SK.DateTimeLiteralExpression: {
        const inner = /^datetime\s*\((.*)\)$/is.exec(text(n));
        const body = inner ? inner[1].trim() : text(n);
        if (body.toLowerCase() === 'null') return null;
        const ms = parseDatetimeText(body);
        if (ms === undefined) return this.unsupported(`datetime literal ${text(n)}`, n);
        return new KDate(ms);
      }
      case SK.TimespanLiteralExpression: {
        const t = text(n);
        const inner = /^(?:time|timespan)\s*\((.*)\)$/is.exec(t);
        const body = inner ? inner[1].trim() : t;
        if (body.toLowerCase() === 'null') return null;
        const ms = parseTimespanText(body);
        if (ms === undefined) return this.unsupported(`timespan literal ${t}`, n);
        return new KSpan(ms);
      }
      case SK.TokenLiteralExpression: {
        // typed null literals like long(null), dynamic(null) ...
        return null;
      }
      case SK.DynamicExpression:
        return this.dynamicLiteral(prop(n, 'Expression'));
      case SK.ParenthesizedExpression:
        return this.scalar(prop(n, 'Expression'), scope, row);
      case SK.NameReference:
        return this.nameValue(n, scope, row);
      case SK.PathExpression: {
        const base = this.scalar(prop(n, 'Expression'), scope, row);
        const key: string =
          prop(prop(n, 'Selector'), 'SimpleName') ?? text(prop(n, 'Selector')).replace(/^\[['"]|['"]\]$/g, '');
        return isObject(base) && Object.prototype.hasOwnProperty.call(base, key) ? base[key] : null;
      }
      case SK.ElementExpression: {
        const base = this.scalar(prop(n, 'Expression'), scope, row);
        const idx = this.scalar(prop(prop(n, 'Selector'), 'Expression'), scope, row);
        if (Array.isArray(base) && typeof idx === 'number') {
          const i = idx < 0 ? base.length + idx : idx;
          return i >= 0 && i < base.length ? base[i] : null;
        }
        if (isObject(base) && typeof idx === 'string')
          return Object.prototype.hasOwnProperty.call(base, idx) ? base[idx] : null;
        return null;
      }
      case SK.FunctionCallExpression:
        return this.call(n, scope, row);
      case SK.ToScalarExpression: {
        if (prop(n, 'KindParameter'))
          this.unsupported(`toscalar ${text(prop(n, 'KindParameter'))}`, prop(n, 'KindParameter'));
        const t = this.tabular(prop(n, 'Expression'), scope);
        const first = t.rows[0];
        const c = t.columns[0];
        return first && c ? (first[c.name] ?? null) : null;
      }
      case SK.AndExpression:
        return and3(this.scalar(prop(n, 'Left'), scope, row), this.scalar(prop(n, 'Right'), scope, row));
      case SK.OrExpression:
        return or3(this.scalar(prop(n, 'Left'), scope, row), this.scalar(prop(n, 'Right'), scope, row));
      case SK.UnaryMinusExpression: {
        const v = this.scalar(prop(n, 'Expression'), scope, row);
        return typeof v === 'number' ? -v : v instanceof KSpan ? new KSpan(-v.ms) : null;
      }
      case SK.UnaryPlusExpression:
        return this.scalar(prop(n, 'Expression'), scope, row);
      case SK.BetweenExpression:
      case SK.NotBetweenExpression: {
        const v = this.scalar(prop(n, 'Left'), scope, row);
        const lo = this.scalar(prop(prop(n, 'Right'), 'First'), scope, row);
        let hi = this.scalar(prop(prop(n, 'Right'), 'Second'), scope, row);
        // `between (datetime .. timespan)`: the upper bound is the lower plus the span
        if (lo instanceof KDate && hi instanceof KSpan) hi = new KDate(lo.ms + hi.ms);
        if (v === null || lo === null || hi === null) return null;
        const inside = compareValues(v, lo) >= 0 && compareValues(v, hi) <= 0;
        return n.Kind === SK.BetweenExpression ? inside : !inside;
      }
      case SK.InExpression:
      case SK.NotInExpression:
      case SK.InCsExpression:
      case SK.NotInCsExpression:
        return this.inOp(n, scope, row);
      case SK.HasAnyExpression:
      case SK.HasAllExpression:
        return this.hasAnyAll(n, scope, row);
      default:
        return this.binary(n, scope, row);
    }
  }

  private dynamicLiteral(n: any): KValue {
    switch (prop(n, 'Kind')) {
      case SK.JsonArrayExpression:
        return elems(prop(n, 'Values')).map((v: any) => this.dynamicLiteral(v) as KDynamic);
      case SK.JsonObjectExpression: {
        const o: Record<string, KDynamic> = {};
        for (const p of elems(prop(n, 'Pairs')))
          o[String(prop(p, 'Name').LiteralValue ?? text(prop(p, 'Name')).replace(/^["']|["']$/g, ''))] =
            this.dynamicLiteral(prop(p, 'Value')) as KDynamic;
        return o;
      }
      case SK.NullLiteralExpression:
      case SK.TokenLiteralExpression:
        return null;
      default:
        if (/^null$/i.test(text(n))) return null;
        return this.scalar(n, new Scope(), undefined);
    }
  }

  private nameValue(n: any, scope: Scope, row: Row | undefined): KValue {
    const sym = prop(n, 'ReferencedSymbol');
    const name: string = prop(n, 'SimpleName');
    if (sym?.Kind === SymK.Column) {
      if (row && name in row) return row[name] ?? null;
      return nullOf(typeName(n));
    }
    const b = scope.get(name);
    if (b?.kind === 'scalar') return b.value;
    if (b?.kind === 'function') return this.callUser(b, [], n, scope);
    if (row && name in row) return row[name] ?? null;
    if (b?.kind === 'table') return this.unsupported(`tabular ${name} in a scalar context`, n);
    return this.unsupported(`name ${name}`, n);
  }

  private call(n: any, scope: Scope, row: Row | undefined): KValue {
    const name: string = prop(prop(n, 'Name'), 'SimpleName');
    const argNodes = elems(prop(prop(n, 'ArgumentList'), 'Expressions'));
    const b = scope.get(name);
    if (b?.kind === 'function') return this.callUser(b, argNodes, n, scope);
    if (name === 'ingestion_time') {
      const t = row?.[INGESTION];
      return t === undefined ? null : new KDate(t);
    }
    const fn = SCALAR_FUNCTIONS[name];
    if (!fn) return this.unsupported(`${name}()`, n);
    const args = argNodes.map((a) => this.scalar(a, scope, row));
    const facts: CallFacts = { now: this.env.now, argTypes: argNodes.map(typeName), resultType: typeName(n) };
    try {
      return fn(args, facts);
    } catch (e) {
      if (e instanceof UnsupportedArgument) return this.unsupported((e as Error).message, n);
      throw e;
    }
  }

  private inList(n: any, scope: Scope, row: Row | undefined): KValue[] {
    const out: KValue[] = [];
    for (const e of elems(prop(prop(n, 'Right'), 'Expressions'))) {
      if (this.isTabular(e)) {
        const t = this.tabular(e, scope);
        const c = t.columns[0];
        if (c) for (const r of t.rows) out.push(r[c.name] ?? null);
        continue;
      }
      const v = this.scalar(e, scope, row);
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
    return out;
  }

  private inOp(n: any, scope: Scope, row: Row | undefined): KValue {
    let kind = prop(n, 'Kind');
    const m = this.env.mutation;
    if (m?.kind === 'swap-in' && m.start === prop(n, 'TextStart'))
      kind = {
        [SK.InExpression]: SK.NotInExpression,
        [SK.NotInExpression]: SK.InExpression,
        [SK.InCsExpression]: SK.NotInCsExpression,
        [SK.NotInCsExpression]: SK.InCsExpression,
      }[kind];
    const v = this.scalar(prop(n, 'Left'), scope, row);
    const list = this.inList(n, scope, row);
    const ci = kind === SK.InCsExpression || kind === SK.NotInCsExpression; // InCs is `in~` in Kusto.Language's naming
    let hit = false;
    if (v !== null) {
      for (const x of list) {
        if (x === null) continue;
        if (ci ? equalsCi(toKString(v), toKString(x)) : kEquals(v, x) === true) {
          hit = true;
          break;
        }
      }
    }
    if (v === null && !ci) return kind === SK.InExpression ? false : true;
    const positive = kind === SK.InExpression || kind === SK.InCsExpression;
    return positive ? hit : !hit;
  }

  private hasAnyAll(n: any, scope: Scope, row: Row | undefined): KValue {
    const hay = toKString(this.scalar(prop(n, 'Left'), scope, row));
    const list = this.inList(n, scope, row).map(toKString);
    return n.Kind === SK.HasAnyExpression ? list.some((x) => hasTerm(hay, x)) : list.every((x) => hasTerm(hay, x));
  }

  private binary(n: any, scope: Scope, row: Row | undefined): KValue {
    let kind = prop(n, 'Kind');
    const m = this.env.mutation;
    if (m && m.start === prop(n, 'TextStart')) {
      if (m.kind === 'swap-eq') kind = SWAP_EQ()[kind] ?? kind;
      else if (m.kind === 'swap-has') kind = SWAP_HAS()[kind] ?? kind;
    }
    const op = BINARY()[kind];
    if (!op)
      return this.unsupported(
        `${kindName(n).replace(/Expression$/, '')} ${prop(n, 'Operator') ? text(prop(n, 'Operator')) : ''}`.trim(),
        n,
      );
    let l = this.scalar(prop(n, 'Left'), scope, row);
    let r = this.scalar(prop(n, 'Right'), scope, row);
    if (m?.kind === 'threshold' && m.start === prop(n, 'TextStart')) [l, r] = applyThreshold(m, l, r);
    return op(l, r, n);
  }
}

/** Cast an expanded item to `to typeof(T)`: a cast, not a parse; items that do not fit become null. */
function castTo(v: KValue, type: string): KValue {
  if (v === null) return nullOf(type);
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : toKString(v);
    case 'long':
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'real':
      return typeof v === 'number' ? v : null;
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    default:
      return coerce(v, type);
  }
}

const isStr = (v: KValue) => typeof v === 'string';
const S = (v: KValue) => toKString(v);

function arith(op: '+' | '-' | '*' | '/' | '%') {
  return (a: KValue, b: KValue, n: any): KValue => {
    if (a === null || b === null) return null;
    const integer = typeName(n) === 'long';
    if (a instanceof KDate && b instanceof KSpan)
      return op === '+' ? new KDate(a.ms + b.ms) : op === '-' ? new KDate(a.ms - b.ms) : null;
    if (a instanceof KSpan && b instanceof KDate) return op === '+' ? new KDate(a.ms + b.ms) : null;
    if (a instanceof KDate && b instanceof KDate) return op === '-' ? new KSpan(a.ms - b.ms) : null;
    if (a instanceof KSpan && b instanceof KSpan) {
      if (op === '+') return new KSpan(a.ms + b.ms);
      if (op === '-') return new KSpan(a.ms - b.ms);
      if (op === '/') return a.ms / b.ms;
      if (op === '%') return new KSpan(a.ms % b.ms);
      return null;
    }
    if (a instanceof KSpan && typeof b === 'number')
      return op === '*' ? new KSpan(a.ms * b) : op === '/' ? new KSpan(a.ms / b) : null;
    if (typeof a === 'number' && b instanceof KSpan) return op === '*' ? new KSpan(a * b.ms) : null;
    if (typeof a !== 'number' || typeof b !== 'number') return null;
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (integer) return b === 0 ? null : Math.trunc(a / b);
        return a / b;
      case '%':
        return b === 0 ? null : a % b;
    }
  };
}

function cmp(test: (c: number) => boolean) {
  return (a: KValue, b: KValue): KValue => {
    if (a === null || b === null) return null;
    if (typeof a === 'number' && typeof b === 'number') return test(a - b);
    if ((a instanceof KDate && b instanceof KDate) || (a instanceof KSpan && b instanceof KSpan))
      return test(a.ms - b.ms);
    if (isStr(a) && isStr(b)) return test(a < b ? -1 : a > b ? 1 : 0);
    return null;
  };
}

const eq = (a: KValue, b: KValue): KValue => kEquals(a, b);
const neq = (a: KValue, b: KValue): KValue => {
  const e = kEquals(a, b);
  return e === null ? null : !e;
};
const str2 =
  (f: (a: string, b: string) => boolean) =>
  (a: KValue, b: KValue): KValue =>
    f(S(a), S(b));
const not2 =
  (f: (a: string, b: string) => boolean) =>
  (a: KValue, b: KValue): KValue =>
    !f(S(a), S(b));

let BINARY_TABLE: Record<number, (a: KValue, b: KValue, n: any) => KValue> | undefined;
function BINARY(): Record<number, (a: KValue, b: KValue, n: any) => KValue> {
  if (BINARY_TABLE) return BINARY_TABLE;
  init();
  BINARY_TABLE = {
    [SK.AddExpression]: arith('+'),
    [SK.SubtractExpression]: arith('-'),
    [SK.MultiplyExpression]: arith('*'),
    [SK.DivideExpression]: arith('/'),
    [SK.ModuloExpression]: arith('%'),
    [SK.LessThanExpression]: cmp((c) => c < 0),
    [SK.LessThanOrEqualExpression]: cmp((c) => c <= 0),
    [SK.GreaterThanExpression]: cmp((c) => c > 0),
    [SK.GreaterThanOrEqualExpression]: cmp((c) => c >= 0),
    [SK.EqualExpression]: eq,
    [SK.NotEqualExpression]: neq,
    [SK.EqualTildeExpression]: str2((a, b) => equalsCi(a, b)),
    [SK.BangTildeExpression]: not2((a, b) => equalsCi(a, b)),
    [SK.HasExpression]: str2((a, b) => hasTerm(a, b)),
    [SK.NotHasExpression]: not2((a, b) => hasTerm(a, b)),
    [SK.HasCsExpression]: str2((a, b) => hasTerm(a, b, true)),
    [SK.NotHasCsExpression]: not2((a, b) => hasTerm(a, b, true)),
    [SK.HasPrefixExpression]: str2((a, b) => hasPrefix(a, b)),
    [SK.NotHasPrefixExpression]: not2((a, b) => hasPrefix(a, b)),
    [SK.HasSuffixExpression]: str2((a, b) => hasSuffix(a, b)),
    [SK.NotHasSuffixExpression]: not2((a, b) => hasSuffix(a, b)),
    [SK.ContainsExpression]: str2((a, b) => contains(a, b)),
    [SK.NotContainsExpression]: not2((a, b) => contains(a, b)),
    [SK.ContainsCsExpression]: str2((a, b) => contains(a, b, true)),
    [SK.NotContainsCsExpression]: not2((a, b) => contains(a, b, true)),
    [SK.StartsWithExpression]: str2((a, b) => startsWith(a, b)),
    [SK.NotStartsWithExpression]: not2((a, b) => startsWith(a, b)),
    [SK.StartsWithCsExpression]: str2((a, b) => startsWith(a, b, true)),
    [SK.NotStartsWithCsExpression]: not2((a, b) => startsWith(a, b, true)),
    [SK.EndsWithExpression]: str2((a, b) => endsWith(a, b)),
    [SK.NotEndsWithExpression]: not2((a, b) => endsWith(a, b)),
    [SK.EndsWithCsExpression]: str2((a, b) => endsWith(a, b, true)),
    [SK.NotEndsWithCsExpression]: not2((a, b) => endsWith(a, b, true)),
  };
  return BINARY_TABLE;
}

function SWAP_EQ(): Record<number, number> {
  return {
    [SK.EqualExpression]: SK.NotEqualExpression,
    [SK.NotEqualExpression]: SK.EqualExpression,
    [SK.EqualTildeExpression]: SK.BangTildeExpression,
    [SK.BangTildeExpression]: SK.EqualTildeExpression,
  };
}
function SWAP_HAS(): Record<number, number> {
  return {
    [SK.HasExpression]: SK.NotHasExpression,
    [SK.NotHasExpression]: SK.HasExpression,
    [SK.ContainsExpression]: SK.NotContainsExpression,
    [SK.NotContainsExpression]: SK.ContainsExpression,
    [SK.StartsWithExpression]: SK.NotStartsWithExpression,
    [SK.NotStartsWithExpression]: SK.StartsWithExpression,
  };
}

/** Syntax kinds the walker implements (checkSupported refuses the rest up front). */
export function supportedBinaryKind(kind: number): boolean {
  return kind in BINARY();
}
export { toBool };
