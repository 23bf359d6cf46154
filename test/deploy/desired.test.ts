import { PACK_SOURCE_NAME } from '../../scripts/content/ids';
import { DesiredError, desiredItems, HASH_PREFIX, HASH_TAG, placeholdersUsed, SAVED_SEARCH_HASH_TAG } from '../../scripts/deploy/desired';
import { PACK_TAG, stableHash } from '../../scripts/emit/resources';
import { automationRule, IDS, P, playbook, rule, ruleMetadata, savedSearch, VALUES, workbook } from './fixtures';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('desiredItems', () => {
  test('substitutes placeholders, builds ids, and orders by LEVELS', () => {
    const items = desiredItems([workbook(), automationRule('ar1'), playbook(), rule('r1'), ruleMetadata('r1')], IDS, VALUES, P);
    expect(items.map((i) => i.key)).toEqual(['alertRule:r1', 'metadata:breakglass-sentinel-tpl-r1', 'playbook:pb-1', 'automationRule:ar1', 'metadata:breakglass-sentinel-automationRule-ar1', 'workbook:wb-1']);
    const wb = items.find((i) => i.kind === 'workbook')!;
    expect(wb.id).toBe(`${IDS.resourceGroupId}/providers/Microsoft.Insights/workbooks/wb-1`);
    expect(wb.body.location).toBe('westeurope');
    expect((wb.body.properties as J).sourceId).toBe(IDS.workspaceId);
    const ar = items.find((i) => i.kind === 'automationRule')!;
    expect((ar.body.properties as J).actions[0].actionConfiguration).toEqual({ logicAppResourceId: `${IDS.resourceGroupId}/providers/Microsoft.Logic/workflows/btg-pb-1`, tenantId: VALUES.tenantId });
    expect(ar.dependsOn).toEqual(['playbook:pb-1']);
  });

  test('tagged resources get the owner tag and the hash of the body without the hash tag', () => {
    const [wb] = desiredItems([workbook()], IDS, VALUES, P);
    const tags = wb.body.tags as Record<string, string>;
    expect(tags[PACK_TAG]).toBe('tpl-workbook');
    expect(tags[HASH_TAG]).toBe(wb.hash);
    const { [HASH_TAG]: _h, ...rest } = tags;
    expect(stableHash({ ...wb.body, tags: rest })).toBe(wb.hash);
  });

  test('saved searches carry createdBy, the template id, the packId and the hash as name/value tags', () => {
    const [s] = desiredItems([savedSearch('h1')], IDS, VALUES, P);
    expect((s.body.properties as J).tags).toEqual([
      { name: 'createdBy', value: PACK_SOURCE_NAME },
      { name: 'btgTemplateId', value: 'tpl-h1' },
      { name: 'btgPackId', value: P },
      { name: SAVED_SEARCH_HASH_TAG, value: s.hash },
    ]);
  });

  test("a rule's hash is recorded in the customVersion of the metadata that owns it", () => {
    const items = desiredItems([rule('r1'), ruleMetadata('r1')], IDS, VALUES, P);
    const [r, m] = items;
    expect(r.ownedBy).toBe(m.key);
    expect((m.body.properties as J).customVersion).toBe(`${HASH_PREFIX}${r.hash}`);
    expect(m.hash).toBe(stableHash(m.body));
    expect(r.body).toEqual(rule('r1').body);
  });

  test('a resource without tags and without emitted metadata gets a companion metadata item', () => {
    const items = desiredItems([automationRule('ar1'), playbook()], IDS, VALUES, P);
    const meta = items.find((i) => i.synthesized)!;
    expect(meta.key).toBe('metadata:breakglass-sentinel-automationRule-ar1');
    expect(meta.dependsOn).toEqual(['automationRule:ar1']);
    expect(meta.body.properties).toMatchObject({ parentId: items.find((i) => i.kind === 'automationRule')!.id, kind: 'AutomationRule', source: { name: PACK_SOURCE_NAME } });
  });

  test('a changed rule changes its hash and its metadata, nothing else', () => {
    const a = desiredItems([rule('r1'), ruleMetadata('r1'), rule('r2'), ruleMetadata('r2')], IDS, VALUES, P);
    const b = desiredItems([rule('r1', { severity: 'Low' }), ruleMetadata('r1'), rule('r2'), ruleMetadata('r2')], IDS, VALUES, P);
    const changed = a.filter((x, i) => x.hash !== b[i].hash).map((x) => x.key);
    expect(changed).toEqual(['alertRule:r1', 'metadata:breakglass-sentinel-tpl-r1']);
  });

  test('duplicate keys, missing placeholder values and foreign metadata sources are refused', () => {
    expect(() => desiredItems([rule('r1'), rule('r1')], IDS, VALUES, P)).toThrow(DesiredError);
    expect(() => desiredItems([automationRule('ar1')], IDS, { ...VALUES, tenantId: '' }, P)).toThrow(/\{tenantId\}/);
    const m = ruleMetadata('r1');
    (m.body.properties as J).source.name = 'someone-else';
    expect(() => desiredItems([rule('r1'), m], IDS, VALUES, P)).toThrow(/source.name/);
  });

  test('placeholdersUsed finds the placeholders a pack needs', () => {
    expect([...placeholdersUsed([automationRule('a')])].sort()).toEqual(['resourceGroupId', 'tenantId']);
    expect([...placeholdersUsed([rule('r')])]).toEqual([]);
  });
});
