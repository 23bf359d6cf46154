/**
 * The contract the ARM emulator enforces, one entry per resource type: known api-versions, required properties,
 * enum values, status codes, paging and long-running-operation behaviour.
 *
 * Sources: the Azure/azure-rest-api-specs swaggers
 * (securityinsights readme tags, Watchlists.json 2025-06-01/09-01/12-01, scheduledQueryRule_API.json 2023-12-01) and
 * the operation specs inside the installed SDK packages (expected status codes). Where the real service's exact
 * behaviour is not documented, the comment says what was chosen and why.
 */
import { Json, ResourceStore, StoredResource, stableGuid } from './store';

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'BadRequest'): ArmError => new ArmError(400, code, message);

export interface PutContext {
  apiVersion: string;
  /** the resource name (last path segment) */
  name: string;
  /** the request path, as received */
  path: string;
  /** parent scope path (workspace for Sentinel resources, resource group for tracked ones, ...) */
  scope: string;
  existing?: StoredResource;
  query: Record<string, string>;
  store: ResourceStore;
  now: string;
}

export interface ResourceTypeSpec {
  /** resource type as ARM returns it in `type` (casing as the real RPs return it) */
  type: string;
  apiVersions: readonly string[];
  /** status of a PUT that creates; some RPs (savedSearches) answer 200 for create and update alike */
  createStatus?: 200 | 201;
  /** DELETE status for an existing / a missing resource (ARM convention: 200 and 204) */
  deleteStatus?: { existing: 200 | 204; missing: 200 | 204 | 404 };
  /** false when the collection GET has no nextLink in the real API (the whole list in one response) */
  pageable?: boolean;
  /** PATCH (JSON merge of the stored resource) is supported */
  patch?: boolean;
  /** tracked resource: `location` required and immutable */
  tracked?: boolean;
  /** Sentinel resource: the workspace must be onboarded (onboardingStates/default present) */
  sentinel?: boolean;
  /** which verbs are long-running for this api-version */
  lro?: (apiVersion: string) => { put?: boolean; delete?: 'azure-async-operation' | 'location' } | undefined;
  /** throws ArmError for a body the real service rejects */
  validate?: (body: Json, ctx: PutContext) => void;
  /** adds the server-side (read-only) properties to the resource about to be stored */
  finalize?: (resource: Json, ctx: PutContext) => void;
  /** query parameters a collection GET requires, and how a list filters/shows items */
  list?: {
    requiredQuery?: string[];
    filter?: (r: Json, query: Record<string, string>) => boolean;
    view?: (r: Json, query: Record<string, string>) => Json;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// api-versions

const dateOf = (v: string) => v.slice(0, 10);
export const isPreview = (v: string): boolean => /-preview$/i.test(v);

/** Microsoft.SecurityInsights versions: every `package-*` tag of specification/securityinsights readme.md, plus 2025-10-01-preview. */
const SI_STABLE = [
  '2020-01-01',
  '2021-04-01',
  '2021-10-01',
  '2022-08-01',
  '2022-11-01',
  '2023-02-01',
  '2023-11-01',
  '2024-03-01',
  '2024-09-01',
  '2025-03-01',
  '2025-06-01',
  '2025-09-01',
  '2025-12-01',
];
const SI_PREVIEW = [
  '2019-01-01',
  '2021-03-01',
  '2021-09-01',
  '2021-10-01',
  '2022-01-01',
  '2022-04-01',
  '2022-05-01',
  '2022-06-01',
  '2022-07-01',
  '2022-08-01',
  '2022-09-01',
  '2022-10-01',
  '2022-11-01',
  '2022-12-01',
  '2023-02-01',
  '2023-03-01',
  '2023-04-01',
  '2023-05-01',
  '2023-06-01',
  '2023-07-01',
  '2023-08-01',
  '2023-09-01',
  '2023-10-01',
  '2023-12-01',
  '2024-01-01',
  '2024-04-01',
  '2024-10-01',
  '2025-01-01',
  '2025-04-01',
  '2025-07-01',
  '2025-10-01',
].map((d) => `${d}-preview`);

/** The SecurityInsights versions whose swagger set contains the type: stable from `stable`, previews from `preview`. */
function si(stable: string, preview: string, exclude: string[] = []): string[] {
  return [...SI_STABLE.filter((v) => v >= stable), ...SI_PREVIEW.filter((v) => dateOf(v) >= preview)].filter(
    (v) => !exclude.includes(v),
  );
}

const ARM_RESOURCES = [
  '2019-05-01',
  '2019-05-10',
  '2019-07-01',
  '2019-08-01',
  '2019-10-01',
  '2020-06-01',
  '2020-08-01',
  '2020-10-01',
  '2021-01-01',
  '2021-04-01',
  '2022-09-01',
  '2023-07-01',
  '2024-03-01',
  '2024-07-01',
  '2024-11-01',
  '2025-03-01',
  '2025-04-01',
];

// ---------------------------------------------------------------------------------------------------------------
// validation helpers

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function propsOf(body: Json): Json {
  if (!isObject(body.properties)) throw badRequest("Required property 'properties' not found in JSON. Path ''.");
  return body.properties;
}

function requireProps(props: Json, names: readonly string[], path = 'properties'): void {
  for (const n of names) {
    if (props[n] === undefined || props[n] === null)
      throw badRequest(`Required property '${n}' not found in JSON. Path '${path}'.`);
  }
}

function requireType(
  props: Json,
  name: string,
  type: 'string' | 'boolean' | 'number' | 'array' | 'object',
  path = 'properties',
): void {
  const v = props[name];
  if (v === undefined || v === null) return;
  const ok = type === 'array' ? Array.isArray(v) : type === 'object' ? isObject(v) : typeof v === type;
  if (!ok) throw badRequest(`Error converting value ${JSON.stringify(v)} to type '${type}'. Path '${path}.${name}'.`);
}

function requireEnum(value: unknown, allowed: readonly string[], path: string, typeName: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !allowed.some((a) => a.toLowerCase() === value.toLowerCase())) {
    throw badRequest(
      `Error converting value ${JSON.stringify(value)} to type '${typeName}'. Path '${path}'. Allowed values: ${allowed.join(', ')}.`,
    );
  }
}

/** ISO-8601 duration (days/hours/minutes/seconds, as ARM and Sentinel use them) in ms, or undefined if malformed. */
export function durationMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(v);
  if (!m || v === 'P' || /T$/i.test(v)) return undefined;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}

