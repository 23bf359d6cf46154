/**
 * What the pack wants in one workspace (pure): the emitted resources with the workspace's values substituted, the
 * ownership marks added, and the hash of each body recorded where the service keeps it for us.
 *
 * Why a recorded hash and not only a field comparison: a PUT replaces the whole resource, and the service adds
 * read-only fields and defaults. From a deployed body alone, a field the pack stopped sending cannot be told from a
 * default the service filled in. So every write also stores the sha256 of the body the pack wrote (a tag, a
 * saved-search tag, or the `customVersion` of the Sentinel metadata that owns the resource: alert rules, automation
 * rules and watchlists have no tags). Plan then says "unchanged" only when the recorded hash equals the new one AND
 * every field the pack sends still has its value (which catches edits made in the portal).
 */
import { API_VERSIONS } from '../core/definitions';
import {
  metadataSourceId,
  PACK_ID_TAG,
  PACK_SOURCE_NAME,
  packNames,
  SAVED_SEARCH_PACK_TAG,
  SAVED_SEARCH_TEMPLATE_TAG,
} from '../content/ids';
import { PlaceholderName, placeholdersIn, substitute, TargetValues } from '../emit/placeholders';
import { LEVELS, PACK_TAG, ResourceKind, stableHash, WorkspaceResource } from '../emit/resources';
import { Json } from './clients';
import { KindSpec, METADATA_KIND, resourceId, ScopeIds, specFor } from './kinds';

/** ARM tag that holds the sha256 of the body the pack last wrote. */
export const HASH_TAG = 'breakglass-sentinel-hash';
/** saved-search tag (name/value pairs in properties.tags) with the same meaning */
export const SAVED_SEARCH_HASH_TAG = 'btgHash';
/** prefix of the hash in a metadata item's customVersion */
export const HASH_PREFIX = 'sha256:';

export interface DesiredItem {
  /** `kind:name`, the form `dependsOn` uses */
  key: string;
  kind: ResourceKind;
  name: string;
  displayName: string;
  templateId: string;
  spec: KindSpec;
  /** full resource id in this workspace */
  id: string;
  apiVersion: string;
  /** the exact body to PUT */
  body: Json;
  /** sha256 of the body without the hash record itself */
  hash: string;
  level: number;
  dependsOn: string[];
  /** key of the metadata item that owns this resource (marker 'metadata') */
  ownedBy?: string;
  /** deploy created this metadata item because the pack emitted none for its parent */
  synthesized?: boolean;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const keyOf = (r: { kind: string; name: string }) => `${r.kind}:${r.name}`;
/** Placeholders (`ph('tenantId')` …, emit/placeholders.ts) the resources use: deploy looks up only the values that are needed. */
export function placeholdersUsed(resources: readonly WorkspaceResource[]): Set<string> {
  const used = new Set<string>();
  for (const r of resources) placeholdersIn(r.body, used as Set<PlaceholderName>);
  return used;
}

export function scopeIdsOf(ws: { subscriptionId: string; resourceGroup: string; workspaceName: string }): ScopeIds {
  const resourceGroupId = `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}`;
  return {
    subscriptionId: ws.subscriptionId,
    resourceGroup: ws.resourceGroup,
    workspaceName: ws.workspaceName,
    resourceGroupId,
    workspaceId: `${resourceGroupId}/providers/Microsoft.OperationalInsights/workspaces/${ws.workspaceName}`,
  };
}

type SavedSearchTag = { name: string; value: string };

function savedSearchTags(body: Json): SavedSearchTag[] {
  const props = (body.properties ??= {}) as Json;
  if (!Array.isArray(props.tags)) props.tags = [];
  return props.tags as SavedSearchTag[];
}

/** The ownership marker (template id + packId) on a resource that carries it itself; the emitters set it already. */
function markOwnership(item: { spec: KindSpec; templateId: string }, body: Json, packId: string): void {
  if (item.spec.marker === 'tags') {
    const tags = (body.tags ?? {}) as Record<string, string>;
    body.tags = { ...tags, [PACK_TAG]: item.templateId, [PACK_ID_TAG]: packId };
  } else if (item.spec.marker === 'savedSearchTags') {
    const tags = savedSearchTags(body);
    const set = (name: string, value: string) => {
      const t = tags.find((x) => x.name === name);
      if (t) t.value = value;
      else tags.push({ name, value });
    };
    set('createdBy', PACK_SOURCE_NAME);
    set(SAVED_SEARCH_TEMPLATE_TAG, item.templateId);
    set(SAVED_SEARCH_PACK_TAG, packId);
  }
}

function recordHash(marker: KindSpec['marker'], body: Json, hash: string): void {
  if (marker === 'tags') body.tags = { ...(body.tags as Record<string, string>), [HASH_TAG]: hash };
  else if (marker === 'savedSearchTags') savedSearchTags(body).push({ name: SAVED_SEARCH_HASH_TAG, value: hash });
}

export class DesiredError extends Error {}

function isHttpsUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && !!u.hostname;
  } catch {
    return false;
  }
}

