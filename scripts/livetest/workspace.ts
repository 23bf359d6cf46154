/** Which workspace `btg test --live` and `btg drill` query, and by which id (the query API needs the customer id). */
import { GUID_RE } from '../core/definitions';
import { Config } from '../config/schema';

export interface QueryWorkspace {
  /** for reports: the config's name / workspaceName, or the id */
  label: string;
  /** customer id (GUID) */
  workspaceId: string;
}

export class WorkspaceChoiceError extends Error {}

/**
 * `--workspace-id` wins (labelled by the configured workspace that carries it, if any); otherwise the configured
 * workspace named by `--workspace` (its `name` or `workspaceName`), or the only one configured. Errors say what to set.
 */
export function chooseWorkspace(config: Config, opts: { workspace?: string; workspaceId?: string }): QueryWorkspace {
  const wss = config.workspaces;
  const label = (w: Config['workspaces'][number]) => w.name ?? w.workspaceName;
  if (opts.workspaceId !== undefined) {
    if (!GUID_RE.test(opts.workspaceId))
      throw new WorkspaceChoiceError(
        `--workspace-id ${opts.workspaceId}: expected the workspace's customer id, a GUID (Log Analytics workspace → Overview → Workspace ID)`,
      );
    const known = wss.find((w) => w.workspaceId?.toLowerCase() === opts.workspaceId!.toLowerCase());
    return { label: known ? label(known) : opts.workspaceId, workspaceId: opts.workspaceId.toLowerCase() };
  }
  let candidates = wss;
  if (opts.workspace !== undefined) {
    candidates = wss.filter((w) => w.name === opts.workspace || w.workspaceName === opts.workspace);
    if (candidates.length === 0)
      throw new WorkspaceChoiceError(
        `--workspace ${opts.workspace}: no such workspace in the config (workspaces: ${wss.map(label).join(', ') || 'none'})`,
      );
  }
  if (candidates.length === 0)
    throw new WorkspaceChoiceError(
      'no workspace: add one to the config (workspaces[] with workspaceId) or pass --workspace-id <customer id>',
    );
  if (candidates.length > 1)
    throw new WorkspaceChoiceError(
      `${candidates.length} workspaces configured (${candidates.map(label).join(', ')}): choose one with --workspace <name>`,
    );
  const w = candidates[0];
  const i = wss.indexOf(w);
  if (!w.workspaceId) {
    throw new WorkspaceChoiceError(
      `workspaces[${i}] (${label(w)}) has no workspaceId: set it to the workspace's customer id (Overview → Workspace ID, a GUID; the query API does not accept the name) or pass --workspace-id`,
    );
  }
  return { label: label(w), workspaceId: w.workspaceId.toLowerCase() };
}
