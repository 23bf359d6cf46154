/**
 * `btg test`: each rule's `tests:` rows as shadow queries (datatable lets in place of the rule's tables, then the
 * rule's own query, then `| count`). Offline (default): every shadow query is checked by the KQL analyzer.
 * `--live`: they run against a workspace through the Log Analytics query API (read-only, nothing ingested) and
 * each case reports expected vs actual. Exit 1 when a case is invalid, fails or errors; 2 when the run could not
 * happen (config, credential, workspace unreachable or refused).
 */
import type { TokenCredential } from '@azure/identity';
import type { LogsQueryClientOptions } from '@azure/monitor-query-logs';
import { Command } from 'commander';
import * as path from 'path';
import { loadConfig } from '../../config/load';
import { Config } from '../../config/schema';
import { loadPack } from '../../content/pack';
import { bundledSchemas, loadSchemaDir, TableSchemas } from '../../kql/schemas';
import {
  accountMap,
  CaseResult,
  chooseWorkspace,
  logsOrigin,
  logsWorkspaceQuery,
  OfflineReport,
  optionNotes,
  planTests,
  runLive,
  runOffline,
  TestReport,
} from '../../livetest';
import { defaultAnalyzer, KqlAnalyzer } from '../../kql/analyzer';
import { EXAMPLE_CONFIG } from '../../paths';
import { Diagnostic } from '../../core/diagnostic';
import { azureCredential, signIn } from '../credential';
import { configOption, requireConfig, unknownId, UsageError } from '../options';
import { withLogsWorkspaceOptions } from '../logsOptions';
import { ExitCode, SetExit } from '../exit';
import { isTty, terminalSafe } from '../io';

/** Seams for tests: the credential, the clock, and extra query-client options (TLS trust for a local server). */
export const testDeps: {
  credential: (tenant?: string) => Promise<TokenCredential>;
  now: () => Date;
  clientOptions?: LogsQueryClientOptions;
} = {
  credential: (tenant) => azureCredential(tenant),
  now: () => new Date(),
  clientOptions: undefined,
};

interface TestOptions {
  config: string;
  live?: boolean;
  workspace?: string;
  workspaceId?: string;
  endpoint: string;
  tenant?: string;
  rule?: string[];
  concurrency: number;
  json?: boolean;
  showQueries?: boolean;
  schemas?: string;
  mutate?: boolean;
}

function formatDiagnostic(d: Diagnostic): string {
  const where = d.file
    ? `${d.file}${d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : ''}: `
    : '';
  // a key, path or file name from the config is printed as it was written: never a control sequence
  return terminalSafe(`${where}${d.severity}: ${d.message}`);
}

const STATUS_COLOR: Record<CaseResult['status'], string> = {
  pass: '32',
  valid: '32',
  fail: '31',
  invalid: '31',
  error: '31',
  skip: '90',
};

function outcome(c: CaseResult): string {
  switch (c.status) {
    case 'pass':
    case 'fail':
      return `expected ${c.expect}, ${c.actual === 'fire' ? 'fired' : 'did not fire'} (count ${c.count})`;
    case 'valid':
      return `expects ${c.expect}; shadow query valid`;
    case 'invalid':
      return `expects ${c.expect}; shadow query NOT valid:`;
    case 'error':
      return c.error ?? 'error';
    case 'skip':
      return `skipped: ${c.skipReason}`;
  }
}

