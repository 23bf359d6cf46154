/**
 * `npm run bench -- test`: offline execution of the pack's rule tests (scripts/kql/eval): the analyzer warm-up,
 * every rule's rows executed once warm, and the mutation run (`btg test --mutate`) over the whole pack.
 */
import { loadConfig } from '../config/load';
import { loadPack } from '../content/pack';
import { defaultAnalyzer } from '../kql/analyzer';
import { bundledSchemas } from '../kql/schemas';
import { accountMap, planTests, runOffline } from '../livetest';
import { EXAMPLE_CONFIG } from '../paths';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export function benchOffline(): void {
  const config = loadConfig(EXAMPLE_CONFIG).config;
  if (!config) throw new Error(`cannot load ${EXAMPLE_CONFIG}`);
  const pack = loadPack(config, EXAMPLE_CONFIG);
  const schemas = bundledSchemas();
  const accounts = accountMap(config.accounts, config.accounts);
  const plan = planTests({
    rules: pack.rules,
    schemas,
    now: new Date(),
    accounts,
    watchlistAccounts: config.accounts,
    validate: false,
  });
  const opts = { analyzer: defaultAnalyzer(), schemas, watchlistAccounts: config.accounts, accounts };
  const cases = plan.rules.reduce((n, r) => n + r.cases.length, 0);

  let t0 = process.hrtime.bigint();
  runOffline(plan, pack.rules, opts);
  console.log(
    `test  offline, cold (analyzer warm-up: every rule query analyzed once): ${ms(t0).toFixed(0)} ms for ${plan.rules.length} rules, ${cases} cases`,
  );
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = process.hrtime.bigint();
    const r = runOffline(plan, pack.rules, opts);
    runs.push(ms(t0));
    if (r.summary.fail + r.summary.error) console.log(`test  (${r.summary.fail} failed, ${r.summary.error} errors)`);
  }
  console.log(
    `test  offline, warm: all rules' rows executed in ${runs.map((r) => r.toFixed(0)).join(', ')} ms; best ${Math.min(...runs).toFixed(0)} ms (budget 2000 ms)`,
  );
  t0 = process.hrtime.bigint();
  const m = runOffline(plan, pack.rules, { ...opts, mutate: true });
  const t = ms(t0);
  const scored = m.rules.map((r) => r.mutation).filter((x) => x && !x.notScored);
  const total = scored.reduce((a, x) => a + x!.total, 0);
  const killed = scored.reduce((a, x) => a + x!.killed, 0);
  const low = m.rules.filter((r) => r.mutation && !r.mutation.notScored && r.mutation.score < 0.8).length;
  console.log(
    `test  --mutate over the pack: ${total} mutants x their rule's cases in ${t.toFixed(0)} ms (budget 60000 ms); ${killed} killed (${((killed / Math.max(1, total)) * 100).toFixed(0)}%), ${low} of ${scored.length} rules below 80%`,
  );
}
