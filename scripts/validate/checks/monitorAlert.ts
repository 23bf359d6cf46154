/** Checks of the Azure Monitor alert: the guidance's settings, the configured suppression, and the account filter. */
import { Config } from '../../config/schema';
import { MonitorAlertContent } from '../../content/monitorAlert';
import { KqlAnalysis } from '../../kql/analyzer';
import { durationMinutes } from '../../kql/literals';
import { defineChecks, Finding } from './types';

export interface MonitorFinding extends Finding {
  /** the path is in the config file, not in the alert template */
  inConfig?: boolean;
}
export interface MonitorCheckContext {
  config: Config;
  analysis?: KqlAnalysis;
}

const minutes = (iso: string): number | undefined => {
  try {
    return durationMinutes(iso);
  } catch {
    return undefined;
  }
};

export const monitorAlertChecks = defineChecks<MonitorAlertContent, MonitorCheckContext, MonitorFinding>()({
  'monitor-alert-settings': {
    fn: (m, ctx) => {
      const f: MonitorFinding[] = [];
      const freq = minutes(m.alert.evaluationFrequency);
      const win = minutes(m.alert.windowSize);
      if (freq !== undefined && win !== undefined && freq > win)
        f.push({
          path: ['evaluationFrequency'],
          message: `evaluationFrequency ${m.alert.evaluationFrequency} is longer than windowSize ${m.alert.windowSize}: sign-ins between two windows would never alert`,
        });
      const mute = ctx.config.options.monitorAlert.muteActionsDuration;
      if (mute !== undefined) {
        const mm = minutes(mute);
        if (mm === undefined || mm < 5 || mm > 2 * 24 * 60)
          f.push({
            inConfig: true,
            path: ['options', 'monitorAlert', 'muteActionsDuration'],
            message: `options.monitorAlert.muteActionsDuration: expected an ISO-8601 duration from PT5M to P2D, got ${JSON.stringify(mute)}`,
          });
      }
      if (ctx.config.options.monitorAlert.enabled && ctx.config.notify.emails.length === 0) {
        f.push({
          inConfig: true,
          severity: 'warning',
          path: ['notify', 'emails'],
          message: 'notify.emails is empty: the Azure Monitor alert fires but mails nobody',
        });
      }
      return f;
    },
  },
  'monitor-alert-account-filter': {
    fn: (m, ctx) =>
      ctx.analysis && !ctx.analysis.unknownTables.length && !ctx.analysis.filterVariables.includes('BtgAccountIds')
        ? [
            {
              path: ['query'],
              message:
                'the query never filters on BtgAccountIds: add {{> btgAccounts}} and | where tolower(UserId) in (BtgAccountIds)',
            },
          ]
        : [],
  },
});
export type MonitorCheckId = keyof typeof monitorAlertChecks;
