/**
 * The test plan: for every rule with `tests:`, one shadow query per case, validated offline (hermetic analysis:
 * no analyzer error, nothing read but the shadow lets, each shadow datatable typed exactly as the table schema).
 * `btg test` reports the plan; `btg test --live` runs the valid cases (run.ts).
 */
import { Config } from '../config/schema';
import { RuleItem } from '../content/items';
import { Column, TableSchemas } from '../kql/schemas';
import { renderedDiagnosticAt } from '../content/locate';
import { defaultAnalyzer, KqlAnalyzer } from '../kql/analyzer';
import { AccountMap, AccountRef } from './accounts';
import { analyzeHermetic, HermeticAnalysis } from './hermetic';
import { ShadowOptions, shadowQuery, ShadowQuery, WATCHLIST_FUNCTION_NAME, WATCHLIST_SHADOW_COLUMNS } from './shadow';
import { ruleTrigger, testWindow, Trigger } from './trigger';

export interface PlannedCase {
  templateId: string;
  name: string;
  expect: 'fire' | 'no-fire';
  shadow: ShadowQuery;
  /** everything that keeps the case from running: shadowing problems, then validation problems */
  problems: string[];
  skipReason?: string;
  /** query API time range */
  timespan: { startTime: Date; endTime: Date };
}

export interface PlannedRule {
  templateId: string;
  name: string;
  kind: 'Scheduled' | 'NRT';
  file: string;
  trigger: Trigger;
  /** the rule's queryPeriod (NRT: 1d): the query API timespan ending now */
  window: string;
  tables: string[];
  cases: PlannedCase[];
}

export interface TestPlan {
  now: Date;
  rules: PlannedRule[];
  /** things the reader should know (rules without tests, options that differ from the tests' assumptions) */
  notes: string[];
}

export interface PlanInput {
  rules: readonly RuleItem[];
  schemas: TableSchemas;
  now: Date;
  accounts?: AccountMap;
  /** accounts a shadowed `_GetWatchlist` returns */
  watchlistAccounts?: readonly AccountRef[];
  /** only these template ids */
  only?: readonly string[];
  /**
   * false: skip the hermetic analysis of the shadow queries (what a live run needs); the tables a rule reads come
   * from the analyzer's bindings of its query. For offline execution, which does not run the shadow text.
   */
  validate?: boolean;
  /** the analyzer for `validate: false` (default: the bundled schemas') */
  analyzer?: KqlAnalyzer;
}

const sameColumns = (a: readonly Column[], b: readonly Column[]) =>
  a.length === b.length && a.every((c, i) => c.name === b[i].name && c.type === b[i].type);

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/**
 * Problems with a generated shadow query, by hermetic analysis.
 *
 * `scope: 'full'` analyses the whole text: no error (errors inside the rule's own query are mapped back to its
 * template file:line:col through `item`), nothing read but the shadow lets, result `(Count:long)`, and each shadow
 * datatable typed exactly as its table schema, value by value.
 * `scope: 'lets'` analyses only the shadow lets (the datatable checks). The Kusto analyzer costs ~0.1-0.5 s per
 * rule query, so the plan analyses each rule's query once, in a full check of the rule's shadow with empty tables,
 * and each case's lets alone: a case's query differs from that one only in datatable VALUES, which cannot change
 * what a name binds to or a column's type once the lets check proves the columns and value types exact.
 */
export function validateShadow(
  shadow: ShadowQuery,
  schemas: TableSchemas,
  item?: RuleItem,
  scope: 'full' | 'lets' = 'full',
): string[] {
  return checkShadow(shadow, schemas, item, scope)?.problems ?? [];
}

