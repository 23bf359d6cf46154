/** Small hand-made pack resources for the deploy unit tests (the e2e tests use the real pack). */
import { contentId, PACK_SOURCE_NAME } from '../../scripts/content/ids';
import { ph, TargetValues } from '../../scripts/emit/placeholders';
import { makeResource, PACK_TAG, WorkspaceResource } from '../../scripts/emit/resources';
import { scopeIdsOf } from '../../scripts/deploy/desired';

export const SUB = '00000000-0000-4000-8000-0000000000a1';
/** the packId of the config these fixtures stand for */
export const P = 'team-a';
export const IDS = scopeIdsOf({ subscriptionId: SUB, resourceGroup: 'rg1', workspaceName: 'ws1' });
export const VALUES: TargetValues = {
  workspaceResourceId: IDS.workspaceId,
  resourceGroupId: IDS.resourceGroupId,
  subscriptionId: SUB,
  tenantId: '00000000-0000-4000-8000-0000000000f1',
  location: 'westeurope',
  workspaceName: 'ws1',
};

export function rule(name: string, props: Record<string, unknown> = {}, templateId = `tpl-${name}`): WorkspaceResource {
  return makeResource({
    kind: 'alertRule',
    templateId,
    displayName: `Rule ${name}`,
    scope: 'sentinel',
    type: 'alertRules',
    name,
    apiVersion: '2025-09-01',
    body: {
      kind: 'Scheduled',
      properties: {
        displayName: `Rule ${name}`,
        severity: 'High',
        enabled: true,
        query: 'SigninLogs | take 1',
        queryFrequency: 'PT5M',
        queryPeriod: 'PT5M',
        triggerOperator: 'GreaterThan',
        triggerThreshold: 0,
        suppressionEnabled: false,
        suppressionDuration: 'PT5H',
        ...props,
      },
    },
  });
}

export function ruleMetadata(ruleName: string, templateId = `tpl-${ruleName}`): WorkspaceResource {
  return makeResource({
    kind: 'metadata',
    templateId,
    displayName: `metadata for ${ruleName}`,
    scope: 'sentinel',
    type: 'metadata',
    name: `${PACK_SOURCE_NAME}-${templateId}`,
    apiVersion: '2025-09-01',
    body: {
      properties: {
        parentId: ph('workspaceResourceId', `/providers/Microsoft.SecurityInsights/alertRules/${ruleName}`),
        contentId: ruleName,
        kind: 'AnalyticsRule',
        version: '1.0.0',
        source: { kind: 'LocalWorkspace', name: PACK_SOURCE_NAME },
        support: { tier: 'Community' },
      },
    },
    dependsOn: [`alertRule:${ruleName}`],
  });
}

export function workbook(name = 'wb-1'): WorkspaceResource {
  return makeResource({
    kind: 'workbook',
    templateId: 'tpl-workbook',
    displayName: 'Workbook',
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/workbooks',
    name,
    apiVersion: '2023-06-01',
    body: {
      location: ph('location'),
      kind: 'shared',
      tags: { 'hidden-title': 'Workbook', [PACK_TAG]: 'tpl-workbook' },
      properties: {
        displayName: 'Workbook',
        category: 'sentinel',
        serializedData: '{"version":"Notebook/1.0","items":[]}',
        sourceId: ph('workspaceResourceId'),
      },
    },
  });
}

export function playbook(name = 'pb-1'): WorkspaceResource {
  return makeResource({
    kind: 'playbook',
    templateId: 'tpl-playbook',
    displayName: 'Playbook',
    scope: 'resourceGroup',
    type: 'Microsoft.Resources/deployments',
    name,
    apiVersion: '2025-03-01',
    body: {
      tags: { [PACK_TAG]: 'tpl-playbook' },
      properties: {
        mode: 'Incremental',
        template: {
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
          contentVersion: '1.0.0.0',
          parameters: { PlaybookName: { type: 'string', defaultValue: 'btg-pb' }, workspace: { type: 'string' } },
          variables: {
            o365: "[concat('office365-', parameters('PlaybookName'))]",
            sentinel: "[concat('azuresentinel-', parameters('PlaybookName'))]",
          },
          resources: [
            {
              type: 'Microsoft.Web/connections',
              apiVersion: '2016-06-01',
              name: "[variables('sentinel')]",
              properties: {
                parameterValueType: 'Alternative',
                api: {
                  id: "[subscriptionResourceId('Microsoft.Web/locations/managedApis', resourceGroup().location, 'azuresentinel')]",
                },
              },
            },
            {
              type: 'Microsoft.Web/connections',
              apiVersion: '2016-06-01',
              name: "[variables('o365')]",
              properties: {
                api: {
                  id: "[subscriptionResourceId('Microsoft.Web/locations/managedApis', resourceGroup().location, 'office365')]",
                },
              },
            },
            {
              type: 'Microsoft.Logic/workflows',
              apiVersion: '2019-05-01',
              name: "[parameters('PlaybookName')]",
              properties: { state: 'Enabled' },
            },
          ],
        },
        parameters: { PlaybookName: { value: `btg-${name}` }, workspace: { value: ph('workspaceName') } },
      },
    },
  });
}

export function automationRule(name: string, playbookName = 'pb-1'): WorkspaceResource {
  return makeResource({
    kind: 'automationRule',
    templateId: 'tpl-automation',
    displayName: `Automation ${name}`,
    scope: 'sentinel',
    type: 'automationRules',
    name,
    apiVersion: '2025-09-01',
    body: {
      properties: {
        displayName: `Automation ${name}`,
        order: 100,
        triggeringLogic: { isEnabled: true, triggersOn: 'Incidents', triggersWhen: 'Created' },
        actions: [
          {
            order: 1,
            actionType: 'RunPlaybook',
            actionConfiguration: {
              logicAppResourceId: ph('resourceGroupId', `/providers/Microsoft.Logic/workflows/btg-${playbookName}`),
              tenantId: ph('tenantId'),
            },
          },
        ],
      },
    },
    dependsOn: [`playbook:${playbookName}`],
  });
}

export function savedSearch(name: string): WorkspaceResource {
  return makeResource({
    kind: 'huntingQuery',
    templateId: `tpl-${name}`,
    displayName: `Hunting ${name}`,
    scope: 'workspace',
    type: 'savedSearches',
    name,
    apiVersion: '2020-08-01',
    body: {
      properties: {
        category: 'Hunting Queries',
        displayName: `Hunting ${name}`,
        query: 'SigninLogs',
        version: 2,
        tags: [{ name: 'createdBy', value: PACK_SOURCE_NAME }],
      },
    },
  });
}

/**
 * A rule and its metadata named as the pack names them (`contentId('rule', templateId)`): an orphan scan claims only
 * resources whose name the pack derives from their marker's template id.
 */
export function packRule(label: string, props: Record<string, unknown> = {}): WorkspaceResource {
  const r = rule(contentId('rule', `tpl-${label}`), { displayName: `Rule ${label}`, ...props }, `tpl-${label}`);
  r.displayName = `Rule ${label}`;
  return r;
}
export function packRuleMetadata(label: string): WorkspaceResource {
  const m = ruleMetadata(contentId('rule', `tpl-${label}`), `tpl-${label}`);
  m.displayName = `metadata for ${label}`;
  return m;
}