export function formatReport(r: TestReport, color = false): string {
  const out: string[] = [];
  const paint = (s: string, status: CaseResult['status']) => (color ? `\x1b[${STATUS_COLOR[status]}m${s}\x1b[0m` : s);
  if (r.mode === 'live')
    out.push(
      `btg test --live: workspace ${r.workspace?.label} (${r.workspace?.workspaceId}) at ${r.workspace?.endpoint}, now ${r.now}`,
    );
  else
    out.push(
      `btg test (offline): each case's rows executed through the rule's query by the offline KQL evaluator (add --live to run them against a workspace)`,
    );
  out.push(`time: ${r.timeShift}`, '');
  const width = Math.max(0, ...r.rules.flatMap((x) => x.cases.map((c) => c.name.length)));
  for (const rule of r.rules) {
    out.push(
      `${rule.templateId} (${rule.kind}, fires when ${rule.trigger}, window ${rule.window}, reads ${rule.tables.join(', ') || 'no table'})`,
    );
    if (rule.cases.length === 0) out.push('  (no tests)');
    for (const c of rule.cases) {
      out.push(`  ${paint(c.status.toUpperCase().padEnd(7), c.status)}  ${c.name.padEnd(width)}  ${outcome(c)}`);
      for (const p of c.problems) out.push(`           - ${p}`);
      for (const d of c.details ?? []) out.push(`           ${d}`);
      if (c.query)
        out.push(
          ...c.query
            .replace(/\n$/, '')
            .split('\n')
            .map((l) => `           | ${l}`),
        );
    }
    const m = (rule as OfflineReport['rules'][number]).mutation;
    if (m) {
      if (m.notScored) out.push(`  mutation score: not scored (${m.notScored}; ${m.total} mutants)`);
      else {
        out.push(
          `  mutation score: ${Math.round(m.score * 100)}% (${m.killed}/${m.total} mutants killed)${m.score < 0.8 ? '  below 80%: add rows that tell these apart' : ''}`,
        );
        for (const sv of m.survivors) out.push(`    survived: ${sv}`);
      }
    }
    out.push('');
  }
  if (r.notes.length) out.push('notes:', ...r.notes.map((n) => `  - ${n}`), '');
  if (r.fatal) out.push(`stopped: ${r.fatal}`, '');
  const s = r.summary;
  const parts = [
    `${s.pass} passed`,
    `${s.fail} failed`,
    `${s.error} errors`,
    ...(r.mode === 'offline' ? [`${s.invalid} invalid`] : []),
    `${s.skip} skipped`,
  ];
  out.push(`${s.rules} rules, ${s.cases} cases: ${parts.join(', ')}`);
  const scored = r.rules.map((x) => (x as OfflineReport['rules'][number]).mutation).filter((m) => m && !m.notScored);
  if (scored.length) {
    const killed = scored.reduce((a, m) => a + m!.killed, 0);
    const total = scored.reduce((a, m) => a + m!.total, 0);
    const low = r.rules
      .filter((x) => {
        const m = (x as OfflineReport['rules'][number]).mutation;
        return m && !m.notScored && m.score < 0.8;
      })
      .map((x) => x.templateId);
    out.push(
      `mutants: ${killed}/${total} killed over ${scored.length} rules${low.length ? `; below 80%: ${low.join(', ')}` : ''}`,
    );
  }
  out.push('');
  return out.join('\n');
}

function schemasFor(opts: TestOptions): TableSchemas {
  return { ...bundledSchemas(), ...(opts.schemas ? loadSchemaDir(opts.schemas) : {}) };
}

