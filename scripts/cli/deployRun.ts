/**
 * What `btg plan` and `btg deploy` share: options, loading and validating the pack, choosing workspaces, the
 * target and credential, and the progress display (listr2 on a terminal, plain lines otherwise).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import * as fs from 'fs';
import * as readline from 'readline';
import { Config, WorkspaceRef } from '../config/schema';
import { loadConfig } from '../config/load';
import {
  applyDeployment,
  DeploymentPlan,
  DeploySession,
  DeploySettings,
  DEFAULT_CONCURRENCY,
  DEFAULT_TIMEOUT_SECONDS,
  planDeployment,
} from '../deploy/session';
import { ApplyEvent, ApplyResult, operationOf } from '../deploy/apply';
import { formatEvent } from '../deploy/report';
import {
  chooseCredential,
  CLOUD_NAMES,
  CredentialChoice,
  redact,
  resolveTarget,
  Target,
  TargetError,
} from '../deploy/target';
import { emitPack } from '../emit/pack';
import { packIdOf } from '../content/ids';
import { playbookResource, playbookTemplate } from '../emit/playbooks';
import { packActionGroupName } from '../emit/actionGroup';
import { forcedBy } from '../deploy/plan';
import { WorkspaceResource } from '../emit/resources';
import { checkPack } from '../pipeline';
import { hasErrors } from '../core/diagnostic';
import { formatters } from '../validate/format';
import { ExitCode } from './exit';
import { isTty, progressLine } from './io';
import { signInMessage } from './credential';
import { terminalSafeLines } from '../security/terminal';
import { configOption, duration, formatDuration, requireConfig, unknownId, UsageError } from './options';

export interface DeployCliOptions {
  config: string;
  workspace: string[];
  json?: boolean;
  concurrency: number;
  prune?: boolean;
  dryRun?: boolean;
  /** `--force <id>` values; `true` for a bare `--force` (a usage error since --force names what it overrides) */
  force?: string[] | true;
  yes?: boolean;
  cloud: string;
  armEndpoint?: string;
  armAudience?: string;
  timeout: number;
  sentinelPrincipalId?: string;
  schemas?: string;
}

