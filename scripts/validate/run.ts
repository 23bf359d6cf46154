/** The validation runner: analyse each query, run the checks, attach locations. Pure over loaded items. */
import { HuntingItem, QueryText, RuleItem } from '../content/items';
import { lineText, rangeOfPath, YamlSource } from '../core/yamlSource';
import { KqlAnalysis, KqlAnalyzer } from '../kql/analyzer';
import { Diagnostic } from '../core/diagnostic';
import { packChecks } from './checks/pack';
import { ruleChecks } from './checks/rule';
import { ciChecks } from './checks/ci';
import { huntingChecks } from './checks/hunting';
import { testRowChecks } from './testRows';
import { EXTRAS_CATALOGUE } from './checks/extrasCatalogue';
import { Check, Finding } from './checks/types';
import { renderedDiagnosticAt } from '../content/locate';
import { TACTICS } from '../content/attack';

/** Every check id with its description and help (for SARIF rules and docs). */
export const CHECK_CATALOGUE: Record<string, { description: string; help: string }> = {
  'config-schema': {
    description: 'config file matches the schema',
    help: 'btg.config.yaml must match the documented schema: keys, types and forms.',
  },
  'config-duplicate-account': {
    description: 'account object ids and UPNs are unique',
    help: 'Each break-glass account appears once.',
  },
  'config-account-count': {
    description: 'at least two break-glass accounts',
    help: 'Microsoft recommends two or more emergency access accounts.',
  },
  'config-duplicate-workspace': {
    description: 'workspaces are listed once',
    help: 'A workspace listed twice would be deployed twice.',
  },
  'config-auth-methods': {
    description: "allowed authentication methods follow Microsoft's emergency-access guidance",
    help: 'A warning for each options.allowedAuthMethods entry other than FIDO2 security key and X.509 Certificate (certificate-based authentication): "Manage emergency access accounts in Microsoft Entra ID" recommends these because passkeys on phones and Windows Hello are bound to one person\'s device.',
  },
  'config-approver-is-account': {
    description: 'no break-glass account approves its own use',
    help: 'A custodian or identity owner (notify.identityOwners) that is one of the break-glass accounts could confirm its own use: approvals must come from people with their own accounts.',
  },
  'config-unknown-rule': {
    description: 'rule overrides name existing rules',
    help: 'options.rules keys must be rule template ids.',
  },
  'yaml-syntax': { description: 'the file is valid YAML', help: 'The file could not be parsed as YAML.' },
  'file-read': { description: 'the file can be read', help: 'The file could not be read.' },
  'rule-schema': {
    description: 'rule file has the Azure-Sentinel structure',
    help: 'Required keys, types and kinds of an Azure-Sentinel analytic rule.',
  },
  'hunting-schema': {
    description: 'hunting query file has the Azure-Sentinel structure',
    help: 'Required keys and types of a hunting query.',
  },
  'template-render': {
    description: 'templates render',
    help: 'A template failed to render: a raw {{value}} interpolation, a missing value, or a helper given a bad value.',
  },
  'kql-semantic': {
    description: 'the query is valid KQL for the declared tables',
    help: "Parsed and analysed by Microsoft's Kusto.Language analyzer against the bundled table schemas.",
  },
  'kql-unknown-table': {
    description: 'every table in the query has a schema',
    help: 'The analyzer has no schema for this table: pass --schemas <dir> with Azure-Sentinel custom-table JSON files.',
  },
  'file-size': {
    description: 'a content file is at most 5 MB',
    help: 'Files over 5 MB are not parsed (a published rule is a few KB); the run goes on with the other files.',
  },
  'file-encoding': {
    description: 'a content file is UTF-8',
    help: 'Rule and hunting YAML must be UTF-8 (a BOM is allowed); re-save the file as UTF-8.',
  },
  'internal-error': {
    description: 'validating a file did not fail unexpectedly',
    help: 'An unexpected failure while validating this file; the other files were still validated. Please report it with the file.',
  },
  'content-moved': {
    description: 'a file with no query is a "moved" stub (info)',
    help: 'Azure-Sentinel leaves a stub (id, name, a description with the new location) where content moved into a solution; it has nothing to validate and its id is not counted as a duplicate.',
  },
  'rule-kind': {
    description: 'kind is a rule kind, spelled as the service spells it',
    help: 'Scheduled and NRT rules are fully checked. Fusion, MicrosoftSecurityIncidentCreation, ThreatIntelligence, MLBehaviorAnalytics and Anomaly are built-in kinds with no query: only their id (GUID), kind and field types are checked (an info note says so). Kinds are case-sensitive (Azure-Sentinel CI RuleKindsAreValid).',
  },
  'schema-file': {
    description: '--schemas files are readable custom-table, function or parser declarations',
    help: 'A --schemas file that cannot be read, or a column type that is not a Kusto type, is reported for that file (a repeated column is a warning); the other files still load.',
  },
  usage: {
    description: 'the files to validate exist',
    help: 'A missing path, a folder with no *.yaml/*.yml or a pattern that matches nothing is a usage error (exit 2).',
  },
  ...EXTRAS_CATALOGUE,
  ...Object.fromEntries(
    Object.entries({ ...ruleChecks, ...ciChecks, ...huntingChecks, ...packChecks, ...testRowChecks }).map(([k, v]) => [
      k,
      { description: v.description, help: v.help },
    ]),
  ),
};

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

