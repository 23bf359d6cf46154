/**
 * `btg check`: posture of the break-glass accounts, read from Microsoft Graph (read-only, GET only) or from a
 * folder exported earlier (`--from`). `--export <dir>` writes such a folder from live Graph and checks it.
 * Exit code: 1 on any failed check (or, with --strict, any skipped one), 0 otherwise; 2 when the check cannot run.
 */
import type { TokenCredential } from '@azure/identity';
import { Command } from 'commander';
import * as fs from 'fs';
import { loadConfig } from '../../config/load';
import { isTty, terminalSafe } from '../io';
import { jsonTerminalSafe } from '../../security/terminal';
import { Config } from '../../config/schema';
import {
  DEFAULT_GRAPH_ENDPOINT,
  exportPosture,
  ExpectedRule,
  Finding,
  FolderGraphSource,
  GraphSource,
  LiveGraphSource,
  PostureData,
  PostureReport,
  runPosture,
  Status,
  WorkspaceRuleReader,
} from '../../posture';
import { Diagnostic } from '../../core/diagnostic';
import { loadPack } from '../../content/pack';
import { contentId } from '../../content/ids';
import { AUTOMATION_RULES } from '../../emit/automationRules';
import { YamlSource } from '../../core/yamlSource';
import {
  DeploySession,
  DeploySettings,
  drillRecordReader,
  otherAutomationReader,
  workspaceRuleReader,
} from '../../deploy/session';
import { chooseCredential, resolveTarget, Target } from '../../deploy/target';
import { ExitCode, SetExit } from '../exit';
import { signIn } from '../credential';
import { configOption, requireConfig, UsageError } from '../options';
import { EXPORT_MANIFEST } from '../../posture/source';

/** Seams for tests and for the deploy layer to plug into (the workspace rule reader and the expected rule list). */
export const checkDeps: {
  credential: (tenant?: string) => Promise<TokenCredential>;
  now: () => Date;
  workspace?: { reader: WorkspaceRuleReader; expected: ExpectedRule[] };
  /** the ARM credential for reading the workspaces (BTG_ACCESS_TOKEN, else DefaultAzureCredential); throws when there is none */
  armCredential: (target: Target) => Promise<TokenCredential>;
  /** extra SDK client options for the ARM clients (tests: the emulator's CA) */
  armClientOptions?: DeploySettings['clientOptions'];
  /** extra CA certificate (PEM) trusted for --graph-endpoint (tests: the local Graph server's) */
  graphCa?: string;
} = {
  armCredential: async (target) => {
    const { credential } = await chooseCredential(target);
    await credential.getToken(target.armScope);
    return credential;
  },
  credential: async (tenant) => {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return new DefaultAzureCredential(tenant ? { tenantId: tenant } : {});
  },
  now: () => new Date(),
  workspace: undefined,
};

interface CheckOptions {
  config: string;
  from?: string;
  export?: string;
  json?: boolean;
  graphEndpoint: string;
  tenant?: string;
  asOf?: string;
  strict?: boolean;
  cloud?: string;
  armEndpoint?: string;
  armAudience?: string;
}

function formatDiagnostic(d: Diagnostic): string {
  const where = d.file
    ? `${d.file}${d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : ''}: `
    : '';
  // a key, path or file name from the config is printed as it was written: never a control sequence
  return terminalSafe(`${where}${d.severity}: ${d.message}`);
}

// colours as every command decides them (a terminal, no NO_COLOR / --no-color, not CI)
const useColor = () => isTty(process.stdout);
const COLORS: Record<Status, string> = { pass: '32', fail: '31', warn: '33', skip: '90', info: '36' };

