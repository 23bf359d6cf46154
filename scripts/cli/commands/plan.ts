/**
 * `btg plan`: read every workspace of the config (or --workspace) and print, per workspace, what deploy would do with
 * each artifact: create / update (changed fields) / unchanged / orphaned / conflict. Read-only by construction (the
 * clients refuse any write). Exit 0 when every workspace was read and nothing conflicts; 1 for unreadable workspaces
 * or conflicts (deploy would not apply everything); 2 for usage or credential errors.
 */
import { Command } from 'commander';
import { planJson, formatPlanText } from '../../deploy/report';
import { ExitCode, SetExit } from '../exit';
import { isTty } from '../io';
import { addDeployOptions, DeployCliOptions, guarded, makePlan, prepare } from '../deployRun';
import { DeploymentPlan } from '../../deploy/session';

/** 1 when deploy could not apply everything: a workspace that cannot be read, or a conflict that is not forced. */
export function planExitCode(plan: DeploymentPlan): number {
  const blocked = plan.workspaces.some(
    (w) => w.status === 'error' || w.entries.some((e) => e.action === 'conflict' && !e.forced),
  );
  return blocked ? ExitCode.Findings : ExitCode.Ok;
}

export function register(program: Command, setExit: SetExit): void {
  addDeployOptions(
    program.command('plan').description('show what `btg deploy` would change in each workspace (reads only)'),
    'plan',
  ).action((opts: DeployCliOptions) =>
    guarded(setExit, async () => {
      const p = await prepare(opts);
      if ('exit' in p) return p.exit;
      const plan = await makePlan(p, opts);
      if (opts.json) process.stdout.write(`${JSON.stringify(planJson(plan, { prune: opts.prune }), null, 2)}\n`);
      else process.stdout.write(formatPlanText(plan, { color: isTty(process.stdout), prune: opts.prune }));
      return planExitCode(plan);
    })(),
  );
}
