/** build = load config → load + render content → validate → test → emit → write. Returns data; the CLI prints. */
import * as path from 'path';
import { loadConfig } from './config/load';
import { loadPack, Pack } from './content/pack';
import { emitPack, Emitted } from './emit/pack';
import { checkOutputPath, writeOutput } from './emit/output';
import { defaultAnalyzer, KqlAnalyzer } from './kql/analyzer';
import { loadSchemaDir } from './kql/schemas';
import { Diagnostic, hasErrors } from './core/diagnostic';
import { PackValidation, validatePack } from './validate/pack';
import { accountMap } from './livetest/accounts';
import { RuleTestSummary, ruleTestSummaries } from './livetest/offline';
import { EXAMPLE_CONFIG, PACK_ROOT } from './paths';
import { BuildCache, buildRecord, openBuildCache } from './buildCache';
import { REPORT_PATH } from './emit/report';

export interface PipelineOptions {
  configFile: string;
  schemasDir?: string;
  /** results of an earlier build (buildCache.ts): what they hold is not analysed, highlighted or tested again */
  cache?: BuildCache;
}

export interface CheckedPack {
  pack?: Pack;
  diagnostics: Diagnostic[];
  /** the analysis of each rule's and hunting query's KQL, keyed by the pack's item (validate's result) */
  analyses?: PackValidation['analyses'];
  analyzer?: KqlAnalyzer;
}

/**
 * Config + content, no validation: what `btg render` needs to print an artifact (analysing the pack's ~40 queries
 * would cost seconds it never uses). The diagnostics are the config's; the pack's own load findings are in the Pack.
 */
export function loadConfiguredPack(configFile: string): { pack?: Pack; diagnostics: Diagnostic[] } {
  const cfgFile = path.relative(process.cwd(), path.resolve(configFile)) || configFile;
  const loaded = loadConfig(configFile);
  if (!loaded.config) return { diagnostics: loaded.diagnostics.map((d) => ({ ...d, file: d.file ?? cfgFile })) };
  return { pack: loadPack(loaded.config, cfgFile, loaded.source), diagnostics: loaded.diagnostics };
}

/** Config + content + validation: the common front of build, validate, plan and deploy. */
export function checkPack(opts: PipelineOptions): CheckedPack {
  const loaded = loadConfiguredPack(opts.configFile);
  const pack = loaded.pack;
  if (!pack) return { diagnostics: loaded.diagnostics };
  const analyzer = opts.schemasDir ? new KqlAnalyzer({ tables: loadSchemaDir(opts.schemasDir) }) : defaultAnalyzer();
  analyzer.store = opts.cache?.storeFor(analyzer);
  const validation = validatePack(pack, analyzer);
  const diagnostics = [...loaded.diagnostics, ...validation.diagnostics].map((d) =>
    d.file ? { ...d, file: relative(d.file) } : d,
  );
  return { pack, diagnostics, analyses: validation.analyses, analyzer };
}

function relative(file: string): string {
  return path.isAbsolute(file) ? path.relative(process.cwd(), file) || file : file;
}

/**
 * The test stage: each rule's rows executed offline and its mutants scored (what `btg test --mutate` reports), with
 * the analyzer and schemas the pack was validated with, for the report. The rows are written for the example
 * config's accounts and rewritten to the configured ones. Undefined when the tests cannot run: the report then
 * shows no test line, and `btg test` reports the failure itself.
 */
export function testPack(pack: Pack, analyzer: KqlAnalyzer): Record<string, RuleTestSummary> | undefined {
  const example = loadConfig(EXAMPLE_CONFIG).config;
  try {
    return ruleTestSummaries(pack.rules, {
      accounts: example ? accountMap(example.accounts, pack.config.accounts) : undefined,
      watchlistAccounts: pack.config.accounts,
      analyzer,
      schemas: analyzer.tables,
    });
  } catch {
    return undefined;
  }
}

export interface BuildResult extends CheckedPack {
  emitted?: Emitted;
  outDir: string;
  written: boolean;
  /** what writing out/ noticed and left alone (foreign files kept, an interrupted build recovered) */
  outputNotes?: string[];
}

/** Throws OutputRefusedError (before any work) when `outDir` is a place btg must not write to (emit/output.ts). */
export function build(opts: PipelineOptions & { outDir: string }): BuildResult {
  const guard = { configFile: opts.configFile, packRoot: PACK_ROOT };
  checkOutputPath(opts.outDir, guard);
  const cache = opts.cache ?? openBuildCache(opts.outDir);
  const checked = checkPack({ ...opts, cache });
  const { pack, analyzer, diagnostics } = checked;
  if (!pack || !analyzer || hasErrors(diagnostics)) return { ...checked, outDir: opts.outDir, written: false };
  const tests = testPack(pack, analyzer);
  const emitted = emitPack(pack, { diagnostics, analyzer, tests });
  const res = writeOutput(opts.outDir, emitted.artifacts, guard);
  // a clean build of the pack's own schemas is what `btg build` may skip next time when nothing changed (cli/fastBuild)
  if (!opts.schemasDir && diagnostics.every((d) => d.severity === 'info'))
    cache.recordBuild(buildRecord(opts.configFile, opts.outDir, emitted.artifacts, [...pack.skipped], REPORT_PATH));
  cache.save();
  const outputNotes = cache.note ? [...res.notes, cache.note] : res.notes;
  return { ...checked, emitted, outDir: opts.outDir, written: true, outputNotes };
}
