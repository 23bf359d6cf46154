/**
 * Azure-Sentinel's valid data connector ids (scripts/validate/valid-connector-ids.json: the list its CI checks every
 * analytic rule's requiredDataConnectors[].connectorId against, with its source and the date it was copied).
 */
import * as fs from 'fs';
import { packPath } from '../paths';

export interface ConnectorIdList {
  source: string;
  retrieved: string;
  ids: readonly string[];
}

let list: (ConnectorIdList & { set: ReadonlySet<string> }) | undefined;

export function validConnectorIds(): ConnectorIdList & { set: ReadonlySet<string> } {
  if (!list) {
    const data = JSON.parse(
      fs.readFileSync(packPath('scripts', 'validate', 'valid-connector-ids.json'), 'utf8'),
    ) as ConnectorIdList;
    list = { ...data, set: new Set(data.ids) };
  }
  return list;
}

/** An id the repository's CI accepts: exactly as listed (the CI's match is case-sensitive). */
export function isValidConnectorId(id: string): boolean {
  return validConnectorIds().set.has(id);
}

/** For a message: the listed id that differs only in case, if any. */
export function connectorIdInOtherCase(id: string): string | undefined {
  const lower = id.toLowerCase();
  return validConnectorIds().ids.find((x) => x.toLowerCase() === lower);
}
