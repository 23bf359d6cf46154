import { deepDiff, diffDesired, removedFields } from '../../scripts/deploy/diff';
import { firstDifference } from '../../scripts/deploy/policies';

describe('diffDesired: only the fields the pack sends, with ARM equivalences', () => {
  test('fields only the service has are ignored', () => {
    expect(
      diffDesired({ properties: { a: 1 } }, { id: 'x', etag: 'e', properties: { a: 1, lastModifiedUtc: 'now' } }),
    ).toEqual([]);
  });
  test('a changed and a missing field are named by path', () => {
    expect(
      diffDesired({ properties: { severity: 'High', query: 'q' } }, { properties: { severity: 'Medium' } }),
    ).toEqual([
      { path: 'properties.severity', from: 'Medium', to: 'High' },
      { path: 'properties.query', from: undefined, to: 'q' },
    ]);
  });
  test('resource ids and locations compare case-insensitively, durations by length, JSON text by content', () => {
    const desired = {
      location: 'westeurope',
      properties: {
        parentId: '/subscriptions/A/resourceGroups/RG/providers/X/y/z',
        period: 'PT1H',
        serializedData: '{"b":1,"a":[1,2]}',
      },
    };
    const deployed = {
      location: 'West Europe',
      properties: {
        parentId: '/subscriptions/a/resourcegroups/rg/providers/x/y/z',
        period: 'PT60M',
        serializedData: '{ "a": [1, 2], "b": 1 }',
      },
    };
    expect(diffDesired(desired, deployed)).toEqual([]);
    expect(
      diffDesired({ properties: { serializedData: '{"a":1}' } }, { properties: { serializedData: '{"a":2}' } }),
    ).toHaveLength(1);
    expect(diffDesired({ properties: { title: 'Abc' } }, { properties: { title: 'abc' } })).toHaveLength(1);
  });
  test('tag names are case-insensitive, values are not', () => {
    expect(diffDesired({ tags: { 'Breakglass-Sentinel': 'x' } }, { tags: { 'breakglass-sentinel': 'x' } })).toEqual([]);
    expect(diffDesired({ tags: { a: 'x' } }, { tags: { a: 'y' } })).toEqual([{ path: 'tags.a', from: 'y', to: 'x' }]);
  });
  test('arrays must have the same length; their objects compare one-sided', () => {
    expect(diffDesired({ m: [{ a: 1 }] }, { m: [{ a: 1, extra: true }] })).toEqual([]);
    expect(diffDesired({ m: [{ a: 1 }] }, { m: [{ a: 1 }, { a: 2 }] })).toEqual([
      { path: 'm', from: [{ a: 1 }, { a: 2 }], to: [{ a: 1 }] },
    ]);
    expect(diffDesired({ m: [{ a: 1 }] }, { m: [{ a: 2 }] })).toEqual([{ path: 'm[0].a', from: 2, to: 1 }]);
  });
  test('null in the pack equals an absent field; a number is not its string', () => {
    expect(diffDesired({ properties: { alertRuleTemplateName: null } }, { properties: {} })).toEqual([]);
    expect(diffDesired({ n: 0 }, { n: '0' })).toHaveLength(1);
  });
});

test('removedFields names deployed fields the pack no longer sends, not server fields or empty defaults', () => {
  const desired = { kind: 'Scheduled', properties: { query: 'q' } };
  const deployed = {
    id: 'i',
    kind: 'Scheduled',
    etag: 'e',
    properties: { query: 'q', customDetails: { A: 'B' }, lastModifiedUtc: 'now', entityMappings: [] },
  };
  expect(removedFields(desired, deployed)).toEqual(['properties.customDetails']);
});

test('deepDiff both ways and exact: the typed-write check (firstDifference) uses the same walk as the plan', () => {
  const want = { properties: { tactics: ['A', 'B'], severity: 'High', tags: { Owner: 'x' } } };
  expect(deepDiff(want, want)).toEqual([]);
  // a field only the other side has is a change both ways, not one-sided
  const extra = { properties: { ...want.properties, subTechniques: ['T1'] } };
  expect(deepDiff(want, extra)).toEqual([{ path: 'properties.subTechniques', from: ['T1'], to: undefined }]);
  expect(deepDiff(want, extra, { oneSided: true })).toEqual([]);
  // no ARM equivalences unless asked: case of tag names and durations matter
  expect(deepDiff({ tags: { Owner: 'x' } }, { tags: { owner: 'x' } }).map((c) => c.path)).toEqual([
    'tags.Owner',
    'tags.owner',
  ]);
  expect(diffDesired({ tags: { Owner: 'x' }, d: 'PT1H' }, { tags: { owner: 'x' }, d: 'PT60M' })).toEqual([]);
  expect(deepDiff({ a: null }, {})).toEqual([]);
  expect(firstDifference(want, { properties: { tactics: ['A', 'B'], tags: { Owner: 'x' } } })).toBe(
    'properties.severity dropped',
  );
  expect(firstDifference(want, { properties: { ...want.properties, tactics: ['A'] } })).toBe(
    'properties.tactics changed',
  );
  expect(firstDifference(1, 2)).toBe('(body) changed');
  expect(firstDifference(want, JSON.parse(JSON.stringify(want)))).toBeUndefined();
});
