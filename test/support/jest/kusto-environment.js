/**
 * Jest environment that loads Microsoft's Kusto.Language bridge once per worker process and hands the
 * same instance to every test file. Jest gives each file a fresh module registry, so without this every
 * file that analyses a query pays the bridge's load and first-analysis warm-up again (~1.5 s each on a
 * 2-core machine). The bridge is stateless between analyses (each analysis takes its own GlobalState), so
 * sharing it cannot leak state from one file into another. scripts/kql/kusto.ts picks it up.
 */
'use strict';
const { TestEnvironment } = require('jest-environment-node');

let shared;
function sharedKusto() {
  if (!shared) {
    require('@kusto/language-service-next/bridge.min.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
    const { Kusto, System } = globalThis;
    // the first analysis initialises the bridge's static tables; do it once here
    Kusto.Language.KustoCode.ParseAndAnalyze('print 1', Kusto.Language.GlobalState.Default).GetDiagnostics();
    shared = { Kusto, System };
  }
  return shared;
}

/**
 * Analyses and classifications computed by any test file of this worker, by analyzer schemas + query text, as JSON
 * (test/setup.ts parses them into the asking file's realm). See test/setup.ts.
 */
const analyses = new Map();

class KustoEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    Object.defineProperty(this.global, '__btgSharedKusto', { value: sharedKusto, enumerable: false });
    Object.defineProperty(this.global, '__btgSharedAnalyses', { value: analyses, enumerable: false });
  }
}
module.exports = KustoEnvironment;
