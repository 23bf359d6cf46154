/**
 * What the pack puts into a workspace, as resource descriptions. ARM templates and the deploy layer are
 * both generated from these, so `az deployment` and `btg deploy` apply the same bodies.
 */
import { formatIsoDuration, parseTimeSpan } from '../core/duration';
import { API_VERSIONS } from '../core/definitions';
import { createHash } from 'crypto';
import { HuntingItem, RuleItem } from '../content/items';
import { PACK_SOURCE_NAME, SAVED_SEARCH_PACK_TAG, contentId, metadataSourceId, packNames } from '../content/ids';
import { toIsoDuration } from '../kql/literals';
import { ph, Placeholder } from './placeholders';

/** Deploy order: lower levels are applied first (what a resource depends on exists before it). */
export const LEVELS = {
  watchlist: 0,
  function: 1,
  huntingQuery: 1,
  alertRule: 2,
  metadata: 2,
  // before the playbooks: their run-failure alerts name it (emit/playbooks.ts), as the monitor alerts do
  actionGroup: 2.5,
  playbook: 3,
  automationRule: 4,
  workbook: 5,
  monitorAlert: 7,
} as const;
export type ResourceKind = keyof typeof LEVELS;

/** Where the resource lives: under the Sentinel provider of the workspace, the workspace itself, or the resource group. */
export type ResourceScope = 'sentinel' | 'workspace' | 'resourceGroup';

export interface WorkspaceResource {
  kind: ResourceKind;
  /** pack template id this resource comes from */
  templateId: string;
  displayName: string;
  scope: ResourceScope;
  /** provider type relative to the scope, e.g. `alertRules`, `savedSearches`, `Microsoft.Insights/workbooks` */
  type: string;
  /** deterministic resource name */
  name: string;
  apiVersion: string;
  /** the wire body: `{kind?, location?, tags?, properties}` */
  body: {
    kind?: string;
    location?: string | Placeholder;
    tags?: Record<string, string>;
    properties: Record<string, unknown>;
    [k: string]: unknown;
  };
  /** sha256 of the sorted-key body: plan compares it with what is deployed */
  hash: string;
  /** other resources (kind:name) this one needs */
  dependsOn?: string[];
}

export const PACK_TAG = 'breakglass-sentinel';

/** sha256 of JSON with sorted keys (elastic detection-rules' dict_hash). */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`)
    .join(',')}}`;
}

export function makeResource(r: Omit<WorkspaceResource, 'hash'>): WorkspaceResource {
  return { ...r, hash: stableHash(r.body) };
}

const TRIGGER: Record<string, string> = { gt: 'GreaterThan', lt: 'LessThan', eq: 'Equal', ne: 'NotEqual' };

/** ISO-8601 from a YAML duration or a .NET TimeSpan string. */
export function isoDuration(v: string): string {
  const ts = parseTimeSpan(v);
  return ts !== undefined ? formatIsoDuration(ts) : toIsoDuration(v);
}

/** The alert rule's REST/ARM properties from the Azure-Sentinel YAML fields. */
export function alertRuleProperties(item: RuleItem): Record<string, unknown> {
  const r = item.rule;
  const techniques = [...new Set(r.relevantTechniques.map((t) => t.split('.')[0]))];
  const subTechniques = r.relevantTechniques.filter((t) => t.includes('.'));
  const p: Record<string, unknown> = {
    displayName: r.name,
    description: r.description.trim(),
    severity: r.severity,
    enabled: item.enabled,
    query: r.query,
    tactics: r.tactics,
    techniques,
    suppressionEnabled: r.suppressionEnabled ?? false,
    suppressionDuration: isoDuration(r.suppressionDuration ?? '5h'),
  };
  if (r.kind === 'Scheduled') {
    p.queryFrequency = isoDuration(r.queryFrequency);
    p.queryPeriod = isoDuration(r.queryPeriod);
    p.triggerOperator = TRIGGER[r.triggerOperator] ?? r.triggerOperator;
    p.triggerThreshold = r.triggerThreshold;
  } else if (subTechniques.length) {
    p.subTechniques = subTechniques; // preview api-version only
  }
  if (r.entityMappings) p.entityMappings = r.entityMappings;
  if (r.customDetails) p.customDetails = r.customDetails;
  if (r.alertDetailsOverride) p.alertDetailsOverride = r.alertDetailsOverride;
  if (r.eventGroupingSettings) p.eventGroupingSettings = r.eventGroupingSettings;
  if (r.incidentConfiguration) {
    const g = r.incidentConfiguration.groupingConfiguration;
    p.incidentConfiguration = {
      createIncident: r.incidentConfiguration.createIncident,
      ...(g ? { groupingConfiguration: { ...g, lookbackDuration: isoDuration(g.lookbackDuration) } } : {}),
    };
  }
  return p;
}

