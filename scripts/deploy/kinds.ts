/**
 * The deploy table: for every resource type the pack can put into a workspace, how to list what is deployed, write
 * it (typed SDK call when the installed SDK models it faithfully, else the exact body raw through the same pipeline),
 * delete it, and how ownership and the pack's hash are recorded on it.
 *
 * New content kinds plug in by emitting `WorkspaceResource`s whose `(scope, type)` is in this table; a type that is
 * not gets `genericSpec` (raw REST at the resource's own api-version, tags or Sentinel metadata as the marker).
 */
import { API_VERSIONS } from '../core/definitions';
import type { OperationOptions } from '@azure/core-client';
import { ResourceKind, ResourceScope } from '../emit/resources';
import { ArmClients, Json, wireBody } from './clients';

/** How a resource carries the pack's ownership mark and the hash of the body the pack last wrote. */
export type Marker =
  /** ARM tags `breakglass-sentinel` (owner) and `breakglass-sentinel-hash` (tracked resources, deployments) */
  | 'tags'
  /** saved searches: `properties.tags` entries `createdBy: breakglass-sentinel` and `btgHash` */
  | 'savedSearchTags'
  /** no tags on the resource (alert rules, automation rules, watchlists): a Sentinel metadata item with
   * `source.name: breakglass-sentinel` and `parentId` = the resource id owns it, its `customVersion` holds the hash */
  | 'metadata'
  /** the Sentinel metadata items themselves: `properties.source.name` */
  | 'self';

/** Ids of the workspace a resource is deployed to. */
export interface ScopeIds {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  /** /subscriptions/…/resourceGroups/… */
  resourceGroupId: string;
  /** …/providers/Microsoft.OperationalInsights/workspaces/… */
  workspaceId: string;
}

export interface TypedCall {
  /** the api-version the SDK sends; undefined: the client is built for the resource's api-version (SecurityInsights) */
  sdkApiVersion?: string;
  call: (
    c: ArmClients,
    ids: ScopeIds,
    name: string,
    apiVersion: string,
    flat: Json,
    options: OperationOptions,
  ) => Promise<unknown>;
}

export interface TypedDelete {
  sdkApiVersion?: string;
  call: (c: ArmClients, ids: ScopeIds, name: string, apiVersion: string, options: OperationOptions) => Promise<unknown>;
}

export interface KindSpec {
  /** `${scope}:${type}` in lower case */
  key: string;
  label: string;
  /** the content kind whose deploy level orders this type (for orphans, which are no longer in the pack) */
  kind: ResourceKind;
  scope: ResourceScope;
  /** type relative to the scope, as in WorkspaceResource.type */
  type: string;
  /** api-version to list and to delete orphans with when no pack resource of the type says otherwise */
  defaultApiVersion: string;
  /** api-version for listing when it must differ (alert rules: a preview lists NRT and Scheduled alike) */
  listApiVersion?: string;
  marker: Marker;
  /** list even when the pack has no resource of this type, so that owned leftovers show up as orphans */
  orphanScan: boolean;
  /** the client whose pipeline raw requests of this type go through */
  client: (c: ArmClients, ids: ScopeIds, apiVersion: string) => import('@azure/core-client').ServiceClient;
  /** list the deployed resources of this type in a workspace (wire bodies); `extra` = what the pack's resources need */
  list: (c: ArmClients, ids: ScopeIds, apiVersion: string, extra: { categories: string[] }) => Promise<Json[]>;
  typedPut?: TypedCall;
  typedDelete?: TypedDelete;
  /** the part of a body that is compared (deployments: the GET does not return the template) */
  comparable?: (body: Json) => Json;
  /** why a deployed resource must be written again even though its fields match (e.g. a failed deployment) */
  unhealthy?: (deployed: Json) => string | undefined;
}

const lower = (s: string) => s.toLowerCase();
export const specKey = (scope: ResourceScope, type: string): string => `${scope}:${lower(type)}`;

/** Resource id of a resource of `type` named `name` in the workspace `ids`. */
export function resourceId(scope: ResourceScope, type: string, name: string, ids: ScopeIds): string {
  if (scope === 'sentinel') return `${ids.workspaceId}/providers/Microsoft.SecurityInsights/${type}/${name}`;
  if (scope === 'workspace') return `${ids.workspaceId}/${type}/${name}`;
  return `${ids.resourceGroupId}/providers/${type}/${name}`;
}