/** Seams for tests (the project's pattern, see check.ts): extra client options, terminal detection, the prompt. */
export const deployCliDeps: {
  clientOptions?: DeploySettings['clientOptions'];
  settings?: Partial<DeploySettings>;
  stdinIsTTY: () => boolean;
  stdoutIsTTY: () => boolean;
  confirm: (question: string) => Promise<boolean>;
  /** receives the session once it exists (tests use it to simulate Ctrl-C) */
  onSession?: (s: DeploySession) => void;
  /** BTG_ACCESS_TOKEN or DefaultAzureCredential (tests: a credential that cannot sign in) */
  chooseCredential: (target: Target) => Promise<CredentialChoice>;
} = {
  chooseCredential: (target) => chooseCredential(target),
  stdinIsTTY: () => process.stdin.isTTY === true,
  // a terminal listr2 can draw on (a pty without a size makes it wrap every character)
  stdoutIsTTY: () => isTty(process.stdout) && (process.stdout.columns ?? 0) >= 40,
  confirm: (question) =>
    new Promise((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
      rl.question(question, (answer) => {
        rl.close();
        resolve(/^y(es)?$/i.test(answer.trim()));
      });
    }),
};

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1`);
  return n;
};
const collect = (v: string, prev: string[]) => [...prev, v];

export function addDeployOptions(cmd: Command, kind: 'plan' | 'deploy'): Command {
  configOption(cmd)
    .option(
      '-w, --workspace <name>',
      'only this workspace (config `name`, or the workspace name); repeatable',
      collect,
      [],
    )
    .option('--json', 'print JSON (for CI) instead of text')
    .option(
      '--concurrency <n>',
      'requests in flight at once, over all workspaces',
      positiveInt('--concurrency'),
      DEFAULT_CONCURRENCY,
    )
    .option(
      '--prune',
      kind === 'plan'
        ? 'show what --prune would delete'
        : 'delete owned artifacts that are no longer in the pack (shown in the plan first)',
    )
    .option(
      '--force [id]',
      kind === 'plan'
        ? 'show the conflict of this resource id or template id as --force would overwrite it; repeatable'
        : 'overwrite the conflict of this resource id or template id (shown by plan), and nothing else; repeatable',
      (v: string, prev: unknown) => [...(Array.isArray(prev) ? (prev as string[]) : []), v],
      [],
    )
    .option('--cloud <name>', `Azure cloud: ${CLOUD_NAMES.join(' | ')}`, 'AzureCloud')
    .option(
      '--arm-endpoint <url>',
      "another ARM endpoint (Azure Stack Hub, a proxy, a local emulator); the token audience stays the cloud's unless --arm-audience",
    )
    .option('--arm-audience <uri>', "token audience for --arm-endpoint (default: the cloud's ARM audience)")
    .addOption(
      new Option('--timeout <duration>', 'per-request timeout, e.g. 60s or 2m')
        .argParser((v) => Math.ceil(duration('--timeout')(v) / 1000))
        .default(DEFAULT_TIMEOUT_SECONDS, formatDuration(DEFAULT_TIMEOUT_SECONDS * 1000)),
    )
    .option(
      '--sentinel-principal-id <objectId>',
      'object id of the "Azure Security Insights" service principal in your tenant (else looked up in Microsoft Graph)',
    )
    .option('--schemas <dir>', 'extra table schemas for validating the pack (Azure-Sentinel custom-table JSON)');
  if (kind === 'deploy') {
    cmd
      .option('--dry-run', 'show the plan and write nothing')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal, e.g. in CI)');
  }
  return cmd;
}

export { UsageError };

export interface Prepared {
  resources: WorkspaceResource[];
  /** this config's identity (content/ids.ts packIdOf) */
  packId: string;
  /** the playbook deployments of every playbook the pack has, emitted or not (what a prune may delete with one) */
  knownPlaybooks: WorkspaceResource[];
  workspaces: WorkspaceRef[];
  session: DeploySession;
  credential: CredentialChoice;
}

const err = (s: string) => process.stderr.write(s);

/** The workspaces to plan or deploy: every one of the config, or those --workspace names (usage errors otherwise). */
function chooseWorkspaces(config: Config, opts: DeployCliOptions): WorkspaceRef[] {
  if (config.workspaces.length === 0)
    throw new UsageError(`${opts.config}: workspaces[] is empty: add the workspaces to deploy to`);
  if (!opts.workspace.length) return config.workspaces;
  const label = (w: WorkspaceRef) => w.name ?? w.workspaceName;
  const unknown = opts.workspace.filter((n) => !config.workspaces.some((w) => label(w) === n || w.workspaceName === n));
  if (unknown.length)
    throw new UsageError(
      `--workspace ${unknown.join(', ')}: not in ${opts.config} (known: ${config.workspaces.map(label).join(', ')})`,
    );
  return config.workspaces.filter((w) => opts.workspace.includes(label(w)) || opts.workspace.includes(w.workspaceName));
}

/** The credential, with a token already got: one clear message (exit 2) instead of one error per request. */
async function signIn(target: Target): Promise<CredentialChoice> {
  const credential = await deployCliDeps.chooseCredential(target);
  let token: Awaited<ReturnType<typeof credential.credential.getToken>>;
  try {
    token = await credential.credential.getToken(target.armScope);
  } catch (e) {
    throw new UsageError(signInMessage(target.armScope, credential.source, e));
  }
  if (!token) throw new UsageError(signInMessage(target.armScope, credential.source, new Error('no token returned')));
  return credential;
}

/** Sign in, then validate the pack (errors stop here), pick the workspaces, set up target + credential + session. */
export async function prepare(opts: DeployCliOptions): Promise<Prepared | { exit: number }> {
  // option errors first: they are cheap to find, validating the pack is not
  const target = resolveTarget({ cloud: opts.cloud, armEndpoint: opts.armEndpoint, armAudience: opts.armAudience });
  if (opts.force === true || opts.force?.some((f) => !f.trim())) {
    throw new UsageError(
      '--force needs the resource id or template id of the conflict it overrides, e.g. --force btg-accounts or --force /subscriptions/…/providers/Microsoft.Insights/workbooks/<name> ' +
        '(repeatable; `btg plan` lists each conflict with both). A bare --force that overwrote every conflict is no longer accepted.',
    );
  }
  requireConfig(opts.config);
  if (opts.schemas && !(fs.existsSync(opts.schemas) && fs.statSync(opts.schemas).isDirectory()))
    throw new UsageError(`--schemas ${opts.schemas}: not a directory`);
  // Sign in before any work: the config (milliseconds) says which workspaces, then a token, then the seconds of
  // validating the pack. An invalid config is left to the pack check below (exit 1, every problem listed).
  const early = loadConfig(opts.config);
  let signedIn: CredentialChoice | undefined;
  if (early.config && !hasErrors(early.diagnostics)) {
    chooseWorkspaces(early.config, opts);
    signedIn = await signIn(target);
  }
  const done = progressLine(`btg: validating the pack from ${opts.config} before reading the workspaces…`);
  let checked: ReturnType<typeof checkPack>;
  try {
    checked = checkPack({ configFile: opts.config, schemasDir: opts.schemas });
  } finally {
    done();
  }
  const problems = checked.diagnostics.filter((d) => d.severity !== 'info');
  if (!checked.pack || hasErrors(checked.diagnostics)) {
    err(formatters.stylish(problems, { color: isTty(process.stderr) }));
    err('the pack has errors: nothing was planned or deployed (see `btg validate`)\n');
    return { exit: ExitCode.Findings };
  }
  if (problems.length && !opts.json) err(formatters.stylish(problems, { color: isTty(process.stderr) }));
  const config = checked.pack.config;
  const workspaces = chooseWorkspaces(config, opts);
  const credential = signedIn ?? (await signIn(target));
  const session = new DeploySession({
    target,
    credential: credential.credential,
    concurrency: opts.concurrency,
    timeoutSeconds: opts.timeout,
    sentinelPrincipalId: opts.sentinelPrincipalId,
    graphLookup: !target.customEndpoint && credential.source !== 'BTG_ACCESS_TOKEN',
    clientOptions: deployCliDeps.clientOptions,
    ...deployCliDeps.settings,
  });
  deployCliDeps.onSession?.(session);
  const packId = packIdOf(config);
  const actionGroup = packActionGroupName(checked.pack);
  const knownPlaybooks = checked.pack.playbooks.flatMap((pb) => {
    try {
      return [playbookResource(pb, playbookTemplate(pb, packId, actionGroup), packId, actionGroup)];
    } catch {
      return [];
    }
  });
  const resources = emitPack(checked.pack, { report: false }).resources;
  // --force names a resource id (/subscriptions/…) or a template id of this pack: any other value is a typo
  const templateIds = [...new Set([...resources, ...knownPlaybooks].map((r) => r.templateId))].sort();
  for (const f of Array.isArray(opts.force) ? opts.force : [])
    if (!f.startsWith('/') && !templateIds.includes(f))
      throw new UsageError(`--force ${f}: ${unknownId('template id', f, templateIds).message}`);
  return {
    resources,
    packId,
    knownPlaybooks,
    workspaces,
    session,
    credential,
  };
}

export async function makePlan(p: Prepared, opts: DeployCliOptions): Promise<DeploymentPlan> {
  if (!opts.json)
    err(
      `reading ${p.workspaces.length} workspace${p.workspaces.length === 1 ? '' : 's'} at ${p.session.settings.target.armEndpoint} as ${p.credential.source}…\n`,
    );
  const plan = await planDeployment(
    p.session,
    { resources: p.resources, workspaces: p.workspaces, packId: p.packId, knownPlaybooks: p.knownPlaybooks },
    { force: opts.force === true ? [] : opts.force },
  );
  // a --force value that names no conflict is most likely a typo: say so (it overrides nothing)
  const entries = plan.workspaces.flatMap((w) => w.entries);
  for (const f of plan.force) {
    if (
      !entries.some(
        (e) =>
          e.action === 'conflict' &&
          (forcedBy([f], e) || (e.reason ?? '').toLowerCase().includes(`${f.toLowerCase()} exists`)),
      )
    )
      err(`btg: --force ${f}: no conflict has this resource id or template id; it overrides nothing\n`);
  }
  return plan;
}

/** Wrap an action: usage errors exit 2 with the message, secrets never reach the terminal. */
export function guarded(setExit: (c: number) => void, fn: () => Promise<number>): () => Promise<void> {
  return async () => {
    try {
      setExit(await fn());
    } catch (e) {
      const secret = process.env.BTG_ACCESS_TOKEN?.trim().replace(/^Bearer\s+/i, '');
      if (e instanceof UsageError || e instanceof TargetError) {
        err(`btg: ${terminalSafeLines(redact(e.message, [secret]))}\n`);
        setExit(ExitCode.ToolError);
        return;
      }
      throw new Error(redact((e as Error).message, [secret]));
    }
  };
}

/** Apply with progress on stderr; Ctrl-C once stops gracefully, twice aborts. */
export async function runApply(p: Prepared, plan: DeploymentPlan, opts: DeployCliOptions): Promise<ApplyResult> {
  const session = p.session;
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      session.control.requestStop();
      err('\nstopping: no new requests; waiting for the ones in flight (Ctrl-C again to abort them)\n');
    } else {
      session.control.abort();
      err('\naborting the requests in flight\n');
    }
  };
  process.on('SIGINT', onSigint);
  try {
    if (deployCliDeps.stdoutIsTTY() && !opts.json) return await withListr(p, plan, opts);
    return await applyDeployment(session, plan, {
      prune: opts.prune,
      onEvent: (e) => {
        const line = formatEvent(e);
        if (line) err(`${line}\n`);
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** listr2: one task per workspace, its title counting the artifacts applied. */
async function withListr(p: Prepared, plan: DeploymentPlan, opts: DeployCliOptions): Promise<ApplyResult> {
  const { Listr } = await import('listr2');
  const work = plan.workspaces.filter((w) => w.status === 'ok');
  type Handle = { total: number; done: number; failed: number; update: () => void; finish: () => void };
  const handles = new Map<string, Handle>();
  const waits: Promise<void>[] = [];
  const list = new Listr(
    work.map((w) => ({
      title: w.label,
      task: (_ctx: unknown, task: { title: string; output: string }) =>
        new Promise<void>((resolve, reject) => {
          const total = w.entries.filter((e) => operationOf(e, !!opts.prune) !== 'none').length;
          const h: Handle = {
            total,
            done: 0,
            failed: 0,
            update: () => {
              task.title = `${w.label}: ${h.done}/${h.total} applied${h.failed ? `, ${h.failed} not applied` : ''}`;
            },
            finish: () =>
              h.failed ? reject(new Error(`${w.label}: ${h.failed} not applied (details below)`)) : resolve(),
          };
          h.update();
          handles.set(w.label, h);
          if (total === 0) resolve();
        }),
    })),
    {
      concurrent: true,
      exitOnError: false,
      rendererOptions: { collapseErrors: false },
      fallbackRendererCondition: false,
    },
  );
  waits.push(list.run().then(() => undefined));
  const result = await applyDeployment(p.session, plan, {
    prune: opts.prune,
    onEvent: (e: ApplyEvent) => {
      if (e.type !== 'end') return;
      const h = handles.get(e.workspace);
      if (!h) return;
      if (e.result.status === 'applied') h.done++;
      else h.failed++;
      h.update();
    },
  });
  for (const h of handles.values()) h.finish();
  await Promise.all(waits);
  return result;
}
