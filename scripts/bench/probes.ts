/**
 * The reference processes of `npm run bench -- build` (each run as `node probes.js <name>` in a fresh process):
 * - `floor`: loads Kusto.Language and analyses one query (what any analyzer-based build pays at least);
 * - `config`: reads the example config (what a rebuild with nothing changed cannot skip).
 */
const which = process.argv[2];
if (which === 'floor') {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { KqlAnalyzer } = require('../kql/analyzer') as typeof import('../kql/analyzer');
  const a = new KqlAnalyzer().analyze(
    'SigninLogs | where ResultType == "0" | project TimeGenerated, UserPrincipalName',
  );
  if (a.diagnostics.length) throw new Error('the floor query does not analyze');
} else if (which === 'config') {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { loadConfig } = require('../config/load') as typeof import('../config/load');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { EXAMPLE_CONFIG } = require('../paths') as typeof import('../paths');
  if (!loadConfig(EXAMPLE_CONFIG).config) throw new Error('the example config does not load');
} else {
  throw new Error(`probes: unknown probe ${which}`);
}
