import { PACK_SOURCE_NAME } from '../../scripts/content/ids';
import { desiredItems, DesiredItem, HASH_TAG } from '../../scripts/deploy/desired';
import { KIND_SPECS } from '../../scripts/deploy/kinds';
import { decide, orphans, ownershipOf, PlanEntry, planEntries, reconcileShared, snapshotOf } from '../../scripts/deploy/plan';
import { PACK_TAG } from '../../scripts/emit/resources';
import { IDS, playbook, rule, ruleMetadata, savedSearch, VALUES, workbook } from './fixtures';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const spec = (k: string) => KIND_SPECS.get(k)!;

/** What a service would return for a PUT of `item`: the body plus id/name/etag and read-only fields. */
function served(item: DesiredItem, extra: J = {}): J {
  const b = clone(item.body) as J;
  return { id: item.id, name: item.name, etag: '"1"', ...b, properties: { ...(b.properties ?? {}), lastModifiedUtc: '2025-01-01T00:00:00Z', ...extra } };
}

function snapshot(items: J[]) {
  const groups = new Map<string, J[]>();
  for (const b of items) {
    const key = String(b.id).includes('/metadata/') ? 'sentinel:metadata' : String(b.id).includes('/alertRules/') ? 'sentinel:alertrules' : String(b.id).includes('/savedSearches/') ? 'workspace:savedsearches' : String(b.id).includes('/workbooks/') ? 'resourceGroup:microsoft.insights/workbooks' : 'resourceGroup:microsoft.resources/deployments';
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const all = ['sentinel:metadata', 'sentinel:alertrules', 'workspace:savedsearches', 'resourceGroup:microsoft.insights/workbooks', 'resourceGroup:microsoft.resources/deployments'];
  return snapshotOf(all.map((k) => ({ spec: spec(k), items: groups.get(k) ?? [] })));
}

/** [rule r1, its metadata, workbook, saved search, playbook] */
const pack = () => {
  const items = desiredItems([rule('r1'), ruleMetadata('r1'), workbook(), savedSearch('h1'), playbook()], IDS, VALUES);
  return ['alertRule', 'metadata', 'workbook', 'huntingQuery', 'playbook'].map((k) => items.find((i) => i.kind === k)!);
};
const byKey = (entries: PlanEntry[]) => Object.fromEntries(entries.map((e) => [e.key, e]));

describe('decide', () => {
  test('nothing deployed: everything is created', () => {
    expect(planEntries({ desired: pack(), snapshot: snapshot([]) }).map((e) => e.action)).toEqual(['create', 'create', 'create', 'create', 'create']);
  });

  test('what the pack wrote, as the service returns it, is unchanged', () => {
    const d = pack();
    const snap = snapshot(d.map((i) => served(i, i.kind === 'playbook' ? { provisioningState: 'Succeeded', templateHash: 'x' } : {})).map((b) => (String(b.id).includes('deployments') ? { ...b, properties: { provisioningState: 'Succeeded' } } : b)));
    expect(planEntries({ desired: d, snapshot: snap }).map((e) => [e.key, e.action, e.reason])).toEqual(d.map((i) => [i.key, 'unchanged', undefined]));
  });

  test('a field edited in the portal is an update that names it', () => {
    const d = pack();
    const r = served(d[0]);
    r.properties.severity = 'Low';
    const e = decide(d[0], snapshot([r, served(d[1])]));
    expect(e.action).toBe('update');
    expect(e.changes).toEqual([{ path: 'properties.severity', from: 'Low', to: 'High' }]);
  });

  test('a field the pack stopped sending is found through the recorded hash', () => {
    const old = desiredItems([rule('r1', { customDetails: { A: 'B' } }), ruleMetadata('r1')], IDS, VALUES);
    const now = desiredItems([rule('r1'), ruleMetadata('r1')], IDS, VALUES);
    const snap = snapshot(old.map((i) => served(i)));
    const e = decide(now[0], snap);
    expect(e.action).toBe('update');
    expect(e.changes).toEqual([]);
    expect(e.removed).toEqual(['properties.customDetails']);
    // the metadata follows: its customVersion records the new hash
    expect(decide(now[1], snap).changes.map((c) => c.path)).toEqual(['properties.customVersion']);
  });

  test('a same-named rule without pack metadata is a conflict, and --force overwrites it', () => {
    const d = pack();
    const foreign = served(d[0]);
    foreign.properties.query = 'their query';
    const e = decide(d[0], snapshot([foreign]));
    expect(e.action).toBe('conflict');
    expect(e.reason).toMatch(/not owned by breakglass-sentinel \(no Sentinel metadata of breakglass-sentinel\).*--force/);
    expect(e.forced).toBe(false);
    expect(decide(d[0], snapshot([foreign]), { force: true })).toMatchObject({ action: 'conflict', forced: true });
  });

  test('metadata of another source makes the rule foreign even when identical', () => {
    const d = pack();
    const theirs = { id: `${IDS.workspaceId}/providers/Microsoft.SecurityInsights/metadata/theirs`, name: 'theirs', properties: { parentId: d[0].id, kind: 'AnalyticsRule', source: { kind: 'Solution', name: 'Some solution' } } };
    const e = decide(d[0], snapshot([served(d[0]), theirs]));
    expect(e.action).toBe('conflict');
    expect(e.reason).toMatch(/Some solution/);
  });

  test('an identical rule whose metadata write failed is adopted, not a conflict', () => {
    const d = pack();
    const snap = snapshot([served(d[0])]);
    expect(decide(d[0], snap)).toMatchObject({ action: 'unchanged', reason: expect.stringMatching(/adopted/) });
    expect(decide(d[1], snap).action).toBe('create');
  });

  test('a tagged resource without the pack tag is a conflict, never adopted', () => {
    const d = pack();
    const wb = d.find((i) => i.kind === 'workbook')!;
    const theirs = served(wb);
    delete theirs.tags[PACK_TAG];
    delete theirs.tags[HASH_TAG];
    expect(decide(wb, snapshot([theirs])).action).toBe('conflict');
  });

  test('a saved search keeps tags added in the portal without counting them as a change', () => {
    const d = pack();
    const s = d.find((i) => i.kind === 'huntingQuery')!;
    const b = served(s);
    b.properties.tags.push({ name: 'added-in-portal', value: 'x' });
    expect(decide(s, snapshot([b])).action).toBe('unchanged');
    b.properties.query = 'changed';
    expect(decide(s, snapshot([b])).changes.map((c) => c.path)).toEqual(['properties.query']);
  });

  test('a failed deployment is deployed again', () => {
    const d = pack();
    const pb = d.find((i) => i.kind === 'playbook')!;
    const b = { id: pb.id, name: pb.name, tags: pb.body.tags, properties: { provisioningState: 'Failed', templateHash: 'h' } };
    expect(decide(pb, snapshot([b]))).toMatchObject({ action: 'update', reason: 'last deployment Failed' });
  });
});

describe('ownershipOf', () => {
  test('metadata owns itself by its source; tags and saved-search tags mark the rest', () => {
    const none = { metadataByParent: new Map() };
    expect(ownershipOf(spec('sentinel:metadata'), 'x', { properties: { source: { name: PACK_SOURCE_NAME } } }, none).owner).toBe('pack');
    expect(ownershipOf(spec('sentinel:metadata'), 'x', { properties: { source: { name: 'Other' } } }, none).owner).toBe('foreign');
    expect(ownershipOf(spec('resourceGroup:microsoft.insights/workbooks'), 'x', { tags: { [PACK_TAG]: 'a', [HASH_TAG]: 'h' } }, none)).toMatchObject({ owner: 'pack', recordedHash: 'h' });
    expect(ownershipOf(spec('resourceGroup:microsoft.insights/workbooks'), 'x', { tags: {} }, none).owner).toBe('unmarked');
    expect(ownershipOf(spec('workspace:savedsearches'), 'x', { properties: { tags: [{ name: 'createdBy', value: PACK_SOURCE_NAME }] } }, none).owner).toBe('pack');
  });
});

describe('orphans', () => {
  test('owned resources that left the pack are orphans; foreign ones are never listed; metadata goes after its parent', () => {
    const old = desiredItems([rule('r1'), ruleMetadata('r1'), rule('r2'), ruleMetadata('r2')], IDS, VALUES);
    const foreignRule = { id: `${IDS.workspaceId}/providers/Microsoft.SecurityInsights/alertRules/theirs`, name: 'theirs', kind: 'Scheduled', properties: { displayName: 'Theirs' } };
    const snap = snapshot([...old.map((i) => served(i)), foreignRule]);
    const now = desiredItems([rule('r1'), ruleMetadata('r1')], IDS, VALUES);
    const o = byKey(orphans(now, snap));
    expect(Object.keys(o).sort()).toEqual(['alertRule:r2', 'metadata:breakglass-sentinel-tpl-r2']);
    expect(o['metadata:breakglass-sentinel-tpl-r2'].dependsOn).toEqual(['alertRule:r2']);
  });
});

describe('reconcileShared', () => {
  test('one workspace applies a shared resource-group resource; a different body is a conflict', () => {
    const a = planEntries({ desired: desiredItems([workbook()], IDS, VALUES), snapshot: snapshot([]) });
    const b = planEntries({ desired: desiredItems([workbook()], IDS, VALUES), snapshot: snapshot([]) });
    const c = planEntries({ desired: desiredItems([workbook()], IDS, { ...VALUES, workspaceResourceId: `${IDS.workspaceId}-other` }), snapshot: snapshot([]) });
    reconcileShared([{ label: 'a', entries: a }, { label: 'b', entries: b }, { label: 'c', entries: c }]);
    expect(a[0].action).toBe('create');
    expect(a[0].sharedWith).toBeUndefined();
    expect(b[0]).toMatchObject({ action: 'create', sharedWith: 'a' });
    expect(c[0]).toMatchObject({ action: 'conflict', reason: expect.stringMatching(/workspace a deploys the same resource-group resource/) });
  });
});
