/** Posture stage: load from a GraphSource, run the checks, return a report (data only; scripts/cli prints it). */
import { Config } from '../config/schema';
import { DrillHistory, DrillRecordItem, evaluatePosture, Finding, Status, summarize } from './checks';
import { loadPostureData, PostureData } from './load';
import { GraphSource } from './source';
import { checkWorkspaceRules, WorkspaceCheckInput } from './workspace';
import { checkOtherAutomation, exclusionFacts, OtherAutomation } from './otherAutomation';
import { WorkspaceRef } from '../config/schema';

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
  /** reads the workspace's automation rules and Logic Apps for the other-automation warning (live runs only) */
  otherAutomation?: (ws: WorkspaceRef) => Promise<OtherAutomation>;
  /** reads the drills on record (BreakGlassDrills watchlist items) of a workspace, for the test-interval check */
  drills?: (ws: WorkspaceRef) => Promise<DrillRecordItem[]>;
}

export interface PostureReport {
  tenantName: string;
  source: string;
  asOf: string;
  summary: Record<Status, number>;
  findings: Finding[];
}

/** The drills on record in every configured workspace (one that cannot be read makes the history unavailable). */
async function readDrills(opts: PostureRunOptions): Promise<DrillHistory | undefined> {
  if (!opts.drills || !opts.config.workspaces.length) return undefined;
  const records: DrillRecordItem[] = [];
  for (const ws of opts.config.workspaces) {
    try {
      // a loop, not push(...items): a stuffed watchlist would overflow the call stack
      for (const r of await opts.drills(ws)) records.push(r);
    } catch (e) {
      return {
        ok: false,
        reason: `watchlist BreakGlassDrills of ${ws.name ?? ws.workspaceName}: ${(e as Error).message.split('\n')[0]}`,
      };
    }
  }
  const names = opts.config.workspaces.map((w) => w.name ?? w.workspaceName).join(', ');
  return { ok: true, records, source: `btg drill records in watchlist BreakGlassDrills of ${names}` };
}

export async function runPosture(opts: PostureRunOptions): Promise<PostureReport> {
  const data = opts.data ?? (await loadPostureData(opts.source, opts.config));
  const findings = evaluatePosture(data, opts.config, { now: opts.now, drills: await readDrills(opts) });
  findings.push(...(await checkWorkspaceRules({ workspaces: opts.config.workspaces, ...(opts.workspace ?? {}) })));
  if (opts.otherAutomation) {
    for (const ws of opts.config.workspaces) {
      try {
        findings.push(
          ...checkOtherAutomation(await opts.otherAutomation(ws), exclusionFacts(opts.config)).map((f) => ({
            ...f,
            subject: `${ws.name ?? ws.workspaceName}: ${f.subject}`,
          })),
        );
      } catch (e) {
        findings.push({
          check: 'other-automation',
          subject: ws.name ?? ws.workspaceName,
          status: 'skip',
          reason: `could not read the automation rules and Logic Apps: ${(e as Error).message.split('\n')[0]}`,
        });
      }
    }
  }
  return {
    tenantName: opts.config.tenantName,
    source: opts.source.description,
    asOf: opts.now.toISOString(),
    summary: summarize(findings),
    findings,
  };
}
