/**
 * The Azure Monitor log search alert (+ its action group) for workspaces without Sentinel.
 *
 * The mail subject: action-group mails have a fixed subject made by Azure Monitor ("Fired:Sev0 Azure Monitor Alert
 * <alert rule> on <resource> ..."); an action group cannot set one. So notify.emailSubject, rendered with
 * alertName = the alert's name, becomes the alert rule itself: its display name is the subject, its resource name
 * the subject made a valid name (':' and the like replaced), and the subject is repeated in
 * actions.customProperties.Subject, which the common alert schema carries to mail bodies and webhooks.
 */
import type { Emitted, Emitter } from './emit';
import { packExtras } from '../content/extras';
import { PACK_ID_TAG, packIdOf, packNames } from '../content/ids';
import { MonitorAlertContent } from '../content/monitorAlert';
import { Config } from '../config/schema';
import { armTemplate } from './arm';
import { ph } from './placeholders';
import { makeResource, PACK_TAG, WorkspaceResource } from './resources';

export const MONITOR_API = { scheduledQueryRules: '2023-12-01', actionGroups: '2023-01-01' } as const;
/** the action group's name carries the packId (two configs in one resource group), content/ids.ts */
export const actionGroupName = (packId: string): string => packNames.actionGroup(packId);
/** groupShortName is at most 12 characters and shows as the sender of SMS/voice; mails show the alert. */
export const ACTION_GROUP_SHORT_NAME = 'btg-alert';

export function actionGroupResource(m: MonitorAlertContent, emails: string[], packId: string): WorkspaceResource {
  return makeResource({
    kind: 'actionGroup',
    templateId: m.templateId,
    displayName: 'Break-glass alert recipients',
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/actionGroups',
    name: actionGroupName(packId),
    apiVersion: MONITOR_API.actionGroups,
    body: {
      location: 'Global',
      tags: { [PACK_TAG]: m.templateId, [PACK_ID_TAG]: packId },
      properties: {
        groupShortName: ACTION_GROUP_SHORT_NAME,
        enabled: true,
        emailReceivers: emails.map((e, i) => ({ name: `email-${i + 1}`, emailAddress: e, useCommonAlertSchema: true })),
        smsReceivers: [],
        webhookReceivers: [],
        logicAppReceivers: [],
        armRoleReceivers: [],
      },
    },
  });
}

export function monitorAlertResource(m: MonitorAlertContent, config: Config, actionGroup?: WorkspaceResource): WorkspaceResource {
  const packId = packIdOf(config);
  const mute = config.options.monitorAlert.muteActionsDuration;
  return makeResource({
    kind: 'monitorAlert',
    templateId: m.templateId,
    displayName: m.subject,
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/scheduledQueryRules',
    name: m.ruleName,
    apiVersion: MONITOR_API.scheduledQueryRules,
    body: {
      location: ph('location'),
      kind: 'LogAlert',
      tags: { [PACK_TAG]: m.templateId, [PACK_ID_TAG]: packId },
      properties: {
        displayName: m.subject,
        description: m.alert.description,
        severity: m.alert.severity,
        enabled: true,
        scopes: [ph('workspaceResourceId')],
        evaluationFrequency: m.alert.evaluationFrequency,
        windowSize: m.alert.windowSize,
        criteria: {
          allOf: [{ query: m.query.text, timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0, dimensions: [], failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } }],
        },
        // every sign-in is its own event: never auto-resolve (and the service requires false with muteActionsDuration)
        autoMitigate: false,
        ...(mute ? { muteActionsDuration: mute } : {}),
        actions: {
          actionGroups: actionGroup ? [ph('resourceGroupId', `/providers/Microsoft.Insights/actionGroups/${actionGroup.name}`)] : [],
          customProperties: { Subject: m.subject, Accounts: config.accounts.map((a) => a.userPrincipalName).join(', '), Runbook: 'routines/break-glass-procedure.md' },
        },
        skipQueryValidation: false,
        checkWorkspaceAlertsStorageConfigured: false,
      },
    },
    dependsOn: actionGroup ? [`actionGroup:${actionGroup.name}`] : [],
  });
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

export const monitorAlertEmitter: Emitter = (pack): Emitted => {
  const out: Emitted = { artifacts: [], resources: [] };
  if (!pack.config.options.monitorAlert.enabled) return out;
  for (const m of packExtras(pack).monitorAlerts) {
    const ag = pack.config.notify.emails.length ? actionGroupResource(m, pack.config.notify.emails, packIdOf(pack.config)) : undefined;
    const alert = monitorAlertResource(m, pack.config, ag);
    const res = ag ? [ag, alert] : [alert];
    out.resources.push(...res);
    out.artifacts.push({ kind: 'monitor-arm', templateId: m.templateId, id: alert.name, name: m.subject, path: `arm/monitor/${m.templateId}.json`, content: json(armTemplate(res, `Azure Monitor alert (no Sentinel needed): ${m.subject}`)) });
  }
  return out;
};
