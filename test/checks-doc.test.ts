/** docs/checks.md lists every check id with its help; it is generated, and this test fails when it is stale. */
import * as fs from 'fs';
import * as path from 'path';
import { PACK_ROOT } from '../scripts/paths';
import { checksMarkdown } from '../scripts/validate/checksDoc';
import { CHECKS } from '../scripts/core/checks';

const DOC = path.join(PACK_ROOT, 'docs', 'checks.md');

describe('docs/checks.md', () => {
  const expected = checksMarkdown(CHECKS);

  it('is up to date with the check registry (regenerate: UPDATE_GOLDEN=1 npx jest test/checks-doc.test.ts)', () => {
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(DOC, expected);
    expect(fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '(missing)').toBe(expected);
  });

  it('has a heading per check id, so docs/checks.md#<id> resolves on GitHub', () => {
    const headings = expected
      .split('\n')
      .filter((l) => l.startsWith('### '))
      .map((l) => l.slice(4));
    expect(headings.sort()).toEqual(Object.keys(CHECKS).sort());
    for (const id of Object.keys(CHECKS)) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/); // GitHub's anchor of the heading is the id itself
  });

  it('changes when a check is added', () => {
    expect(checksMarkdown({ ...CHECKS, 'zz-new-check': { description: 'new', help: 'Help.' } })).not.toBe(expected);
  });
});