export function collectionId(scope: ResourceScope, type: string, ids: ScopeIds): string {
  if (scope === 'sentinel') return `${ids.workspaceId}/providers/Microsoft.SecurityInsights/${type}`;
  if (scope === 'workspace') return `${ids.workspaceId}/${type}`;
  return `${ids.resourceGroupId}/providers/${type}`;
}

/** Run a typed paged list and collect the wire items of every page (the typed models are not what we compare). */
async function typedPages(
  c: ArmClients,
  start: (options: OperationOptions) => { byPage: () => AsyncIterableIterator<unknown> },
): Promise<Json[]> {
  const items: Json[] = [];
  const options: OperationOptions = {
    abortSignal: c.control.signal,
    onResponse: (raw) => {
      const v = (wireBody(raw) as { value?: unknown } | undefined)?.value;
      if (Array.isArray(v)) items.push(...(v as Json[]));
    },
  };
  for await (const _page of start(options).byPage()) {
    /* pages are collected by onResponse */
  }
  return items;
}

const rawList =
  (spec: Pick<KindSpec, 'scope' | 'type'>) =>
  (c: ArmClients, ids: ScopeIds, apiVersion: string, client: import('@azure/core-client').ServiceClient) =>
    c.list(client, c.url(collectionId(spec.scope, spec.type, ids), apiVersion));

const si = (c: ArmClients, ids: ScopeIds, v: string) => c.securityInsights(ids.subscriptionId, v);

/** Sentinel resources (SecurityInsights). The client is built per api-version, so typed calls send the resource's own version. */
function sentinelSpec(
  kind: ResourceKind,
  type: string,
  label: string,
  defaultApiVersion: string,
  marker: Marker,
  ops: {
    list: (
      c: SecurityInsightsLike,
      ids: ScopeIds,
      o: OperationOptions,
    ) => { byPage: () => AsyncIterableIterator<unknown> };
    put: (c: SecurityInsightsLike, ids: ScopeIds, name: string, flat: Json, o: OperationOptions) => Promise<unknown>;
    del: (c: SecurityInsightsLike, ids: ScopeIds, name: string, o: OperationOptions) => Promise<unknown>;
  },
  extra: Partial<KindSpec> = {},
): KindSpec {
  return {
    key: specKey('sentinel', type),
    label,
    kind,
    scope: 'sentinel',
    type,
    defaultApiVersion,
    marker,
    orphanScan: true,
    client: si,
    list: (c, ids, v) => typedPages(c, (o) => ops.list(si(c, ids, v), ids, o)),
    typedPut: { call: (c, ids, name, v, flat, o) => ops.put(si(c, ids, v), ids, name, flat, o) },
    typedDelete: { call: (c, ids, name, v, o) => ops.del(si(c, ids, v), ids, name, o) },
    ...extra,
  };
}

type SecurityInsightsLike = ReturnType<ArmClients['securityInsights']>;
// The SDK types are stricter than the wire JSON we hand them; the typed-write check verifies the serialized result.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = any;

const omit = (o: Json, keys: string[]): Json =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

