/**
 * Watchlist mode: the break-glass account list as a Sentinel watchlist, emitted from the config as a CSV file
 * (for review and manual upload) and as the watchlist resource (ARM template + what deploy applies). The
 * `btgAccounts` partial reads its columns AccountObjectId and AccountUPN; AccountUPN is also the column the
 * public Azure-Sentinel break-glass hunting queries read from a watchlist of the same default alias.
 */
import { Config } from '../config/schema';
import { PACK_SOURCE_NAME } from '../content/ids';
import { Pack } from '../content/pack';
import { armTemplate } from './arm';
import type { Emitted } from './emit';
import { makeResource, WorkspaceResource } from './resources';

export const WATCHLIST_API_VERSION = '2025-09-01';
/** Column order of the CSV. AccountObjectId is the key: object ids survive UPN renames. */
export const WATCHLIST_COLUMNS = ['AccountObjectId', 'AccountUPN', 'DisplayName', 'Custodians'] as const;
export const WATCHLIST_SEARCH_KEY = 'AccountObjectId';

/**
 * One CSV field per RFC 4180: quoted (with inner quotes doubled) when it holds a comma, a quote, a line break, or
 * leading/trailing white space (which some readers trim); otherwise as is. A value that a spreadsheet would run as a
 * formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return: OWASP "CSV injection") is neutralised with a
 * leading `'` first. Object ids (the watchlist's search key) are GUIDs and never change.
 */
export function csvField(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180 text: CRLF after every record, the header included. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

export function watchlistCsv(config: Config): string {
  const rows = config.accounts.map((a) => [
    a.objectId.toLowerCase(),
    a.userPrincipalName,
    a.displayName ?? a.userPrincipalName,
    a.custodians.join('; '),
  ]);
  return toCsv([[...WATCHLIST_COLUMNS], ...rows]);
}

/** The Sentinel watchlist resource (rest-shapes §1.5): created with its items in one PUT from the CSV. */
export function watchlistResource(config: Config): WorkspaceResource {
  const alias = config.watchlist.alias;
  return makeResource({
    kind: 'watchlist',
    templateId: 'watchlist',
    displayName: `Break-glass accounts (${alias})`,
    scope: 'sentinel',
    type: 'watchlists',
    name: alias,
    apiVersion: WATCHLIST_API_VERSION,
    body: {
      properties: {
        displayName: 'Break-glass accounts',
        provider: PACK_SOURCE_NAME,
        source: `${alias}.csv`,
        // the value this api-version's spec uses for an upload (older versions said "Local file")
        sourceType: 'Local',
        description: `Break-glass (emergency access) accounts watched by ${PACK_SOURCE_NAME}; its rules read AccountObjectId and AccountUPN. Generated from btg.config.yaml: edit the config and redeploy, or edit the items here and keep the config in step.`,
        itemsSearchKey: WATCHLIST_SEARCH_KEY,
        contentType: 'text/csv',
        numberOfLinesToSkip: 0,
        rawContent: watchlistCsv(config),
        labels: ['BreakGlass', 'EmergencyAccess'],
      },
    },
  });
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** Emitter: nothing in inline mode (the ids are in every query). */
export function emitWatchlist(pack: Pack): Emitted {
  if (pack.config.accountSource !== 'watchlist') return { artifacts: [], resources: [] };
  const alias = pack.config.watchlist.alias;
  const res = watchlistResource(pack.config);
  return {
    resources: [res],
    artifacts: [
      {
        kind: 'watchlist-csv',
        path: `watchlists/${alias}.csv`,
        content: watchlistCsv(pack.config),
        templateId: 'watchlist',
        id: alias,
        name: res.displayName,
      },
      {
        kind: 'watchlist-arm',
        path: `arm/watchlists/${alias}.json`,
        content: json(armTemplate([res], `Watchlist ${alias}: the break-glass accounts`)),
        templateId: 'watchlist',
        id: alias,
        name: res.displayName,
      },
    ],
  };
}