/**
 * The desired items of one workspace, in deploy order. Throws DesiredError for a pack that cannot be deployed
 * (duplicate keys, a placeholder without a value).
 */
export function desiredItems(
  resources: readonly WorkspaceResource[],
  ids: ScopeIds,
  values: TargetValues,
  packId: string,
): DesiredItem[] {
  const seen = new Map<string, WorkspaceResource>();
  for (const r of resources) {
    const k = keyOf(r);
    if (seen.has(k))
      throw new DesiredError(
        `two pack resources have the key ${k} (templates ${seen.get(k)!.templateId} and ${r.templateId}): resource names must be unique per kind`,
      );
    seen.set(k, r);
  }
  const used = placeholdersUsed(resources);
  if (used.has('alertWebhookUri')) {
    // a secret: the message never holds the value
    if (!values.alertWebhookUri)
      throw new DesiredError(
        'notify.webhook is true: set BTG_ALERT_WEBHOOK_URI to the webhook URL that receives the alerts (a secret: it is never written to a file or printed)',
      );
    if (!isHttpsUrl(values.alertWebhookUri))
      throw new DesiredError(
        'BTG_ALERT_WEBHOOK_URI: expected an https:// URL (the value is not shown: it is a secret)',
      );
  }
  const missing = [...used].filter((p) => !values[p as keyof TargetValues]);
  if (missing.length)
    throw new DesiredError(`no value for ${missing.map((m) => `{${m}}`).join(', ')} in workspace ${ids.workspaceName}`);

  const items: DesiredItem[] = resources.map((r) => {
    const spec = specFor(r);
    return {
      key: keyOf(r),
      kind: r.kind,
      name: r.name,
      displayName: r.displayName,
      templateId: r.templateId,
      spec,
      id: resourceId(r.scope, r.type, r.name, ids),
      apiVersion: r.apiVersion,
      body: substitute(clone(r.body) as Json, values),
      hash: '',
      level: LEVELS[r.kind],
      dependsOn: (r.dependsOn ?? []).filter((d) => seen.has(d)),
    };
  });

  // ownership marks and hash records on everything but metadata
  const metadata = items.filter((i) => i.spec.marker === 'self');
  const parentOf = (m: DesiredItem) => String(((m.body.properties ?? {}) as Json).parentId ?? '').toLowerCase();
  const extra: DesiredItem[] = [];
  for (const item of items) {
    if (item.spec.marker === 'self') continue;
    markOwnership(item, item.body, packId);
    item.hash = stableHash(item.body);
    recordHash(item.spec.marker, item.body, item.hash);
    if (item.spec.marker !== 'metadata') continue;
    let meta = metadata.find((m) => parentOf(m) === item.id.toLowerCase());
    if (!meta) {
      meta = companionMetadata(item, ids, packId);
      extra.push(meta);
    }
    item.ownedBy = meta.key;
    const props = (meta.body.properties ??= {}) as Json;
    props.customVersion = `${HASH_PREFIX}${item.hash}`;
  }
  for (const m of [...metadata, ...extra]) {
    const props = (m.body.properties ?? {}) as Json;
    const source = (props.source ?? {}) as Json;
    // the metadata is the ownership mark: it must name the pack as its source
    if (source.name !== PACK_SOURCE_NAME)
      throw new DesiredError(
        `metadata ${m.name}: properties.source.name must be "${PACK_SOURCE_NAME}", got ${JSON.stringify(source.name)}`,
      );
    // …and this config's packId with the template id (plan.ts ownershipOf)
    props.source = { ...source, sourceId: metadataSourceId(packId, m.templateId) };
    m.hash = stableHash(m.body);
  }
  return [...items, ...extra].sort((a, b) => a.level - b.level);
}

/** The Sentinel metadata deploy writes for a resource owned through metadata when the pack emitted none. */
function companionMetadata(parent: DesiredItem, ids: ScopeIds, packId: string): DesiredItem {
  const name = packNames.companionMetadata(parent.kind, parent.name);
  const spec = specFor({
    kind: 'metadata',
    scope: 'sentinel',
    type: 'metadata',
    apiVersion: API_VERSIONS.metadata,
    body: {},
  });
  return {
    key: `metadata:${name}`,
    kind: 'metadata',
    name,
    displayName: `metadata for ${parent.displayName}`,
    templateId: parent.templateId,
    spec,
    id: resourceId('sentinel', 'metadata', name, ids),
    apiVersion: API_VERSIONS.metadata,
    body: {
      properties: {
        parentId: parent.id,
        contentId: parent.name,
        kind: METADATA_KIND[parent.kind] ?? 'AnalyticsRule',
        version: '1.0.0',
        source: {
          kind: 'LocalWorkspace',
          name: PACK_SOURCE_NAME,
          sourceId: metadataSourceId(packId, parent.templateId),
        },
        author: { name: PACK_SOURCE_NAME },
        support: { tier: 'Community', name: PACK_SOURCE_NAME },
      },
    },
    hash: '',
    // written right after its parent, and never when the parent failed
    level: parent.level,
    dependsOn: [parent.key],
    synthesized: true,
  };
}
