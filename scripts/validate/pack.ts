/** Validate a whole pack: every query analysed once, every check run, diagnostics collected for all items. */
import { Pack } from '../content/pack';
import { KqlAnalyzer } from '../kql/analyzer';
import { Diagnostic } from '../core/diagnostic';
import { validateAcross, validateHunting, validateRule } from './run';
import { validateTestRows } from './testRows';
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
  validateTestRows,
  validateWorkbooks,
  validatePlaybooks,
  validateMonitorAlerts,
  (pack) => [...pack.diagnostics.routines],
];

export function validatePack(pack: Pack, analyzer: KqlAnalyzer): Diagnostic[] {
  const out: Diagnostic[] = [...pack.diagnostics.rules, ...pack.diagnostics.hunting, ...pack.diagnostics.config];
  for (const r of pack.rules) out.push(...validateRule(r, analyzer));
  for (const h of pack.hunting) out.push(...validateHunting(h, analyzer));
  out.push(...validateAcross([...pack.rules, ...pack.hunting]));
  for (const v of KIND_VALIDATORS) out.push(...v(pack, analyzer));
  return out;
}
