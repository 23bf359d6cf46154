/** Validate a whole pack: every query analysed once, every check run, diagnostics collected for all items. */
import { Pack } from '../content/pack';
import { KqlAnalysis, KqlAnalyzer } from '../kql/analyzer';
import { HuntingItem, RuleItem } from '../content/items';
import { Diagnostic } from '../core/diagnostic';
import { validateDetections } from './run';
import { validateMonitorAlert } from './monitorAlert';
import { analyzePlaybookQueries, validatePlaybook } from './playbook';
import { validateWorkbook } from './workbook';

/** The workbooks' load problems and the findings of the workbook checks. */
export function validateWorkbooks(pack: Pick<Pack, 'workbooks' | 'diagnostics'>, analyzer: KqlAnalyzer): Diagnostic[] {
  return [...pack.diagnostics.workbooks, ...pack.workbooks.flatMap((wb) => validateWorkbook(wb, analyzer))];
}

/** The playbooks' load problems, their queries' KQL diagnostics and the findings of the playbook checks. */
export function validatePlaybooks(
  pack: Pick<Pack, 'playbooks' | 'playbookQueries' | 'diagnostics'>,
  analyzer: KqlAnalyzer,
): Diagnostic[] {
  const { analyses, diagnostics } = analyzePlaybookQueries([...pack.playbookQueries], analyzer);
  return [
    ...pack.diagnostics.playbooks,
    ...diagnostics,
    ...pack.playbooks.flatMap((pb) => validatePlaybook(pb, { analyses })),
  ];
}

/** The Monitor alerts' load problems and the findings of the Monitor alert checks. */
export function validateMonitorAlerts(
  pack: Pick<Pack, 'monitorAlerts' | 'diagnostics' | 'config' | 'configFile'>,
  analyzer: KqlAnalyzer,
): Diagnostic[] {
  return [
    ...pack.diagnostics.monitorAlerts,
    ...pack.monitorAlerts.flatMap((m) => validateMonitorAlert(m, pack.config, pack.configFile, analyzer)),
  ];
}

/** Validators of the kinds beyond rules and hunting queries, in report order. */
export type PackValidator = (pack: Pack, analyzer: KqlAnalyzer) => Diagnostic[];
export const KIND_VALIDATORS: PackValidator[] = [
  validateWorkbooks,
  validatePlaybooks,
  validateMonitorAlerts,
  (pack) => [...pack.diagnostics.routines],
];

export interface PackValidation {
  diagnostics: Diagnostic[];
  /** the analysis of each rule's and hunting query's KQL */
  analyses: ReadonlyMap<RuleItem | HuntingItem, KqlAnalysis>;
}

/**
 * Every check over the pack. The analyses of the rules' and hunting queries' KQL are returned (keyed by item) for
 * emit and the report; the pack is not written to.
 */
export function validatePack(pack: Pack, analyzer: KqlAnalyzer): PackValidation {
  const detections = validateDetections(pack.rules, pack.hunting, analyzer);
  const diagnostics: Diagnostic[] = [
    ...pack.diagnostics.rules,
    ...pack.diagnostics.hunting,
    ...pack.diagnostics.config,
    ...detections.diagnostics,
  ];
  for (const v of KIND_VALIDATORS) diagnostics.push(...v(pack, analyzer));
  return { diagnostics, analyses: detections.analyses };
}