function toDiagnostic(
  src: YamlSource,
  q: QueryText,
  code: string,
  check: Check<unknown>,
  f: Finding,
  item: string,
): Diagnostic {
  const severity = f.severity ?? check.severity;
  if (f.query) return renderedDiagnosticAt(q, f.query.start, f.query.length, code, severity, f.message, item);
  const range = rangeOfPath(src, f.path ?? []);
  return {
    code,
    severity,
    message: f.message,
    file: src.file,
    path: f.path,
    range,
    item,
    sourceLine: range ? lineText(src, range.start.line) : undefined,
  };
}

export function analyzeItem(item: RuleItem | HuntingItem, analyzer: KqlAnalyzer): Diagnostic[] {
  item.analysis = analyzer.analyze(item.query.text);
  return kqlDiagnostics(item.query, item.analysis, item.templateId);
}

/** Analyse one rule and run every rule check on it. */
export function validateRule(item: RuleItem, analyzer: KqlAnalyzer): Diagnostic[] {
  const out = item.analysis ? kqlDiagnostics(item.query, item.analysis, item.templateId) : analyzeItem(item, analyzer);
  for (const [code, check] of Object.entries({ ...ruleChecks, ...ciChecks })) {
    for (const f of (check as Check<RuleItem>).fn(item, undefined))
      out.push(toDiagnostic(item.source, item.query, code, check as Check<unknown>, f, item.templateId));
  }
  return out;
}

/** Rule checks that also apply to a hunting query's fields (entity mappings and techniques), reported as warnings at most. */
const HUNTING_RULE_CHECKS = ['rule-entity-mappings', 'rule-entity-column', 'rule-techniques'] as const;

/** A user's own hunting query: KQL (errors), its fields, and the entity/technique rule checks as warnings. */
export function validateUserHunting(item: HuntingItem, analyzer: KqlAnalyzer): Diagnostic[] {
  const out = item.analysis ? kqlDiagnostics(item.query, item.analysis, item.templateId) : analyzeItem(item, analyzer);
  for (const [code, check] of Object.entries(huntingChecks)) {
    for (const f of (check as Check<HuntingItem>).fn(item, undefined))
      out.push(toDiagnostic(item.source, item.query, code, check as Check<unknown>, f, item.templateId));
  }
  // tactics as the rule checks expect them (canonical names), so technique/tactic consistency is judged on meaning
  const tactics = item.hunting.tactics.map(
    (t) =>
      TACTICS.find(
        (x) =>
          x.toLowerCase() ===
          String(t)
            .replace(/[\s_-]+/g, '')
            .toLowerCase(),
      ) ?? t,
  );
  const asRule = { ...item, rule: { ...item.hunting, tactics, kind: 'Hunting' } } as unknown as RuleItem;
  for (const code of HUNTING_RULE_CHECKS) {
    const check = ruleChecks[code] as Check<RuleItem>;
    for (const f of check.fn(asRule, undefined)) {
      const d = toDiagnostic(item.source, item.query, code, check as Check<unknown>, f, item.templateId);
      if (d.severity === 'error') d.severity = 'warning';
      out.push(d);
    }
  }
  return out;
}

export function validateHunting(item: HuntingItem, analyzer: KqlAnalyzer): Diagnostic[] {
  return item.analysis ? kqlDiagnostics(item.query, item.analysis, item.templateId) : analyzeItem(item, analyzer);
}

/** Cross-item checks; call after every item was analysed. */
export function validateAcross(items: (RuleItem | HuntingItem)[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [code, check] of Object.entries(packChecks)) {
    for (const f of check.fn(items))
      out.push(toDiagnostic(f.item.source, f.item.query, code, check as Check<unknown>, f, f.item.templateId));
  }
  return out;
}
