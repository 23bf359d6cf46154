/**
 * `btg init`: write a commented btg.config.yaml from prompts (a terminal), answers piped in one a line (the same
 * questions, in order, without the prompts), or flags (CI): the accounts' object ids and UPNs, the workspace, who to
 * notify. Every answer is checked with the config schema as it is given (a terminal asks again, a pipe stops); the file
 * is checked whole before it is written; an existing file is kept unless --force. A config with real (non-example) ids
 * is added to .gitignore. Prints the next two commands.
 */
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { z } from 'zod';
import { parseConfigText } from '../../config/load';
import { Email, Guid, Upn } from '../../core/definitions';
import { ConfigSchema, Workspace } from '../../config/schema';
import { describeValue } from '../../core/zodIssues';
import { formatters } from '../../validate/format';
import { ExitCode, SetExit } from '../exit';
import { isTty } from '../io';
import { configOption, UsageError } from '../options';

/** Standard input is a pipe or a file (answers piped in), not a terminal, /dev/null or an inherited socket. */
function stdinIsPipeOrFile(): boolean {
  try {
    const st = fs.fstatSync(0);
    return st.isFIFO() || st.isFile();
  } catch {
    return false;
  }
}

/** Seams for tests: where answers come from and where prompts go; ask on a terminal, or read answers from a pipe. */
export const initDeps: {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: () => boolean;
  piped: () => boolean;
} = {
  input: process.stdin,
  output: process.stderr,
  interactive: () => process.stdin.isTTY === true && !process.env.CI,
  // CI reads flags only: a runner's stdin may stay open with nothing ever written to it
  piped: () => process.stdin.isTTY !== true && !process.env.CI && stdinIsPipeOrFile(),
};

export interface InitAnswers {
  tenantName: string;
  accounts: { objectId: string; userPrincipalName: string }[];
  workspace?: {
    subscriptionId: string;
    resourceGroup: string;
    workspaceName: string;
    location: string;
    workspaceId?: string;
  };
  emails: string[];
}

interface InitOptions {
  config: string;
  force?: boolean;
  tenantName?: string;
  account: string[];
  subscriptionId?: string;
  resourceGroup?: string;
  workspaceName?: string;
  location?: string;
  workspaceId?: string;
  notify: string[];
  allowSingleAccount?: boolean;
}

/** Example ids (the all-zero style of examples/btg.config.yaml) are not real ones. */
const EXAMPLE_ID = /^00000000-0000-4000-8000-/i;
export const holdsRealIds = (a: InitAnswers) =>
  [...a.accounts.map((x) => x.objectId), a.workspace?.subscriptionId, a.workspace?.workspaceId].some(
    (id) => id !== undefined && !EXAMPLE_ID.test(id),
  );

const q = (v: string) => JSON.stringify(v);

/** The config file text, with comments saying what each part is for. */
export function configText(a: InitAnswers, opts: { allowSingleAccount?: boolean } = {}): string {
  const lines = [
    '# breakglass-sentinel config, written by `btg init`. Reference: README.md "Config", examples/btg.config.yaml.',
    '# It holds object ids and UPNs, no secrets (webhooks and tokens are deploy-time parameters).',
    `tenantName: ${q(a.tenantName)}`,
    '# the break-glass (emergency access) accounts: Entra ID → Users → the account → Object ID, and its UPN',
    'accounts:',
    ...a.accounts.flatMap((x) => [
      `  - objectId: ${q(x.objectId)}`,
      `    userPrincipalName: ${q(x.userPrincipalName)}`,
    ]),
  ];
  if (opts.allowSingleAccount)
    lines.push('# Microsoft recommends two or more; one is allowed here on purpose', 'allowSingleAccount: true');
  lines.push(
    '# inline: the account ids are rendered into every query; watchlist: queries read a Sentinel watchlist',
    'accountSource: inline',
  );
  lines.push('# who is told when an alert fires', 'notify:', `  emails: [${a.emails.map(q).join(', ')}]`);
  lines.push('# the Log Analytics workspaces with Microsoft Sentinel to deploy to (btg plan / btg deploy)');
  if (a.workspace) {
    const w = a.workspace;
    lines.push(
      'workspaces:',
      `  - subscriptionId: ${q(w.subscriptionId)}`,
      `    resourceGroup: ${q(w.resourceGroup)}`,
      `    workspaceName: ${q(w.workspaceName)}`,
      `    location: ${q(w.location)}`,
    );
    if (w.workspaceId)
      lines.push(
        '    # the workspace customer id (Overview → Workspace ID), for btg test --live and btg drill',
        `    workspaceId: ${q(w.workspaceId)}`,
      );
  } else lines.push('workspaces: []');
  return lines.join('\n') + '\n';
}

