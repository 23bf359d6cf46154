/**
 * The automation rules of the pack's incidents. Two rules, both conditioned on the pack's analytics rule ids:
 *
 * - `btg-incident-created` (trigger: incident created): the native actions first, so the incident is labelled,
 *   owned and has its tasks before anything else in the tenant acts on it, then the incident playbooks;
 * - `btg-incident-alert-added` (trigger: incident updated, condition: an alert was added): a later alert grouped into
 *   an existing incident (open, or a closed test incident that grouping reopened) is labelled, set Active and High,
 *   and runs the same playbooks, so a real use a few hours after a test is never hidden inside the test's incident.
 *
 * Deploy note: the SDK takes the body in the options bag (`automationRules.createOrUpdate(rg, ws, id,
 * { automationRuleToUpsert })`); its 2022-09-01-preview model lacks AddIncidentTask, so deploy's
 * typed write falls back to the raw body (deploy/clients.ts typedWrite). The wire body is the one below.
 */
import { API_VERSIONS } from '../core/definitions';
import type { Emitted, Emitter } from './pack';
import type { Pack } from '../content/pack';
import { contentId, packIdOf } from '../content/ids';
import { PlaybookContent } from '../content/playbooks';
import { RoutineContent } from '../content/routines';
import { armTemplate } from './arm';
import { ph } from './placeholders';
import { playbookDeploymentName, playbookLogicAppName } from './playbooks';
import { makeResource, WorkspaceResource } from './resources';

/** Playbook action order inside a rule when the template has no $btg.automationOrder. */
export const AUTOMATION_ORDER_BASE = 100;

/**
 * Rule orders (1-1000, lower runs first): the pack's rules come first of all in the workspace, so no other automation
 * acts on a break-glass incident before it is labelled and owned. A tenant rule with the same order runs in an order
 * the service chooses; keep other rules above 2.
 */
export const AUTOMATION_RULES = {
  created: { templateId: 'btg-incident-created', order: 1 },
  alertAdded: { templateId: 'btg-incident-alert-added', order: 2 },
} as const;

/** The label every pack incident gets, and the one a later alert adds. */
export const LABELS = { incident: 'break-glass', alertAdded: 'btg-alert-added' } as const;

/** The service allows 20 actions per rule. */
export const MAX_ACTIONS = 20;
/** AddIncidentTask limits (SecurityInsights spec): title ≤ 150 characters, description ≤ 3000. */
const TASK_TITLE_MAX = 150;
const TASK_DESCRIPTION_MAX = 3000;

export interface IncidentTask {
  title: string;
  description: string;
}

/** The routine whose "Incident tasks" section becomes the incident's tasks. */
export const TASKS_ROUTINE = 'break-glass-procedure';
const TASKS_HEADING = /^##\s+Incident tasks\b.*$/m;

/**
 * The tasks of the break-glass procedure's "## Incident tasks" section: each numbered item `1. **Title.** text`
 * (text may continue on indented lines) is one task. The routine is the source, so tasks and runbook agree.
 */
