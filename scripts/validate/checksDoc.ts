/**
 * docs/checks.md, generated from CHECK_CATALOGUE: every check id with what it checks and its help.
 * SARIF rules link to `docs/checks.md#<id>`; GitHub derives the same anchor from each `### <id>` heading.
 * Regenerate with `UPDATE_GOLDEN=1 npx jest test/checks-doc.test.ts` (the test fails when the file is stale).
 */
export type CheckCatalogue = Record<string, { description: string; help: string }>;

/** Check ids by family (the part before the first hyphen), families and ids in alphabetical order. */
function families(catalogue: CheckCatalogue): [string, string[]][] {
  const byFamily = new Map<string, string[]>();
  for (const id of Object.keys(catalogue).sort()) {
    const family = id.split('-')[0];
    byFamily.set(family, [...(byFamily.get(family) ?? []), id]);
  }
  return [...byFamily.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function checksMarkdown(catalogue: CheckCatalogue): string {
  const lines = [
    '# Checks',
    '',
    '<!-- Generated from CHECK_CATALOGUE (scripts/validate/run.ts) by scripts/validate/checksDoc.ts. Do not edit by hand:',
    '     run `UPDATE_GOLDEN=1 npx jest test/checks-doc.test.ts` after adding or changing a check. -->',
    '',
    'Every diagnostic of `btg validate` and `btg build` carries one of these check ids (`[kql-semantic]` in the',
    'stylish output, `ruleId` in SARIF, the testcase name in JUnit). Code scanning alerts link here.',
    '',
    '| Check | What it checks |',
    '| --- | --- |',
    ...Object.keys(catalogue)
      .sort()
      .map((id) => `| [\`${id}\`](#${id}) | ${cell(catalogue[id].description)} |`),
    '',
  ];
  for (const [family, ids] of families(catalogue)) {
    lines.push(`## ${family}`, '');
    for (const id of ids)
      lines.push(`### ${id}`, '', `**${catalogue[id].description.trim()}.**`, '', catalogue[id].help.trim(), '');
  }
  return lines.join('\n');
}