function checkShadow(
  shadow: ShadowQuery,
  schemas: TableSchemas,
  item: RuleItem | undefined,
  scope: 'full' | 'lets',
): { problems: string[]; analysis: HermeticAnalysis } | undefined {
  if (!shadow.text) return undefined;
  const problems: string[] = [];
  const text = scope === 'full' ? shadow.text : `${shadow.text.slice(0, shadow.ruleOffset)}print BtgShadowLets = 1\n`;
  const a = analyzeHermetic(text);
  const ruleEnd = shadow.ruleOffset + (item?.query.text.replace(/\s+$/, '').length ?? 0);
  for (const d of a.diagnostics.filter((x) => x.severity === 'error')) {
    let where = `shadow query ${lineCol(text, d.start)}`;
    if (item && d.start >= shadow.ruleOffset && d.start < ruleEnd) {
      const diag = renderedDiagnosticAt(
        item.query,
        d.start - shadow.ruleOffset,
        d.length,
        'kql-semantic',
        'error',
        d.message,
      );
      if (diag.range) where = `${diag.file}:${diag.range.start.line + 1}:${diag.range.start.character + 1}`;
    }
    problems.push(`${where}: ${d.code} ${d.message}`);
  }
  for (const r of a.implicitReads)
    problems.push(
      `shadow query ${lineCol(text, r.start)}: reads data by a name resolved at run time (${r.text.trim()}), which a let cannot shadow`,
    );
  // only the shadow's own datatables (before the rule's query; a rule may declare datatables of its own)
  const ours = a.datatables.filter((d) => d.start < shadow.ruleOffset);
  for (const t of shadow.tables) {
    const dts = ours.filter((d) => d.letName === t.name);
    if (dts.length !== 1) {
      problems.push(`table ${t.name}: expected one shadow datatable, found ${dts.length}`);
      continue;
    }
    const dt = dts[0];
    const schema = schemas[t.name];
    if (!sameColumns(dt.columns, schema)) {
      const diff = schema
        .map((c, i) =>
          dt.columns[i]?.name === c.name && dt.columns[i]?.type === c.type
            ? ''
            : `${c.name}:${c.type} declared as ${dt.columns[i] ? `${dt.columns[i].name}:${dt.columns[i].type}` : 'nothing'}`,
        )
        .filter(Boolean);
      problems.push(
        `table ${t.name}: shadow datatable columns differ from the schema (${diff.slice(0, 5).join('; ')}${diff.length > 5 ? ` +${diff.length - 5} more` : ''}${dt.columns.length > schema.length ? `; ${dt.columns.length - schema.length} extra` : ''})`,
      );
      continue;
    }
    if (dt.valueTypes.length !== t.rows * schema.length) {
      problems.push(`table ${t.name}: ${dt.valueTypes.length} values for ${t.rows} row(s) of ${schema.length} columns`);
      continue;
    }
    dt.valueTypes.forEach((vt, i) => {
      const c = schema[i % schema.length];
      if (vt !== c.type)
        problems.push(`${t.name}[${Math.floor(i / schema.length)}].${c.name}: value typed ${vt} in a ${c.type} column`);
    });
  }
  const wl = ours.filter((d) => d.letName === undefined);
  for (const d of wl)
    if (!sameColumns(d.columns, WATCHLIST_SHADOW_COLUMNS))
      problems.push(
        `${WATCHLIST_FUNCTION_NAME} shadow: unexpected columns ${d.columns.map((c) => `${c.name}:${c.type}`).join(', ')}`,
      );
  if (scope === 'full' && !(a.columns.length === 1 && a.columns[0].name === 'Count' && a.columns[0].type === 'long')) {
    problems.push(
      `shadow query result is (${a.columns.map((c) => `${c.name}:${c.type}`).join(', ')}), expected (Count:long)`,
    );
  }
  return { problems, analysis: a };
}

