/**
 * The Azure Monitor log search alert (+ its action group) for workspaces without Sentinel.
 *
 * The mail subject: action-group mails have a fixed subject made by Azure Monitor ("Fired:Sev0 Azure Monitor Alert
 * <alert rule> on <resource> ..."); an action group cannot set one. So notify.emailSubject, rendered with
 * alertName = the alert's name, becomes the alert rule itself: its display name is the subject, its resource name
 * the subject made a valid name (':' and the like replaced), and the subject is repeated in
 * actions.customProperties.Subject, which the common alert schema carries to mail bodies and webhooks.
 */
import { API_VERSIONS } from '../core/definitions';
import type { Emitted, Emitter } from './pack';
import { PACK_ID_TAG, packIdOf, packNames } from '../content/ids';
import { MonitorAlertContent } from '../content/monitorAlert';
import { Config } from '../config/schema';
import { armTemplate } from './arm';
import { kqlString } from '../kql/literals';
import { ph } from './placeholders';
import { makeResource, PACK_TAG, WorkspaceResource } from './resources';
import { automationInputs, automationRuleResources } from './automationRules';
import { playbookLogicAppName } from './playbooks';
import { packActionGroupName } from './actionGroup';

/** the action group's name carries the packId (two configs in one resource group), content/ids.ts */
export const actionGroupName = (packId: string): string => packNames.actionGroup(packId);
/** groupShortName is at most 12 characters and shows as the sender of SMS/voice; mails show the alert. */
export const ACTION_GROUP_SHORT_NAME = 'btg-alert';

export { hasActionGroupReceivers } from './actionGroup';

/**
 * The action group of the pack's Azure Monitor alerts (the sign-in alert and the response-failure alert): mails,
 * SMS and voice calls from notify.emails / notify.sms / notify.voice, and the webhook receiver when notify.webhook is
 * true, whose URL (a secret) is a deploy-time placeholder.
 */
export function actionGroupResource(templateId: string, config: Config, packId: string): WorkspaceResource {
  return makeResource({
    kind: 'actionGroup',
    templateId,
    displayName: 'Break-glass alert recipients',
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/actionGroups',
    name: actionGroupName(packId),
    apiVersion: API_VERSIONS.actionGroups,
    body: {
      location: 'Global',
      tags: { [PACK_TAG]: templateId, [PACK_ID_TAG]: packId },
      properties: {
        groupShortName: ACTION_GROUP_SHORT_NAME,
        enabled: true,
        emailReceivers: config.notify.emails.map((e, i) => ({
          name: `email-${i + 1}`,
          emailAddress: e,
          useCommonAlertSchema: true,
        })),
        smsReceivers: config.notify.sms.map((n, i) => ({
          name: `sms-${i + 1}`,
          countryCode: n.countryCode,
          phoneNumber: n.phoneNumber,
        })),
        voiceReceivers: config.notify.voice.map((n, i) => ({
          name: `voice-${i + 1}`,
          countryCode: n.countryCode,
          phoneNumber: n.phoneNumber,
        })),
        // the URL is a placeholder: a secure parameter in ARM, BTG_ALERT_WEBHOOK_URI for btg deploy (placeholders.ts)
        webhookReceivers: config.notify.webhook
          ? [{ name: 'webhook-1', serviceUri: ph('alertWebhookUri'), useCommonAlertSchema: true }]
          : [],
        logicAppReceivers: [],
        armRoleReceivers: [],
      },
    },
  });
}

