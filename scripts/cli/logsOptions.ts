/** The options of commands that query a workspace through the Log Analytics query API (`btg test --live`, `btg drill`). */
import { Command } from 'commander';
import { DEFAULT_LOGS_ENDPOINT } from '../livetest';

export function withLogsWorkspaceOptions(cmd: Command, workspaceHelp: string): Command {
  return cmd
    .option('--workspace <name>', workspaceHelp)
    .option(
      '--workspace-id <guid>',
      "the workspace's customer id (Overview → Workspace ID), instead of workspaces[].workspaceId",
    )
    .option(
      '--endpoint <url>',
      'Log Analytics query API root (sovereign clouds: https://api.loganalytics.us, https://api.loganalytics.azure.cn)',
      DEFAULT_LOGS_ENDPOINT,
    )
    .option('--tenant <id>', 'tenant id or domain for the Azure credential');
}