/** A value checked by the config schema's own type: the message, or undefined when it is fine. */
function problem(schema: z.ZodTypeAny, v: string): string | undefined {
  const r = schema.safeParse(v);
  return r.success ? undefined : r.error.issues[0].message;
}

function parseAccountFlag(v: string): { objectId: string; userPrincipalName: string } {
  const m = /^([^=,]+)[=,](.+)$/.exec(v.trim());
  if (!m)
    throw new UsageError(
      `--account ${v}: expected <objectId>=<userPrincipalName>, e.g. --account 3f2a…=btg-01@contoso.com`,
    );
  return { objectId: m[1].trim(), userPrincipalName: m[2].trim() };
}

/** `btg-01@fabrikam.com` → `Fabrikam`, `btg@contoso.onmicrosoft.com` → `Contoso` (a default tenant name). */
export function tenantOfUpn(upn: string): string {
  const label = upn.split('@')[1]?.split('.')[0] ?? '';
  return label ? label[0].toUpperCase() + label.slice(1) : 'Contoso';
}

/** Without a terminal, answers or flags: what to pass. */
function needsFlags(opts: InitOptions): UsageError {
  const need = opts.allowSingleAccount ? 1 : 2;
  return new UsageError(
    `btg init without a terminal needs flags: --account <objectId>=<userPrincipalName> at least ${need === 2 ? 'twice (Microsoft recommends two break-glass accounts; --allow-single-account for one)' : 'once'}, ` +
      'and optionally --tenant-name, --notify <email> (repeatable), --subscription-id, --resource-group, --workspace-name, --location, --workspace-id; ' +
      'or (outside CI) the answers piped in, one a line',
  );
}

/** Answers from flags (non-interactive): every required one must be there. */
function fromFlags(opts: InitOptions): InitAnswers {
  if (opts.account.length < (opts.allowSingleAccount ? 1 : 2)) throw needsFlags(opts);
  const ws = [opts.subscriptionId, opts.resourceGroup, opts.workspaceName, opts.location];
  if (ws.some((x) => x !== undefined) && ws.some((x) => x === undefined))
    throw new UsageError(
      'a workspace needs all of --subscription-id, --resource-group, --workspace-name and --location',
    );
  const accounts = opts.account.map(parseAccountFlag);
  // each flag checked as the config will check it, and named: not a diagnostic at a line of a file never written
  const flag = (name: string, schema: z.ZodTypeAny, v: string | undefined) => {
    const p = v === undefined ? undefined : problem(schema, v);
    if (p) throw new UsageError(`--${name} ${describeValue(v)}: ${p}; nothing was written`);
  };
  flag('tenant-name', ConfigSchema.shape.tenantName, opts.tenantName);
  for (const a of accounts) {
    flag('account', Guid, a.objectId);
    flag('account', Upn, a.userPrincipalName);
  }
  for (const e of opts.notify) flag('notify', Email, e);
  flag('subscription-id', Guid, opts.subscriptionId);
  flag('resource-group', Workspace.shape.resourceGroup, opts.resourceGroup);
  flag('workspace-name', Workspace.shape.workspaceName, opts.workspaceName);
  flag('location', Workspace.shape.location, opts.location);
  flag('workspace-id', Guid, opts.workspaceId);
  return {
    // not the example's "Contoso" in a real tenant's titles: the accounts' domain unless --tenant-name says otherwise
    tenantName: opts.tenantName ?? tenantOfUpn(accounts[0].userPrincipalName),
    accounts,
    workspace: opts.subscriptionId
      ? {
          subscriptionId: opts.subscriptionId!,
          resourceGroup: opts.resourceGroup!,
          workspaceName: opts.workspaceName!,
          location: opts.location!,
          workspaceId: opts.workspaceId,
        }
      : undefined,
    emails: opts.notify,
  };
}

