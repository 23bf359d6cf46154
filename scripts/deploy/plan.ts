/**
 * Plan (pure): desired items + what is deployed → one entry per artifact: create / update (with the changed fields) /
 * unchanged / orphaned / conflict. No I/O here; read.ts fetches the snapshot, apply.ts executes the entries.
 *
 * Ownership (the safety rule: deploy never changes or deletes what the pack does not own):
 * - the pack owns a resource that carries its mark: ARM tag `breakglass-sentinel`; saved-search tag
 *   `createdBy: breakglass-sentinel`; for resources without tags, a Sentinel metadata item with
 *   `source.name: breakglass-sentinel` whose `parentId` is the resource; a metadata item owns itself by its source;
 * - metadata of another source pointing at the resource (Content Hub, a repository connection) makes it foreign;
 * - a resource with the pack's deterministic name but no mark is someone else's: a conflict, left alone unless
 *   `--force`. One exception keeps a failed run convergent: a metadata-owned resource (alert rule…) whose fields are
 *   already exactly the pack's is adopted (its metadata is written; the resource itself is not touched), because
 *   the rule and its metadata are two writes and the second may have failed.
 */
import { PACK_SOURCE_NAME } from '../content/ids';
import { LEVELS, PACK_TAG } from '../emit/resources';
import { Json } from './clients';
import { HASH_PREFIX, HASH_TAG, SAVED_SEARCH_HASH_TAG, DesiredItem } from './desired';
import { diffDesired, FieldChange, removedFields } from './diff';
import { KindSpec } from './kinds';

export type Action = 'create' | 'update' | 'unchanged' | 'orphaned' | 'conflict';
export const ACTIONS: readonly Action[] = ['create', 'update', 'unchanged', 'orphaned', 'conflict'];

export interface DeployedResource {
  id: string;
  body: Json;
  spec: KindSpec;
}

/** What is deployed in one workspace (and its resource group), as read by read.ts. */
export interface DeployedSnapshot {
  /** by lower-case resource id */
  resources: Map<string, DeployedResource>;
  /** Sentinel metadata items by lower-case parentId */
  metadataByParent: Map<string, Json[]>;
  /** spec keys whose collection was listed: orphans are looked for only there */
  listed: Set<string>;
}

export function snapshotOf(lists: { spec: KindSpec; items: Json[] }[]): DeployedSnapshot {
  const resources = new Map<string, DeployedResource>();
  const metadataByParent = new Map<string, Json[]>();
  const listed = new Set<string>();
  for (const { spec, items } of lists) {
    listed.add(spec.key);
    for (const body of items) {
      if (typeof body.id !== 'string') continue;
      resources.set(body.id.toLowerCase(), { id: body.id, body, spec });
      if (spec.marker === 'self') {
        const parent = String(((body.properties ?? {}) as Json).parentId ?? '').toLowerCase();
        if (parent) metadataByParent.set(parent, [...(metadataByParent.get(parent) ?? []), body]);
      }
    }
  }
  return { resources, metadataByParent, listed };
}

export type Owner = 'pack' | 'foreign' | 'unmarked';

export interface Ownership {
  owner: Owner;
  /** why, in words (shown with conflicts) */
  reason: string;
  /** the pack hash recorded on the resource (or its metadata), if any */
  recordedHash?: string;
}

const sourceName = (metadata: Json): unknown => (((metadata.properties ?? {}) as Json).source as Json | undefined)?.name;

function tagValue(body: Json, name: string): string | undefined {
  const tags = body.tags;
  if (!tags || typeof tags !== 'object') return undefined;
  const hit = Object.entries(tags as Record<string, unknown>).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return hit === undefined ? undefined : String(hit[1]);
}

function savedSearchTag(body: Json, name: string, value?: string): string | undefined {
  const tags = ((body.properties ?? {}) as Json).tags;
  if (!Array.isArray(tags)) return undefined;
  const hit = (tags as { name?: unknown; value?: unknown }[]).find((t) => t.name === name && (value === undefined || t.value === value));
  return hit === undefined ? undefined : String(hit.value);
}