export function monitorAlertResource(
  m: MonitorAlertContent,
  config: Config,
  actionGroup?: WorkspaceResource,
): WorkspaceResource {
  const packId = packIdOf(config);
  const mute = config.options.monitorAlert.muteActionsDuration;
  return makeResource({
    kind: 'monitorAlert',
    templateId: m.templateId,
    displayName: m.subject,
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/scheduledQueryRules',
    name: m.ruleName,
    apiVersion: API_VERSIONS.scheduledQueryRules,
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
          allOf: [
            {
              query: m.query.text,
              timeAggregation: 'Count',
              operator: 'GreaterThan',
              threshold: 0,
              dimensions: [],
              failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
            },
          ],
        },
        // every sign-in is its own event: never auto-resolve (and the service requires false with muteActionsDuration)
        autoMitigate: false,
        ...(mute ? { muteActionsDuration: mute } : {}),
        actions: {
          actionGroups: actionGroup
            ? [ph('resourceGroupId', `/providers/Microsoft.Insights/actionGroups/${actionGroup.name}`)]
            : [],
          customProperties: {
            Subject: m.subject,
            Accounts: config.accounts.map((a) => a.userPrincipalName).join(', '),
            Runbook: 'routines/break-glass-procedure.md',
          },
        },
        skipQueryValidation: false,
        checkWorkspaceAlertsStorageConfigured: false,
      },
    },
    dependsOn: actionGroup ? [`actionGroup:${actionGroup.name}`] : [],
  });
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** The response-failure alert: its template id, and how often it looks. */
export const RESPONSE_FAILURE_ALERT = {
  templateId: 'btg-response-failure-alert',
  name: 'Break-glass response failed (automation rule or playbook)',
  evaluationFrequency: 'PT5M',
  windowSize: 'PT15M',
} as const;

/**
 * Failed runs of the pack's response in Microsoft Sentinel's health table (record shape: Microsoft Sentinel health
 * tables reference, "SentinelHealth table columns schema" and "Automation rules" extended properties):
 * - `Automation rule run` (SentinelResourceType "Automation rule"), Status Success / Partial success / Failure: one
 *   record per run of a rule; a playbook the rule could not trigger (missing Automation Contributor, disabled Logic
 *   App ...) makes the run "Partial success" (or "Failure" when it was the first action). SentinelResourceName is the
 *   rule's name, SentinelResourceId its ARM id (ending in the rule's GUID, which a rename in the portal keeps).
 * - `Playbook was triggered` (SentinelResourceType "Playbook"): only playbooks started on demand (portal, API); the
 *   playbooks an automation rule runs appear in that rule's record (ExtendedProperties.TriggeredPlaybooks).
 * A failure inside a Logic App run is in neither (the Logic App's run history). SentinelHealth needs Sentinel health
 * monitoring turned on (Settings > Settings > Auditing and health monitoring).
 */
export function responseFailureQuery(
  automationRules: readonly { displayName: string; id: string }[],
  playbookNames: readonly string[],
): string {
  const list = (xs: readonly string[]) => `dynamic([${xs.map(kqlString).join(', ')}])`;
  return [
    `let PackAutomationRules = ${list(automationRules.map((r) => r.displayName))};`,
    `let PackAutomationRuleIds = ${list(automationRules.map((r) => r.id.toLowerCase()))};`,
    `let PackPlaybooks = ${list(playbookNames)};`,
    'SentinelHealth',
    '| where ingestion_time() > ago(5m)',
    '| where SentinelResourceType in~ ("Automation rule", "Playbook")',
    '| where Status !~ "Success"',
    '// a pack automation rule by name or by the GUID its resource id ends in (kept when the rule is renamed);',
    '// a pack playbook started on demand by its Logic App name',
    '| where SentinelResourceName in~ (PackAutomationRules) or SentinelResourceName in~ (PackPlaybooks)',
    '    or SentinelResourceId has_any (PackAutomationRuleIds) or SentinelResourceId has_any (PackPlaybooks)',
    '| project TimeGenerated, SentinelResourceType, SentinelResourceName, OperationName, Status, Description, Reason, ExtendedProperties',
    '',
  ].join('\n');
}