const SPECS: KindSpec[] = [
  sentinelSpec(
    'alertRule',
    'alertRules',
    'analytics rule',
    API_VERSIONS.alertRulesPreview,
    'metadata',
    {
      list: (c, ids, o) => c.alertRules.list(ids.resourceGroup, ids.workspaceName, o),
      put: (c, ids, name, flat, o) =>
        c.alertRules.createOrUpdate(ids.resourceGroup, ids.workspaceName, name, flat as AnyModel, o),
      del: (c, ids, name, o) => c.alertRules.delete(ids.resourceGroup, ids.workspaceName, name, o),
    },
    { listApiVersion: API_VERSIONS.alertRulesPreview },
  ),
  sentinelSpec('metadata', 'metadata', 'Sentinel metadata', API_VERSIONS.metadata, 'self', {
    list: (c, ids, o) => c.metadata.list(ids.resourceGroup, ids.workspaceName, o),
    put: (c, ids, name, flat, o) => c.metadata.create(ids.resourceGroup, ids.workspaceName, name, flat as AnyModel, o),
    del: (c, ids, name, o) => c.metadata.delete(ids.resourceGroup, ids.workspaceName, name, o),
  }),
  sentinelSpec(
    'watchlist',
    'watchlists',
    'watchlist',
    API_VERSIONS.watchlists,
    'metadata',
    {
      list: (c, ids, o) => c.watchlists.list(ids.resourceGroup, ids.workspaceName, o),
      put: (c, ids, name, flat, o) =>
        c.watchlists.createOrUpdate(ids.resourceGroup, ids.workspaceName, name, flat as AnyModel, o),
      del: (c, ids, name, o) => c.watchlists.delete(ids.resourceGroup, ids.workspaceName, name, o),
    },
    {
      // The upload fields are write-only in the service (a GET returns the watchlist, not the CSV) and the items are
      // meant to be edited by the SOC in watchlist mode: changes to the CSV are detected through the pack hash only.
      comparable: (b) => ({
        ...b,
        properties: omit((b.properties ?? {}) as Json, [
          'rawContent',
          'contentType',
          'numberOfLinesToSkip',
          'sourceType',
        ]),
      }),
    },
  ),
  sentinelSpec('automationRule', 'automationRules', 'automation rule', API_VERSIONS.automationRules, 'metadata', {
    list: (c, ids, o) => c.automationRules.list(ids.resourceGroup, ids.workspaceName, o),
    // SDK gotcha: the body goes in the options bag (`{ automationRuleToUpsert }`)
    put: (c, ids, name, flat, o) =>
      c.automationRules.createOrUpdate(ids.resourceGroup, ids.workspaceName, name, {
        ...o,
        automationRuleToUpsert: flat as AnyModel,
      }),
    del: (c, ids, name, o) => c.automationRules.delete(ids.resourceGroup, ids.workspaceName, name, o),
  }),
  {
    key: specKey('workspace', 'savedSearches'),
    label: 'saved search',
    kind: 'huntingQuery',
    scope: 'workspace',
    type: 'savedSearches',
    defaultApiVersion: API_VERSIONS.savedSearches,
    marker: 'savedSearchTags',
    orphanScan: true,
    client: (c, ids) => c.operationalInsights(ids.subscriptionId),
    list: async (c, ids, v) => {
      const oi = c.operationalInsights(ids.subscriptionId);
      if (v !== API_VERSIONS.savedSearches)
        return rawList({ scope: 'workspace', type: 'savedSearches' })(c, ids, v, oi);
      const { options, raw } = c.callOptions();
      await oi.savedSearches.listByWorkspace(ids.resourceGroup, ids.workspaceName, options);
      return ((wireBody(raw()) as { value?: Json[] } | undefined)?.value ?? []) as Json[];
    },
    typedPut: {
      sdkApiVersion: API_VERSIONS.savedSearches,
      call: (c, ids, name, _v, flat, o) =>
        c
          .operationalInsights(ids.subscriptionId)
          .savedSearches.createOrUpdate(ids.resourceGroup, ids.workspaceName, name, flat as AnyModel, o),
    },
    typedDelete: {
      sdkApiVersion: API_VERSIONS.savedSearches,
      call: (c, ids, name, _v, o) =>
        c.operationalInsights(ids.subscriptionId).savedSearches.delete(ids.resourceGroup, ids.workspaceName, name, o),
    },
  },
  {
    key: specKey('resourceGroup', 'Microsoft.Insights/workbooks'),
    label: 'workbook',
    kind: 'workbook',
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/workbooks',
    defaultApiVersion: API_VERSIONS.workbooks,
    marker: 'tags',
    orphanScan: true,
    client: (c, ids) => c.appInsights(ids.subscriptionId),
    list: async (c, ids, v, extra) => {
      const ai = c.appInsights(ids.subscriptionId);
      const out: Json[] = [];
      // the list operation needs a category; Sentinel workbooks use "sentinel"
      for (const category of [...new Set(['sentinel', ...extra.categories])]) {
        if (v === API_VERSIONS.workbooks) {
          out.push(
            ...(await typedPages(c, (o) =>
              ai.workbooks.listByResourceGroup(ids.resourceGroup, category, { ...o, canFetchContent: true }),
            )),
          );
        } else {
          out.push(
            ...(await c.list(
              ai,
              c.url(collectionId('resourceGroup', 'Microsoft.Insights/workbooks', ids), v, {
                category,
                canFetchContent: 'true',
              }),
            )),
          );
        }
      }
      return out;
    },
    typedPut: {
      sdkApiVersion: API_VERSIONS.workbooks,
      call: (c, ids, name, _v, flat, o) => {
        const sourceId = typeof flat.sourceId === 'string' ? flat.sourceId : undefined;
        return c
          .appInsights(ids.subscriptionId)
          .workbooks.createOrUpdate(ids.resourceGroup, name, flat as AnyModel, { ...o, sourceId });
      },
    },
    typedDelete: {
      sdkApiVersion: API_VERSIONS.workbooks,
      call: (c, ids, name, _v, o) => c.appInsights(ids.subscriptionId).workbooks.delete(ids.resourceGroup, name, o),
    },
  },
  {
    key: specKey('resourceGroup', 'Microsoft.Insights/actionGroups'),
    label: 'action group',
    kind: 'actionGroup',
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/actionGroups',
    defaultApiVersion: API_VERSIONS.actionGroups,
    marker: 'tags',
    orphanScan: true,
    client: (c, ids) => c.monitor(ids.subscriptionId),
    list: (c, ids, v) => {
      const mon = c.monitor(ids.subscriptionId);
      if (v === '2021-09-01') return typedPages(c, (o) => mon.actionGroups.listByResourceGroup(ids.resourceGroup, o));
      return rawList({ scope: 'resourceGroup', type: 'Microsoft.Insights/actionGroups' })(c, ids, v, mon);
    },
    // @azure/arm-monitor@7 sends 2021-09-01
    typedPut: {
      sdkApiVersion: '2021-09-01',
      call: (c, ids, name, _v, flat, o) =>
        c.monitor(ids.subscriptionId).actionGroups.createOrUpdate(ids.resourceGroup, name, flat as AnyModel, o),
    },
    typedDelete: {
      sdkApiVersion: '2021-09-01',
      call: (c, ids, name, _v, o) => c.monitor(ids.subscriptionId).actionGroups.delete(ids.resourceGroup, name, o),
    },
  },
  {
    // @azure/arm-monitor@7 only knows the legacy 2018-04-16 model of this type (the pack writes 2023-12-01): raw REST only
    key: specKey('resourceGroup', 'Microsoft.Insights/scheduledQueryRules'),
    label: 'log search alert',
    kind: 'monitorAlert',
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/scheduledQueryRules',
    defaultApiVersion: API_VERSIONS.scheduledQueryRules,
    marker: 'tags',
    orphanScan: true,
    client: (c, ids) => c.monitor(ids.subscriptionId),
    list: (c, ids, v) =>
      rawList({ scope: 'resourceGroup', type: 'Microsoft.Insights/scheduledQueryRules' })(
        c,
        ids,
        v,
        c.monitor(ids.subscriptionId),
      ),
  },
  {
    key: specKey('resourceGroup', 'Microsoft.Logic/workflows'),
    label: 'Logic App workflow',
    kind: 'playbook',
    scope: 'resourceGroup',
    type: 'Microsoft.Logic/workflows',
    defaultApiVersion: API_VERSIONS.workflows,
    marker: 'tags',
    orphanScan: false,
    client: (c, ids) => c.logic(ids.subscriptionId),
    list: (c, ids, v) => {
      const logic = c.logic(ids.subscriptionId);
      if (v === API_VERSIONS.workflows)
        return typedPages(c, (o) => logic.workflows.listByResourceGroup(ids.resourceGroup, o));
      return rawList({ scope: 'resourceGroup', type: 'Microsoft.Logic/workflows' })(c, ids, v, logic);
    },
    typedPut: {
      sdkApiVersion: API_VERSIONS.workflows,
      call: (c, ids, name, _v, flat, o) =>
        c.logic(ids.subscriptionId).workflows.createOrUpdate(ids.resourceGroup, name, flat as AnyModel, o),
    },
    typedDelete: {
      sdkApiVersion: API_VERSIONS.workflows,
      call: (c, ids, name, _v, o) => c.logic(ids.subscriptionId).workflows.delete(ids.resourceGroup, name, o),
    },
  },
  {
    // playbook bundles (connections + workflow + role assignment) as one ARM deployment; no Deployments SDK is
    // installed (@azure/arm-resources 7 dropped it), so raw PUT + the long-running-operation poll
    key: specKey('resourceGroup', 'Microsoft.Resources/deployments'),
    label: 'ARM deployment',
    kind: 'playbook',
    scope: 'resourceGroup',
    type: 'Microsoft.Resources/deployments',
    defaultApiVersion: API_VERSIONS.deployments,
    marker: 'tags',
    orphanScan: true,
    client: (c) => c.generic(),
    list: (c, ids, v) =>
      rawList({ scope: 'resourceGroup', type: 'Microsoft.Resources/deployments' })(c, ids, v, c.generic()),
    // a deployment GET returns a templateHash, not the template: only the tags (owner + pack hash) can be compared
    comparable: (b) => (b.tags ? { tags: b.tags } : {}),
    unhealthy: (d) => {
      const state = String((d.properties as Json | undefined)?.provisioningState ?? '');
      return /^succeeded$/i.test(state) ? undefined : `last deployment ${state || 'state unknown'}`;
    },
  },
  {
    key: specKey('resourceGroup', 'Microsoft.Web/connections'),
    label: 'API connection',
    kind: 'playbook',
    scope: 'resourceGroup',
    type: 'Microsoft.Web/connections',
    defaultApiVersion: API_VERSIONS.connections,
    marker: 'tags',
    orphanScan: false,
    client: (c) => c.generic(),
    list: (c, ids, v) => rawList({ scope: 'resourceGroup', type: 'Microsoft.Web/connections' })(c, ids, v, c.generic()),
  },
];

