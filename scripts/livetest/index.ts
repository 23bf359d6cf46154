/**
 * Live testing stage: `btg test` (each rule's `tests:` rows, shadowed into the rule's own query and run against a
 * workspace without ingesting anything) and `btg drill` (the six-monthly break-glass sign-in test, timed).
 *
 * Why a folder of its own, beside the pipeline rather than in it: it consumes the content stage's typed output
 * (rendered rules and their tests) like validate and emit do, but its product is neither diagnostics nor artifacts:
 * it talks to a workspace, read-only, through the Log Analytics query API, like posture/ talks to Graph. Nothing
 * downstream depends on it, so data still flows one way. (Not "testing/": that reads as the repository's own tests.)
 */
export * from './accounts';
export * from './drill';
export * from './drillWatchlist';
export * from './logs';
export * from './offline';
export * from './plan';
export * from './run';
export * from './shadow';
export * from './trigger';
export * from './workspace';
export { analyzeHermetic } from './hermetic';
export type { HermeticAnalysis } from './hermetic';
export { renderCell, typedNull, parseDatetime } from './values';