export function formatTable(report: PostureReport, color = false): string {
  const header = ['STATUS', 'CHECK', 'SUBJECT', 'REASON'];
  // subjects and reasons carry names from Microsoft Graph: printed without their control characters
  const rows = report.findings.map((f: Finding) => [
    f.status.toUpperCase(),
    f.check,
    terminalSafe(f.subject),
    terminalSafe(f.reason),
  ]);
  const w = [0, 1, 2].map((i) => Math.max(header[i].length, ...rows.map((r) => r[i].length)));
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.length));
  const line = (r: string[], status?: Status) => {
    const st = pad(r[0], w[0]);
    const stc = color && status ? `\x1b[${COLORS[status]}m${st}\x1b[0m` : st;
    return `${stc}  ${pad(r[1], w[1])}  ${pad(r[2], w[2])}  ${r[3]}`;
  };
  const s = report.summary;
  return [
    `btg check: ${report.tenantName}, from ${report.source}, as of ${report.asOf}`,
    '',
    line(header),
    ...rows.map((r, i) => line(r, report.findings[i].status)),
    '',
    `${s.fail} fail, ${s.warn} warn, ${s.skip} skip, ${s.info} info, ${s.pass} pass`,
    '',
  ].join('\n');
}

function parseAsOf(v: string): Date {
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new Error(`--as-of ${v}: expected an ISO date or date-time, like 2025-06-01 or 2025-06-01T08:00:00Z`);
  return new Date(t);
}

async function run(opts: CheckOptions, setExit: SetExit): Promise<void> {
  if (opts.from && opts.export)
    throw new UsageError(
      'use either --from <dir> (read an export) or --export <dir> (write one from live Graph), not both',
    );
  requireConfig(opts.config);
  const loaded = loadConfig(opts.config);
  for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!loaded.config) {
    // an invalid config is a finding (exit 1), as in build and validate; a missing one is a usage error (2)
    setExit(ExitCode.Findings);
    return;
  }
  const config: Config = loaded.config;

  let source: GraphSource;
  let now: Date;
  let data: PostureData | undefined;
  let workspaceSkip: string;
  if (opts.from) {
    if (!fs.existsSync(opts.from)) throw new UsageError(`--from ${opts.from}: no such folder`);
    if (!fs.statSync(opts.from).isDirectory())
      throw new UsageError(`--from ${opts.from}: a file, not a folder: pass the folder btg check --export wrote`);
    const folder = new FolderGraphSource(opts.from);
    const manifest = folder.manifest();
    // an empty or unrelated folder would "pass" with every check skipped
    if (!manifest)
      throw new UsageError(
        `--from ${opts.from}: not an export written by btg check --export (no valid ${EXPORT_MANIFEST} in it)`,
      );
    source = folder;
    // An export is checked as of the time it was taken, unless told otherwise.
    now = opts.asOf ? parseAsOf(opts.asOf) : manifest ? new Date(manifest.exportedAt) : checkDeps.now();
    workspaceSkip = '--from: workspaces are not read when checking an export';
  } else {
    const credential = await checkDeps.credential(opts.tenant);
    const live = new LiveGraphSource({ credential, endpoint: opts.graphEndpoint, ca: checkDeps.graphCa });
    // fail fast: one message and exit 2, not one error per Graph request
    await signIn(credential, `${live.origin}/.default`, 'DefaultAzureCredential');
    source = live;
    now = opts.asOf ? parseAsOf(opts.asOf) : checkDeps.now();
    workspaceSkip = 'no workspaces[] in the config';
    if (opts.export) {
      ({ data } = await exportPosture(live, config, opts.export, { exportedAt: now, endpoint: live.origin }));
      process.stderr.write(`btg check: exported the Graph responses to ${opts.export}\n`);
    }
  }

  const ws = opts.from
    ? { skipReason: workspaceSkip }
    : (checkDeps.workspace ??
      (config.workspaces.length ? await workspaceSide(config, opts, loaded.source) : { skipReason: workspaceSkip }));
  const report = await runPosture({
    config,
    source,
    now,
    data,
    workspace: ws,
    // other automation in the workspace that can act on users without excluding the accounts (live ARM reads only)
    otherAutomation: (ws as { otherAutomation?: ReturnType<typeof otherAutomationReader> }).otherAutomation,
    // the drills on record (BreakGlassDrills): the test-interval check counts passed drills, not sign-ins
    drills: (ws as { drills?: ReturnType<typeof drillRecordReader> }).drills,
  });

  // server text (a display name, an error) in it: C1 controls and direction overrides escaped, the same JSON
  if (opts.json)
    process.stdout.write(`${jsonTerminalSafe(JSON.stringify({ tool: 'btg check', ...report }, null, 2))}\n`);
  else process.stdout.write(formatTable(report, useColor()));

  const failed = report.summary.fail > 0 || (opts.strict === true && report.summary.skip > 0);
  setExit(failed ? ExitCode.Findings : ExitCode.Ok);
}

