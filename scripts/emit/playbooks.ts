/**
 * Playbooks as ARM templates in the Azure-Sentinel playbook convention (PlaybookName parameter, workflow in the
 * resource group's location, API connections, system-assigned identity, role assignments), and as one
 * `Microsoft.Resources/deployments` resource each, so deploy applies a playbook as one ARM deployment.
 */
import { API_VERSIONS } from '../core/definitions';
import type { Emitted, Emitter } from './pack';
import { PACK_ID_TAG, PACK_SOURCE_NAME, packIdOf, packNames } from '../content/ids';
import { PLAYBOOK_PARAMETERS, PlaybookContent } from '../content/playbooks';
import { ParameterName } from '../content/playbookSchema';
import { ARM_SCHEMA, ArmTemplate, escapeArm } from './arm';
import { ph } from './placeholders';
import { makeResource, PACK_TAG, WorkspaceResource } from './resources';
import { packActionGroupName } from './actionGroup';

/** Built-in Azure role ids (identical in every tenant). */
export const ROLES = {
  sentinelResponder: '3e150937-b8fe-4cfb-8069-0eaf05ecd056',
  sentinelAutomationContributor: 'f4c81013-99ee-4d62-a7ee-b3f1f648599a',
} as const;
/** The "Azure Security Insights" first-party app: its service principal runs playbooks for automation rules. */
export const SENTINEL_APP_ID = '98785600-1bb7-4fb9-b9fa-19afe2c8a360';

interface Connector {
  displayName: string;
  /** connects with the workflow's managed identity (no stored credential, no consent) */
  managedIdentity: boolean;
}
/** Managed API connectors the pack's playbooks may use. */
export const CONNECTORS: Record<string, Connector> = {
  azuresentinel: { displayName: 'Microsoft Sentinel (managed identity)', managedIdentity: true },
  office365: { displayName: 'Office 365 Outlook', managedIdentity: false },
  teams: { displayName: 'Microsoft Teams', managedIdentity: false },
};

