/** Validate the Azure Monitor alert: its query analysed, then the monitor checks. */
import { Config } from '../config/schema';
import { MonitorAlertContent } from '../content/monitorAlert';
import { KqlAnalyzer } from '../kql/analyzer';
import { MonitorCheckContext, monitorAlertChecks, MonitorFinding } from './checks/monitorAlert';
import { Diagnostic } from '../core/diagnostic';
import { kqlDiagnostics } from './run';
import { runChecks, Target } from './runner';

export function validateMonitorAlert(
  m: MonitorAlertContent,
  config: Config,
  configFile: string,
  analyzer: KqlAnalyzer,
): Diagnostic[] {
  const analysis = analyzer.analyze(m.query.text);
  const out = kqlDiagnostics(m.query, analysis, m.templateId);
  // a finding about the config's options lands in the config file (no range: the config's source is not at hand)
  const inConfig: Target = { item: m.templateId, file: configFile };
  const inTemplate: Target = { item: m.templateId, file: m.file, source: m.source };
  out.push(
    ...runChecks<MonitorAlertContent, MonitorCheckContext, MonitorFinding>(
      monitorAlertChecks,
      m,
      { config, analysis },
      (f) => (f.inConfig ? inConfig : inTemplate),
    ),
  );
  return out;
}
