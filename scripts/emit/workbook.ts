/** Workbooks: the gallery JSON (Notebook/1.0, what the workbook editor's "Advanced editor" shows) and the ARM resource. */
import { API_VERSIONS } from '../core/definitions';
import type { Emitted, Emitter } from './pack';
import { WorkbookContent } from '../content/workbook';
import { PACK_ID_TAG, packIdOf, packNames } from '../content/ids';
import { armTemplate } from './arm';
import { ph } from './placeholders';
import { makeResource, PACK_TAG, WorkspaceResource } from './resources';

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/**
 * category "sentinel" + sourceId = the workspace puts the workbook under Sentinel > Workbooks > My workbooks, and
 * opening it there runs its queries against that workspace. The workspace id is therefore not written into the
 * serialized workbook (no fallbackResourceIds): a placeholder inside serializedData could not be substituted.
 */
/** `packId` (content/ids.ts): the workbook's name and ownership tags carry it (two configs in one resource group). */
export function workbookResource(wb: WorkbookContent, packId: string): WorkspaceResource {
  return makeResource({
    kind: 'workbook',
    templateId: wb.templateId,
    displayName: wb.displayName,
    scope: 'resourceGroup',
    type: 'Microsoft.Insights/workbooks',
    name: packNames.workbook(wb.templateId, packId),
    apiVersion: API_VERSIONS.workbooks,
    body: {
      location: ph('location'),
      kind: 'shared',
      tags: { 'hidden-title': wb.displayName, [PACK_TAG]: wb.templateId, [PACK_ID_TAG]: packId },
      properties: {
        displayName: wb.displayName,
        serializedData: JSON.stringify(wb.notebook),
        version: 'Notebook/1.0',
        category: 'sentinel',
        sourceId: ph('workspaceResourceId'),
        description: wb.description,
      },
    },
  });
}

export const workbookEmitter: Emitter = (pack): Emitted => {
  const out: Emitted = { artifacts: [], resources: [] };
  for (const wb of pack.workbooks) {
    const res = workbookResource(wb, packIdOf(pack.config));
    out.resources.push(res);
    const base = { templateId: wb.templateId, id: res.name, name: wb.displayName };
    out.artifacts.push({
      ...base,
      kind: 'workbook-json',
      path: `workbooks/${wb.templateId}.json`,
      content: json(wb.notebook),
    });
    out.artifacts.push({
      ...base,
      kind: 'workbook-arm',
      path: `arm/workbooks/${wb.templateId}.json`,
      content: json(armTemplate([res], `Workbook: ${wb.displayName}`)),
    });
  }
  return out;
};