/** Connectors the (resolved) definition uses, in a stable order. */
export function connectionsOf(definition: unknown): string[] {
  const used = new Set<string>();
  for (const m of JSON.stringify(definition).matchAll(/\$connections'\)\['([^']+)'\]/g)) used.add(m[1]);
  return [...used].sort();
}

const WORKFLOW_ID = "resourceId('Microsoft.Logic/workflows', parameters('PlaybookName'))";
const managedApi = (api: string) =>
  `[subscriptionResourceId('Microsoft.Web/locations/managedApis', resourceGroup().location, '${api}')]`;
const WF_TYPE = { string: 'String', int: 'Int', object: 'Object', array: 'Array' } as const;

/** The declared parameters the resolved definition still uses (an action left out may take its parameters along). */
export function usedParameters(pb: PlaybookContent): ParameterName[] {
  const text = JSON.stringify(pb.definition);
  return pb.meta.parameters.filter((n) => text.includes(`parameters('${n}')`));
}

/** The deployment name of a playbook: deterministic, with the config's packId, at most 64 characters (ARM's limit). */
export const playbookDeploymentName = (pb: PlaybookContent, packId: string): string =>
  packNames.deployment(pb.templateId, packId);
/** The Logic App name of a playbook (automation rules refer to it): the template id and the config's packId. */
export const playbookLogicAppName = (pb: PlaybookContent, packId: string): string =>
  packNames.playbook(pb.templateId, packId);

/** Metric of a Consumption Logic App that counts its failed runs (Azure Monitor, no diagnostic setting needed). */
export const RUN_FAILED_METRIC = { namespace: 'Microsoft.Logic/workflows', name: 'RunsFailed' } as const;

/**
 * The playbook's ARM template; parameter defaults are this config's values. With `actionGroup` (the pack's action
 * group, in this resource group) it also carries a metric alert on the Logic App's failed runs: a run that fails
 * inside (an unauthorised Office 365 connection, a refused query) is in no SentinelHealth record (issue 14 item 3).
 */
export function playbookTemplate(pb: PlaybookContent, packId: string, actionGroup?: string): ArmTemplate {
  const connections = connectionsOf(pb.definition);
  const incident = pb.meta.trigger === 'incident';
  const names = usedParameters(pb);
  const armParams: ArmTemplate['parameters'] = {
    PlaybookName: {
      type: 'string',
      defaultValue: playbookLogicAppName(pb, packId),
      metadata: { description: 'Name of the Logic App (automation rules refer to it by this name).' },
    },
    workspace: {
      type: 'string',
      metadata: {
        description:
          'Name of the Microsoft Sentinel workspace, in this resource group: the playbook identity gets Microsoft Sentinel Responder on it.',
      },
    },
  };
  for (const n of names) {
    const spec = PLAYBOOK_PARAMETERS[n];
    // config values are data: ARM evaluates a parameter's default value, so a string like "[concat(…)]" is escaped
    if (spec.value)
      armParams[n] = {
        type: spec.type,
        defaultValue: escapeArm(pb.parameterValues[n]),
        metadata: { description: spec.description },
      };
  }
  if (incident) {
    armParams.SentinelServicePrincipalObjectId = {
      type: 'string',
      defaultValue: '',
      metadata: {
        description: `Object id of the "Azure Security Insights" service principal (appId ${SENTINEL_APP_ID}) in this tenant. When set, it is granted Microsoft Sentinel Automation Contributor on this resource group so automation rules can run the playbook. Leave empty when that is granted already (Sentinel > Settings > Playbook permissions): ARM refuses a second assignment of the same role.`,
      },
    };
  }
  const variables: Record<string, unknown> = Object.fromEntries(
    connections.map((c) => [`${c}ConnectionName`, `[concat('${c}-', parameters('PlaybookName'))]`]),
  );
  const connectionResources = connections.map((c) => ({
    type: 'Microsoft.Web/connections',
    apiVersion: API_VERSIONS.connections,
    name: `[variables('${c}ConnectionName')]`,
    location: '[resourceGroup().location]',
    tags: { [PACK_TAG]: pb.templateId, [PACK_ID_TAG]: packId },
    properties: {
      displayName: `[variables('${c}ConnectionName')]`,
      customParameterValues: {},
      ...(CONNECTORS[c]?.managedIdentity ? { parameterValueType: 'Alternative' } : {}),
      api: { id: managedApi(c) },
    },
  }));
  const wfParamDecls: Record<string, unknown> = { $connections: { defaultValue: {}, type: 'Object' } };
  const wfParamValues: Record<string, unknown> = {
    $connections: {
      value: Object.fromEntries(
        connections.map((c) => [
          c,
          {
            connectionId: `[resourceId('Microsoft.Web/connections', variables('${c}ConnectionName'))]`,
            connectionName: `[variables('${c}ConnectionName')]`,
            id: managedApi(c),
            ...(CONNECTORS[c]?.managedIdentity
              ? { connectionProperties: { authentication: { type: 'ManagedServiceIdentity' } } }
              : {}),
          },
        ]),
      ),
    },
  };
  for (const n of names) {
    const spec = PLAYBOOK_PARAMETERS[n];
    wfParamDecls[n] = { type: WF_TYPE[spec.type] };
    wfParamValues[n] = { value: spec.expression ?? `[parameters('${n}')]` };
  }
  const definition = { ...(escapeArm(pb.definition) as Record<string, unknown>), parameters: wfParamDecls };
  const workflow = {
    type: 'Microsoft.Logic/workflows',
    apiVersion: API_VERSIONS.workflows,
    name: "[parameters('PlaybookName')]",
    location: '[resourceGroup().location]',
    identity: { type: 'SystemAssigned' },
    tags: {
      'hidden-SentinelTemplateName': pb.templateId,
      'hidden-SentinelTemplateVersion': '1.0',
      LogicAppsCategory: 'security',
      [PACK_TAG]: pb.templateId,
      [PACK_ID_TAG]: packId,
    },
    dependsOn: connections.map((c) => `[resourceId('Microsoft.Web/connections', variables('${c}ConnectionName'))]`),
    properties: { state: 'Enabled', definition, parameters: wfParamValues },
  };
  // least privilege: Responder on the workspace reads the logs, comments on and updates incidents, creates reminders
  const responder = {
    type: 'Microsoft.Authorization/roleAssignments',
    apiVersion: API_VERSIONS.roleAssignments,
    name: `[guid(${WORKFLOW_ID}, parameters('workspace'), '${ROLES.sentinelResponder}')]`,
    scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspace'))]",
    dependsOn: [`[${WORKFLOW_ID}]`],
    properties: {
      roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${ROLES.sentinelResponder}')]`,
      principalId: `[reference(${WORKFLOW_ID}, '${API_VERSIONS.workflows}', 'full').identity.principalId]`,
      principalType: 'ServicePrincipal',
    },
  };
  // the same name from every playbook of the pack in this resource group: one assignment, idempotent
  const automation = {
    condition: "[not(empty(parameters('SentinelServicePrincipalObjectId')))]",
    type: 'Microsoft.Authorization/roleAssignments',
    apiVersion: API_VERSIONS.roleAssignments,
    name: `[guid(resourceGroup().id, parameters('SentinelServicePrincipalObjectId'), '${ROLES.sentinelAutomationContributor}')]`,
    properties: {
      roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${ROLES.sentinelAutomationContributor}')]`,
      principalId: "[parameters('SentinelServicePrincipalObjectId')]",
      principalType: 'ServicePrincipal',
    },
  };
  // btg deploy passes the id (after deploying the action group); a hand deployment of this file before the pack's
  // template (which holds the action group) would fail on a default naming it, so the default is empty: no alert
  if (actionGroup)
    armParams.RunFailureActionGroupId = {
      type: 'string',
      defaultValue: '',
      metadata: {
        description: `Resource id of the action group told when a run of this playbook fails: the pack's alert recipients, [resourceId('Microsoft.Insights/actionGroups', '${actionGroup}')] once the pack's template is deployed. Empty (the default): no run-failure alert.`,
      },
    };
  // a failed run of the playbook (RunsFailed > 0 in 5 minutes) goes to the pack's action group
  const runFailed = {
    condition: "[not(empty(parameters('RunFailureActionGroupId')))]",
    type: 'Microsoft.Insights/metricAlerts',
    apiVersion: API_VERSIONS.metricAlerts,
    name: "[concat(parameters('PlaybookName'), '-run-failed')]",
    location: 'global',
    tags: { [PACK_TAG]: pb.templateId, [PACK_ID_TAG]: packId },
    dependsOn: [`[${WORKFLOW_ID}]`],
    properties: {
      description: `A run of the break-glass playbook "${pb.meta.displayName}" failed: a break-glass incident may not have been notified or confirmed. Open the Logic App's run history, fix the failing action (connection authorisation, role of the managed identity) and handle the open break-glass incidents by hand.`,
      severity: 1,
      enabled: true,
      scopes: [`[${WORKFLOW_ID}]`],
      evaluationFrequency: 'PT1M',
      windowSize: 'PT5M',
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion',
            name: 'FailedRuns',
            metricNamespace: RUN_FAILED_METRIC.namespace,
            metricName: RUN_FAILED_METRIC.name,
            operator: 'GreaterThan',
            threshold: 0,
            timeAggregation: 'Total',
          },
        ],
      },
      autoMitigate: false,
      actions: [{ actionGroupId: "[parameters('RunFailureActionGroupId')]" }],
    },
  };
  const consent = connections.filter((c) => !CONNECTORS[c]?.managedIdentity);
  return {
    $schema: ARM_SCHEMA,
    contentVersion: '1.0.0.0',
    metadata: {
      title: pb.meta.displayName,
      description: pb.meta.description,
      generator: PACK_SOURCE_NAME,
      prerequisites: [
        'Deploy into the resource group of the Microsoft Sentinel workspace, as Owner or User Access Administrator there (the template assigns roles).',
        ...(incident
          ? [
              'Automation rules run the playbook through the Sentinel service principal, which needs Microsoft Sentinel Automation Contributor on this resource group: pass SentinelServicePrincipalObjectId, or grant it in Sentinel > Settings > Playbook permissions.',
            ]
          : []),
      ],
      postDeployment: [
        "The playbook's managed identity gets Microsoft Sentinel Responder on the workspace (this template assigns it).",
        ...consent.map(
          (c) =>
            `Authorize the ${CONNECTORS[c]?.displayName ?? c} connection (${c}-<PlaybookName>): API connections > Edit API connection > Authorize, with an account allowed to send from the mailbox / post in the channel.`,
        ),
      ],
      support: { tier: 'community' },
      author: { name: PACK_SOURCE_NAME },
    },
    parameters: armParams,
    variables,
    resources: [
      ...connectionResources,
      workflow,
      responder,
      ...(incident ? [automation] : []),
      ...(actionGroup ? [runFailed] : []),
    ],
    outputs: {
      principalId: {
        type: 'string',
        value: `[reference(${WORKFLOW_ID}, '${API_VERSIONS.workflows}', 'full').identity.principalId]`,
      },
    },
  };
}

