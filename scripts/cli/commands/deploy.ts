/**
 * `btg deploy`: plan, show the plan, confirm (or --yes), apply in dependency order with bounded concurrency across all
 * workspaces, then report exactly what was and was not applied. Exit 0 when everything was applied (or unchanged);
 * 1 when anything failed, was not applied, conflicted or was interrupted; 2 for usage or credential errors, and when
 * confirmation is needed but there is no terminal to ask on.
 */
import { Command } from 'commander';
import { hasChanges } from '../../deploy/apply';
import { applyJson, formatApplyText, formatPlanText, planJson } from '../../deploy/report';
import { ExitCode, SetExit } from '../exit';
import { isTty } from '../io';
import {
  addDeployOptions,
  DeployCliOptions,
  deployCliDeps,
  guarded,
  makePlan,
  prepare,
  runApply,
  UsageError,
} from '../deployRun';
import { planExitCode } from './plan';

export function register(program: Command, setExit: SetExit): void {
  addDeployOptions(
    program.command('deploy').description('apply the pack to every workspace of the config (or --workspace)'),
    'deploy',
  ).action((opts: DeployCliOptions) =>
    guarded(setExit, async () => {
      const p = await prepare(opts);
      if ('exit' in p) return p.exit;
      const plan = await makePlan(p, opts);
      const color = isTty(process.stdout);
      const changes = hasChanges(plan.workspaces, !!opts.prune);
      if (opts.dryRun || !changes) {
        if (opts.json)
          process.stdout.write(
            `${JSON.stringify({ plan: planJson(plan, { prune: opts.prune }), applied: false, dryRun: !!opts.dryRun }, null, 2)}\n`,
          );
        else {
          process.stdout.write(formatPlanText(plan, { color, prune: opts.prune }));
          process.stdout.write(opts.dryRun ? '--dry-run: nothing was written.\n' : 'No changes: nothing to write.\n');
        }
        return planExitCode(plan);
      }
      if (!opts.json) process.stdout.write(formatPlanText(plan, { color, prune: opts.prune }));
      if (!opts.yes) {
        if (!deployCliDeps.stdinIsTTY()) {
          throw new UsageError(
            'deploy needs confirmation, and there is no terminal to ask on (CI?): review the plan (`btg plan`), then re-run with --yes',
          );
        }
        const n = plan.workspaces.filter((w) => w.status === 'ok').length;
        if (!(await deployCliDeps.confirm(`Apply these changes to ${n} workspace${n === 1 ? '' : 's'}? [y/N] `))) {
          process.stderr.write('nothing was written.\n');
          return ExitCode.Findings;
        }
      }
      const result = await runApply(p, plan, opts);
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ plan: planJson(plan, { prune: opts.prune }), applied: true, result: applyJson(result) }, null, 2)}\n`,
        );
      // without a terminal the progress lines on stderr already named every applied artifact
      else process.stdout.write(formatApplyText(result, { color, listApplied: deployCliDeps.stdoutIsTTY() }));
      return result.ok ? ExitCode.Ok : ExitCode.Findings;
    })(),
  );
}