/**
 * Answers from prompts (node:readline), each checked as it is typed: on a terminal a wrong answer is asked again; piped
 * answers (one a line, in the order of the questions, no prompts shown) stop at the first wrong one, and an input that
 * ends early leaves the questions that may be empty empty.
 */
async function fromPrompts(opts: InitOptions, piped = false): Promise<InitAnswers> {
  const rl = readline.createInterface({ input: initDeps.input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const out = initDeps.output;
  let answered = 0;
  const accounts: InitAnswers['accounts'] = [];
  const ask = async (question: string, check?: (v: string) => string | undefined, dflt?: string): Promise<string> => {
    for (;;) {
      if (!piped) out.write(`${question}${dflt !== undefined ? ` [${dflt}]` : ''}: `);
      const next = await lines.next();
      if (next.done) {
        if (piped && answered === 0) throw needsFlags(opts);
        // a pipe that ends early: the questions that may be empty are
        if (piped && !check?.(dflt ?? '')) return dflt ?? '';
        throw new UsageError(`the input ended before "${question}" was answered; nothing was written`);
      }
      answered++;
      const v = String(next.value).trim() || dflt || '';
      const p = check?.(v);
      if (!p) return v;
      if (piped)
        throw new UsageError(`answer ${answered} ("${question}"): ${p}, got ${describeValue(v)}; nothing was written`);
      // quoted as config errors quote a value: a direction override or C1 control is escaped, not printed
      out.write(`  ${p}, got ${describeValue(v)}; try again\n`);
    }
  };
  /** the same object id or UPN twice is one account (duplicates compare without case, as the config's check) */
  const taken = (key: 'objectId' | 'userPrincipalName', v: string) => {
    const n = accounts.findIndex((a) => a[key].toLowerCase() === v.toLowerCase());
    return n < 0 ? undefined : `the same as account ${n + 1}'s`;
  };
  const field = (schema: z.ZodTypeAny) => (v: string) => problem(schema, v);
  try {
    if (!piped)
      out.write(
        'btg init: a config for your break-glass accounts (Ctrl-C to stop; nothing is written until the end)\n',
      );
    const tenantName = await ask(
      'Tenant name (used in titles and routines)',
      (v) => (v ? problem(ConfigSchema.shape.tenantName, v) : 'expected a name'),
      opts.tenantName ?? 'Contoso',
    );
    const need = opts.allowSingleAccount ? 1 : 2;
    for (let i = 1; ; i++) {
      const optional = accounts.length >= need;
      const objectId = await ask(`Account ${i} object id${optional ? ' (empty when done)' : ''}`, (v) =>
        optional && !v ? undefined : (problem(Guid, v) ?? taken('objectId', v)),
      );
      if (!objectId) break;
      const userPrincipalName = await ask(
        `Account ${i} user principal name`,
        (v) => problem(Upn, v) ?? taken('userPrincipalName', v),
      );
      accounts.push({ objectId, userPrincipalName });
    }
    const emailList = (v: string) => v.split(/[,;\s]+/).filter(Boolean);
    const emails = emailList(
      await ask('Notification emails, comma-separated (empty for none)', (v) =>
        emailList(v)
          .map((e) => problem(Email, e))
          .find(Boolean),
      ),
    );
    const subscriptionId = await ask('Workspace subscription id (empty to add workspaces later)', (v) =>
      v ? problem(Guid, v) : undefined,
    );
    let workspace: InitAnswers['workspace'];
    if (subscriptionId) {
      const resourceGroup = await ask('Workspace resource group', field(Workspace.shape.resourceGroup));
      const workspaceName = await ask('Workspace name', field(Workspace.shape.workspaceName));
      const location = await ask('Workspace location (Azure region)', field(Workspace.shape.location), 'westeurope');
      const workspaceId = await ask('Workspace ID (customer id, Overview → Workspace ID; empty to skip)', (v) =>
        v ? problem(Guid, v) : undefined,
      );
      workspace = { subscriptionId, resourceGroup, workspaceName, location, workspaceId: workspaceId || undefined };
    }
    return { tenantName, accounts, workspace, emails };
  } finally {
    rl.close();
  }
}

/** Add `name` to the .gitignore beside it, unless it is listed already. Returns true when added. */
function gitignore(file: string): boolean {
  const dir = path.dirname(path.resolve(file));
  const ignore = path.join(dir, '.gitignore');
  const entry = `/${path.basename(file)}`;
  const text = fs.existsSync(ignore) ? fs.readFileSync(ignore, 'utf8') : '';
  if (text.split(/\r?\n/).some((l) => l.trim() === entry || l.trim() === path.basename(file))) return false;
  fs.writeFileSync(
    ignore,
    `${text}${text && !text.endsWith('\n') ? '\n' : ''}# btg init: the config names real accounts\n${entry}\n`,
  );
  return true;
}

async function run(opts: InitOptions, setExit: SetExit): Promise<void> {
  const file = opts.config;
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(`${file}: the folder ${path.dirname(file)} does not exist; nothing was written`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory())
    throw new UsageError(
      `${file} is a folder; pass the config file's path, e.g. -c ${path.join(file, 'btg.config.yaml')}`,
    );
  if (fs.existsSync(file) && !opts.force)
    throw new UsageError(
      `${file} already exists: nothing was written (use --force to overwrite it, or -c <file> for another path)`,
    );
  const mode = opts.account.length ? 'flags' : initDeps.interactive() ? 'ask' : initDeps.piped() ? 'pipe' : 'flags';
  const answers = mode === 'flags' ? fromFlags(opts) : await fromPrompts(opts, mode === 'pipe');
  const text = configText(answers, { allowSingleAccount: opts.allowSingleAccount });
  // the same schema as every other command: what init writes, build loads
  const checked = parseConfigText(text, file);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    process.stderr.write(formatters.stylish(errors, { color: isTty(process.stderr) }));
    throw new UsageError(`${file}: the values above are not valid; nothing was written`);
  }
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode: 0o644 });
  fs.renameSync(tmp, file);
  const ignored = holdsRealIds(answers) && gitignore(file);
  const shown = file;
  const cfg = shown === 'btg.config.yaml' ? '' : ` -c ${shown}`;
  process.stdout.write(
    [
      `wrote ${shown}${ignored ? ` (and added it to ${path.join(path.dirname(shown), '.gitignore')}: it names real accounts)` : ''}`,
      'next:',
      `  npx btg build${cfg}   # build and validate the pack into out/, then open out/report.html`,
      answers.workspace
        ? `  npx btg plan${cfg}    # what btg deploy would change in your workspace (needs az login)`
        : `  npx btg check${cfg}   # posture of the accounts from Microsoft Graph (needs az login)`,
      '',
    ].join('\n'),
  );
  setExit(ExitCode.Ok);
}