export const KIND_SPECS: ReadonlyMap<string, KindSpec> = new Map(SPECS.map((s) => [s.key, s]));

/** The spec for a type the table does not know: raw REST at the resource's api-version. */
export function genericSpec(
  kind: ResourceKind,
  scope: ResourceScope,
  type: string,
  apiVersion: string,
  tracked: boolean,
): KindSpec {
  const clientFor = (c: ArmClients, ids: ScopeIds, v: string) => (scope === 'sentinel' ? si(c, ids, v) : c.generic());
  return {
    key: specKey(scope, type),
    label: type,
    kind,
    scope,
    type,
    defaultApiVersion: apiVersion,
    // tracked resources (they have a location) take tags; anything else is owned through Sentinel metadata
    marker: tracked ? 'tags' : 'metadata',
    orphanScan: false,
    client: clientFor,
    list: (c, ids, v) => c.list(clientFor(c, ids, v), c.url(collectionId(scope, type, ids), v)),
  };
}

export function specFor(r: {
  kind: ResourceKind;
  scope: ResourceScope;
  type: string;
  apiVersion: string;
  body: { location?: unknown };
}): KindSpec {
  return (
    KIND_SPECS.get(specKey(r.scope, r.type)) ??
    genericSpec(r.kind, r.scope, r.type, r.apiVersion, r.body.location !== undefined)
  );
}

/** Sentinel metadata `kind` of the companion metadata deploy writes for a resource owned through metadata. */
export const METADATA_KIND: Partial<Record<ResourceKind, string>> = {
  alertRule: 'AnalyticsRule',
  huntingQuery: 'HuntingQuery',
  function: 'Parser',
  watchlist: 'Watchlist',
  automationRule: 'AutomationRule',
  playbook: 'Playbook',
  workbook: 'Workbook',
};

/** The SDK's flattened model of a wire body (`x-ms-client-flatten`), or undefined when a name exists at both levels. */
export function flattenBody(body: Json): Json | undefined {
  const { properties, ...top } = body;
  if (properties === undefined) return top;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return undefined;
  const props = properties as Json;
  if (Object.keys(props).some((k) => k in top)) return undefined;
  return { ...top, ...props };
}