function metadataFor(
  kind: 'AnalyticsRule' | 'HuntingQuery',
  templateId: string,
  packId: string,
  parentType: string,
  parentName: string,
  version: string,
  tactics: string[],
  techniques: string[],
): WorkspaceResource {
  const name = packNames.metadata(templateId);
  return makeResource({
    kind: 'metadata',
    templateId,
    displayName: `metadata for ${templateId}`,
    scope: 'sentinel',
    type: 'metadata',
    name,
    apiVersion: API_VERSIONS.metadata,
    body: {
      properties: {
        // parentId is relative: deploy and ARM each make it absolute for the target workspace
        parentId: ph('workspaceResourceId', `/${parentType}/${parentName}`),
        contentId: parentName,
        kind,
        version,
        // the ownership marker: the pack's source name, and this config's packId + the template id
        source: { kind: 'LocalWorkspace', name: PACK_SOURCE_NAME, sourceId: metadataSourceId(packId, templateId) },
        author: { name: PACK_SOURCE_NAME },
        support: { tier: 'Community', name: PACK_SOURCE_NAME },
        categories: { domains: ['Identity', 'Security - Others'] },
        threatAnalysisTactics: tactics,
        threatAnalysisTechniques: techniques,
      },
    },
    dependsOn: [`${kind === 'AnalyticsRule' ? 'alertRule' : 'huntingQuery'}:${parentName}`],
  });
}

/** `packId`: the config identity (content/ids.ts `packIdOf`), carried by the rule's metadata. */
export function ruleResources(item: RuleItem, packId: string): WorkspaceResource[] {
  const nrt = item.rule.kind === 'NRT';
  const rule = makeResource({
    kind: 'alertRule',
    templateId: item.templateId,
    displayName: item.rule.name,
    scope: 'sentinel',
    type: 'alertRules',
    name: item.rule.id,
    // NRT exists only in preview api-versions of the SecurityInsights REST API
    apiVersion: nrt ? API_VERSIONS.alertRulesPreview : API_VERSIONS.alertRulesStable,
    body: { kind: item.rule.kind, properties: alertRuleProperties(item) },
  });
  return [
    rule,
    metadataFor(
      'AnalyticsRule',
      item.templateId,
      packId,
      'providers/Microsoft.SecurityInsights/alertRules',
      item.rule.id,
      item.rule.version ?? '1.0.0',
      item.rule.tactics,
      item.rule.relevantTechniques,
    ),
  ];
}

export function huntingResources(item: HuntingItem, packId: string): WorkspaceResource[] {
  const h = item.hunting;
  const tags = [
    { name: 'description', value: h.description.trim() },
    { name: 'tactics', value: h.tactics.join(',') },
    { name: 'techniques', value: h.relevantTechniques.join(',') },
    { name: 'createdBy', value: PACK_SOURCE_NAME },
    { name: 'btgTemplateId', value: item.templateId },
    { name: SAVED_SEARCH_PACK_TAG, value: packId },
  ];
  const search = makeResource({
    kind: 'huntingQuery',
    templateId: item.templateId,
    displayName: h.name,
    scope: 'workspace',
    type: 'savedSearches',
    name: item.id,
    apiVersion: API_VERSIONS.savedSearches,
    body: { properties: { category: 'Hunting Queries', displayName: h.name, query: h.query, version: 2, tags } },
  });
  return [
    search,
    metadataFor(
      'HuntingQuery',
      item.templateId,
      packId,
      'savedSearches',
      item.id,
      h.version ?? '1.0.0',
      h.tactics,
      h.relevantTechniques,
    ),
  ];
}

export { contentId };
