import { contentId, PACK_ID_TAG, PACK_SOURCE_NAME, packNames } from '../../scripts/content/ids';
import { desiredItems, DesiredItem, HASH_TAG } from '../../scripts/deploy/desired';
import { KIND_SPECS } from '../../scripts/deploy/kinds';
import { templateCreates } from '../../scripts/deploy/cascade';
import {
  decide,
  orphans,
  ownershipOf,
  PlanEntry,
  planEntries,
  reconcileShared,
  snapshotOf,
} from '../../scripts/deploy/plan';
import { PACK_TAG } from '../../scripts/emit/resources';
import {
  IDS,
  P,
  packRule,
  packRuleMetadata,
  playbook,
  rule,
  ruleMetadata,
  savedSearch,
  VALUES,
  workbook,
} from './fixtures';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const spec = (k: string) => KIND_SPECS.get(k)!;

/** What a service would return for a PUT of `item`: the body plus id/name/etag and read-only fields. */
function served(item: DesiredItem, extra: J = {}): J {
  const b = clone(item.body) as J;
  return {
    id: item.id,
    name: item.name,
    etag: '"1"',
    ...b,
    properties: { ...(b.properties ?? {}), lastModifiedUtc: '2025-01-01T00:00:00Z', ...extra },
  };
}

