/** Validate the Azure Monitor alert: its query analysed, then the monitor checks. */
import { Config } from '../config/schema';
import { MonitorAlertContent } from '../content/monitorAlert';
import { lineText, rangeOfPath } from '../core/yamlSource';
import { KqlAnalyzer } from '../kql/analyzer';
import { monitorAlertChecks, MonitorFinding } from './checks/monitorAlert';
import { Check } from './checks/types';
import { Diagnostic } from '../core/diagnostic';
import { kqlDiagnostics } from './run';

export function validateMonitorAlert(
  m: MonitorAlertContent,
  config: Config,
  configFile: string,
  analyzer: KqlAnalyzer,
): Diagnostic[] {
  const analysis = analyzer.analyze(m.query.text);
  const out = kqlDiagnostics(m.query, analysis, m.templateId);
  for (const [code, check] of Object.entries(monitorAlertChecks)) {
    for (const f of check.fn(m, { config, analysis }) as MonitorFinding[]) {
      const severity = f.severity ?? (check as Check<unknown>).severity;
      if (f.inConfig) {
        out.push({ code, severity, message: f.message, file: configFile, path: f.path, item: m.templateId });
        continue;
      }
      const range = rangeOfPath(m.source, f.path ?? []);
      out.push({
        code,
        severity,
        message: f.message,
        file: m.file,
        path: f.path,
        range,
        item: m.templateId,
        sourceLine: range ? lineText(m.source, range.start.line) : undefined,
      });
    }
  }
  return out;
}
