/**
 * Watchlist mode: the pack's account watchlist (content/watchlist.ts) emitted as a CSV file (for review and manual
 * upload) and as the watchlist resource (ARM template + what deploy applies).
 */
import { API_VERSIONS } from '../core/definitions';
import { Config } from '../config/schema';
import { PACK_SOURCE_NAME } from '../content/ids';
import { Pack } from '../content/pack';
import { WATCHLIST_SEARCH_KEY, watchlistContent, WatchlistContent } from '../content/watchlist';
import { armTemplate } from './arm';
import type { Emitted } from './pack';
import { makeResource, WorkspaceResource } from './resources';

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

/** The watchlist as RFC 4180 CSV, header first. */
export function csvOf(list: WatchlistContent): string {
  return toCsv([list.columns, ...list.rows]);
}

/** The CSV of a config's accounts (as in watchlist mode, whatever its accountSource). */
export function watchlistCsv(config: Config): string {
  return csvOf(watchlistContent({ ...config, accountSource: 'watchlist' })!);
}

/** The Sentinel watchlist resource: created with its items in one PUT from the CSV. */
export function watchlistResource(config: Config): WorkspaceResource {
  return resourceOf(watchlistContent({ ...config, accountSource: 'watchlist' })!);
}

function resourceOf(list: WatchlistContent): WorkspaceResource {
  const alias = list.alias;
  return makeResource({
    kind: 'watchlist',
    templateId: 'watchlist',
    displayName: `Break-glass accounts (${alias})`,
    scope: 'sentinel',
    type: 'watchlists',
    name: alias,
    apiVersion: API_VERSIONS.watchlists,
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
        rawContent: csvOf(list),
        labels: ['BreakGlass', 'EmergencyAccess'],
      },
    },
  });
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** Emitter: nothing in inline mode (the ids are in every query). */
export function emitWatchlist(pack: Pack): Emitted {
  const list = pack.watchlist;
  if (!list) return { artifacts: [], resources: [] };
  const alias = list.alias;
  const res = resourceOf(list);
  return {
    resources: [res],
    artifacts: [
      {
        kind: 'watchlist-csv',
        path: `watchlists/${alias}.csv`,
        content: csvOf(list),
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