/** Who owns the deployed resource `body` (of type `spec`, id `id`). */
export function ownershipOf(spec: KindSpec, id: string, body: Json, snapshot: Pick<DeployedSnapshot, 'metadataByParent'>): Ownership {
  if (spec.marker === 'self') {
    const name = sourceName(body);
    if (name === PACK_SOURCE_NAME) return { owner: 'pack', reason: `source.name is ${PACK_SOURCE_NAME}` };
    if (name !== undefined) return { owner: 'foreign', reason: `metadata of source ${JSON.stringify(name)}` };
    return { owner: 'unmarked', reason: 'metadata without a source' };
  }
  const claims = snapshot.metadataByParent.get(id.toLowerCase()) ?? [];
  const ours = claims.find((m) => sourceName(m) === PACK_SOURCE_NAME);
  const recordedInMetadata = (() => {
    const cv = ((ours?.properties ?? {}) as Json).customVersion;
    return typeof cv === 'string' && cv.startsWith(HASH_PREFIX) ? cv.slice(HASH_PREFIX.length) : undefined;
  })();
  if (spec.marker === 'tags' && tagValue(body, PACK_TAG) !== undefined) {
    return { owner: 'pack', reason: `tag ${PACK_TAG}`, recordedHash: tagValue(body, HASH_TAG) };
  }
  if (spec.marker === 'savedSearchTags' && (savedSearchTag(body, 'createdBy', PACK_SOURCE_NAME) !== undefined || savedSearchTag(body, SAVED_SEARCH_HASH_TAG) !== undefined)) {
    return { owner: 'pack', reason: `tag createdBy: ${PACK_SOURCE_NAME}`, recordedHash: savedSearchTag(body, SAVED_SEARCH_HASH_TAG) };
  }
  if (ours) {
    const recordedHash = spec.marker === 'metadata' ? recordedInMetadata : spec.marker === 'tags' ? tagValue(body, HASH_TAG) : savedSearchTag(body, SAVED_SEARCH_HASH_TAG);
    return { owner: 'pack', reason: `metadata ${String(ours.name ?? '')} of ${PACK_SOURCE_NAME}`, recordedHash };
  }
  const foreign = claims.find((m) => sourceName(m) !== undefined);
  if (foreign) return { owner: 'foreign', reason: `Sentinel metadata ${String(foreign.name ?? '')} names source ${JSON.stringify(sourceName(foreign))}` };
  const mark = spec.marker === 'tags' ? `no ${PACK_TAG} tag` : spec.marker === 'savedSearchTags' ? `no createdBy: ${PACK_SOURCE_NAME} tag` : `no Sentinel metadata of ${PACK_SOURCE_NAME}`;
  return { owner: 'unmarked', reason: mark };
}

export interface PlanEntry {
  /** `kind:name` */
  key: string;
  kind: string;
  name: string;
  displayName: string;
  /** human name of the resource type */
  label: string;
  id: string;
  level: number;
  action: Action;
  /** fields the pack sends whose deployed value differs (update) */
  changes: FieldChange[];
  /** fields deployed that the pack no longer sends (update, best effort) */
  removed: string[];
  /** why (conflict, update without field changes, adoption) */
  reason?: string;
  /** a conflict that `--force` overrides: apply writes it */
  forced?: boolean;
  dependsOn: string[];
  /** the desired item (all but orphans) */
  item?: DesiredItem;
  /** what is deployed (update, unchanged, conflict, orphaned) */
  deployed?: Json;
  spec: KindSpec;
  apiVersion: string;
  /** another workspace of this run writes (or deletes) the same resource-group resource: its label */
  sharedWith?: string;
}

export interface PlanOptions {
  force?: boolean;
}

/** Whether apply writes this entry. */
export const writes = (e: PlanEntry): boolean => !e.sharedWith && (e.action === 'create' || e.action === 'update' || (e.action === 'conflict' && !!e.forced));

/** The entry for one desired item. */
export function decide(item: DesiredItem, snapshot: DeployedSnapshot, opts: PlanOptions = {}): PlanEntry {
  const base: PlanEntry = {
    key: item.key,
    kind: item.kind,
    name: item.name,
    displayName: item.displayName,
    label: item.spec.label,
    id: item.id,
    level: item.level,
    action: 'create',
    changes: [],
    removed: [],
    dependsOn: item.dependsOn,
    item,
    spec: item.spec,
    apiVersion: item.apiVersion,
  };
  const deployed = snapshot.resources.get(item.id.toLowerCase());
  if (!deployed) return base;
  const body = deployed.body;
  const project = item.spec.comparable ?? ((b: Json) => b);
  const wanted = project(withoutHashRecord(item));
  const changes = item.spec.marker === 'savedSearchTags' ? savedSearchChanges(wanted, body) : diffDesired(wanted, body);
  const own = ownershipOf(item.spec, item.id, body, snapshot);
  const withDeployed = { ...base, deployed: body, changes };

  if (own.owner !== 'pack') {
    // adoption: identical content, ownership recorded by a separate metadata write (see the module comment)
    if (own.owner === 'unmarked' && item.spec.marker === 'metadata' && changes.length === 0) {
      return { ...withDeployed, action: 'unchanged', reason: `identical to the pack but ${own.reason}: adopted (its metadata records ownership)` };
    }
    return {
      ...withDeployed,
      action: 'conflict',
      forced: !!opts.force,
      reason: `exists but is not owned by ${PACK_SOURCE_NAME} (${own.reason})${opts.force ? '; --force: it will be overwritten' : '; left untouched (--force overwrites it)'}`,
    };
  }
  const unhealthy = item.spec.unhealthy?.(body);
  if (unhealthy) return { ...withDeployed, action: 'update', reason: unhealthy };
  if (changes.length > 0) return { ...withDeployed, action: 'update', removed: hashChanged(own, item) ? removedFields(wanted, body) : [] };
  if (hashChanged(own, item)) {
    const removed = removedFields(wanted, body);
    return { ...withDeployed, action: 'update', removed, reason: removed.length ? undefined : 'the pack changed fields the service does not return (recorded pack hash differs)' };
  }
  return { ...withDeployed, action: 'unchanged' };
}