async function run(opts: TestOptions, setExit: SetExit): Promise<void> {
  if (opts.mutate && opts.live) {
    process.stderr.write(
      'btg test: --mutate runs offline only (the offline KQL evaluator runs the mutants), not with --live\n',
    );
    return setExit(ExitCode.ToolError);
  }
  requireConfig(opts.config);
  const loaded = loadConfig(opts.config);
  for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  // an invalid config is a finding (exit 1), as in build and validate; a missing one is a usage error (2)
  if (!loaded.config) return setExit(ExitCode.Findings);
  const config: Config = loaded.config;
  const example = loadConfig(EXAMPLE_CONFIG).config;
  if (!example) throw new Error(`cannot load ${EXAMPLE_CONFIG}, which the pack's test rows are written for`);

  const cfgFile = path.relative(process.cwd(), path.resolve(opts.config)) || opts.config;
  // the rules to test first: a wrong --rule is a usage error found before signing in
  const pack = loadPack(config, cfgFile, loaded.source);
  if (opts.rule) {
    const known = [...pack.rules.map((r) => r.templateId), ...pack.skipped.map((s) => s.templateId)];
    for (const id of opts.rule) {
      if (pack.hunting.some((h) => h.templateId === id))
        throw new UsageError(`${id} is a hunting query: btg test runs the test rows of analytics rules`);
      if (!known.includes(id))
        throw unknownId(
          'rule',
          id,
          pack.rules.map((r) => r.templateId),
        );
    }
    // only rules this config leaves out: nothing would run, say why instead of a green "0 rules"
    const left = opts.rule.map((id) => pack.skipped.find((x) => x.templateId === id));
    if (left.every(Boolean))
      throw new UsageError(
        `nothing to test: ${left.map((x) => `${x!.templateId} is not in the pack for this config (${x!.reason})`).join('; ')}`,
      );
  }

  // --live: the workspace and a token before any work (one message and exit 2, not one error per case)
  let live: { ws: ReturnType<typeof chooseWorkspace>; endpoint: string; credential: TokenCredential } | undefined;
  if (opts.live) {
    const ws = chooseWorkspace(config, { workspace: opts.workspace, workspaceId: opts.workspaceId });
    const endpoint = logsOrigin(opts.endpoint);
    const credential = await testDeps.credential(opts.tenant);
    await signIn(credential, `${endpoint}/.default`);
    live = { ws, endpoint, credential };
  }
  const errors = [...pack.diagnostics.rules, ...pack.diagnostics.hunting, ...pack.diagnostics.config].filter(
    (d) => d.severity === 'error',
  );
  for (const d of errors) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (errors.length)
    process.stderr.write(
      `btg test: ${errors.length} template error(s); the rules that loaded are tested (run btg validate)\n`,
    );

  const plan = planTests({
    rules: pack.rules,
    schemas: schemasFor(opts),
    now: testDeps.now(),
    accounts: accountMap(example.accounts, config.accounts),
    watchlistAccounts: config.accounts,
    only: opts.rule,
    // offline the evaluator runs the rule's own tree; the hermetic analysis of the shadow text is what --live needs
    validate: !!opts.live,
  });
  plan.notes.push(
    ...optionNotes(config, example),
    ...pack.skipped
      .filter((s) => !opts.rule || opts.rule.includes(s.templateId))
      .map((s) => `${s.templateId}: not tested, not in the pack for this config (${s.reason})`),
  );

  let report: TestReport;
  if (!opts.live) {
    const schemas = schemasFor(opts);
    const analyzer = opts.schemas ? new KqlAnalyzer({ tables: schemas }) : defaultAnalyzer();
    report = runOffline(plan, pack.rules, {
      analyzer,
      schemas,
      watchlistAccounts: config.accounts,
      accounts: accountMap(example.accounts, config.accounts),
      showQueries: opts.showQueries,
      mutate: opts.mutate,
    });
  } else {
    const { ws, endpoint, credential } = live!;
    const query = await logsWorkspaceQuery({
      credential,
      workspaceId: ws.workspaceId,
      endpoint,
      clientOptions: testDeps.clientOptions,
    });
    report = await runLive(plan, query, {
      concurrency: opts.concurrency,
      showQueries: opts.showQueries,
      workspace: { ...ws, endpoint },
    });
  }

  if (opts.json) process.stdout.write(`${JSON.stringify({ tool: 'btg test', ...report }, null, 2)}\n`);
  else process.stdout.write(formatReport(report, isTty(process.stdout)));

  const s = report.summary;
  if (report.fatal) setExit(ExitCode.ToolError);
  else setExit(s.invalid + s.fail + s.error > 0 ? ExitCode.Findings : ExitCode.Ok);
}

const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 16) throw new Error(`${flag} ${v}: expected a whole number from 1 to 16`);
  return n;
};

export function register(program: Command, setExit: SetExit): void {
  withLogsWorkspaceOptions(
    configOption(
      program
        .command('test')
        .description(
          "run each rule's tests: rows through the rule's own query, shadowing its tables with datatable rows (no data ingested); offline the offline KQL evaluator executes them, --live runs them against a workspace",
        ),
    ).option(
      '--live',
      'run the shadow queries against the workspace (Log Analytics query API) and compare with the expected result',
    ),
    'the configured workspace to query (its name or workspaceName), when several are configured',
  )
    .option('--rule <templateId...>', 'test only these rules')
    .option(
      '--concurrency <n>',
      'queries in flight at once (the query API allows 5 per user)',
      positiveInt('--concurrency'),
      4,
    )
    .option('--schemas <dir>', 'extra table schemas (Azure-Sentinel custom-table JSON) for tables the rules read')
    .option('--show-queries', 'print each generated shadow query')
    .option(
      '--mutate',
      "offline: also apply small mutations to each rule's query (negate/drop a where, swap ==/!=, has/!has, in/!in, threshold ±1, drop a union leg) and report how many each rule's cases kill",
    )
    .option('--json', 'print the report as JSON (for CI)')
    .action(async (opts: TestOptions) => run(opts, setExit));
}
