/**
 * What `btg test --live` sends is right, executed: every case's live shadow query (the datatable lets + the rule's
 * query + `| count`, the exact text the workspace receives) runs through the offline evaluator and must come out
 * as the case says. This is what caught the ingestion-delay filter: a datatable row has no ingestion time, so
 * `where ingestion_time() > ago(...)` dropped every shadow row and no Scheduled rule could fire live.
 */
import { loadConfig } from '../../scripts/config/load';
import { loadPack } from '../../scripts/content/pack';
import { defaultAnalyzer } from '../../scripts/kql/analyzer';
import { compileQuery, evaluate } from '../../scripts/kql/eval';
import { bundledSchemas } from '../../scripts/kql/schemas';
import { accountMap, fires, liveIngestionTime, LIVE_INGESTION_TIME, planTests } from '../../scripts/livetest';
import { EXAMPLE_CONFIG } from '../../scripts/paths';

const NOW = new Date('2026-11-26T10:00:00.000Z');

describe('live shadow queries, executed', () => {
  const { config } = loadConfig(EXAMPLE_CONFIG);
  const pack = loadPack(config!, EXAMPLE_CONFIG);
  const schemas = bundledSchemas();
  const plan = planTests({
    rules: pack.rules,
    schemas,
    now: NOW,
    accounts: accountMap(config!.accounts, config!.accounts),
    watchlistAccounts: config!.accounts,
    validate: false,
  });
  // the cases whose live text differs from what the offline run executes: the rules filtering on ingestion_time()
  const runnable = plan.rules.flatMap((r) =>
    r.cases
      .filter(
        (c) =>
          !c.problems.length &&
          !c.skipReason &&
          !c.shadow.liveSkipReason &&
          c.shadow.text.includes(LIVE_INGESTION_TIME),
      )
      .map((c) => ({ r, c })),
  );

  it('covers the Scheduled rules that filter on ingestion_time() (not vacuous)', () => {
    const scheduled = new Set(runnable.map(({ r }) => r.templateId));
    expect(scheduled.size).toBeGreaterThanOrEqual(3);
    expect(runnable.filter(({ c }) => c.expect === 'fire').length).toBeGreaterThanOrEqual(5);
  });

  it('every runnable case gives its expected verdict from the text the workspace would run', () => {
    const analyzer = defaultAnalyzer();
    const offenders: string[] = [];
    for (const { r, c } of runnable) {
      const q = compileQuery(c.shadow.text, analyzer);
      if (q.errors.length || q.unsupported.length) {
        offenders.push(
          `${c.templateId} → ${c.name}: ${[...q.errors, ...q.unsupported.map((u) => u.message)].join('; ')}`,
        );
        continue;
      }
      const out = evaluate(q, { tables: {}, now: NOW.getTime() });
      const count = Number(out.rows[0]?.Count ?? 0);
      const actual = fires(count, r.trigger) ? 'fire' : 'no-fire';
      if (actual !== c.expect)
        offenders.push(`${c.templateId} → ${c.name}: expected ${c.expect}, got ${actual} (Count ${count})`);
    }
    expect(offenders).toEqual([]);
  });

  it('cases whose rows give an ingestion time are skipped live with the reason', () => {
    const skipped = plan.rules.flatMap((r) => r.cases).filter((c) => c.shadow.liveSkipReason);
    expect(skipped.length).toBeGreaterThan(0);
    for (const c of skipped) expect(c.shadow.liveSkipReason).toMatch(/\$IngestionTime.*offline only/);
  });
});

describe('liveIngestionTime', () => {
  it.each([
    ['T | where ingestion_time() > ago(1h)', `T | where ${LIVE_INGESTION_TIME} > ago(1h)`],
    ['T | where ingestion_time ( ) > ago(1h)', `T | where ${LIVE_INGESTION_TIME} > ago(1h)`],
    ['T | where x == "ingestion_time()"', 'T | where x == "ingestion_time()"'],
    ["T | where x == 'a\\'ingestion_time()'", "T | where x == 'a\\'ingestion_time()'"],
    [
      'T | where x == @"a""ingestion_time()" and ingestion_time() > ago(5m)',
      `T | where x == @"a""ingestion_time()" and ${LIVE_INGESTION_TIME} > ago(5m)`,
    ],
    [
      'T // ingestion_time()\n| where my_ingestion_time() > 1',
      'T // ingestion_time()\n| where my_ingestion_time() > 1',
    ],
    ['T | where x == ```ingestion_time()```', 'T | where x == ```ingestion_time()```'],
  ])('%s', (input, expected) => {
    expect(liveIngestionTime(input)).toBe(expected);
  });
});