export function responseFailureAlertResource(
  config: Config,
  query: string,
  actionGroup?: WorkspaceResource,
): WorkspaceResource {
  const packId = packIdOf(config);
  const a = RESPONSE_FAILURE_ALERT;
  const subject = `${a.name}${packNames.monitorAlertSuffix(packId)}`;
  return makeResource({
    kind: 'monitorAlert',
    templateId: a.templateId,
    displayName: a.name,
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/scheduledQueryRules',
    name: subject,
    apiVersion: API_VERSIONS.scheduledQueryRules,
    body: {
      location: ph('location'),
      kind: 'LogAlert',
      tags: { [PACK_TAG]: a.templateId, [PACK_ID_TAG]: packId },
      properties: {
        displayName: a.name,
        description:
          'An automation rule or playbook of the break-glass pack failed: a break-glass incident may not have been labelled, notified or confirmed. Open the rule or the Logic App run history, fix it (permissions of the Sentinel service principal, connection authorisation), and check the open break-glass incidents by hand.',
        severity: 1,
        enabled: true,
        scopes: [ph('workspaceResourceId')],
        evaluationFrequency: a.evaluationFrequency,
        windowSize: a.windowSize,
        criteria: {
          allOf: [
            {
              query,
              timeAggregation: 'Count',
              operator: 'GreaterThan',
              threshold: 0,
              dimensions: [],
              failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
            },
          ],
        },
        autoMitigate: false,
        actions: {
          actionGroups: actionGroup
            ? [ph('resourceGroupId', `/providers/Microsoft.Insights/actionGroups/${actionGroup.name}`)]
            : [],
          customProperties: { Subject: a.name, Runbook: 'routines/break-glass-procedure.md' },
        },
        skipQueryValidation: false,
        checkWorkspaceAlertsStorageConfigured: false,
      },
    },
    dependsOn: actionGroup ? [`actionGroup:${actionGroup.name}`] : [],
  });
}

export const monitorAlertEmitter: Emitter = (pack): Emitted => {
  const out: Emitted = { artifacts: [], resources: [] };
  const config = pack.config;
  const packId = packIdOf(config);
  const signIn = config.options.monitorAlert.enabled ? pack.monitorAlerts : [];
  // the response-failure alert watches the automation rules and playbooks that run on the pack's incidents
  const automation = pack.rules.length ? automationRuleResources(automationInputs(pack)) : [];
  const incidentPlaybooks = pack.playbooks.filter((p) => p.emitted && p.meta.trigger === 'incident');
  const first = signIn[0]?.templateId ?? RESPONSE_FAILURE_ALERT.templateId;
  // the same decision as the playbooks' run-failure alerts make (actionGroup.ts)
  const ag = packActionGroupName(pack) ? actionGroupResource(first, config, packId) : undefined;
  signIn.forEach((m, i) => {
    const alert = monitorAlertResource(m, config, ag);
    const res = ag && i === 0 ? [ag, alert] : [alert];
    out.resources.push(...res);
    const t = armTemplate(res, `Azure Monitor alert (no Sentinel needed): ${m.subject}`);
    out.artifacts.push({
      kind: 'monitor-arm',
      templateId: m.templateId,
      id: alert.name,
      name: m.subject,
      path: `arm/monitor/${m.templateId}.json`,
      content: json(t),
    });
  });
  if (automation.length) {
    const query = responseFailureQuery(
      automation.map((r) => ({ displayName: r.body.properties.displayName as string, id: r.name })),
      incidentPlaybooks.map((p) => playbookLogicAppName(p, packId)),
    );
    const alert = responseFailureAlertResource(config, query, ag);
    const res = ag && !signIn.length ? [ag, alert] : [alert];
    out.resources.push(...res);
    const t = armTemplate(
      ag && signIn.length ? [ag, alert] : res,
      `Azure Monitor alert: ${RESPONSE_FAILURE_ALERT.name}`,
    );
    out.artifacts.push({
      kind: 'monitor-arm',
      templateId: RESPONSE_FAILURE_ALERT.templateId,
      id: alert.name,
      name: RESPONSE_FAILURE_ALERT.name,
      path: `arm/monitor/${RESPONSE_FAILURE_ALERT.templateId}.json`,
      content: json(t),
    });
  }
  return out;
};
