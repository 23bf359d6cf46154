/** Validation of rules and hunting queries: analyse each query once, run the registered checks through the runner. */
import { HuntingItem, QueryText, RuleItem } from '../content/items';
import { KqlAnalysis, KqlAnalyzer } from '../kql/analyzer';
import { Diagnostic } from '../core/diagnostic';
import { PackContext, packChecks } from './checks/pack';
import { ruleChecks } from './checks/rule';
import { ciChecks } from './checks/ci';
import { canonicalTactic, huntingChecks } from './checks/hunting';
import { testRowChecks, TestRowsContext } from './testRows';
import { renderedDiagnosticAt } from '../content/locate';
import { runChecks, Target } from './runner';

/**
 * `X.prop` where X was assigned `column_ifexists("X", <default>)`: when X exists the engine returns that column (a
 * dynamic column from mv-expand, say) with its own type, while Kusto.Language types the result as the default
 * (a string) and reports the member as unknown (KS142). Azure-Sentinel's analyzer has the same gap (its skip list
 * names these rules). Such a member access is not reported.
 */
function columnIfExistsMember(text: string, start: number): boolean {
  const before = /([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*$/.exec(text.slice(Math.max(0, start - 200), start));
  if (!before) return false;
  const name = before[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b${name}\\s*=\\s*column_?ifexists\\s*\\(\\s*['"]${name}['"]`).test(text);
}

/** Analyzer diagnostics → pack diagnostics; an unknown table is reported once and its cascade dropped. */
export function kqlDiagnostics(q: QueryText, analysis: KqlAnalysis, item?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const d of analysis.diagnostics) {
    if (d.severity !== 'error') continue;
    if (d.code === 'KS204') {
      const name = /'([^']+)'/.exec(d.message)?.[1] ?? '?';
      if (reported.has(name)) continue;
      reported.add(name);
      out.push(
        renderedDiagnosticAt(
          q,
          d.start,
          d.length,
          'kql-unknown-table',
          'error',
          `no schema for table '${name}': pass --schemas <dir> with its Azure-Sentinel custom-table JSON (columns were not checked)`,
          item,
        ),
      );
      continue;
    }
    // with a table unknown, column errors are a cascade of that one problem
    if (analysis.unknownTables.length && (d.code === 'KS142' || d.code === 'KS109' || d.code === 'KS107')) continue;
    if (d.code === 'KS142' && columnIfExistsMember(q.text, d.start)) continue;
    out.push(renderedDiagnosticAt(q, d.start, d.length, 'kql-semantic', 'error', `${d.code}: ${d.message}`, item));
  }
  return out;
}

/** Where a finding about a rule or hunting query lands: its YAML (paths) or its query (offsets). */
export const itemTarget = (item: RuleItem | HuntingItem): Target => ({
  item: item.templateId,
  file: item.source.file,
  source: item.source,
  query: item.query,
});

/** The KQL diagnostics of a rule and the findings of every rule and CI check, given its query's analysis. */
export function checkRule(item: RuleItem, analysis: KqlAnalysis | undefined): Diagnostic[] {
  const target = itemTarget(item);
  return [
    ...(analysis ? kqlDiagnostics(item.query, analysis, item.templateId) : []),
    ...runChecks(ruleChecks, item, { analysis }, () => target),
    ...runChecks(ciChecks, item, { analysis }, () => target),
  ];
}

/** Analyse one rule and run every rule check on it. */
export function validateRule(item: RuleItem, analyzer: KqlAnalyzer): Diagnostic[] {
  return checkRule(item, analyzer.analyze(item.query.text));
}

/** Rule checks that also apply to a hunting query's fields (entity mappings and techniques), reported as warnings at most. */
const HUNTING_RULE_CHECKS = ['rule-entity-mappings', 'rule-entity-column', 'rule-techniques'] as const;

/** A user's own hunting query: KQL (errors), its fields, and the entity/technique rule checks as warnings. */
export function validateUserHunting(item: HuntingItem, analyzer: KqlAnalyzer): Diagnostic[] {
  const analysis = analyzer.analyze(item.query.text);
  const target = itemTarget(item);
  const out = [
    ...kqlDiagnostics(item.query, analysis, item.templateId),
    ...runChecks(huntingChecks, item, { analysis }, () => target),
  ];
  // tactics as the rule checks expect them (canonical names), so technique/tactic consistency is judged on meaning
  const tactics = item.hunting.tactics.map((t) => canonicalTactic(String(t)) ?? t);
  const asRule = { ...item, rule: { ...item.hunting, tactics, kind: 'Hunting' } } as unknown as RuleItem;
  for (const d of runChecks(ruleChecks, asRule, { analysis }, () => target, HUNTING_RULE_CHECKS))
    out.push(d.severity === 'error' ? { ...d, severity: 'warning' } : d);
  return out;
}

/**
 * The detections of a pack: every rule and hunting query analysed once, the KQL diagnostics, the rule checks, the
 * cross-item checks and the test rows. Returns the analyses too (emit and the report read them; nothing is written
 * into the items).
 */
export function validateDetections(
  rules: readonly RuleItem[],
  hunting: readonly HuntingItem[],
  analyzer: KqlAnalyzer,
): { diagnostics: Diagnostic[]; analyses: ReadonlyMap<RuleItem | HuntingItem, KqlAnalysis> } {
  const analyses = new Map<RuleItem | HuntingItem, KqlAnalysis>();
  const diagnostics: Diagnostic[] = [];
  for (const r of rules) {
    const a = analyzer.analyze(r.query.text);
    analyses.set(r, a);
    diagnostics.push(...checkRule(r, a));
  }
  for (const h of hunting) {
    const a = analyzer.analyze(h.query.text);
    analyses.set(h, a);
    diagnostics.push(...kqlDiagnostics(h.query, a, h.templateId));
  }
  diagnostics.push(...checkAcross([...rules, ...hunting], { analyses }));
  for (const r of rules) diagnostics.push(...checkTestRows(r, { analysis: analyses.get(r), schemas: analyzer.tables }));
  return { diagnostics, analyses };
}

/** Cross-item checks (uniqueness, the pack's invariants) over analysed items. */
export function checkAcross(items: readonly (RuleItem | HuntingItem)[], ctx: PackContext): Diagnostic[] {
  return runChecks(packChecks, items, ctx, (f) => itemTarget(f.item));
}

/** A pack rule's test rows against the tables its query reads (located at the offending key). */
export function checkTestRows(item: RuleItem, ctx: TestRowsContext): Diagnostic[] {
  const target = { ...itemTarget(item), file: item.file, atKey: true };
  return runChecks(testRowChecks, item, ctx, () => target);
}
