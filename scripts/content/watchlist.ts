/**
 * Watchlist mode: the break-glass accounts as the rows of a Sentinel watchlist. The `btgAccounts` partial reads its
 * columns AccountObjectId and AccountUPN; AccountUPN is also the column the public Azure-Sentinel break-glass hunting
 * queries read from a watchlist of the same default alias. Emit writes it as CSV and as the watchlist resource.
 */
import { Config } from '../config/schema';

/** Column order of the rows. AccountObjectId is the key: object ids survive UPN renames. */
export const WATCHLIST_COLUMNS = ['AccountObjectId', 'AccountUPN', 'DisplayName', 'Custodians'] as const;
export const WATCHLIST_SEARCH_KEY = 'AccountObjectId';

export interface WatchlistContent {
  alias: string;
  columns: readonly string[];
  /** one row per account, in WATCHLIST_COLUMNS order */
  rows: readonly (readonly string[])[];
}

export function watchlistRows(config: Config): string[][] {
  return config.accounts.map((a) => [
    a.objectId.toLowerCase(),
    a.userPrincipalName,
    a.displayName ?? a.userPrincipalName,
    a.custodians.join('; '),
  ]);
}

/** The account watchlist of a config in watchlist mode; undefined in inline mode (the ids are in every query). */
export function watchlistContent(config: Config): WatchlistContent | undefined {
  if (config.accountSource !== 'watchlist') return undefined;
  return { alias: config.watchlist.alias, columns: [...WATCHLIST_COLUMNS], rows: watchlistRows(config) };
}