const wordIn = (name: string, text: string) =>
  new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`).test(text);

export interface RuleShadowing {
  /** schema tables the rule's query reads by name */
  tables: string[];
  /** whether it calls `_GetWatchlist` (watchlist mode) */
  readsWatchlist: boolean;
  /** why its tests cannot be shadowed or its query is not valid in shadow */
  problems: string[];
}

/**
 * What the rule reads, and whether its query is valid in shadow, from ONE hermetic analysis: the rule's query
 * shadowed by an empty datatable for every schema table its text names (a superset: a name in a comment costs an
 * unused let). The tables it reads are the shadows the analysis sees referenced; a table with no schema stays
 * unresolved (KS204), a workspace function unknown (KS211).
 */
export function analyzeRule(item: RuleItem, schemas: TableSchemas, opts: ShadowOptions): RuleShadowing {
  const query = item.query.text;
  const candidates = Object.keys(schemas).filter((t) => wordIn(t, query));
  const mentionsWatchlist = wordIn(WATCHLIST_FUNCTION_NAME, query);
  const structure = shadowQuery(
    { templateId: item.templateId, query, readTables: candidates, readsWatchlist: mentionsWatchlist },
    { name: '(structure)', expect: 'no-fire', tables: {} },
    schemas,
    opts,
  );
  const checked = checkShadow(structure, schemas, item, 'full');
  const problems = [...structure.problems, ...(checked?.problems ?? [])];
  const a = checked?.analysis;
  for (const t of a?.unresolvedTables ?? [])
    problems.push(`the rule reads ${t}, which has no schema, so it cannot be shadowed (add one with --schemas)`);
  for (const f of a?.unresolvedFunctions ?? [])
    problems.push(`the rule calls workspace function ${f}, which a test cannot shadow`);
  const referenced = new Set(a?.referenced ?? []);
  return {
    tables: candidates.filter((t) => referenced.has(t)),
    readsWatchlist: mentionsWatchlist && referenced.has(WATCHLIST_FUNCTION_NAME),
    problems,
  };
}

/** The tables a rule reads, from the analyzer's bindings of its query (no hermetic shadow analysis). */
function boundReads(item: RuleItem, schemas: TableSchemas, analyzer: KqlAnalyzer): RuleShadowing {
  const a = analyzer.analyze(item.query.text);
  const problems = a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
  return {
    tables: a.tables.filter((t) => schemas[t]),
    readsWatchlist: wordIn(WATCHLIST_FUNCTION_NAME, item.query.text),
    problems,
  };
}

export function planTests(input: PlanInput): TestPlan {
  const notes: string[] = [];
  const rules: PlannedRule[] = [];
  const only = input.only ? new Set(input.only) : undefined;
  if (only)
    for (const id of only)
      if (!input.rules.some((r) => r.templateId === id))
        notes.push(
          `--rule ${id}: no such rule in the pack (known: ${input.rules.map((r) => r.templateId).join(', ')})`,
        );
  for (const item of input.rules) {
    if (only && !only.has(item.templateId)) continue;
    const trigger = ruleTrigger(item.rule);
    const window = testWindow(item.rule, input.now);
    if (item.tests.length === 0) notes.push(`${item.templateId}: no tests`);
    const shadowOpts: ShadowOptions = {
      now: input.now,
      accounts: input.accounts,
      watchlistAccounts: input.watchlistAccounts,
    };
    // the rule's query is analysed once, in its shadow with empty tables; each case then checks its own lets
    const reads: RuleShadowing = !item.tests.length
      ? { tables: [], readsWatchlist: false, problems: [] }
      : input.validate === false
        ? boundReads(item, input.schemas, input.analyzer ?? defaultAnalyzer())
        : analyzeRule(item, input.schemas, shadowOpts);
    const shadowRule = {
      templateId: item.templateId,
      query: item.query.text,
      readTables: reads.tables,
      readsWatchlist: reads.readsWatchlist,
    };
    const cases = item.tests.map((test): PlannedCase => {
      const shadow = shadowQuery(shadowRule, test, input.schemas, shadowOpts);
      const problems = [
        ...reads.problems,
        ...shadow.problems,
        ...(input.validate === false ? [] : validateShadow(shadow, input.schemas, item, 'lets')),
      ];
      return {
        templateId: item.templateId,
        name: test.name,
        expect: test.expect,
        shadow,
        problems,
        skipReason: shadow.skipReason,
        timespan: { startTime: window.startTime, endTime: window.endTime },
      };
    });
    rules.push({
      templateId: item.templateId,
      name: item.rule.name,
      kind: item.rule.kind,
      file: item.file,
      trigger,
      window: window.period,
      tables: reads.tables,
      cases,
    });
  }
  return { now: input.now, rules, notes };
}

/**
 * Config options the pack's tests assume (they are written for examples/btg.config.yaml): where the user's differ,
 * a case may legitimately come out differently, and the report says so.
 */
export function optionNotes(config: Config, example: Config): string[] {
  const notes: string[] = [];
  const show = (v: unknown) => JSON.stringify(v);
  const diff = (what: string, mine: unknown, theirs: unknown) => {
    if (show(mine) !== show(theirs))
      notes.push(
        `options.${what} is ${show(mine)}; the pack's tests are written for ${show(theirs)} (examples/btg.config.yaml), so a case that depends on it may differ`,
      );
  };
  diff('failedSignInThreshold', config.options.failedSignInThreshold, example.options.failedSignInThreshold);
  diff(
    'allowedAuthMethods',
    [...config.options.allowedAuthMethods].sort(),
    [...example.options.allowedAuthMethods].sort(),
  );
  diff('expectedLocations', config.options.expectedLocations ?? null, example.options.expectedLocations ?? null);
  diff('testIntervalDays', config.options.testIntervalDays, example.options.testIntervalDays);
  return notes;
}
