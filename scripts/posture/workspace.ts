/**
 * Workspace side of the posture check: the pack's analytics rules are deployed and enabled in each configured
 * workspace. Reading a workspace is the deploy layer's business; this module only defines the interface it must
 * offer and checks against it. Without a reader (offline `--from`, or not wired) the check is skipped with the reason.
 */
import { WorkspaceRef } from '../config/schema';
import { Finding } from './checks';

/** One analytics rule as deployed in a workspace. `id` may be the rule's resource name or its full ARM id. */
export interface DeployedRule {
  id: string;
  displayName: string;
  enabled: boolean;
}

/** Reads the analytics rules currently deployed in one workspace. */
export type WorkspaceRuleReader = (ws: WorkspaceRef) => Promise<DeployedRule[]>;

/** A rule the pack expects in every workspace: matched by id (resource name, case-insensitive) or by display name. */
export interface ExpectedRule {
  id?: string;
  displayName: string;
}

export interface WorkspaceCheckInput {
  workspaces: readonly WorkspaceRef[];
  reader?: WorkspaceRuleReader;
  expected?: readonly ExpectedRule[];
  /** why there is no reader in this run (reported as the skip reason) */
  skipReason?: string;
}

export const workspaceLabel = (ws: WorkspaceRef): string => ws.name ?? ws.workspaceName;
const lastSegment = (id: string) => id.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';

function matches(expected: ExpectedRule, rule: DeployedRule): boolean {
  if (expected.id && lastSegment(rule.id) === lastSegment(expected.id)) return true;
  return rule.displayName === expected.displayName;
}

export async function checkWorkspaceRules(input: WorkspaceCheckInput): Promise<Finding[]> {
  if (input.workspaces.length === 0)
    return [
      {
        check: 'workspace-rules',
        subject: 'workspaces',
        status: 'skip',
        reason: 'no workspaces configured (config workspaces[])',
      },
    ];
  const findings: Finding[] = [];
  for (const ws of input.workspaces) {
    const base = {
      check: 'workspace-rules' as const,
      subject: workspaceLabel(ws),
      subjectId: `${ws.subscriptionId}/${ws.resourceGroup}/${ws.workspaceName}`,
    };
    if (!input.reader) {
      findings.push({
        ...base,
        status: 'skip',
        reason: input.skipReason ?? 'no workspace rule reader available in this run',
      });
      continue;
    }
    if (!input.expected || input.expected.length === 0) {
      findings.push({ ...base, status: 'skip', reason: 'no list of expected pack rules supplied' });
      continue;
    }
    let deployed: DeployedRule[];
    try {
      deployed = await input.reader(ws);
    } catch (e) {
      findings.push({
        ...base,
        status: 'skip',
        reason: `could not read the workspace's analytics rules: ${(e as Error).message}`,
      });
      continue;
    }
    const missing: string[] = [];
    const disabled: string[] = [];
    for (const exp of input.expected) {
      const hits = deployed.filter((r) => matches(exp, r));
      if (hits.length === 0) missing.push(exp.displayName);
      else if (!hits.some((r) => r.enabled)) disabled.push(exp.displayName);
    }
    const quoteAll = (xs: string[]) => xs.map((x) => `'${x}'`).join(', ');
    if (missing.length || disabled.length) {
      const parts = [
        missing.length ? `${missing.length} pack rule(s) not deployed: ${quoteAll(missing)}` : '',
        disabled.length ? `${disabled.length} disabled: ${quoteAll(disabled)}` : '',
      ].filter(Boolean);
      findings.push({ ...base, status: 'fail', reason: parts.join('; ') });
    } else {
      findings.push({
        ...base,
        status: 'pass',
        reason: `all ${input.expected.length} pack rules deployed and enabled`,
      });
    }
  }
  return findings;
}
