/**
 * The watchlist of drills (`BreakGlassDrills`): emitted empty by the pack in every account mode, filled by
 * `btg drill` one item per drill (livetest/drillWatchlist.ts). The workbook, the overdue hunting query and the
 * test-reminder playbook read the last passed drill of each account from it (through the Watchlist table).
 */
import { PACK_SOURCE_NAME } from '../content/ids';
import { Pack } from '../content/pack';
import { DRILL_WATCHLIST } from '../livetest/drillWatchlist';
import { armTemplate } from './arm';
import type { Emitted } from './pack';
import { makeResource, WorkspaceResource } from './resources';

export const DRILL_WATCHLIST_TEMPLATE = 'drill-watchlist';

/**
 * The watchlist without items: no upload (rawContent), so a redeploy never touches the drills on record; its columns
 * are the items' keys (DRILL_WATCHLIST.columns), listed in the description.
 */
export function drillWatchlistResource(): WorkspaceResource {
  return makeResource({
    kind: 'watchlist',
    templateId: DRILL_WATCHLIST_TEMPLATE,
    displayName: `Break-glass drills (${DRILL_WATCHLIST.alias})`,
    scope: 'sentinel',
    type: 'watchlists',
    name: DRILL_WATCHLIST.alias,
    apiVersion: DRILL_WATCHLIST.apiVersion,
    body: {
      properties: {
        displayName: DRILL_WATCHLIST.displayName,
        provider: PACK_SOURCE_NAME,
        description: `Results of btg drill, one item per drill (${DRILL_WATCHLIST.columns.join(', ')}). Written by btg drill; read by the break-glass workbook, the overdue hunting query and the test-reminder playbook. Do not edit by hand: an item is the record of a test.`,
        itemsSearchKey: DRILL_WATCHLIST.searchKey,
        labels: ['BreakGlass', 'EmergencyAccess', 'Drill'],
      },
    },
  });
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

export function emitDrillWatchlist(_pack: Pack): Emitted {
  const res = drillWatchlistResource();
  return {
    resources: [res],
    artifacts: [
      {
        kind: 'watchlist-arm',
        path: `arm/watchlists/${DRILL_WATCHLIST.alias}.json`,
        content: json(armTemplate([res], `Watchlist ${DRILL_WATCHLIST.alias}: the results of btg drill`)),
        templateId: DRILL_WATCHLIST_TEMPLATE,
        id: DRILL_WATCHLIST.alias,
        name: res.displayName,
      },
    ],
  };
}