function snapshot(items: J[]) {
  const groups = new Map<string, J[]>();
  for (const b of items) {
    const key = String(b.id).includes('/metadata/')
      ? 'sentinel:metadata'
      : String(b.id).includes('/alertRules/')
        ? 'sentinel:alertrules'
        : String(b.id).includes('/savedSearches/')
          ? 'workspace:savedsearches'
          : String(b.id).includes('/workbooks/')
            ? 'resourceGroup:microsoft.insights/workbooks'
            : 'resourceGroup:microsoft.resources/deployments';
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const all = [
    'sentinel:metadata',
    'sentinel:alertrules',
    'workspace:savedsearches',
    'resourceGroup:microsoft.insights/workbooks',
    'resourceGroup:microsoft.resources/deployments',
  ];
  return snapshotOf(all.map((k) => ({ spec: spec(k), items: groups.get(k) ?? [] })));
}

/** [rule r1, its metadata, workbook, saved search, playbook] */
const pack = () => {
  const items = desiredItems(
    [rule('r1'), ruleMetadata('r1'), workbook(), savedSearch('h1'), playbook()],
    IDS,
    VALUES,
    P,
  );
  return ['alertRule', 'metadata', 'workbook', 'huntingQuery', 'playbook'].map((k) => items.find((i) => i.kind === k)!);
};
const byKey = (entries: PlanEntry[]) => Object.fromEntries(entries.map((e) => [e.key, e]));

describe('decide', () => {
  test('nothing deployed: everything is created', () => {
    expect(planEntries({ desired: pack(), snapshot: snapshot([]), packId: P }).map((e) => e.action)).toEqual([
      'create',
      'create',
      'create',
      'create',
      'create',
    ]);
  });

  test('what the pack wrote, as the service returns it, is unchanged', () => {
    const d = pack();
    const snap = snapshot(
      d
        .map((i) => served(i, i.kind === 'playbook' ? { provisioningState: 'Succeeded', templateHash: 'x' } : {}))
        .map((b) =>
          String(b.id).includes('deployments') ? { ...b, properties: { provisioningState: 'Succeeded' } } : b,
        ),
    );
    expect(planEntries({ desired: d, snapshot: snap, packId: P }).map((e) => [e.key, e.action, e.reason])).toEqual(
      d.map((i) => [i.key, 'unchanged', undefined]),
    );
  });

  test('a field edited in the portal is an update that names it', () => {
    const d = pack();
    const r = served(d[0]);
    r.properties.severity = 'Low';
    const e = decide(d[0], snapshot([r, served(d[1])]), P);
    expect(e.action).toBe('update');
    expect(e.changes).toEqual([{ path: 'properties.severity', from: 'Low', to: 'High' }]);
  });

  test('a field the pack stopped sending is found through the recorded hash', () => {
    const old = desiredItems([rule('r1', { customDetails: { A: 'B' } }), ruleMetadata('r1')], IDS, VALUES, P);
    const now = desiredItems([rule('r1'), ruleMetadata('r1')], IDS, VALUES, P);
    const snap = snapshot(old.map((i) => served(i)));
    const e = decide(now[0], snap, P);
    expect(e.action).toBe('update');
    expect(e.changes).toEqual([]);
    expect(e.removed).toEqual(['properties.customDetails']);
    // the metadata follows: its customVersion records the new hash
    expect(decide(now[1], snap, P).changes.map((c) => c.path)).toEqual(['properties.customVersion']);
  });

  test('a same-named rule without pack metadata is a conflict, and --force overwrites it', () => {
    const d = pack();
    const foreign = served(d[0]);
    foreign.properties.query = 'their query';
    const e = decide(d[0], snapshot([foreign]), P);
    expect(e.action).toBe('conflict');
    expect(e.reason).toMatch(
      /not owned by this config of breakglass-sentinel \(no Sentinel metadata of breakglass-sentinel\).*--force tpl-r1/,
    );
    expect(e.forced).toBe(false);
    // --force names what it overrides: the template id or the resource id (any case), nothing else
    expect(decide(d[0], snapshot([foreign]), P, { force: ['tpl-r1'] })).toMatchObject({
      action: 'conflict',
      forced: true,
    });
    expect(decide(d[0], snapshot([foreign]), P, { force: [d[0].id.toUpperCase()] })).toMatchObject({
      action: 'conflict',
      forced: true,
    });
    expect(decide(d[0], snapshot([foreign]), P, { force: ['tpl-r2', 'TPL-R1', `${d[0].id}x`] })).toMatchObject({
      action: 'conflict',
      forced: false,
    });
  });

  test('metadata of another source makes the rule foreign even when identical', () => {
    const d = pack();
    const theirs = {
      id: `${IDS.workspaceId}/providers/Microsoft.SecurityInsights/metadata/theirs`,
      name: 'theirs',
      properties: { parentId: d[0].id, kind: 'AnalyticsRule', source: { kind: 'Solution', name: 'Some solution' } },
    };
    const e = decide(d[0], snapshot([served(d[0]), theirs]), P);
    expect(e.action).toBe('conflict');
    expect(e.reason).toMatch(/Some solution/);
  });

  test('an identical rule whose metadata write failed is adopted, not a conflict', () => {
    const d = pack();
    const snap = snapshot([served(d[0])]);
    expect(decide(d[0], snap, P)).toMatchObject({ action: 'unchanged', reason: expect.stringMatching(/adopted/) });
    expect(decide(d[1], snap, P).action).toBe('create');
  });

  test('a tagged resource without the pack tag is a conflict, never adopted', () => {
    const d = pack();
    const wb = d.find((i) => i.kind === 'workbook')!;
    const theirs = served(wb);
    delete theirs.tags[PACK_TAG];
    delete theirs.tags[HASH_TAG];
    expect(decide(wb, snapshot([theirs]), P).action).toBe('conflict');
  });

  test('a saved search keeps tags added in the portal without counting them as a change', () => {
    const d = pack();
    const s = d.find((i) => i.kind === 'huntingQuery')!;
    const b = served(s);
    b.properties.tags.push({ name: 'added-in-portal', value: 'x' });
    expect(decide(s, snapshot([b]), P).action).toBe('unchanged');
    b.properties.query = 'changed';
    expect(decide(s, snapshot([b]), P).changes.map((c) => c.path)).toEqual(['properties.query']);
  });

  test('a failed deployment is deployed again', () => {
    const d = pack();
    const pb = d.find((i) => i.kind === 'playbook')!;
    const b = {
      id: pb.id,
      name: pb.name,
      tags: pb.body.tags,
      properties: { provisioningState: 'Failed', templateHash: 'h' },
    };
    expect(decide(pb, snapshot([b]), P)).toMatchObject({ action: 'update', reason: 'last deployment Failed' });
  });
});

describe("ownershipOf: the pack-derived name AND the marker with the exact template id AND this config's packId", () => {
  const none = { metadataByParent: new Map() };
  const wbSpec = spec('resourceGroup:microsoft.insights/workbooks');
  const wbName = packNames.workbook('tpl-workbook', P);
  const wbId = `${IDS.resourceGroupId}/providers/Microsoft.Insights/workbooks/${wbName}`;
  const tags = (t: J) => ({ id: wbId, name: wbName, tags: t });

  test('tags: exact names, exact template id, exact packId', () => {
    expect(
      ownershipOf(wbSpec, wbId, tags({ [PACK_TAG]: 'tpl-workbook', [PACK_ID_TAG]: P, [HASH_TAG]: 'h' }), none, {
        packId: P,
        templateId: 'tpl-workbook',
      }),
    ).toMatchObject({ owner: 'pack', recordedHash: 'h' });
    // as an orphan: the name is derived from the marker's template id and the packId
    expect(
      ownershipOf(wbSpec, wbId, tags({ [PACK_TAG]: 'tpl-workbook', [PACK_ID_TAG]: P }), none, { packId: P }).owner,
    ).toBe('pack');
    expect(ownershipOf(wbSpec, wbId, tags({}), none, { packId: P }).owner).toBe('unmarked');
    // another config in the same resource group, a copied tag, a look-alike spelling, a tag without packId
    expect(
      ownershipOf(wbSpec, wbId, tags({ [PACK_TAG]: 'tpl-workbook', [PACK_ID_TAG]: 'team-b' }), none, {
        packId: P,
        templateId: 'tpl-workbook',
      }),
    ).toMatchObject({ owner: 'foreign', reason: expect.stringMatching(/packId "team-b", this config's is "team-a"/) });
    expect(
      ownershipOf(wbSpec, wbId, tags({ [PACK_TAG]: 'copied-from-wiki', [PACK_ID_TAG]: P }), none, {
        packId: P,
        templateId: 'tpl-workbook',
      }),
    ).toMatchObject({ owner: 'foreign', reason: expect.stringMatching(/template "copied-from-wiki"/) });
    expect(
      ownershipOf(wbSpec, wbId, tags({ [PACK_TAG]: 'copied-from-wiki', [PACK_ID_TAG]: P }), none, { packId: P }).owner,
    ).toBe('foreign');
    expect(ownershipOf(wbSpec, wbId, tags({ 'BreakGlass-Sentinel': 'tpl-workbook' }), none, { packId: P }).owner).toBe(
      'foreign',
    );
    expect(ownershipOf(wbSpec, wbId, tags({ [PACK_TAG]: 'tpl-workbook' }), none, { packId: P }).owner).toBe('foreign');
    // the right marker on a resource the pack would not name so: not ours
    const other = `${IDS.resourceGroupId}/providers/Microsoft.Insights/workbooks/someone-elses`;
    expect(
      ownershipOf(
        wbSpec,
        other,
        { id: other, name: 'someone-elses', tags: { [PACK_TAG]: 'tpl-workbook', [PACK_ID_TAG]: P } },
        none,
        { packId: P },
      ).owner,
    ).toBe('foreign');
  });

  test('Sentinel metadata: source name, sourceId <packId>/<templateId>, pack name, parent the pack names', () => {
    const ms = spec('sentinel:metadata');
    const parent = `${IDS.workspaceId}/providers/Microsoft.SecurityInsights/alertRules/${contentId('rule', 'tpl-x')}`;
    const meta = (name: string, source: J, parentId = parent) => ({
      id: `${IDS.workspaceId}/providers/Microsoft.SecurityInsights/metadata/${name}`,
      name,
      properties: { parentId, source },
    });
    const ours = meta('breakglass-sentinel-tpl-x', {
      kind: 'LocalWorkspace',
      name: PACK_SOURCE_NAME,
      sourceId: `${P}/tpl-x`,
    });
    expect(ownershipOf(ms, ours.id, ours, none, { packId: P }).owner).toBe('pack');
    expect(ownershipOf(ms, ours.id, ours, none, { packId: 'team-b' }).owner).toBe('foreign');
    expect(ownershipOf(ms, 'x', meta('m', { name: 'Other' }), none, { packId: P }).owner).toBe('foreign');
    // look-alike: our source name without the packId, or pointing at a rule the pack does not name
    expect(
      ownershipOf(ms, 'x', meta('breakglass-sentinel-tpl-x', { name: PACK_SOURCE_NAME }), none, { packId: P }).owner,
    ).toBe('foreign');
    expect(
      ownershipOf(
        ms,
        'x',
        meta(
          'breakglass-sentinel-tpl-x',
          { name: PACK_SOURCE_NAME, sourceId: `${P}/tpl-x` },
          `${IDS.workspaceId}/providers/Microsoft.SecurityInsights/alertRules/theirs`,
        ),
        none,
        { packId: P },
      ).owner,
    ).toBe('foreign');
    expect(
      ownershipOf(ms, 'x', meta('lookalike', { name: PACK_SOURCE_NAME, sourceId: `${P}/tpl-x` }), none, { packId: P })
        .owner,
    ).toBe('foreign');
  });

  test('saved searches: createdBy + btgTemplateId + btgPackId', () => {
    const ss = spec('workspace:savedsearches');
    const name = contentId('hunting', 'tpl-h');
    const body = (t: J[]) => ({ id: `${IDS.workspaceId}/savedSearches/${name}`, name, properties: { tags: t } });
    const full = [
      { name: 'createdBy', value: PACK_SOURCE_NAME },
      { name: 'btgTemplateId', value: 'tpl-h' },
      { name: 'btgPackId', value: P },
    ];
    expect(ownershipOf(ss, `${IDS.workspaceId}/savedSearches/${name}`, body(full), none, { packId: P }).owner).toBe(
      'pack',
    );
    expect(
      ownershipOf(ss, 'x', body([{ name: 'createdBy', value: PACK_SOURCE_NAME }]), none, { packId: P }).owner,
    ).toBe('foreign');
    expect(ownershipOf(ss, 'x', body([]), none, { packId: P }).owner).toBe('unmarked');
  });
});

describe('orphans', () => {
  test('owned resources that left the pack are orphans; foreign ones are never listed; metadata goes after its parent', () => {
    const old = desiredItems(
      [packRule('r1'), packRuleMetadata('r1'), packRule('r2'), packRuleMetadata('r2')],
      IDS,
      VALUES,
      P,
    );
    const foreignRule = {
      id: `${IDS.workspaceId}/providers/Microsoft.SecurityInsights/alertRules/theirs`,
      name: 'theirs',
      kind: 'Scheduled',
      properties: { displayName: 'Theirs' },
    };
    // look-alike metadata on a foreign rule: our source name and even our sourceId, but neither name is the pack's
    const lookAlike = {
      id: `${IDS.workspaceId}/providers/Microsoft.SecurityInsights/metadata/theirs-meta`,
      name: 'theirs-meta',
      properties: {
        parentId: foreignRule.id,
        kind: 'AnalyticsRule',
        source: { kind: 'LocalWorkspace', name: PACK_SOURCE_NAME, sourceId: `${P}/tpl-r2` },
      },
    };
    // another config's leftovers in the same workspace
    const teamB = desiredItems([packRule('r9'), packRuleMetadata('r9')], IDS, VALUES, 'team-b');
    const snap = snapshot([...old.map((i) => served(i)), foreignRule, lookAlike, ...teamB.map((i) => served(i))]);
    const now = desiredItems([packRule('r1'), packRuleMetadata('r1')], IDS, VALUES, P);
    const o = byKey(orphans(now, snap, P));
    const r2 = contentId('rule', 'tpl-r2');
    expect(Object.keys(o).sort()).toEqual([`alertRule:${r2}`, 'metadata:breakglass-sentinel-tpl-r2']);
    expect(o['metadata:breakglass-sentinel-tpl-r2'].dependsOn).toEqual([`alertRule:${r2}`]);
    expect(o[`alertRule:${r2}`].templateId).toBe('tpl-r2');
    // team-b sees its own, never ours
    expect(Object.keys(byKey(orphans([], snap, 'team-b'))).sort()).toEqual([
      `alertRule:${contentId('rule', 'tpl-r9')}`,
      'metadata:breakglass-sentinel-tpl-r9',
    ]);
  });
});

describe('reconcileShared', () => {
  test('one workspace applies a shared resource-group resource; a different body is a conflict', () => {
    const a = planEntries({ desired: desiredItems([workbook()], IDS, VALUES, P), snapshot: snapshot([]), packId: P });
    const b = planEntries({ desired: desiredItems([workbook()], IDS, VALUES, P), snapshot: snapshot([]), packId: P });
    const c = planEntries({
      desired: desiredItems([workbook()], IDS, { ...VALUES, workspaceResourceId: `${IDS.workspaceId}-other` }, P),
      snapshot: snapshot([]),
      packId: P,
    });
    reconcileShared([
      { label: 'a', entries: a },
      { label: 'b', entries: b },
      { label: 'c', entries: c },
    ]);
    expect(a[0].action).toBe('create');
    expect(a[0].sharedWith).toBeUndefined();
    expect(b[0]).toMatchObject({ action: 'create', sharedWith: 'a' });
    expect(c[0]).toMatchObject({
      action: 'conflict',
      reason: expect.stringMatching(/workspace a deploys the same resource-group resource/),
    });
  });
});

describe('templateCreates: what a playbook deployment creates, for prune (cascade.ts)', () => {
  test('names evaluated with the deployment parameters; an extension scope stays in the resource group; anything unknown has no id', () => {
    const [pb] = desiredItems([playbook()], IDS, VALUES, P);
    const body = clone(pb.body) as J;
    body.properties.template.resources.push(
      {
        type: 'Microsoft.Authorization/roleAssignments',
        name: "[guid('x')]",
        scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspace'))]",
      },
      { type: 'Microsoft.Logic/workflows', name: "[parameters('notGiven')]" },
      { type: 'Microsoft.Logic/workflows', name: '../../../providers/Microsoft.Authorization/roleAssignments/x' },
      { type: 'Microsoft.Authorization/roleAssignments', name: 'a', scope: '/subscriptions/x' },
    );
    const rg = IDS.resourceGroupId;
    expect(templateCreates(body, IDS).map((r) => [r.type, r.id])).toEqual([
      ['Microsoft.Web/connections', `${rg}/providers/Microsoft.Web/connections/azuresentinel-btg-pb-1`],
      ['Microsoft.Web/connections', `${rg}/providers/Microsoft.Web/connections/office365-btg-pb-1`],
      ['Microsoft.Logic/workflows', `${rg}/providers/Microsoft.Logic/workflows/btg-pb-1`],
      ['Microsoft.Authorization/roleAssignments', undefined],
      ['Microsoft.Logic/workflows', undefined],
      ['Microsoft.Logic/workflows', undefined],
      ['Microsoft.Authorization/roleAssignments', undefined],
    ]);
    expect(templateCreates(body, IDS)[3].scopeId).toBe(IDS.workspaceId);
  });
});