function requireDuration(props: Json, name: string, bounds?: { min: number; max: number; text: string }): void {
  const v = props[name];
  if (v === undefined) return;
  const ms = durationMs(v);
  if (ms === undefined)
    throw badRequest(`Error converting value ${JSON.stringify(v)} to type 'TimeSpan'. Path 'properties.${name}'.`);
  if (bounds && (ms < bounds.min || ms > bounds.max))
    throw badRequest(`Property '${name}' must be between ${bounds.text}, got ${JSON.stringify(v)}.`);
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

// ---------------------------------------------------------------------------------------------------------------
// Microsoft.SecurityInsights

const SEVERITIES = ['High', 'Medium', 'Low', 'Informational'];
const TRIGGER_OPERATORS = ['GreaterThan', 'LessThan', 'Equal', 'NotEqual'];
const TACTICS = [
  'Reconnaissance',
  'ResourceDevelopment',
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'Exfiltration',
  'CommandAndControl',
  'Impact',
  'PreAttack',
  'ImpairProcessControl',
  'InhibitResponseFunction',
];
const STABLE_RULE_KINDS = ['Scheduled', 'MicrosoftSecurityIncidentCreation', 'Fusion'];
/** NRT, MLBehaviorAnalytics and ThreatIntelligence exist only in preview swaggers. */
const PREVIEW_RULE_KINDS = [...STABLE_RULE_KINDS, 'NRT', 'MLBehaviorAnalytics', 'ThreatIntelligence'];

const RULE_REQUIRED: Record<string, readonly string[]> = {
  Scheduled: [
    'displayName',
    'enabled',
    'severity',
    'query',
    'queryFrequency',
    'queryPeriod',
    'triggerOperator',
    'triggerThreshold',
    'suppressionDuration',
    'suppressionEnabled',
  ],
  NRT: ['displayName', 'enabled', 'severity', 'query', 'suppressionDuration', 'suppressionEnabled'],
  MicrosoftSecurityIncidentCreation: ['displayName', 'enabled', 'productFilter'],
  Fusion: ['alertRuleTemplateName', 'enabled'],
  MLBehaviorAnalytics: ['alertRuleTemplateName', 'enabled'],
  ThreatIntelligence: ['alertRuleTemplateName', 'enabled'],
};

function validateAlertRule(body: Json, ctx: PutContext): void {
  const kinds = isPreview(ctx.apiVersion) ? PREVIEW_RULE_KINDS : STABLE_RULE_KINDS;
  if (body.kind === undefined) throw badRequest("Required property 'kind' not found in JSON. Path ''.");
  if (typeof body.kind !== 'string' || !kinds.some((k) => k.toLowerCase() === String(body.kind).toLowerCase())) {
    const hint =
      !isPreview(ctx.apiVersion) && PREVIEW_RULE_KINDS.includes(String(body.kind))
        ? ` Kind '${body.kind}' needs a preview api-version.`
        : '';
    throw badRequest(
      `The alert rule kind ${JSON.stringify(body.kind)} is not supported in api-version '${ctx.apiVersion}'. Supported kinds: ${kinds.join(', ')}.${hint}`,
    );
  }
  const kind = kinds.find((k) => k.toLowerCase() === String(body.kind).toLowerCase())!;
  const props = propsOf(body);
  requireProps(props, RULE_REQUIRED[kind]);
  for (const b of ['enabled', 'suppressionEnabled']) requireType(props, b, 'boolean');
  for (const s of ['displayName', 'query', 'description']) requireType(props, s, 'string');
  requireType(props, 'tactics', 'array');
  requireEnum(props.severity, SEVERITIES, 'properties.severity', 'AlertSeverity');
  requireEnum(props.triggerOperator, TRIGGER_OPERATORS, 'properties.triggerOperator', 'TriggerOperator');
  ((props.tactics as unknown[]) ?? []).forEach((t, i) =>
    requireEnum(t, TACTICS, `properties.tactics[${i}]`, 'AttackTactic'),
  );
  if (isObject(props.eventGroupingSettings))
    requireEnum(
      props.eventGroupingSettings.aggregationKind,
      ['SingleAlert', 'AlertPerResult'],
      'properties.eventGroupingSettings.aggregationKind',
      'EventGroupingAggregationKind',
    );
  if (typeof props.query === 'string' && (props.query.length < 1 || props.query.length > 10_000))
    throw badRequest('The query length must be between 1 and 10000 characters.');
  if (
    props.triggerThreshold !== undefined &&
    (typeof props.triggerThreshold !== 'number' ||
      !Number.isInteger(props.triggerThreshold) ||
      props.triggerThreshold < 0)
  ) {
    throw badRequest(
      `Error converting value ${JSON.stringify(props.triggerThreshold)} to type 'Int32'. Path 'properties.triggerThreshold'.`,
    );
  }
  // Microsoft Learn limits (Sentinel scheduled analytics rules): frequency and period 5 minutes .. 14 days
  const window = { min: 5 * MIN, max: 14 * DAY, text: '5 minutes and 14 days' };
  requireDuration(props, 'queryFrequency', window);
  requireDuration(props, 'queryPeriod', window);
  requireDuration(props, 'suppressionDuration');
  // Microsoft Learn limits (create analytics rules, map data fields to entities): 10 entity mappings, 1-3 identifiers each, 20 custom details
  if (Array.isArray(props.entityMappings)) {
    if (props.entityMappings.length > 10)
      throw badRequest(`A rule can have at most 10 entity mappings, got ${props.entityMappings.length}.`);
    props.entityMappings.forEach((m: unknown, i) => {
      const fm = isObject(m) ? m.fieldMappings : undefined;
      if (!Array.isArray(fm) || fm.length < 1 || fm.length > 3)
        throw badRequest(`properties.entityMappings[${i}].fieldMappings must have 1 to 3 identifiers.`);
    });
  }
  if (isObject(props.customDetails) && Object.keys(props.customDetails).length > 20)
    throw badRequest('A rule can have at most 20 custom details.');
}

const AUTOMATION_ACTIONS = ['ModifyProperties', 'RunPlaybook', 'AddIncidentTask'];
function validateAutomationRule(body: Json): void {
  const props = propsOf(body);
  requireProps(props, ['displayName', 'order', 'triggeringLogic', 'actions']);
  if (typeof props.displayName !== 'string' || props.displayName.length > 500)
    throw badRequest('displayName must be a string of at most 500 characters.');
  if (typeof props.order !== 'number' || !Number.isInteger(props.order) || props.order < 1 || props.order > 1000)
    throw badRequest(`The order must be an integer between 1 and 1000, got ${JSON.stringify(props.order)}.`);
  const logic = props.triggeringLogic;
  if (!isObject(logic))
    throw badRequest(
      "Error converting value to type 'AutomationRuleTriggeringLogic'. Path 'properties.triggeringLogic'.",
    );
  requireProps(logic, ['isEnabled', 'triggersOn', 'triggersWhen'], 'properties.triggeringLogic');
  requireEnum(logic.triggersOn, ['Incidents', 'Alerts'], 'properties.triggeringLogic.triggersOn', 'TriggersOn');
  requireEnum(logic.triggersWhen, ['Created', 'Updated'], 'properties.triggeringLogic.triggersWhen', 'TriggersWhen');
  if (Array.isArray(logic.conditions) && logic.conditions.length > 50)
    throw badRequest('An automation rule can have at most 50 conditions.');
  if (!Array.isArray(props.actions) || props.actions.length < 1 || props.actions.length > 20)
    throw badRequest('An automation rule needs 1 to 20 actions.');
  props.actions.forEach((a: unknown, i) => {
    if (!isObject(a)) throw badRequest(`properties.actions[${i}] must be an object.`);
    requireProps(a, ['order', 'actionType'], `properties.actions[${i}]`);
    requireEnum(a.actionType, AUTOMATION_ACTIONS, `properties.actions[${i}].actionType`, 'ActionType');
    if (
      a.actionType === 'RunPlaybook' &&
      !(isObject(a.actionConfiguration) && typeof a.actionConfiguration.logicAppResourceId === 'string')
    ) {
      throw badRequest(
        `Required property 'logicAppResourceId' not found in JSON. Path 'properties.actions[${i}].actionConfiguration'.`,
      );
    }
  });
}

function validateWatchlist(body: Json): void {
  const props = propsOf(body);
  requireProps(props, ['displayName', 'provider', 'itemsSearchKey']);
  // sourceType is modelAsString and its values changed between api-versions: not checked.
  if (typeof props.rawContent === 'string' && props.rawContent.length > 0) {
    const skip = typeof props.numberOfLinesToSkip === 'number' ? props.numberOfLinesToSkip : 0;
    const sep = String(props.contentType ?? 'text/csv')
      .toLowerCase()
      .includes('tsv')
      ? '\t'
      : ',';
    const header = props.rawContent.split(/\r?\n/)[skip] ?? '';
    const columns = header.split(sep).map((c) => c.trim().replace(/^"|"$/g, ''));
    if (!columns.includes(String(props.itemsSearchKey))) {
      throw badRequest(
        `The itemsSearchKey '${props.itemsSearchKey}' is not a column of the raw content header (${columns.join(', ')}).`,
      );
    }
  }
}

const METADATA_KINDS = [
  'DataConnector',
  'DataType',
  'Workbook',
  'WorkbookTemplate',
  'Playbook',
  'PlaybookTemplate',
  'AnalyticsRuleTemplate',
  'AnalyticsRule',
  'HuntingQuery',
  'InvestigationQuery',
  'Parser',
  'Watchlist',
  'WatchlistTemplate',
  'Solution',
  'AzureFunction',
  'LogicAppsCustomConnector',
  'AutomationRule',
];
function validateMetadata(body: Json): void {
  const props = propsOf(body);
  requireProps(props, ['parentId', 'kind']);
  requireEnum(props.kind, METADATA_KINDS, 'properties.kind', 'Kind');
  if (props.source !== undefined) {
    if (!isObject(props.source))
      throw badRequest("Error converting value to type 'MetadataSource'. Path 'properties.source'.");
    requireProps(props.source, ['kind'], 'properties.source');
    requireEnum(
      props.source.kind,
      ['LocalWorkspace', 'Community', 'Solution', 'SourceRepository'],
      'properties.source.kind',
      'SourceKind',
    );
  }
  if (props.support !== undefined) {
    if (!isObject(props.support))
      throw badRequest("Error converting value to type 'MetadataSupport'. Path 'properties.support'.");
    requireProps(props.support, ['tier'], 'properties.support');
    requireEnum(props.support.tier, ['Microsoft', 'Partner', 'Community'], 'properties.support.tier', 'SupportTier');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Microsoft.Insights, Logic, Web, Authorization, Resources

const SQR_FREQUENCIES = [
  'PT1M',
  'PT5M',
  'PT10M',
  'PT15M',
  'PT30M',
  'PT45M',
  'PT1H',
  'PT2H',
  'PT3H',
  'PT4H',
  'PT5H',
  'PT6H',
  'P1D',
];
function validateScheduledQueryRule(body: Json, ctx: PutContext): void {
  const props = propsOf(body);
  if (ctx.apiVersion === '2018-04-16') {
    // the legacy model (@azure/arm-monitor@7): source + action (+ schedule)
    requireProps(props, ['source', 'action']);
    if (!isObject(props.source) || typeof props.source.dataSourceId !== 'string')
      throw badRequest("Required property 'dataSourceId' not found in JSON. Path 'properties.source'.");
    if (!isObject(props.action) || typeof props.action['odata.type'] !== 'string')
      throw badRequest("Required property 'odata.type' not found in JSON. Path 'properties.action'.");
    return;
  }
  requireEnum(body.kind, ['LogAlert', 'LogToMetric'], 'kind', 'Kind');
  requireProps(props, ['enabled', 'criteria', 'scopes']);
  requireType(props, 'enabled', 'boolean');
  if (!Array.isArray(props.scopes) || props.scopes.length === 0)
    throw badRequest('At least one scope is required. Path: properties.scopes.');
  const allOf = isObject(props.criteria) ? props.criteria.allOf : undefined;
  if (!Array.isArray(allOf) || allOf.length === 0)
    throw badRequest("Required property 'allOf' not found in JSON. Path 'properties.criteria'.");
  if ((body.kind ?? 'LogAlert') === 'LogAlert') {
    // "relevant and required only for rules of the kind LogAlert" (spec text)
    requireProps(props, ['severity', 'evaluationFrequency', 'windowSize']);
    if (
      typeof props.severity !== 'number' ||
      !Number.isInteger(props.severity) ||
      props.severity < 0 ||
      props.severity > 4
    )
      throw badRequest(`severity must be an integer 0-4, got ${JSON.stringify(props.severity)}.`);
    requireEnum(props.evaluationFrequency, SQR_FREQUENCIES, 'properties.evaluationFrequency', 'EvaluationFrequency');
    requireEnum(props.windowSize, [...SQR_FREQUENCIES, 'P2D'], 'properties.windowSize', 'WindowSize');
    allOf.forEach((c: unknown, i) => {
      if (!isObject(c)) throw badRequest(`properties.criteria.allOf[${i}] must be an object.`);
      requireProps(c, ['query', 'timeAggregation', 'operator', 'threshold'], `properties.criteria.allOf[${i}]`);
      requireEnum(
        c.timeAggregation,
        ['Count', 'Average', 'Minimum', 'Maximum', 'Total'],
        `properties.criteria.allOf[${i}].timeAggregation`,
        'TimeAggregation',
      );
      requireEnum(
        c.operator,
        ['Equals', 'GreaterThan', 'GreaterThanOrEqual', 'LessThan', 'LessThanOrEqual'],
        `properties.criteria.allOf[${i}].operator`,
        'ConditionOperator',
      );
    });
  }
}

function validateActionGroup(body: Json): void {
  const props = propsOf(body);
  requireProps(props, ['groupShortName', 'enabled']);
  requireType(props, 'enabled', 'boolean');
  if (typeof props.groupShortName !== 'string' || props.groupShortName.length > 12)
    throw badRequest(`groupShortName must be at most 12 characters, got ${JSON.stringify(props.groupShortName)}.`);
  // WebhookReceiver: name and serviceUri are required (the REST specification's required list)
  const hooks = props.webhookReceivers;
  if (hooks !== undefined && !Array.isArray(hooks)) throw badRequest('webhookReceivers must be an array.');
  for (const [i, h] of ((hooks ?? []) as unknown[]).entries()) {
    const r = isObject(h) ? h : {};
    for (const k of ['name', 'serviceUri'])
      if (typeof r[k] !== 'string' || !(r[k] as string).length)
        throw badRequest(`webhookReceivers[${i}].${k} is required.`);
  }
}

/**
 * Microsoft.Insights/metricAlerts (2018-03-01, monitor/resource-manager/.../metricAlerts_API.json): MetricAlertProperties
 * requires severity, enabled, scopes, evaluationFrequency, windowSize and criteria; a single-resource criteria set
 * (odata.type SingleResourceMultipleMetricCriteria) lists MetricCriteria with criterionType, name, metricName,
 * operator, threshold and timeAggregation. Location is "global".
 */
function validateMetricAlert(body: Json): void {
  const props = propsOf(body);
  requireProps(props, ['severity', 'enabled', 'scopes', 'evaluationFrequency', 'windowSize', 'criteria']);
  requireType(props, 'enabled', 'boolean');
  if (
    typeof props.severity !== 'number' ||
    !Number.isInteger(props.severity) ||
    props.severity < 0 ||
    props.severity > 4
  )
    throw badRequest(`severity must be an integer 0-4, got ${JSON.stringify(props.severity)}.`);
  if (String(body.location).toLowerCase() !== 'global')
    throw badRequest(
      `Metric alerts are global resources: location must be 'global', got ${JSON.stringify(body.location)}.`,
    );
  if (!Array.isArray(props.scopes) || props.scopes.length === 0)
    throw badRequest('At least one scope is required. Path: properties.scopes.');
  requireEnum(
    props.evaluationFrequency,
    ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'],
    'properties.evaluationFrequency',
    'EvaluationFrequency',
  );
  requireEnum(
    props.windowSize,
    ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'],
    'properties.windowSize',
    'WindowSize',
  );
  const criteria = isObject(props.criteria) ? props.criteria : {};
  requireEnum(
    criteria['odata.type'],
    [
      'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
      'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria',
      'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria',
    ],
    'properties.criteria.odata.type',
    'Odatatype',
  );
  const allOf = criteria.allOf;
  if (!Array.isArray(allOf) || allOf.length === 0)
    throw badRequest("Required property 'allOf' not found in JSON. Path 'properties.criteria'.");
  for (const [i, c] of (allOf as unknown[]).entries()) {
    const m = isObject(c) ? c : {};
    for (const k of ['criterionType', 'name', 'metricName', 'operator', 'threshold', 'timeAggregation'])
      if (m[k] === undefined)
        throw badRequest(`Required property '${k}' not found in JSON. Path 'properties.criteria.allOf[${i}]'.`);
    requireEnum(
      m.operator,
      ['Equals', 'GreaterThan', 'GreaterThanOrEqual', 'LessThan', 'LessThanOrEqual'],
      `properties.criteria.allOf[${i}].operator`,
      'Operator',
    );
    requireEnum(
      m.timeAggregation,
      ['Average', 'Count', 'Minimum', 'Maximum', 'Total'],
      `properties.criteria.allOf[${i}].timeAggregation`,
      'AggregationTypeEnum',
    );
  }
  const actions = props.actions;
  if (actions !== undefined && !Array.isArray(actions)) throw badRequest('actions must be an array.');
  for (const [i, a] of ((actions ?? []) as unknown[]).entries())
    if (!isObject(a) || typeof a.actionGroupId !== 'string' || !a.actionGroupId.length)
      throw badRequest(`actions[${i}].actionGroupId is required.`);
}

function validateWorkbook(body: Json, ctx: PutContext): void {
  const props = propsOf(body);
  requireProps(props, ['displayName', 'category', 'serializedData']);
  requireEnum(
    body.kind,
    ctx.apiVersion >= '2022-04-01' ? ['shared'] : ['user', 'shared'],
    'kind',
    'WorkbookSharedTypeKind',
  );
  try {
    JSON.parse(String(props.serializedData));
  } catch {
    throw badRequest('serializedData is not valid JSON.', 'InvalidWorkbookContent');
  }
}

function validateWorkflow(body: Json): void {
  const props = isObject(body.properties) ? body.properties : {};
  requireEnum(
    props.state,
    ['NotSpecified', 'Completed', 'Enabled', 'Disabled', 'Deleted', 'Suspended'],
    'properties.state',
    'WorkflowState',
  );
  if (props.definition !== undefined && !isObject(props.definition))
    throw badRequest('The workflow definition must be a JSON object.', 'InvalidRequestContent');
}

function validateConnection(body: Json): void {
  const props = propsOf(body);
  if (!isObject(props.api) || typeof props.api.id !== 'string')
    throw badRequest("Required property 'id' not found in JSON. Path 'properties.api'.");
}

function validateRoleAssignment(body: Json, ctx: PutContext): void {
  if (!GUID_RE.test(ctx.name))
    throw badRequest(
      `The role assignment ID '${ctx.name}' is not valid. The role assignment ID must be a GUID.`,
      'InvalidRoleAssignmentId',
    );
  const props = propsOf(body);
  requireProps(props, ['roleDefinitionId', 'principalId']);
  requireEnum(
    props.principalType,
    ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'],
    'properties.principalType',
    'PrincipalType',
  );
  const same = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();
  if (ctx.existing) {
    const old = ctx.existing.body.properties as Json;
    if (!same(old.principalId, props.principalId) || !same(old.roleDefinitionId, props.roleDefinitionId)) {
      throw badRequest(
        'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
        'RoleAssignmentUpdateNotPermitted',
      );
    }
    return;
  }
  const siblings = ctx.store.list({ under: ctx.scope, typeKey: 'microsoft.authorization/roleassignments' });
  if (
    siblings.some((r) => {
      const p = r.body.properties as Json;
      return (
        String((p.scope as string) ?? '').toLowerCase() === ctx.scope.toLowerCase() &&
        same(p.principalId, props.principalId) &&
        same(p.roleDefinitionId, props.roleDefinitionId)
      );
    })
  ) {
    throw new ArmError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
  }
}

function validateDeployment(body: Json, ctx: PutContext): void {
  if (ctx.name.length > 64)
    throw badRequest(
      `The deployment name '${ctx.name}' exceeds the maximum length of '64' characters.`,
      'DeploymentNameLengthLimitExceeded',
    );
  const props = propsOf(body);
  requireProps(props, ['mode']);
  requireEnum(props.mode, ['Incremental', 'Complete'], 'properties.mode', 'DeploymentMode');
  if ((props.template === undefined) === (props.templateLink === undefined))
    throw badRequest('Exactly one of template or templateLink must be given.', 'InvalidRequestContent');
  if (props.template !== undefined) {
    const t = props.template;
    if (
      !isObject(t) ||
      typeof t.contentVersion !== 'string' ||
      !(Array.isArray(t.resources) || isObject(t.resources))
    ) {
      throw badRequest(
        "Deployment template validation failed: the template must be an object with '$schema', 'contentVersion' and 'resources'.",
        'InvalidTemplate',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// server-side properties

function withIdentity(resource: Json, ctx: PutContext): void {
  const identity = resource.identity;
  if (isObject(identity) && /SystemAssigned/i.test(String(identity.type))) {
    identity.principalId =
      (ctx.existing?.body.identity as Json | undefined)?.principalId ??
      stableGuid(`principal:${ctx.path.toLowerCase()}`);
    identity.tenantId = stableGuid('tenant');
  }
}

const props = (r: Json): Json => (isObject(r.properties) ? r.properties : (r.properties = {}));
const keep = (ctx: PutContext, name: string, fallback: unknown): unknown =>
  (ctx.existing?.body.properties as Json | undefined)?.[name] ?? fallback;

// ---------------------------------------------------------------------------------------------------------------
// the table

export const RESOURCE_TYPES: Record<string, ResourceTypeSpec> = {
  'microsoft.securityinsights/alertrules': {
    type: 'Microsoft.SecurityInsights/alertRules',
    apiVersions: si('2020-01-01', '2019-01-01'),
    sentinel: true,
    validate: validateAlertRule,
    finalize: (r, ctx) => {
      props(r).lastModifiedUtc = ctx.now;
    },
  },
  'microsoft.securityinsights/automationrules': {
    type: 'Microsoft.SecurityInsights/automationRules',
    apiVersions: si('2021-10-01', '2019-01-01', ['2021-03-01-preview']),
    sentinel: true,
    validate: validateAutomationRule,
    finalize: (r, ctx) => {
      Object.assign(props(r), { createdTimeUtc: keep(ctx, 'createdTimeUtc', ctx.now), lastModifiedTimeUtc: ctx.now });
    },
  },
  'microsoft.securityinsights/watchlists': {
    type: 'Microsoft.SecurityInsights/Watchlists',
    apiVersions: si('2021-04-01', '2019-01-01'),
    sentinel: true,
    // PUT and DELETE are long-running in the 2025-06-01, 2025-09-01 and 2025-12-01 swaggers (checked); earlier stable
    // versions and the SDK's 2022-09-01-preview are plain calls. Previews of 2025 are assumed to follow the stable ones.
    lro: (v) => (dateOf(v) >= '2025-06-01' ? { put: true, delete: 'azure-async-operation' } : undefined),
    validate: validateWatchlist,
    finalize: (r, ctx) => {
      Object.assign(props(r), {
        watchlistAlias: ctx.name,
        watchlistId: keep(ctx, 'watchlistId', stableGuid(`watchlist:${ctx.path.toLowerCase()}`)),
        created: keep(ctx, 'created', ctx.now),
        updated: ctx.now,
        isDeleted: false,
        uploadStatus: 'Complete',
      });
    },
  },
  'microsoft.securityinsights/watchlists/watchlistitems': {
    type: 'Microsoft.SecurityInsights/Watchlists/WatchlistItems',
    apiVersions: si('2021-04-01', '2019-01-01'),
    sentinel: true,
    validate: (body) => requireProps(propsOf(body), ['itemsKeyValue']),
    finalize: (r, ctx) => {
      Object.assign(props(r), {
        watchlistItemId: ctx.name,
        isDeleted: false,
        created: keep(ctx, 'created', ctx.now),
        updated: ctx.now,
      });
    },
  },
  'microsoft.securityinsights/metadata': {
    type: 'Microsoft.SecurityInsights/metadata',
    apiVersions: si('2023-02-01', '2021-03-01'),
    sentinel: true,
    patch: true,
    validate: validateMetadata,
  },
  'microsoft.securityinsights/onboardingstates': {
    type: 'Microsoft.SecurityInsights/onboardingStates',
    apiVersions: si('2021-10-01', '2021-03-01'),
    validate: (_body, ctx) => {
      if (ctx.name.toLowerCase() !== 'default')
        throw badRequest(`The onboarding state name must be 'default', got '${ctx.name}'.`);
    },
  },
  'microsoft.operationalinsights/workspaces': {
    type: 'Microsoft.OperationalInsights/workspaces',
    apiVersions: [
      '2015-11-01-preview',
      '2020-03-01-preview',
      '2020-08-01',
      '2020-10-01',
      '2021-06-01',
      '2021-12-01-preview',
      '2022-10-01',
      '2023-09-01',
      '2025-02-01',
      '2025-07-01',
    ],
    tracked: true,
    patch: true,
    finalize: (r, ctx) => {
      const p = props(r);
      Object.assign(p, {
        customerId: keep(ctx, 'customerId', stableGuid(`customer:${ctx.path.toLowerCase()}`)),
        provisioningState: 'Succeeded',
        sku: p.sku ?? { name: 'PerGB2018' },
        retentionInDays: p.retentionInDays ?? 30,
        createdDate: keep(ctx, 'createdDate', ctx.now),
        modifiedDate: ctx.now,
      });
    },
  },
  'microsoft.operationalinsights/workspaces/savedsearches': {
    type: 'Microsoft.OperationalInsights/savedSearches',
    apiVersions: ['2015-03-20', '2020-03-01-preview', '2020-08-01', '2023-09-01', '2025-02-01', '2025-07-01'],
    // the swagger (and @azure/arm-operationalinsights@9) declare only 200 for PUT and DELETE, and no paging
    createStatus: 200,
    deleteStatus: { existing: 200, missing: 200 },
    pageable: false,
    validate: (body) => {
      const p = propsOf(body);
      requireProps(p, ['category', 'displayName', 'query']);
      requireType(p, 'functionParameters', 'string');
    },
  },
  'microsoft.insights/workbooks': {
    type: 'microsoft.insights/workbooks',
    apiVersions: [
      '2015-05-01',
      '2018-06-17-preview',
      '2020-02-12',
      '2020-10-20',
      '2021-03-08',
      '2021-08-01',
      '2022-04-01',
      '2023-06-01',
    ],
    tracked: true,
    patch: true,
    validate: validateWorkbook,
    finalize: (r, ctx) => {
      const p = props(r);
      if (p.sourceId === undefined && ctx.query.sourceId) p.sourceId = ctx.query.sourceId;
      Object.assign(p, {
        timeModified: ctx.now,
        version: p.version ?? 'Notebook/1.0',
        revision: stableGuid(`${ctx.path}:${ctx.now}`).replace(/-/g, ''),
      });
    },
    // `category` is a required query parameter of the list operations; without canFetchContent=true the list returns
    // summaries (no serializedData), as the swagger describes.
    list: {
      requiredQuery: ['category'],
      filter: (r, q) =>
        String(props(r).category).toLowerCase() === q.category.toLowerCase() &&
        (!q.sourceId || String(props(r).sourceId).toLowerCase() === q.sourceId.toLowerCase()),
      view: (r, q) => {
        if (q.canFetchContent === 'true') return r;
        const { serializedData: _omit, ...rest } = props(r);
        return { ...r, properties: rest };
      },
    },
  },
  'microsoft.insights/scheduledqueryrules': {
    type: 'microsoft.insights/scheduledqueryrules',
    apiVersions: [
      '2018-04-16',
      '2020-05-01-preview',
      '2021-02-01-preview',
      '2021-08-01',
      '2022-06-15',
      '2022-08-01-preview',
      '2023-03-15-preview',
      '2023-12-01',
      '2024-01-01-preview',
      '2025-01-01-preview',
    ],
    tracked: true,
    patch: true,
    validate: validateScheduledQueryRule,
    finalize: (r, ctx) => {
      if (ctx.apiVersion === '2018-04-16')
        Object.assign(props(r), { provisioningState: 'Succeeded', lastUpdatedTime: ctx.now });
      else props(r).isWorkspaceAlertsStorageConfigured = false;
    },
  },
  'microsoft.insights/metricalerts': {
    type: 'Microsoft.Insights/metricAlerts',
    apiVersions: ['2018-03-01', '2024-03-01-preview'],
    tracked: true,
    patch: true,
    validate: validateMetricAlert,
  },
  'microsoft.insights/actiongroups': {
    type: 'Microsoft.Insights/ActionGroups',
    apiVersions: [
      '2017-04-01',
      '2018-03-01',
      '2018-09-01',
      '2019-03-01',
      '2019-06-01',
      '2021-09-01',
      '2022-04-01',
      '2022-06-01',
      '2023-01-01',
      '2023-09-01-preview',
      '2024-10-01-preview',
    ],
    tracked: true,
    patch: true,
    validate: validateActionGroup,
  },
  'microsoft.logic/workflows': {
    type: 'Microsoft.Logic/workflows',
    apiVersions: [
      '2015-02-01-preview',
      '2015-08-01-preview',
      '2016-06-01',
      '2017-07-01',
      '2018-07-01-preview',
      '2019-05-01',
    ],
    tracked: true,
    patch: true,
    validate: validateWorkflow,
    finalize: (r, ctx) => {
      withIdentity(r, ctx);
      const p = props(r);
      Object.assign(p, {
        provisioningState: 'Succeeded',
        state: p.state ?? 'Enabled',
        createdTime: keep(ctx, 'createdTime', ctx.now),
        changedTime: ctx.now,
        version: stableGuid(`${ctx.path}:${ctx.now}`).replace(/-/g, '').slice(0, 18).toUpperCase(),
        accessEndpoint: `https://prod-00.${String(r.location ?? 'westeurope').toLowerCase()}.logic.azure.com:443/workflows/${stableGuid(ctx.path.toLowerCase()).replace(/-/g, '')}`,
      });
    },
  },
  'microsoft.web/connections': {
    type: 'Microsoft.Web/connections',
    apiVersions: ['2015-08-01-preview', '2016-06-01', '2018-07-01-preview'],
    tracked: true,
    patch: true,
    validate: validateConnection,
    finalize: (r, ctx) => {
      Object.assign(props(r), { createdTime: keep(ctx, 'createdTime', ctx.now), changedTime: ctx.now });
    },
  },
  'microsoft.authorization/roleassignments': {
    type: 'Microsoft.Authorization/roleAssignments',
    apiVersions: [
      '2015-07-01',
      '2017-10-01-preview',
      '2018-01-01-preview',
      '2018-09-01-preview',
      '2020-03-01-preview',
      '2020-04-01-preview',
      '2020-08-01-preview',
      '2020-10-01-preview',
      '2022-01-01-preview',
      '2022-04-01',
    ],
    createStatus: 201,
    validate: validateRoleAssignment,
    finalize: (r, ctx) => {
      Object.assign(props(r), { scope: ctx.scope, createdOn: keep(ctx, 'createdOn', ctx.now), updatedOn: ctx.now });
    },
  },
  'microsoft.resources/deployments': {
    type: 'Microsoft.Resources/deployments',
    apiVersions: ARM_RESOURCES,
    lro: () => ({ put: true, delete: 'location' }),
    validate: validateDeployment,
    finalize: (r, ctx) => {
      // a real GET returns templateHash, not the template
      const { template, ...rest } = props(r);
      r.properties = {
        ...rest,
        templateHash: template === undefined ? undefined : stableGuid(JSON.stringify(template)).replace(/-/g, ''),
        provisioningState: 'Accepted',
        timestamp: ctx.now,
        duration: 'PT0S',
        correlationId: stableGuid(`corr:${ctx.path}:${ctx.now}`),
        outputs: {},
        outputResources: [],
      };
    },
  },
  'microsoft.resources/resourcegroups': {
    type: 'Microsoft.Resources/resourceGroups',
    apiVersions: ARM_RESOURCES,
    tracked: true,
    patch: true,
    finalize: (r) => {
      props(r).provisioningState = 'Succeeded';
    },
  },
};

export const KNOWN_NAMESPACES = new Set(Object.keys(RESOURCE_TYPES).map((k) => k.split('/')[0]));
