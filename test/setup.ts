/** Runs before every test file: deterministic property tests; analyses shared by the test files of a worker. */
import { createHash } from 'crypto';
import fc from 'fast-check';
import { AnalysisStore, KqlAnalyzer } from '../scripts/kql/analyzer';
import { RuleTestSummary, useTestSummaryCache } from '../scripts/livetest/offline';
import { HermeticAnalysis, useHermeticCache } from '../scripts/livetest/hermetic';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261126) });

/**
 * Jest gives every test file a fresh module registry, so the analyzer's own memo (one per KqlAnalyzer) starts empty in
 * each file, and each file that builds the pack analysed and classified its ~40 queries again (~1-2 s a file). Here
 * an analysis or classification is looked up first in a map shared by every file of the worker (held by the Jest
 * environment, test/support/jest/kusto-environment.js), keyed by everything it depends on: the analyzer's declared
 * tables and functions and the query text (the analyzer's code is the same within one run). A hit is a copy parsed in
 * this file's realm; the analyzer's memo, its store and everything after it work as in production. Set
 * BTG_TEST_SHARED_ANALYSES=0 to compute every analysis in every file.
 */
type Shared = Map<string, string>;
type Method = (this: Analyzer, query: string) => unknown;
/** the analyzer's private parts this relies on (checked at run time: a renamed one turns the sharing off) */
interface Analyzer {
  readonly tables: unknown;
  readonly functions: unknown;
  store?: AnalysisStore;
  classified?: unknown;
}
const shared = (globalThis as { __btgSharedAnalyses?: Shared }).__btgSharedAnalyses;
const proto = KqlAnalyzer.prototype as unknown as Record<string, Method | undefined>;

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const fingerprints = new WeakMap<Analyzer, string>();
/** everything an analysis depends on besides the query text and btg's code: the declared tables and functions */
function fingerprint(a: Analyzer): string {
  let f = fingerprints.get(a);
  if (f === undefined) {
    f = createHash('sha256')
      .update(JSON.stringify([a.tables, a.functions]))
      .digest('hex');
    fingerprints.set(a, f);
  }
  return f;
}

const analyzeUncached = proto.analyzeUncached;
const classify = proto.classify;
if (shared && process.env.BTG_TEST_SHARED_ANALYSES !== '0' && analyzeUncached && classify) {
  // analyze() looks in its memo and its store before calling this, and freezes, memoises and stores what it returns
  proto.analyzeUncached = function (query) {
    const key = `analysis\u0000${fingerprint(this)}\u0000${query}`;
    const hit = shared.get(key);
    if (hit !== undefined) return JSON.parse(hit);
    const value = analyzeUncached.call(this, query);
    shared.set(key, JSON.stringify(value));
    return value;
  };
  // classify() has no uncached half: its memo and store are consulted first, as it does, then the shared map
  proto.classify = function (query) {
    const memo = this.classified;
    if (!(memo instanceof Map) || memo.has(query) || this.store?.get('classification', query) !== undefined)
      return classify.call(this, query);
    const key = `classification\u0000${fingerprint(this)}\u0000${query}`;
    const hit = shared.get(key);
    if (hit === undefined) {
      const value = classify.call(this, query);
      shared.set(key, JSON.stringify(value));
      return value;
    }
    const value = deepFreeze(JSON.parse(hit) as unknown);
    this.store?.set('classification', query, value);
    memo.set(query, value);
    return value;
  };
}

/**
 * The rules' offline test summaries (rows executed + mutants scored, ~3 s for the pack) shared the same way by the
 * files of a worker that build the report; stored as JSON so each file gets objects of its own realm. The key is
 * ruleTestSummaries' own (query, trigger, rows, accounts, schema fingerprint). BTG_TEST_SHARED_ANALYSES=0 turns it off.
 */
const sharedSummaries = (globalThis as { __btgSharedAnalyses?: Shared }).__btgSharedAnalyses;
if (sharedSummaries && process.env.BTG_TEST_SHARED_ANALYSES !== '0') {
  useTestSummaryCache({
    get: (key) => {
      const hit = sharedSummaries.get(`test-summary\u0000${key}`);
      return hit === undefined ? undefined : (JSON.parse(hit) as RuleTestSummary);
    },
    set: (key, value) => void sharedSummaries.set(`test-summary\u0000${key}`, JSON.stringify(value)),
  });
}

/**
 * The hermetic analyses of the rules' shadow queries (`btg test`'s plan, ~0.1 s each, hundreds in the suite), shared
 * the same way; the analysis depends on the query text alone. BTG_TEST_SHARED_ANALYSES=0 turns it off.
 */
if (sharedSummaries && process.env.BTG_TEST_SHARED_ANALYSES !== '0') {
  useHermeticCache({
    get: (query) => {
      const hit = sharedSummaries.get(`hermetic\u0000${query}`);
      return hit === undefined ? undefined : deepFreeze(JSON.parse(hit) as HermeticAnalysis);
    },
    set: (query, value) => void sharedSummaries.set(`hermetic\u0000${query}`, JSON.stringify(value)),
  });
}