/** The playbook as one ARM deployment in the workspace's resource group; parameters carry this config's values. */
export function playbookResource(
  pb: PlaybookContent,
  template: ArmTemplate,
  packId: string,
  actionGroup?: string,
): WorkspaceResource {
  const values: Record<string, { value: unknown }> = {
    PlaybookName: { value: playbookLogicAppName(pb, packId) },
    workspace: { value: ph('workspaceName') },
    ...(actionGroup
      ? {
          RunFailureActionGroupId: {
            value: ph('resourceGroupId', `/providers/Microsoft.Insights/actionGroups/${actionGroup}`),
          },
        }
      : {}),
  };
  // escaped like the defaults: a value that reads as an ARM expression is never evaluated ("[[" reads back as "[")
  for (const n of usedParameters(pb))
    if (PLAYBOOK_PARAMETERS[n].value) values[n] = { value: escapeArm(pb.parameterValues[n]) };
  return makeResource({
    kind: 'playbook',
    templateId: pb.templateId,
    displayName: pb.meta.displayName,
    scope: 'resourceGroup',
    type: 'Microsoft.Resources/deployments',
    name: playbookDeploymentName(pb, packId),
    apiVersion: API_VERSIONS.deployments,
    // Incremental only: Complete would delete everything else in the resource group
    body: {
      properties: { mode: 'Incremental', template, parameters: values },
      tags: { [PACK_TAG]: pb.templateId, [PACK_ID_TAG]: packId },
    },
    // the run-failure alert names the action group: it must exist first
    dependsOn: actionGroup ? [`actionGroup:${actionGroup}`] : [],
  });
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

export const playbookEmitter: Emitter = (pack): Emitted => {
  const out: Emitted = { artifacts: [], resources: [] };
  const packId = packIdOf(pack.config);
  const actionGroup = packActionGroupName(pack);
  for (const pb of pack.playbooks.filter((p) => p.emitted)) {
    const template = playbookTemplate(pb, packId, actionGroup);
    out.resources.push(playbookResource(pb, template, packId, actionGroup));
    out.artifacts.push({
      kind: 'playbook-arm',
      templateId: pb.templateId,
      id: pb.templateId,
      name: pb.meta.displayName,
      path: `playbooks/${pb.templateId}/azuredeploy.json`,
      content: json(template),
    });
  }
  return out;
};
