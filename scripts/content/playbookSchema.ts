/**
 * Playbook templates (`playbooks/*.json`): a Logic App workflow definition plus pack metadata. Values that depend on
 * the config reach the workflow only as workflow parameters (declared in `$btg.parameters`, filled from the config at
 * emit time); KQL reaches it only as a `{"$btgQuery": "<file>"}` marker replaced by the rendered, validated query.
 */
import { z } from 'zod';

/** Config facts an action (or a whole playbook) can depend on; actions whose fact is false are left out. */
export const Feature = z.enum([
  'teams',
  'notifyEmails',
  'incidentOwner',
  'custodians',
  'identityOwners',
  'noIdentityOwners',
  'approvers',
]);
export type Feature = z.infer<typeof Feature>;

/** Workflow parameters the pack can fill (see PLAYBOOK_PARAMETERS). */
export const ParameterName = z.enum([
  'NotifyEmails',
  'EmailSubjectTemplate',
  'TeamsGroupId',
  'TeamsChannelId',
  'IncidentOwner',
  'Custodians',
  'IdentityOwners',
  'BreakGlassUpns',
  'BreakGlassObjectIds',
  'SignInRuleIds',
  'TestIntervalDays',
  'ReminderTitlePrefix',
  'TenantName',
  'WorkspaceResourceId',
  'WorkspaceId',
]);
export type ParameterName = z.infer<typeof ParameterName>;

const ActionName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,80}$/, { message: 'expected a Logic App action name (letters, digits, _ and -)' });

export const PlaybookMeta = z
  .object({
    displayName: z.string().min(1).max(200),
    description: z.string().min(1),
    /** incident: started by a Sentinel automation rule; schedule: a recurrence trigger */
    trigger: z.enum(['incident', 'schedule']),
    parameters: z.array(ParameterName).default([]),
    /** actions left out unless the config has the feature */
    requires: z.record(ActionName, Feature).default({}),
    /** the whole playbook is emitted only when the config has this feature */
    when: Feature.optional(),
    /** order of the automation rule that runs an incident playbook (1-1000; lower runs first) */
    automationOrder: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type PlaybookMeta = z.infer<typeof PlaybookMeta>;

export const WorkflowDefinition = z
  .object({
    $schema: z.literal(
      'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
    ),
    contentVersion: z.string(),
    triggers: z
      .record(z.record(z.unknown()))
      .refine((t) => Object.keys(t).length === 1, { message: 'expected exactly one trigger' }),
    actions: z.record(z.record(z.unknown())),
    outputs: z.record(z.unknown()).optional(),
  })
  .strict();

export const PlaybookTemplate = z.object({ $btg: PlaybookMeta, definition: WorkflowDefinition }).strict();
export type PlaybookTemplate = z.infer<typeof PlaybookTemplate>;

/** `{"$btgQuery": "btg-incident-signins", "bind": {"IncidentStart": "@{formatDateTime(…, 'yyyy-MM-ddTHH:mm:ssZ')}"}}` */
export const QueryMarker = z
  .object({ $btgQuery: z.string().regex(/^[a-z0-9-]+$/), bind: z.record(z.string()).default({}) })
  .strict();
export type QueryMarker = z.infer<typeof QueryMarker>;
