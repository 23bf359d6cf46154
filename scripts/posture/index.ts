/** Posture stage: load from a GraphSource, run the checks, return a report (data only; scripts/cli prints it). */
import { Config } from '../config/schema';
import { evaluatePosture, Finding, Status, summarize } from './checks';
import { loadPostureData, PostureData } from './load';
import { GraphSource } from './source';
import { checkWorkspaceRules, WorkspaceCheckInput } from './workspace';

export * from './checks';
export * from './source';
export { FolderGraphSource } from './folder-source';
export { LiveGraphSource, DEFAULT_GRAPH_ENDPOINT, graphOrigin } from './live-source';
export { exportPosture, writeExport, RecordingGraphSource } from './export';
export { loadPostureData } from './load';
export type { PostureData, AccountData, Fetched } from './load';
export { checkWorkspaceRules } from './workspace';
export type { WorkspaceRuleReader, DeployedRule, ExpectedRule } from './workspace';

export interface PostureRunOptions {
  config: Config;
  source: GraphSource;
  /** "now" for the test-interval check */
  now: Date;
  /** workspace rule check inputs; without a reader the check is skipped with `skipReason` */
  workspace?: Omit<WorkspaceCheckInput, 'workspaces'>;
  /** data already loaded from `source` (e.g. by an export), so it is not read twice */
  data?: PostureData;
}

export interface PostureReport {
  tenantName: string;
  source: string;
  asOf: string;
  summary: Record<Status, number>;
  findings: Finding[];
}

export async function runPosture(opts: PostureRunOptions): Promise<PostureReport> {
  const data = opts.data ?? (await loadPostureData(opts.source, opts.config));
  const findings = evaluatePosture(data, opts.config, { now: opts.now });
  findings.push(...(await checkWorkspaceRules({ workspaces: opts.config.workspaces, ...(opts.workspace ?? {}) })));
  return { tenantName: opts.config.tenantName, source: opts.source.description, asOf: opts.now.toISOString(), summary: summarize(findings), findings };
}