export function incidentTasks(routines: readonly RoutineContent[]): IncidentTask[] {
  const r = routines.find((x) => x.templateId === TASKS_ROUTINE);
  if (!r) return [];
  const m = TASKS_HEADING.exec(r.text);
  if (!m) return [];
  const rest = r.text.slice(m.index + m[0].length);
  const section = rest.split(/^##\s/m)[0];
  const tasks: IncidentTask[] = [];
  for (const item of section.split(/^\d+\.\s+/m).slice(1)) {
    const text = item
      .replace(/\n\s*\n[\s\S]*$/, '')
      .replace(/\s*\n\s*/g, ' ')
      .trim();
    const t = /^\*\*(.+?)\*\*\s*(.*)$/.exec(text);
    if (!t) continue;
    tasks.push({
      title: t[1].replace(/[.:]$/, '').slice(0, TASK_TITLE_MAX),
      description: t[2].slice(0, TASK_DESCRIPTION_MAX),
    });
  }
  return tasks;
}

const runPlaybook = (pb: PlaybookContent, packId: string) => ({
  actionType: 'RunPlaybook',
  actionConfiguration: {
    logicAppResourceId: ph(
      'resourceGroupId',
      `/providers/Microsoft.Logic/workflows/${playbookLogicAppName(pb, packId)}`,
    ),
    tenantId: ph('tenantId'),
  },
});

export interface AutomationInputs {
  ruleIds: string[];
  playbooks: PlaybookContent[];
  tasks: IncidentTask[];
  packId: string;
  ownerObjectId?: string;
  ownerEmail?: string;
  /** severity set on creation (notify.incidentSeverity); unset: the rule's */
  severity?: string;
}

function ruleCondition(ruleIds: string[]) {
  return {
    conditionType: 'Property',
    conditionProperties: {
      propertyName: 'IncidentRelatedAnalyticRuleIds',
      operator: 'Contains',
      // full alert-rule ARM ids, as the spec example uses
      propertyValues: ruleIds.map((id) =>
        ph('workspaceResourceId', `/providers/Microsoft.SecurityInsights/alertRules/${id}`),
      ),
    },
  };
}

/** Native actions first (order 1..), playbooks after them, in their $btg.automationOrder. */
function actionList(
  native: Record<string, unknown>[],
  playbooks: PlaybookContent[],
  packId: string,
): Record<string, unknown>[] {
  const sorted = [...playbooks].sort(
    (a, b) =>
      (a.meta.automationOrder ?? AUTOMATION_ORDER_BASE) - (b.meta.automationOrder ?? AUTOMATION_ORDER_BASE) ||
      a.templateId.localeCompare(b.templateId),
  );
  const all = [...native, ...sorted.map((pb) => runPlaybook(pb, packId))];
  if (all.length > MAX_ACTIONS)
    throw new Error(
      `an automation rule can have at most ${MAX_ACTIONS} actions, the pack needs ${all.length} (incident tasks + playbooks): shorten the "Incident tasks" list of ${TASKS_ROUTINE}.md.hbs`,
    );
  return all.map((a, i) => ({ order: i + 1, ...a }));
}

function rule(
  kind: keyof typeof AUTOMATION_RULES,
  displayName: string,
  triggersWhen: 'Created' | 'Updated',
  conditions: unknown[],
  actions: Record<string, unknown>[],
  playbooks: PlaybookContent[],
  packId: string,
): WorkspaceResource {
  const { templateId, order } = AUTOMATION_RULES[kind];
  return makeResource({
    kind: 'automationRule',
    templateId,
    displayName,
    scope: 'sentinel',
    type: 'automationRules',
    name: contentId('automationRule', templateId),
    apiVersion: API_VERSIONS.automationRules,
    body: {
      properties: {
        displayName,
        order,
        triggeringLogic: { isEnabled: true, triggersOn: 'Incidents', triggersWhen, conditions },
        actions,
      },
    },
    dependsOn: playbooks.map((pb) => `playbook:${playbookDeploymentName(pb, packId)}`),
  });
}

/** Both automation rules of the pack for these inputs. */
export function automationRuleResources(x: AutomationInputs): WorkspaceResource[] {
  const owner = x.ownerObjectId
    ? { owner: { objectId: x.ownerObjectId, ...(x.ownerEmail ? { email: x.ownerEmail } : {}), ownerType: 'User' } }
    : {};
  const created = actionList(
    [
      {
        actionType: 'ModifyProperties',
        actionConfiguration: {
          labels: [{ labelName: LABELS.incident }],
          ...owner,
          ...(x.severity ? { severity: x.severity } : {}),
        },
      },
      ...x.tasks.map((t) => ({
        actionType: 'AddIncidentTask',
        actionConfiguration: { title: t.title, description: t.description },
      })),
    ],
    x.playbooks,
    x.packId,
  );
  const added = actionList(
    [
      {
        actionType: 'ModifyProperties',
        actionConfiguration: {
          status: 'Active',
          severity: 'High',
          labels: [{ labelName: LABELS.incident }, { labelName: LABELS.alertAdded }],
        },
      },
    ],
    x.playbooks,
    x.packId,
  );
  return [
    rule(
      'created',
      'Break-glass: label, assign, add tasks and run the playbooks (incident created)',
      'Created',
      [ruleCondition(x.ruleIds)],
      created,
      x.playbooks,
      x.packId,
    ),
    rule(
      'alertAdded',
      'Break-glass: re-raise and run the playbooks (alert added to an incident)',
      'Updated',
      // an alert added to the incident (spec: AutomationRulePropertyArrayChangedValuesCondition, arrayType Alerts, changeType Added)
      [
        { conditionType: 'PropertyArrayChanged', conditionProperties: { arrayType: 'Alerts', changeType: 'Added' } },
        ruleCondition(x.ruleIds),
      ],
      added,
      x.playbooks,
      x.packId,
    ),
  ];
}

export function automationInputs(pack: Pack): AutomationInputs {
  return {
    ruleIds: pack.rules.map((r) => r.rule.id),
    playbooks: pack.playbooks.filter((p) => p.emitted && p.meta.trigger === 'incident'),
    tasks: incidentTasks(pack.routines),
    packId: packIdOf(pack.config),
    ownerObjectId: pack.config.notify.incidentOwnerObjectId,
    ownerEmail: pack.config.notify.incidentOwner,
    severity: pack.config.notify.incidentSeverity,
  };
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

export const automationRuleEmitter: Emitter = (pack): Emitted => {
  const out: Emitted = { artifacts: [], resources: [] };
  const x = automationInputs(pack);
  if (!x.ruleIds.length) return out;
  for (const res of automationRuleResources(x)) {
    out.resources.push(res);
    const name = res.body.properties.displayName as string;
    out.artifacts.push({
      kind: 'automation-arm',
      templateId: res.templateId,
      id: res.name,
      name,
      path: `arm/automation/${res.templateId}.json`,
      content: json(armTemplate([res], `Automation rule: ${name}`)),
    });
  }
  return out;
};
