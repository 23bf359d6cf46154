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
import {
  contentId,
  PACK_ID_TAG,
  PACK_SOURCE_NAME,
  packNames,
  SAVED_SEARCH_PACK_TAG,
  SAVED_SEARCH_TEMPLATE_TAG,
} from '../content/ids';
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
  /** the template id of the pack's marker (owner 'pack') */
  templateId?: string;
}

/** What ownership is checked against: this config's packId and, for a desired item, its template id. */
export interface OwnerContext {
  packId: string;
  /** the desired item's template id; undefined for a resource the pack no longer has (an orphan candidate) */
  templateId?: string;
}

const sourceOf = (metadata: Json): Json | undefined => ((metadata.properties ?? {}) as Json).source as Json | undefined;
const sourceName = (metadata: Json): unknown => sourceOf(metadata)?.name;

/** `<packId>/<templateId>` of a metadata item's source.sourceId */
function metadataMarker(metadata: Json): { packId?: string; templateId?: string } {
  const sid = sourceOf(metadata)?.sourceId;
  if (typeof sid !== 'string') return {};
  const i = sid.indexOf('/');
  return i < 0 ? { packId: sid } : { packId: sid.slice(0, i), templateId: sid.slice(i + 1) };
}

/** The exact tag (tag names compare exactly: a look-alike spelling is not the pack's tag). */
function tagValue(body: Json, name: string): string | undefined {
  const tags = body.tags;
  if (!tags || typeof tags !== 'object') return undefined;
  const v = (tags as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

function lookAlikeTag(body: Json, name: string): string | undefined {
  const tags = body.tags;
  if (!tags || typeof tags !== 'object') return undefined;
  return Object.keys(tags).find((k) => k !== name && k.toLowerCase() === name.toLowerCase());
}

function savedSearchTag(body: Json, name: string, value?: string): string | undefined {
  const tags = ((body.properties ?? {}) as Json).tags;
  if (!Array.isArray(tags)) return undefined;
  const hit = (tags as { name?: unknown; value?: unknown }[]).find(
    (t) => t.name === name && (value === undefined || t.value === value),
  );
  return hit === undefined ? undefined : String(hit.value);
}

const lastSegment = (id: string) => id.split('/').filter(Boolean).pop() ?? '';

/**
 * Whether `name` is the name the pack gives a resource of `spec` made from template `templateId` in config `packId`
 * (content/ids.ts): the first of the three ownership proofs. Types whose names come from config values the
 * template id does not determine (watchlist aliases, generic types) are never pack-derived for an orphan.
 */
export function isPackDerivedName(
  spec: Pick<KindSpec, 'key'>,
  name: string,
  templateId: string,
  packId: string,
): boolean {
  const n = name.toLowerCase();
  const is = (v: string) => n === v.toLowerCase();
  switch (spec.key.toLowerCase()) {
    case 'sentinel:alertrules':
      return is(contentId('rule', templateId));
    case 'workspace:savedsearches':
      return is(contentId('hunting', templateId));
    case 'sentinel:automationrules':
      return is(contentId('automationRule', templateId));
    case 'sentinel:metadata':
      return (
        is(packNames.metadata(templateId)) ||
        is(packNames.companionMetadata('automationRule', contentId('automationRule', templateId)))
      );
    case 'resourcegroup:microsoft.insights/workbooks':
      return is(packNames.workbook(templateId, packId));
    case 'resourcegroup:microsoft.insights/actiongroups':
      return is(packNames.actionGroup(packId));
    case 'resourcegroup:microsoft.insights/scheduledqueryrules':
      return n.endsWith(packNames.monitorAlertSuffix(packId).toLowerCase());
    case 'resourcegroup:microsoft.resources/deployments':
      return is(packNames.deployment(templateId, packId));
    case 'resourcegroup:microsoft.logic/workflows':
      return is(packNames.playbook(templateId, packId));
    case 'resourcegroup:microsoft.web/connections':
      return n.endsWith(`-${packNames.playbook(templateId, packId)}`.toLowerCase());
    default:
      return false;
  }
}

/** The parent names a metadata item of the pack may point at for template `templateId`. */
const metadataParents = (templateId: string) =>
  [contentId('rule', templateId), contentId('hunting', templateId), contentId('automationRule', templateId)].map((s) =>
    s.toLowerCase(),
  );

interface Mark {
  /** the marker is there in some form */
  present: boolean;
  templateId?: string;
  packId?: string;
  recordedHash?: string;
  via: string;
  /** a claim by someone else (metadata of another source, a look-alike tag) */
  foreign?: string;
}

function markOf(spec: KindSpec, id: string, body: Json, snapshot: Pick<DeployedSnapshot, 'metadataByParent'>): Mark {
  if (spec.marker === 'self') {
    const name = sourceName(body);
    if (name === undefined) return { present: false, via: 'metadata without a source' };
    if (name !== PACK_SOURCE_NAME)
      return { present: true, foreign: `metadata of source ${JSON.stringify(name)}`, via: 'source.name' };
    return { present: true, ...metadataMarker(body), via: `source ${PACK_SOURCE_NAME}` };
  }
  const claims = snapshot.metadataByParent.get(id.toLowerCase()) ?? [];
  const foreignClaim = claims.find((m) => sourceName(m) !== undefined && sourceName(m) !== PACK_SOURCE_NAME);
  if (spec.marker === 'tags') {
    const t = tagValue(body, PACK_TAG);
    const p = tagValue(body, PACK_ID_TAG);
    const alike = lookAlikeTag(body, PACK_TAG) ?? lookAlikeTag(body, PACK_ID_TAG);
    if (t === undefined && p === undefined) {
      if (alike)
        return {
          present: true,
          foreign: `tag ${JSON.stringify(alike)} is not the pack's tag ${PACK_TAG}`,
          via: 'tags',
        };
      if (foreignClaim)
        return {
          present: true,
          foreign: `Sentinel metadata ${String(foreignClaim.name ?? '')} names source ${JSON.stringify(sourceName(foreignClaim))}`,
          via: 'metadata',
        };
      return { present: false, via: `no ${PACK_TAG} tag` };
    }
    return {
      present: true,
      templateId: t,
      packId: p,
      recordedHash: tagValue(body, HASH_TAG),
      via: `tags ${PACK_TAG}/${PACK_ID_TAG}`,
    };
  }
  if (spec.marker === 'savedSearchTags') {
    const created = savedSearchTag(body, 'createdBy', PACK_SOURCE_NAME) !== undefined;
    const t = savedSearchTag(body, SAVED_SEARCH_TEMPLATE_TAG);
    const p = savedSearchTag(body, SAVED_SEARCH_PACK_TAG);
    if (!created && t === undefined && p === undefined) {
      if (foreignClaim)
        return {
          present: true,
          foreign: `Sentinel metadata ${String(foreignClaim.name ?? '')} names source ${JSON.stringify(sourceName(foreignClaim))}`,
          via: 'metadata',
        };
      return { present: false, via: `no createdBy: ${PACK_SOURCE_NAME} tag` };
    }
    if (!created)
      return {
        present: true,
        foreign: `tags ${SAVED_SEARCH_TEMPLATE_TAG}/${SAVED_SEARCH_PACK_TAG} without createdBy: ${PACK_SOURCE_NAME}`,
        via: 'tags',
      };
    return {
      present: true,
      templateId: t,
      packId: p,
      recordedHash: savedSearchTag(body, SAVED_SEARCH_HASH_TAG),
      via: `tags createdBy/${SAVED_SEARCH_TEMPLATE_TAG}/${SAVED_SEARCH_PACK_TAG}`,
    };
  }
  // marker 'metadata': a Sentinel metadata item of the pack, pack-named, whose parentId is this resource
  const ours = claims.filter((m) => sourceName(m) === PACK_SOURCE_NAME);
  const proper = ours.find((m) => {
    const mk = metadataMarker(m);
    return (
      (mk.templateId !== undefined &&
        isPackDerivedName(
          { key: 'sentinel:metadata' },
          String(m.name ?? lastSegment(String(m.id ?? ''))),
          mk.templateId,
          mk.packId ?? '',
        )) ||
      isCompanionOf(m, id)
    );
  });
  const chosen = proper ?? ours[0];
  if (chosen) {
    const cv = ((chosen.properties ?? {}) as Json).customVersion;
    const recordedHash =
      typeof cv === 'string' && cv.startsWith(HASH_PREFIX) ? cv.slice(HASH_PREFIX.length) : undefined;
    if (!proper)
      return {
        present: true,
        foreign: `metadata ${String(chosen.name ?? '')} names ${PACK_SOURCE_NAME} but is not named by the pack`,
        via: 'metadata',
      };
    return { present: true, ...metadataMarker(chosen), recordedHash, via: `metadata ${String(chosen.name ?? '')}` };
  }
  if (foreignClaim)
    return {
      present: true,
      foreign: `Sentinel metadata ${String(foreignClaim.name ?? '')} names source ${JSON.stringify(sourceName(foreignClaim))}`,
      via: 'metadata',
    };
  return { present: false, via: `no Sentinel metadata of ${PACK_SOURCE_NAME}` };
}

/** A companion metadata item (deploy's own, for automation rules and watchlists) named after this parent. */
function isCompanionOf(metadata: Json, parentId: string): boolean {
  const name = String(metadata.name ?? '').toLowerCase();
  const parent = lastSegment(parentId);
  return ['automationRule', 'watchlist'].some((k) => name === packNames.companionMetadata(k, parent).toLowerCase());
}

/**
 * Who owns the deployed resource `body` (of type `spec`, id `id`). The pack owns it only when its marker names
 * exactly this config's packId and the template id (the desired item's, or for an orphan one from which the pack
 * derives exactly this name): three proofs, name + marker + config identity.
 */
export function ownershipOf(
  spec: KindSpec,
  id: string,
  body: Json,
  snapshot: Pick<DeployedSnapshot, 'metadataByParent'>,
  ctx: OwnerContext,
): Ownership {
  const mark = markOf(spec, id, body, snapshot);
  if (mark.foreign) return { owner: 'foreign', reason: mark.foreign };
  if (!mark.present) return { owner: 'unmarked', reason: mark.via };
  if (mark.packId !== ctx.packId) {
    return {
      owner: 'foreign',
      reason:
        mark.packId === undefined
          ? `${mark.via}: no packId (this config's is ${JSON.stringify(ctx.packId)})`
          : `${mark.via}: packId ${JSON.stringify(mark.packId)}, this config's is ${JSON.stringify(ctx.packId)}`,
    };
  }
  if (mark.templateId === undefined) return { owner: 'foreign', reason: `${mark.via}: no template id` };
  if (ctx.templateId !== undefined && mark.templateId !== ctx.templateId)
    return {
      owner: 'foreign',
      reason: `${mark.via}: template ${JSON.stringify(mark.templateId)}, not ${JSON.stringify(ctx.templateId)}`,
    };
  const name = String(body.name ?? lastSegment(id));
  if (ctx.templateId === undefined) {
    if (!isPackDerivedName(spec, name, mark.templateId, ctx.packId))
      return {
        owner: 'foreign',
        reason: `${mark.via}, but the pack does not name a ${spec.label} of template ${mark.templateId} ${JSON.stringify(name)}`,
      };
    if (spec.marker === 'self') {
      const parent = String(((body.properties ?? {}) as Json).parentId ?? '');
      if (
        !metadataParents(mark.templateId).includes(lastSegment(parent).toLowerCase()) &&
        !isCompanionOf(body, parent)
      ) {
        return {
          owner: 'foreign',
          reason: `metadata of template ${mark.templateId} pointing at ${parent}, which the pack does not name`,
        };
      }
    }
  }
  return { owner: 'pack', reason: mark.via, recordedHash: mark.recordedHash, templateId: mark.templateId };
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
  /** a conflict that `--force <id>` names: apply writes it */
  forced?: boolean;
  /** the template id of the pack's marker (orphans) or of the desired item */
  templateId?: string;
  /**
   * ARM deployments the plan deletes (orphans) or writes: what its template creates. `deletes`: the inner resources a
   * prune deletes with it, exactly (the apply deletes this list and nothing else); `keeps`: the deployment's other
   * output resources, left in place and why.
   */
  cascade?: Cascade;
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

export interface CascadeItem {
  id: string;
  /** resource type (`Microsoft.Logic/workflows`) */
  type: string;
  apiVersion: string;
  why: string;
}
export interface Cascade {
  deletes: CascadeItem[];
  keeps: { id: string; reason: string }[];
}

export interface PlanOptions {
  /** `--force <id>`: resource ids (any case) or template ids whose conflicts are overwritten */
  force?: readonly string[];
}

/** Whether `--force` names this entry (by resource id, or by the template id it comes from). */
export function forcedBy(force: readonly string[] | undefined, e: { id: string; templateId?: string }): boolean {
  return !!force?.some(
    (f) => f.toLowerCase() === e.id.toLowerCase() || (e.templateId !== undefined && f === e.templateId),
  );
}

/** Whether apply writes this entry. */
export const writes = (e: PlanEntry): boolean =>
  !e.sharedWith && (e.action === 'create' || e.action === 'update' || (e.action === 'conflict' && !!e.forced));

/** The entry for one desired item. */
export function decide(
  item: DesiredItem,
  snapshot: DeployedSnapshot,
  packId: string,
  opts: PlanOptions = {},
): PlanEntry {
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
    templateId: item.templateId,
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
  const own = ownershipOf(item.spec, item.id, body, snapshot, { packId, templateId: item.templateId });
  const withDeployed = { ...base, deployed: body, changes };

  if (own.owner !== 'pack') {
    // adoption: identical content, ownership recorded by a separate metadata write (see the module comment)
    if (own.owner === 'unmarked' && item.spec.marker === 'metadata' && changes.length === 0) {
      return {
        ...withDeployed,
        action: 'unchanged',
        reason: `identical to the pack but ${own.reason}: adopted (its metadata records ownership)`,
      };
    }
    const forced = forcedBy(opts.force, item);
    return {
      ...withDeployed,
      action: 'conflict',
      forced,
      reason: `exists but is not owned by this config of ${PACK_SOURCE_NAME} (${own.reason})${forced ? `; --force ${item.templateId}: it will be overwritten` : `; left untouched (--force ${item.id} or --force ${item.templateId} overwrites it)`}`,
    };
  }
  const unhealthy = item.spec.unhealthy?.(body);
  if (unhealthy) return { ...withDeployed, action: 'update', reason: unhealthy };
  if (changes.length > 0)
    return { ...withDeployed, action: 'update', removed: hashChanged(own, item) ? removedFields(wanted, body) : [] };
  if (hashChanged(own, item)) {
    const removed = removedFields(wanted, body);
    return {
      ...withDeployed,
      action: 'update',
      removed,
      reason: removed.length
        ? undefined
        : 'the pack changed fields the service does not return (recorded pack hash differs)',
    };
  }
  return { ...withDeployed, action: 'unchanged' };
}

/** A recorded hash that differs from the new one; a missing record (e.g. deployed from the ARM templates) is not a change. */
const hashChanged = (own: Ownership, item: DesiredItem) =>
  own.recordedHash !== undefined && own.recordedHash !== item.hash;

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
    if (!got || got.value !== t.value)
      changes.push({ path: `properties.tags[${t.name}]`, from: got?.value, to: t.value });
  }
  return changes;
}

/** The body without the hash record: the record is compared through `recordedHash`, not as a field. */
function withoutHashRecord(item: DesiredItem): Json {
  const body = JSON.parse(JSON.stringify(item.body)) as Json;
  if (item.spec.marker === 'tags' && body.tags) delete (body.tags as Json)[HASH_TAG];
  if (item.spec.marker === 'savedSearchTags') {
    const props = (body.properties ?? {}) as Json;
    if (Array.isArray(props.tags))
      props.tags = (props.tags as { name?: string }[]).filter((t) => t.name !== SAVED_SEARCH_HASH_TAG);
  }
  // marker 'metadata': the hash lives in the metadata item; 'self': customVersion compares like any field (it is
  // how a parent's change shows up on its metadata)
  return body;
}

/** Owned resources of the listed types that the pack no longer has (name, marker and packId all the pack's). */
export function orphans(desired: readonly DesiredItem[], snapshot: DeployedSnapshot, packId: string): PlanEntry[] {
  const wanted = new Set(desired.map((d) => d.id.toLowerCase()));
  const out: PlanEntry[] = [];
  for (const [lid, r] of snapshot.resources) {
    if (wanted.has(lid)) continue;
    const own = ownershipOf(r.spec, r.id, r.body, snapshot, { packId });
    if (own.owner !== 'pack') continue;
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
      reason: `owned by this config of ${PACK_SOURCE_NAME} (${own.reason}), no longer in the pack`,
      templateId: own.templateId,
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
  /** this config's identity (content/ids.ts packIdOf) */
  packId: string;
}

/** Every entry of one workspace: the desired items in deploy order, then the orphans. */
export function planEntries(input: WorkspacePlanInput, opts: PlanOptions = {}): PlanEntry[] {
  return [
    ...input.desired.map((d) => decide(d, input.snapshot, input.packId, opts)),
    ...orphans(input.desired, input.snapshot, input.packId),
  ];
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
