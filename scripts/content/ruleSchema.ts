/**
 * The Azure-Sentinel analytic rule (YAML) model. Structure only; service limits and cross-field rules
 * are separate checks (scripts/validate/checks), so each can fail on its own with its own id.
 */
import { z } from 'zod';

/**
 * An enum whose value the service matches without regard to case (the Sentinel API and Azure-Sentinel CI deserialize
 * enums by name, case-insensitively): any case is read as the canonical spelling; anything else stays an error.
 */
const anyCaseEnum = <T extends [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (values.find((x) => x.toLowerCase() === v.toLowerCase()) ?? v) : v),
    z.enum(values),
  );

const FieldMapping = z.object({ identifier: z.string(), columnName: z.string() }).strict();
export const EntityMapping = z.object({ entityType: z.string(), fieldMappings: z.array(FieldMapping) }).strict();

const GroupingConfiguration = z
  .object({
    enabled: z.boolean(),
    reopenClosedIncident: z.boolean().default(false),
    lookbackDuration: z.string().default('5h'),
    matchingMethod: anyCaseEnum(['AllEntities', 'AnyAlert', 'Selected']).default('AllEntities'),
    groupByEntities: z.array(z.string()).default([]),
    groupByAlertDetails: z.array(anyCaseEnum(['DisplayName', 'Severity'])).default([]),
    groupByCustomDetails: z.array(z.string()).default([]),
  })
  .strict();

export const IncidentConfiguration = z
  .object({ createIncident: z.boolean(), groupingConfiguration: GroupingConfiguration.optional() })
  .strict();

export const AlertDetailsOverride = z
  .object({
    alertDisplayNameFormat: z.string().optional(),
    alertDescriptionFormat: z.string().optional(),
    alertTacticsColumnName: z.string().optional(),
    alertSeverityColumnName: z.string().optional(),
    alertDynamicProperties: z.array(z.object({ alertProperty: z.string(), value: z.string() }).strict()).optional(),
  })
  .strict();

/** Keys matched without regard to case, as Azure-Sentinel CI (Newtonsoft) reads them (`datatypes` is `dataTypes`). */
const anyCaseKeys = (keys: string[]) => (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [
          keys.find((c) => c.toLowerCase() === k.toLowerCase()) ?? k,
          x,
        ]),
      )
    : v;

const RequiredDataConnector = z.preprocess(
  anyCaseKeys(['connectorId', 'dataTypes']),
  z.object({ connectorId: z.string(), dataTypes: z.array(z.string()) }).strict(),
);

/** Fields both kinds share. Unknown keys are tolerated on user files (Azure-Sentinel CI ignores them) but flagged on pack templates. */
const common = {
  id: z.string(),
  name: z.string(),
  description: z.string(),
  severity: z.string(),
  requiredDataConnectors: z.array(RequiredDataConnector).optional(),
  tactics: z.array(z.string()).default([]),
  relevantTechniques: z.array(z.string()).default([]),
  query: z.string(),
  entityMappings: z.array(EntityMapping).optional(),
  customDetails: z.record(z.string(), z.string()).optional(),
  alertDetailsOverride: AlertDetailsOverride.optional(),
  incidentConfiguration: IncidentConfiguration.optional(),
  eventGroupingSettings: z
    .object({ aggregationKind: anyCaseEnum(['SingleAlert', 'AlertPerResult']) })
    .strict()
    .optional(),
  suppressionEnabled: z.boolean().optional(),
  suppressionDuration: z.string().optional(),
  version: z.string().optional(),
  status: z.string().optional(),
  tags: z.array(z.unknown()).optional(),
  metadata: z.unknown().optional(),
};

export const ScheduledRule = z.object({
  ...common,
  kind: z.literal('Scheduled'),
  queryFrequency: z.string(),
  queryPeriod: z.string(),
  triggerOperator: z.string(),
  triggerThreshold: z.number(),
});

