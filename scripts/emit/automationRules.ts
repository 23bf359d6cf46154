/**
 * Automation rules that run the pack's incident playbooks on the incidents its analytics rules create. Deploy
 * note: the SDK takes the body in the options bag (`automationRules.createOrUpdate(rg, ws, id,
 * { automationRuleToUpsert })`, rest-shapes §1.4); the wire body is the one below.
 */
import type { Emitted, Emitter } from './emit';
import { packExtras } from '../content/extras';
import { contentId, packIdOf } from '../content/ids';
import { PlaybookContent } from '../content/playbooks';
import { armTemplate } from './arm';
import { ph } from './placeholders';
import { playbookDeploymentName, playbookLogicAppName } from './playbooks';
import { API, makeResource, WorkspaceResource } from './resources';

/** Orders 1–1000; without $btg.automationOrder the pack's rules start at 100, leaving room before and after them. */
export const AUTOMATION_ORDER_BASE = 100;

export function automationRuleResource(pb: PlaybookContent, ruleIds: string[], order: number, packId: string): WorkspaceResource {
  return makeResource({
    kind: 'automationRule',
    templateId: pb.templateId,
    displayName: `Break-glass: run playbook ${pb.templateId}`,
    scope: 'sentinel',
    type: 'automationRules',
    name: contentId('automationRule', pb.templateId),
    apiVersion: API.alertRulesStable,
    body: {
      properties: {
        displayName: `${pb.meta.displayName} (on break-glass incidents)`,
        order,
        triggeringLogic: {
          isEnabled: true,
          triggersOn: 'Incidents',
          triggersWhen: 'Created',
          conditions: [
            {
              conditionType: 'Property',
              conditionProperties: {
                propertyName: 'IncidentRelatedAnalyticRuleIds',
                operator: 'Contains',
                // full alert-rule ARM ids, as the spec example uses
                propertyValues: ruleIds.map((id) => ph('workspaceResourceId', `/providers/Microsoft.SecurityInsights/alertRules/${id}`)),
              },
            },
          ],
        },
        actions: [{ order: 1, actionType: 'RunPlaybook', actionConfiguration: { logicAppResourceId: ph('resourceGroupId', `/providers/Microsoft.Logic/workflows/${playbookLogicAppName(pb, packId)}`), tenantId: ph('tenantId') } }],
      },
    },
    dependsOn: [`playbook:${playbookDeploymentName(pb, packId)}`],
  });
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

export const automationRuleEmitter: Emitter = (pack): Emitted => {
  const out: Emitted = { artifacts: [], resources: [] };
  const ruleIds = pack.rules.map((r) => r.rule.id);
  if (!ruleIds.length) return out;
  const incidentPlaybooks = packExtras(pack).playbooks.filter((p) => p.emitted && p.meta.trigger === 'incident');
  incidentPlaybooks.forEach((pb, i) => {
    const res = automationRuleResource(pb, ruleIds, pb.meta.automationOrder ?? AUTOMATION_ORDER_BASE + i, packIdOf(pack.config));
    out.resources.push(res);
    const name = res.body.properties.displayName as string;
    out.artifacts.push({ kind: 'automation-arm', templateId: pb.templateId, id: res.name, name, path: `arm/automation/${pb.templateId}.json`, content: json(armTemplate([res], `Automation rule: ${name}`)) });
  });
  return out;
};
