/** Validate a whole pack: every query analysed once, every check run, diagnostics collected for all items. */
import { Pack } from '../content/pack';
import { KqlAnalyzer } from '../kql/analyzer';
import { Diagnostic } from '../core/diagnostic';
import { validateAcross, validateHunting, validateRule } from './run';
import { validateTestRows } from './testRows';
import { monitorAlertValidator, playbookValidator, routineValidator, workbookValidator } from './extras';

/** Validators of other content kinds (workbook, playbooks, monitor alert) register here. */
export type PackValidator = (pack: Pack, analyzer: KqlAnalyzer) => Diagnostic[];
export const EXTRA_VALIDATORS: PackValidator[] = [
  validateTestRows,
  workbookValidator,
  playbookValidator,
  monitorAlertValidator,
  routineValidator,
];

export function validatePack(pack: Pack, analyzer: KqlAnalyzer): Diagnostic[] {
  const out: Diagnostic[] = [...pack.diagnostics];
  for (const r of pack.rules) out.push(...validateRule(r, analyzer));
  for (const h of pack.hunting) out.push(...validateHunting(h, analyzer));
  out.push(...validateAcross([...pack.rules, ...pack.hunting]));
  for (const v of EXTRA_VALIDATORS) out.push(...v(pack, analyzer));
  return out;
}