export const NrtRule = z.object({
  ...common,
  kind: z.literal('NRT'),
  queryFrequency: z.string().optional(),
  queryPeriod: z.string().optional(),
  triggerOperator: z.string().optional(),
  triggerThreshold: z.number().optional(),
});

export const SentinelRule = z.discriminatedUnion('kind', [ScheduledRule, NrtRule]);
export type SentinelRule = z.infer<typeof SentinelRule>;
export type ScheduledRule = z.infer<typeof ScheduledRule>;
export type EntityMapping = z.infer<typeof EntityMapping>;

/** One synthetic test case: rows per table, and whether the rule must fire. */
export const RuleTest = z
  .object({
    name: z.string().min(1),
    expect: z.enum(['fire', 'no-fire']),
    /** rows per table; column names and types must match the table schema */
    tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown())).min(1)),
    /**
     * expect: fire only: values one alert (result row) must carry, checked by the offline evaluator. `entities` keys
     * are `<entityType>.<identifier>` of the rule's entityMappings, `customDetails` keys the rule's customDetails keys;
     * values compare as Kusto's tostring() of the column. `severity` is the alert's severity: the value of the rule's
     * alertDetailsOverride.alertSeverityColumnName, or the rule's own severity when it has none.
     */
    alert: z
      .object({
        severity: z.enum(['Informational', 'Low', 'Medium', 'High']).optional(),
        entities: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
        customDetails: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type RuleTest = z.infer<typeof RuleTest>;

/**
 * A pack rule template: the Azure-Sentinel fields (query a Handlebars KQL template, no `id`: it is
 * derived from the template id) plus pack fields.
 */
export const RuleTemplate = z
  .object({
    ...common,
    id: z
      .undefined({ invalid_type_error: 'rule templates carry no id: it is derived from the file name (UUID v5)' })
      .optional(),
    kind: z.enum(['Scheduled', 'NRT']),
    queryFrequency: z.string().optional(),
    queryPeriod: z.string().optional(),
    triggerOperator: z.string().optional(),
    triggerThreshold: z.number().optional(),
    /** config options the rule needs; without them it is not emitted (watchlist: accountSource watchlist) */
    requires: z.array(z.enum(['expectedLocations', 'exclusionGroupIds', 'watchlist'])).optional(),
    /**
     * `tenant`: the rule watches a tenant-wide path that protects every account at once (federation, authentication
     * methods policy, the log pipeline), so it cannot filter on the account set; pack-account-filter skips it.
     */
    scope: z.enum(['accounts', 'tenant']).optional(),
    /**
     * `absence`: the rule alerts on data that did NOT arrive, so it looks back its own queryPeriod and measures
     * max(ingestion_time()) instead of evaluating each event once.
     */
    evaluation: z.enum(['events', 'absence']).optional(),
    tests: z.array(RuleTest).default([]),
  })
  .strict();
export type RuleTemplate = z.infer<typeof RuleTemplate>;

/** Hunting query template (Azure-Sentinel hunting YAML: no scheduling fields). */
export const HuntingTemplate = z
  .object({
    name: z.string(),
    description: z.string(),
    requiredDataConnectors: z.array(RequiredDataConnector).optional(),
    tactics: z.array(z.string()).default([]),
    relevantTechniques: z.array(z.string()).default([]),
    query: z.string(),
    entityMappings: z.array(EntityMapping).optional(),
    version: z.string().optional(),
    tags: z.array(z.unknown()).optional(),
  })
  .strict();
export type HuntingTemplate = z.infer<typeof HuntingTemplate>;

/**
 * A user's own hunting query (Azure-Sentinel `Hunting Queries/**.yaml`): no kind, no schedule. Keys the model does not
 * declare (metadata, tags, author...) are tolerated, as for user rule files.
 */
export const UserHuntingQuery = HuntingTemplate.extend({
  id: z.string().optional(),
  description: z.string().default(''),
}).passthrough();
export type UserHuntingQuery = z.infer<typeof UserHuntingQuery>;
