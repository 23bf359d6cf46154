/**
 * docs/checks.md, generated from the check registry (core/checks.ts): every check id with what it checks and its help.
 * SARIF rules link to `docs/checks.md#<id>`; GitHub derives the same anchor from each `### <id>` heading.
 * Regenerate with `UPDATE_GOLDEN=1 npx jest test/checks-doc.test.ts` (the test fails when the file is stale).
 */
import { CheckInfo } from '../core/checks';

export type CheckCatalogue = Record<string, Pick<CheckInfo, 'description' | 'help'> & { posture?: true }>;

/** The family of a check: the part of its id before the first hyphen; the posture checks of `btg check` are one. */
const familyOf = (id: string, c: CheckCatalogue[string]) => (c.posture ? 'posture (btg check)' : id.split('-')[0]);

/** Check ids by family, families and ids in alphabetical order (the posture checks last). */
function families(catalogue: CheckCatalogue): [string, string[]][] {
  const byFamily = new Map<string, string[]>();
  for (const id of Object.keys(catalogue).sort()) {
    const family = familyOf(id, catalogue[id]);
    byFamily.set(family, [...(byFamily.get(family) ?? []), id]);
  }
  const rank = (f: string) => (f.startsWith('posture') ? 1 : 0);
  return [...byFamily.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function checksMarkdown(catalogue: CheckCatalogue): string {
  const table = (ids: string[]) => [
    '| Check | What it checks |',
    '| --- | --- |',
    ...ids.sort().map((id) => `| [\`${id}\`](#${id}) | ${cell(catalogue[id].description)} |`),
  ];
  const ids = Object.keys(catalogue);
  const posture = ids.filter((id) => catalogue[id].posture);
  const lines = [
    '# Checks',
    '',
    '<!-- Generated from the check registry (scripts/core/checks.ts) by scripts/validate/checksDoc.ts. Do not edit by hand:',
    '     run `UPDATE_GOLDEN=1 npx jest test/checks-doc.test.ts` after adding or changing a check. -->',
    '',
    'Every diagnostic of `btg validate` and `btg build` carries one of these check ids (`[kql-semantic]` in the',
    'stylish output, `ruleId` in SARIF, the testcase name in JUnit). Code scanning alerts link here.',
    '',
    ...table(ids.filter((id) => !catalogue[id].posture)),
    '',
  ];
  if (posture.length)
    lines.push(
      'The posture checks of `btg check` report pass / fail / warn / skip / info about the tenant ([check.md](check.md)):',
      '',
      ...table(posture),
      '',
    );
  for (const [family, ids] of families(catalogue)) {
    lines.push(`## ${family}`, '');
    for (const id of ids)
      lines.push(`### ${id}`, '', `**${catalogue[id].description.trim()}.**`, '', catalogue[id].help.trim(), '');
  }
  return lines.join('\n');
}
