/** Report fixtures in the shapes other emitters will produce: a playbook ARM template, a workbook, a routine. */
import * as fs from 'fs';
import * as path from 'path';
import type { Artifact } from '../../scripts/emit/artifacts';

const dir = path.join(__dirname, '..', 'fixtures', 'report');
const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

export const PLAYBOOK_ARM = read('playbook.arm.json');
export const NOTEBOOK = read('notebook.json');
export const ROUTINE = read('routine.md');

/** Actions in playbook.arm.json, nested ones included (counted by hand). */
export const PLAYBOOK_ACTIONS = 13;

export function fixtureArtifacts(): Artifact[] {
  const workflow = JSON.parse(PLAYBOOK_ARM).resources.find(
    (r: { type: string }) => r.type === 'Microsoft.Logic/workflows',
  );
  return [
    {
      kind: 'playbook-arm',
      path: 'arm/playbooks/btg-custodian-confirmation.json',
      templateId: 'btg-custodian-confirmation',
      name: 'Custodian confirmation',
      content: PLAYBOOK_ARM,
    },
    // the same workflow as a bare definition file: drawn once
    {
      kind: 'playbook',
      path: 'playbooks/btg-custodian-confirmation.json',
      templateId: 'btg-custodian-confirmation',
      content: JSON.stringify(workflow.properties, null, 2),
    },
    {
      kind: 'workbook',
      path: 'workbooks/btg-overview.json',
      templateId: 'btg-overview',
      name: 'Break-glass overview',
      content: NOTEBOOK,
    },
    { kind: 'routine', path: 'routines/six-monthly-test.md', content: ROUTINE },
  ];
}