/** A recorded hash that differs from the new one; a missing record (e.g. deployed from the ARM templates) is not a change. */
const hashChanged = (own: Ownership, item: DesiredItem) => own.recordedHash !== undefined && own.recordedHash !== item.hash;

/**
 * Saved searches: `properties.tags` is a list of name/value pairs that also holds the hash record (and may hold tags
 * added in the portal), so each of the pack's tags must be present; the rest of the body compares as usual.
 */
function savedSearchChanges(wanted: Json, deployed: Json): FieldChange[] {
  const props = (wanted.properties ?? {}) as Json;
  const { tags, ...rest } = props;
  const changes = diffDesired({ ...wanted, properties: rest }, deployed);
  const have = ((deployed.properties ?? {}) as Json).tags;
  const haveList = Array.isArray(have) ? (have as { name?: unknown; value?: unknown }[]) : [];
  for (const t of (Array.isArray(tags) ? tags : []) as { name: string; value: string }[]) {
    const got = haveList.find((h) => h.name === t.name);
    if (!got || got.value !== t.value) changes.push({ path: `properties.tags[${t.name}]`, from: got?.value, to: t.value });
  }
  return changes;
}

/** The body without the hash record: the record is compared through `recordedHash`, not as a field. */
function withoutHashRecord(item: DesiredItem): Json {
  const body = JSON.parse(JSON.stringify(item.body)) as Json;
  if (item.spec.marker === 'tags' && body.tags) delete (body.tags as Json)[HASH_TAG];
  if (item.spec.marker === 'savedSearchTags') {
    const props = (body.properties ?? {}) as Json;
    if (Array.isArray(props.tags)) props.tags = (props.tags as { name?: string }[]).filter((t) => t.name !== SAVED_SEARCH_HASH_TAG);
  }
  // marker 'metadata': the hash lives in the metadata item; 'self': customVersion compares like any field (it is
  // how a parent's change shows up on its metadata)
  return body;
}

/** Owned resources of the listed types that the pack no longer has. */
export function orphans(desired: readonly DesiredItem[], snapshot: DeployedSnapshot): PlanEntry[] {
  const wanted = new Set(desired.map((d) => d.id.toLowerCase()));
  const out: PlanEntry[] = [];
  for (const [lid, r] of snapshot.resources) {
    if (wanted.has(lid)) continue;
    if (ownershipOf(r.spec, r.id, r.body, snapshot).owner !== 'pack') continue;
    const props = (r.body.properties ?? {}) as Json;
    const name = String(r.body.name ?? r.id.split('/').pop());
    out.push({
      key: `${r.spec.kind}:${name}`,
      kind: r.spec.kind,
      name,
      displayName: typeof props.displayName === 'string' ? props.displayName : name,
      label: r.spec.label,
      id: r.id,
      level: LEVELS[r.spec.kind],
      action: 'orphaned',
      changes: [],
      removed: [],
      reason: `owned by ${PACK_SOURCE_NAME}, no longer in the pack`,
      dependsOn: [],
      deployed: r.body,
      spec: r.spec,
      apiVersion: r.spec.defaultApiVersion,
    });
  }
  // a metadata item is deleted only after the resource it owns (it is the ownership proof until then)
  for (const e of out) {
    if (e.spec.marker !== 'self') continue;
    const parent = String(((e.deployed?.properties ?? {}) as Json).parentId ?? '').toLowerCase();
    const p = out.find((o) => o.id.toLowerCase() === parent);
    if (p) e.dependsOn = [p.key];
  }
  return out;
}

export interface WorkspacePlanInput {
  desired: readonly DesiredItem[];
  snapshot: DeployedSnapshot;
}

/** Every entry of one workspace: the desired items in deploy order, then the orphans. */
export function planEntries(input: WorkspacePlanInput, opts: PlanOptions = {}): PlanEntry[] {
  return [...input.desired.map((d) => decide(d, input.snapshot, opts)), ...orphans(input.desired, input.snapshot)];
}

/**
 * Resource-group resources are shared by the workspaces of one resource group. The first workspace (config order)
 * applies such a resource; the others get `sharedWith` (same body) or a conflict (a different body: two workspaces
 * would overwrite each other's resource).
 */
export function reconcileShared(plans: { label: string; entries: PlanEntry[] }[]): void {
  const first = new Map<string, { label: string; entry: PlanEntry }>();
  for (const p of plans) {
    for (const e of p.entries) {
      if (e.spec.scope !== 'resourceGroup') continue;
      const id = e.id.toLowerCase();
      const prev = first.get(id);
      if (!prev) {
        first.set(id, { label: p.label, entry: e });
        continue;
      }
      const sameBody = (e.item?.hash ?? 'orphan') === (prev.entry.item?.hash ?? 'orphan');
      if (sameBody) {
        e.sharedWith = prev.label;
      } else {
        e.action = 'conflict';
        e.forced = false;
        e.reason = `workspace ${prev.label} deploys the same resource-group resource with a different body; give it a per-workspace name`;
      }
    }
  }
}
