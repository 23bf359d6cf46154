/** ARM escaping and typed placeholders: a config string reads back as itself, a placeholder is the only expression. */
import fc from 'fast-check';
import { escapeArm, escapeArmString } from '../scripts/emit/arm';
import { isPlaceholder, ph, placeholdersIn, substitute, TargetValues } from '../scripts/emit/placeholders';
import { evalArmString } from '../scripts/deploy/armExpressions';
import { escapeWorkflowString } from '../scripts/content/playbooks';
import { escapeWorkbookBraces } from '../scripts/content/render';
import { kqlString } from '../scripts/kql/literals';

const ctx = { parameters: {}, variables: {} };
const values: TargetValues = {
  workspaceResourceId: '/W',
  resourceGroupId: '/RG',
  subscriptionId: 'SUB',
  tenantId: 'TEN',
  location: 'LOC',
  workspaceName: 'WS',
};

describe('ARM escaping', () => {
  it.each([
    ["[concat('a')]", "[[concat('a')]"],
    ['[[already]', '[[[already]'],
    ['[x] not at the end', '[x] not at the end'],
    ['[no end', '[no end'],
    ['plain', 'plain'],
    ['[]', '[[]'],
  ])('%j is written %j', (value, written) => expect(escapeArmString(value)).toBe(written));

  it('every string reads back as itself through ARM evaluation (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `[${s}]`),
          fc.string().map((s) => `[[${s}`),
        ),
        (s) => {
          expect(evalArmString(escapeArmString(s), ctx)).toBe(s);
        },
      ),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('escapes every string of a body, deep; a placeholder is the one expression', () => {
    const body = {
      tags: { t: '[x]' },
      properties: { list: ['[y]', ph('workspaceResourceId', "/providers/it's")], id: ph('tenantId'), n: 3 },
    };
    expect(escapeArm(body)).toEqual({
      tags: { t: '[[x]' },
      properties: {
        list: [
          '[[y]',
          "[concat(resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspace')), '/providers/it''s')]",
        ],
        id: '[subscription().tenantId]',
        n: 3,
      },
    });
  });
});

describe('typed placeholders', () => {
  it('a string is never a placeholder, whatever it says', () => {
    for (const s of ['{tenantId}', '{workspaceResourceId}/x', '{location}']) {
      expect(isPlaceholder(s)).toBe(false);
      expect(substitute({ a: s, b: [s] }, values)).toEqual({ a: s, b: [s] });
      expect(escapeArm(s)).toBe(s);
    }
  });

  it('only an exact placeholder object counts; others stay data', () => {
    expect(isPlaceholder(ph('location'))).toBe(true);
    expect(isPlaceholder({ $btgPlaceholder: 'location', suffix: '/x' })).toBe(true);
    expect(isPlaceholder({ $btgPlaceholder: 'location', extra: 1 })).toBe(false);
    expect(isPlaceholder({ $btgPlaceholder: 'constructor' })).toBe(false);
    expect(isPlaceholder({ $btgPlaceholder: 'location', suffix: 3 })).toBe(false);
    expect(substitute({ a: ph('workspaceResourceId', '/providers/x'), b: [ph('location')] }, values)).toEqual({
      a: '/W/providers/x',
      b: ['LOC'],
    });
    expect([...placeholdersIn({ a: [ph('tenantId')], b: '{location}' })]).toEqual(['tenantId']);
  });
});

describe('workflow-language and workbook escaping', () => {
  it.each([
    ['@{guid()}', '@@{guid()}'],
    ['@x', '@@x'],
    ['@@x', '@@@x'],
    ['a@{b}@{c}', 'a@@{b}@@{c}'],
    ['mail@example.com', 'mail@example.com'],
  ])('workflow string %j is written %j', (value, written) => expect(escapeWorkflowString(value)).toBe(written));

  it('workbook braces are escaped inside KQL string literals only', () => {
    const kql = `print x = ${kqlString('{TimeRange} "q" \\ {x}')} | where t {TimeRange}`;
    expect(escapeWorkbookBraces(kql)).toBe(
      'print x = "\\u007bTimeRange\\u007d \\"q\\" \\\\ \\u007bx\\u007d" | where t {TimeRange}',
    );
  });
});
