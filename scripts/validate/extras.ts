/**
 * The validators of the content around the detections, one per kind, registered in EXTRA_VALIDATORS. Each reports
 * its kind's load problems and the findings of its checks over the pack's rendered extras.
 */
import { packExtras, PackExtras } from '../content/extras';
import { Pack } from '../content/pack';
import { KqlAnalyzer } from '../kql/analyzer';
import { Diagnostic } from '../core/diagnostic';
import { validateMonitorAlert } from './monitorAlert';
import { analyzePlaybookQueries, validatePlaybook } from './playbook';
import { validateWorkbook } from './workbook';

export function validateWorkbooks(extras: PackExtras, analyzer: KqlAnalyzer): Diagnostic[] {
  return [...extras.diagnostics.workbooks, ...extras.workbooks.flatMap((wb) => validateWorkbook(wb, analyzer))];
}

export function validatePlaybooks(extras: PackExtras, analyzer: KqlAnalyzer): Diagnostic[] {
  const { analyses, diagnostics } = analyzePlaybookQueries(extras.playbookQueries, analyzer);
  return [
    ...extras.diagnostics.playbooks,
    ...diagnostics,
    ...extras.playbooks.flatMap((pb) => validatePlaybook(pb, { analyses })),
  ];
}

export function validateMonitorAlerts(extras: PackExtras, pack: Pack, analyzer: KqlAnalyzer): Diagnostic[] {
  return [
    ...extras.diagnostics.monitorAlerts,
    ...extras.monitorAlerts.flatMap((m) => validateMonitorAlert(m, pack.config, pack.configFile, analyzer)),
  ];
}

export const workbookValidator = (pack: Pack, analyzer: KqlAnalyzer): Diagnostic[] =>
  validateWorkbooks(packExtras(pack), analyzer);
export const playbookValidator = (pack: Pack, analyzer: KqlAnalyzer): Diagnostic[] =>
  validatePlaybooks(packExtras(pack), analyzer);
export const monitorAlertValidator = (pack: Pack, analyzer: KqlAnalyzer): Diagnostic[] =>
  validateMonitorAlerts(packExtras(pack), pack, analyzer);
export const routineValidator = (pack: Pack): Diagnostic[] => packExtras(pack).diagnostics.routines;