export function register(program: Command, setExit: SetExit): void {
  const collect = (v: string, prev: string[]) => [...prev, v];
  configOption(
    program
      .command('init')
      .description(
        'write a commented btg.config.yaml: asks for the accounts, workspace and notification addresses on a terminal (or reads the answers piped in, one a line), or takes them as flags (CI)',
      ),
    'config file to write',
  )
    .option('--force', 'overwrite an existing config file')
    .option(
      '--tenant-name <name>',
      "tenant name used in titles and routines (default: from the first account's domain, e.g. Fabrikam)",
    )
    .option(
      '--account <objectId=upn>',
      'a break-glass account: its object id and user principal name; repeatable (two recommended)',
      collect,
      [],
    )
    .option('--allow-single-account', 'accept one account (Microsoft recommends two or more)')
    .option('--notify <email>', 'who is told when an alert fires; repeatable', collect, [])
    .option('--subscription-id <guid>', 'workspace subscription id')
    .option('--resource-group <name>', 'workspace resource group')
    .option('--workspace-name <name>', 'Log Analytics workspace name')
    .option('--location <region>', 'workspace Azure region, e.g. westeurope')
    .option(
      '--workspace-id <guid>',
      'workspace customer id (Overview → Workspace ID), for btg test --live and btg drill',
    )
    .action(async (opts: InitOptions) => run(opts, setExit));
}
