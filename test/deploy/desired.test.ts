import { PACK_ID_RE, PACK_ID_TAG, PACK_SOURCE_NAME, packIdOf } from '../../scripts/content/ids';
import { ConfigSchema } from '../../scripts/config/schema';
import {
  DesiredError,
  desiredItems,
  HASH_PREFIX,
  HASH_TAG,
  placeholdersUsed,
  SAVED_SEARCH_HASH_TAG,
} from '../../scripts/deploy/desired';
import { PACK_TAG, stableHash } from '../../scripts/emit/resources';
import { automationRule, IDS, P, playbook, rule, ruleMetadata, savedSearch, VALUES, workbook } from './fixtures';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('desiredItems', () => {
  test('substitutes placeholders, builds ids, and orders by LEVELS', () => {
    const items = desiredItems(
      [workbook(), automationRule('ar1'), playbook(), rule('r1'), ruleMetadata('r1')],
      IDS,
      VALUES,
      P,
    );
    expect(items.map((i) => i.key)).toEqual([
      'alertRule:r1',
      'metadata:breakglass-sentinel-tpl-r1',
      'playbook:pb-1',
      'automationRule:ar1',
      'metadata:breakglass-sentinel-automationRule-ar1',
      'workbook:wb-1',
    ]);
    const wb = items.find((i) => i.kind === 'workbook')!;
    expect(wb.id).toBe(`${IDS.resourceGroupId}/providers/Microsoft.Insights/workbooks/wb-1`);
    expect(wb.body.location).toBe('westeurope');
    expect((wb.body.properties as J).sourceId).toBe(IDS.workspaceId);
    const ar = items.find((i) => i.kind === 'automationRule')!;
    expect((ar.body.properties as J).actions[0].actionConfiguration).toEqual({
      logicAppResourceId: `${IDS.resourceGroupId}/providers/Microsoft.Logic/workflows/btg-pb-1`,
      tenantId: VALUES.tenantId,
    });
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
    expect(meta.body.properties).toMatchObject({
      parentId: items.find((i) => i.kind === 'automationRule')!.id,
      kind: 'AutomationRule',
      source: { name: PACK_SOURCE_NAME },
    });
  });

  test('a changed rule changes its hash and its metadata, nothing else', () => {
    const a = desiredItems([rule('r1'), ruleMetadata('r1'), rule('r2'), ruleMetadata('r2')], IDS, VALUES, P);
    const b = desiredItems(
      [rule('r1', { severity: 'Low' }), ruleMetadata('r1'), rule('r2'), ruleMetadata('r2')],
      IDS,
      VALUES,
      P,
    );
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

describe('packId: the config identity', () => {
  const base = {
    tenantName: 'Contoso',
    workspaces: [
      { subscriptionId: '00000000-0000-4000-8000-0000000000a1', resourceGroup: 'rg1', workspaceName: 'law-1' },
    ],
  };

  test('the config schema takes 3-16 lower-case letters, digits and hyphens, and nothing else', () => {
    const cfg = (packId: unknown) =>
      ConfigSchema.safeParse({
        accounts: [{ objectId: '00000000-0000-4000-8000-00000000b701', userPrincipalName: 'a@b.example' }],
        packId,
      });
    for (const ok of ['soc', 'team-a', 'a1b2c3d4', 'x'.repeat(16)]) expect(cfg(ok).success).toBe(true);
    for (const bad of ['ab', 'Team-A', '-team', 'team-', 'x'.repeat(17), 'a/b', 'a b', '[x]', '../x', 7])
      expect(cfg(bad).success).toBe(false);
    expect(cfg(undefined).success).toBe(true);
  });

  test('default: a stable short hash of tenantName + the first workspace; an explicit packId wins', () => {
    const d = packIdOf(base);
    expect(d).toMatch(PACK_ID_RE);
    expect(packIdOf({ ...base, tenantName: 'CONTOSO' })).toBe(d);
    expect(packIdOf({ ...base, workspaces: [{ ...base.workspaces[0], workspaceName: 'law-2' }] })).not.toBe(d);
    expect(packIdOf({ ...base, tenantName: 'Fabrikam' })).not.toBe(d);
    expect(packIdOf({ ...base, packId: 'soc-prod' })).toBe('soc-prod');
  });

  test('markers and companion metadata carry it', () => {
    const [wb] = desiredItems([workbook()], IDS, VALUES, 'team-b');
    expect(wb.body.tags).toMatchObject({ [PACK_TAG]: 'tpl-workbook', [PACK_ID_TAG]: 'team-b' });
    const items = desiredItems([automationRule('ar1'), playbook()], IDS, VALUES, 'team-b');
    const meta = items.find((i) => i.kind === 'metadata')!;
    expect((meta.body.properties as J).source).toMatchObject({
      name: PACK_SOURCE_NAME,
      sourceId: 'team-b/tpl-automation',
    });
  });
});
