/** Checks of the Azure Monitor alert: the guidance's settings, the configured suppression, and the account filter. */
import { Config } from '../../config/schema';
import { MonitorAlertContent } from '../../content/monitorAlert';
import { KqlAnalysis } from '../../kql/analyzer';
import { durationMinutes } from '../../kql/literals';
import { Check, Finding } from './types';

export interface MonitorFinding extends Finding {
  /** the path is in the config file, not in the alert template */
  inConfig?: boolean;
}
export interface MonitorCheckContext {
  config: Config;
  analysis?: KqlAnalysis;
}
type MonitorCheck = Check<MonitorAlertContent, MonitorCheckContext> & {
  fn: (m: MonitorAlertContent, ctx: MonitorCheckContext) => MonitorFinding[];
};

const minutes = (iso: string): number | undefined => {
  try {
    return durationMinutes(iso);
  } catch {
    return undefined;
  }
};

export const monitorAlertChecks = {
  'monitor-alert-settings': {
    description:
      'the Azure Monitor alert evaluates often enough, suppresses within the accepted range and has recipients',
    severity: 'error',
    help: 'Evaluation frequency must not exceed the window (else sign-ins between windows are never seen); options.monitorAlert.muteActionsDuration must be an ISO-8601 duration from PT5M to P2D (what the service accepts); notify.emails should list who gets the mail.',
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
    description: 'the Azure Monitor alert filters on the break-glass object ids',
    severity: 'error',
    help: 'The guidance alerts on SigninLogs filtered on the object ids of the emergency access accounts; the query must use BtgAccountIds (declared by {{> btgAccounts}}) in a where clause.',
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
} satisfies Record<string, MonitorCheck>;
export type MonitorCheckId = keyof typeof monitorAlertChecks;