/**
 * The workspace side reads the deployed analytics rules through the deploy layer's read path (ARM, read-only),
 * and expects every enabled rule of the pack as rendered for this config. No ARM sign-in = skipped, with the reason.
 */
async function workspaceSide(
  config: Config,
  opts: CheckOptions,
  source?: YamlSource,
): Promise<
  | {
      reader: WorkspaceRuleReader;
      expected: ExpectedRule[];
      otherAutomation?: ReturnType<typeof otherAutomationReader>;
      drills?: ReturnType<typeof drillRecordReader>;
    }
  | { skipReason: string }
> {
  const pack = loadPack(config, opts.config, source);
  const expected = pack.rules.filter((r) => r.enabled).map((r) => ({ id: r.rule.id, displayName: r.rule.name }));
  // a bad --arm-endpoint / --arm-audience is a usage error, not a skipped check
  const target = resolveTarget({ cloud: opts.cloud, armEndpoint: opts.armEndpoint, armAudience: opts.armAudience });
  try {
    const credential = await checkDeps.armCredential(target);
    const session = new DeploySession({ target, credential, clientOptions: checkDeps.armClientOptions });
    session.control.readOnly = true;
    // the pack's analytics rules and automation rules, so other-automation knows what cannot touch its incidents
    const packFacts = {
      ruleIds: pack.rules.map((r) => r.rule.id),
      automationRuleNames: Object.values(AUTOMATION_RULES).map((a) => contentId('automationRule', a.templateId)),
    };
    const readAutomation = otherAutomationReader(session);
    return {
      reader: workspaceRuleReader(session),
      expected,
      otherAutomation: async (ref) => ({ ...(await readAutomation(ref)), pack: packFacts }),
      drills: drillRecordReader(session),
    };
  } catch (e) {
    return {
      skipReason: `no Azure Resource Manager sign-in to read the workspaces (${(e as Error).message.split('\n')[0]})`,
    };
  }
}

export function register(program: Command, setExit: SetExit): void {
  configOption(
    program
      .command('check')
      .description(
        'posture of the break-glass accounts (read-only): Conditional Access exclusions, cloud-only, not guest, phishing-resistant methods, restricted management AU, password expiry, permanent role, tested within testIntervalDays; and the pack rules in each workspace',
      ),
  )
    .option('--from <dir>', 'read an exported folder instead of calling Microsoft Graph')
    .option('--export <dir>', 'read live Graph, write the responses to <dir> (for a later --from), and check them')
    .option('--json', 'print the report as JSON (for CI)')
    .option('--graph-endpoint <url>', 'Microsoft Graph root (sovereign clouds, tests)', DEFAULT_GRAPH_ENDPOINT)
    .option('--tenant <id>', 'tenant id or domain for the Azure credential')
    .option('--as-of <date>', 'evaluate the test interval as of this date (default: now; with --from, the export time)')
    .option('--strict', 'exit 1 when a check was skipped (its data was not available)')
    .option('--cloud <name>', 'Azure cloud for reading the workspaces: AzureCloud, AzureUSGovernment, AzureChinaCloud')
    .option(
      '--arm-endpoint <url>',
      "Azure Resource Manager endpoint for reading the workspaces (https; another host than the cloud's ARM needs --arm-audience, except loopback test endpoints)",
    )
    .option('--arm-audience <uri>', "token audience for --arm-endpoint (default: the cloud's ARM audience)")
    .action(async (opts: CheckOptions) => run(opts, setExit));
}
