/**
 * One api-version per resource type (scripts/core/definitions.ts API_VERSIONS): what emit writes a resource at is what
 * deploy lists, reads and deletes it at, also when the pack no longer holds it (orphan scan / prune).
 */
import { loadConfig } from '../../scripts/config/load';
import { API_VERSIONS } from '../../scripts/core/definitions';
import { specFor } from '../../scripts/deploy/kinds';
import { specsToList } from '../../scripts/deploy/read';
import { drillWatchlistResource } from '../../scripts/emit/drillWatchlist';
import { watchlistResource } from '../../scripts/emit/watchlist';
import { WATCHLIST_CONFIG } from '../helpers/pack';

describe('api-versions shared by emit and deploy', () => {
  const config = loadConfig(WATCHLIST_CONFIG).config!;
  const emitted = [watchlistResource(config), drillWatchlistResource()];

  test.each(emitted.map((r) => [r.name, r] as const))(
    '%s: deploy lists and deletes at the version it is emitted at',
    (_name, r) => {
      expect(r.apiVersion).toBe(API_VERSIONS.watchlists);
      const spec = specFor(r);
      // an orphaned watchlist (no longer in the pack) is listed and deleted at the spec's default version
      expect(spec.defaultApiVersion).toBe(r.apiVersion);
      const listed = specsToList([]).find((s) => s.spec.key === spec.key);
      expect(listed?.apiVersion).toBe(r.apiVersion);
    },
  );

  test('every kind deploy scans for orphans is listed at a version emit uses', () => {
    const emitVersions = new Set<string>(Object.values(API_VERSIONS));
    for (const { spec, apiVersion } of specsToList([])) {
      expect([spec.key, emitVersions.has(apiVersion)]).toEqual([spec.key, true]);
      expect([spec.key, emitVersions.has(spec.defaultApiVersion)]).toEqual([spec.key, true]);
    }
  });
});
