/**
 * A corpus of realistic analytic rules for the validation benchmark: published Sentinel rules average
 * about 2 KB of KQL, with lets, joins, summarize and parse. Built from a few identity-detection shapes
 * with varied names and thresholds so every query is distinct (the analyzer caches nothing across queries).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { v5 as uuidv5 } from 'uuid';

const NS = '2b1f4a63-0d7e-4c59-8a3b-7f2e9c1d5a40';

const SHAPES: ((i: number) => string)[] = [
  (i) => `let lookback = ${1 + (i % 7)}d;
let threshold = ${3 + (i % 11)};
let privilegedRoles = dynamic(["Global Administrator", "Privileged Role Administrator", "Security Administrator", "User Administrator", "Exchange Administrator", "SharePoint Administrator"]);
let roleChanges = AuditLogs
| where TimeGenerated > ago(lookback)
| where OperationName in ("Add member to role", "Add eligible member to role", "Add member to role completed (PIM activation)")
| extend RoleName = tostring(TargetResources[0].modifiedProperties[1].newValue)
| extend RoleName = replace_string(RoleName, '"', "")
| where RoleName in (privilegedRoles)
| extend TargetUpn = tostring(TargetResources[0].userPrincipalName), TargetId = tostring(TargetResources[0].id)
| extend Initiator = coalesce(tostring(InitiatedBy.user.userPrincipalName), tostring(InitiatedBy.app.displayName))
| extend InitiatorIp = tostring(InitiatedBy.user.ipAddress)
| project RoleTime = TimeGenerated, RoleName, TargetUpn, TargetId, Initiator, InitiatorIp, CorrelationId;
SigninLogs
| where TimeGenerated > ago(lookback)
| where ResultType == "0"
| extend Country = tostring(LocationDetails.countryOrRegion), City = tostring(LocationDetails.city)
| extend Browser = tostring(DeviceDetail.browser), OS = tostring(DeviceDetail.operatingSystem)
| summarize SignIns = count(), Countries = make_set(Country, 20), IPs = make_set(IPAddress, 50), Apps = make_set(AppDisplayName, 20), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by UserId, UserPrincipalName
| where array_length(Countries) >= ${2 + (i % 3)} or SignIns > threshold * ${10 + i}
| join kind=inner (roleChanges) on $left.UserId == $right.TargetId
| where RoleTime between (FirstSeen .. (LastSeen + 1h))
| extend AccountName = tostring(split(UserPrincipalName, "@")[0]), UPNSuffix = tostring(split(UserPrincipalName, "@")[1])
| extend IPAddress = tostring(IPs[0])
| project LastSeen, UserId, UserPrincipalName, AccountName, UPNSuffix, RoleName, Initiator, InitiatorIp, SignIns, Countries, IPAddress, Apps, CorrelationId`,
  (i) => `let window = ${10 + (i % 50)}m;
let failureCodes = dynamic(["50126", "50053", "50055", "50056", "50074", "50076", "50079", "50125", "500121"]);
let failures = union
    (SigninLogs | extend Interactive = true, StatusCode = tostring(Status.errorCode), Reason = tostring(Status.failureReason)),
    (AADNonInteractiveUserSignInLogs | extend Interactive = false, StatusCode = tostring(todynamic(Status).errorCode), Reason = tostring(todynamic(Status).failureReason))
| where TimeGenerated > ago(1d)
| where ResultType in (failureCodes)
| summarize Failures = count(), Codes = make_set(ResultType, 10), Reasons = make_set(Reason, 5), Targets = dcount(UserPrincipalName), TargetList = make_set(UserPrincipalName, 25), FirstFailure = min(TimeGenerated), LastFailure = max(TimeGenerated) by IPAddress, bin(TimeGenerated, window)
| where Failures >= ${20 + (i % 40)} and Targets >= ${3 + (i % 5)};
let successes = SigninLogs
| where TimeGenerated > ago(1d)
| where ResultType == "0"
| project SuccessTime = TimeGenerated, IPAddress, UserPrincipalName, UserId, AppDisplayName, AppId, ClientAppUsed, UserAgent;
failures
| join kind=inner (successes) on IPAddress
| where SuccessTime between (FirstFailure .. (LastFailure + window))
| extend AccountName = tostring(split(UserPrincipalName, "@")[0]), UPNSuffix = tostring(split(UserPrincipalName, "@")[1])
| summarize arg_max(SuccessTime, *) by UserPrincipalName, IPAddress
| project SuccessTime, UserId, UserPrincipalName, AccountName, UPNSuffix, IPAddress, Failures, Targets, Codes, Reasons, AppDisplayName, AppId, ClientAppUsed, UserAgent, TargetList`,
  (
    i,
  ) => `let ops = dynamic(["Update conditional access policy", "Delete conditional access policy", "Add conditional access policy", "Update policy", "Add policy"]);
AuditLogs
| where TimeGenerated > ago(${1 + (i % 13)}h)
| where OperationName in (ops) and Result =~ "success"
| extend PolicyName = tostring(TargetResources[0].displayName), PolicyId = tostring(TargetResources[0].id)
| mv-apply Prop = TargetResources[0].modifiedProperties on (
    where tostring(Prop.displayName) in ("ConditionalAccessPolicy", "Policy")
    | extend NewValue = tostring(Prop.newValue), OldValue = tostring(Prop.oldValue)
  )
| extend NewPolicy = parse_json(NewValue), OldPolicy = parse_json(OldValue)
| extend NewState = tostring(NewPolicy.state), OldState = tostring(OldPolicy.state)
| extend NewExcluded = NewPolicy.conditions.users.excludeUsers, OldExcluded = OldPolicy.conditions.users.excludeUsers
| extend NewExcludedGroups = NewPolicy.conditions.users.excludeGroups, OldExcludedGroups = OldPolicy.conditions.users.excludeGroups
| extend Removed = set_difference(OldExcluded, NewExcluded), RemovedGroups = set_difference(OldExcludedGroups, NewExcludedGroups)
| where array_length(Removed) > 0 or array_length(RemovedGroups) > 0 or OperationName has "Delete" or NewState != OldState
| extend Initiator = coalesce(tostring(InitiatedBy.user.userPrincipalName), tostring(InitiatedBy.app.displayName)), InitiatorId = tostring(InitiatedBy.user.id), InitiatorIp = tostring(InitiatedBy.user.ipAddress)
| extend AccountName = tostring(split(Initiator, "@")[0]), UPNSuffix = tostring(split(Initiator, "@")[1])
| extend Severity = iff(OperationName has "Delete" or array_length(Removed) > ${i % 4}, "High", "Medium")
| project TimeGenerated, OperationName, PolicyName, PolicyId, Initiator, InitiatorId, InitiatorIp, AccountName, UPNSuffix, Removed, RemovedGroups, NewState, OldState, Severity, CorrelationId`,
  (i) => `let baselineDays = ${7 + (i % 21)}d;
let recent = 1h;
let baseline = SigninLogs
| where TimeGenerated between (ago(baselineDays) .. ago(recent))
| where ResultType == "0"
| extend Country = tostring(LocationDetails.countryOrRegion), ASN = AutonomousSystemNumber
| summarize BaselineCountries = make_set(Country, 100), BaselineASNs = make_set(ASN, 100), BaselineApps = make_set(AppDisplayName, 100) by UserId;
SigninLogs
| where TimeGenerated > ago(recent)
| where ResultType == "0"
| extend Country = tostring(LocationDetails.countryOrRegion), City = tostring(LocationDetails.city), ASN = AutonomousSystemNumber
| extend RiskDetail = tostring(RiskLevelDuringSignIn), Mfa = tostring(MfaDetail.authMethod)
| join kind=leftouter (baseline) on UserId
| where not(set_has_element(BaselineCountries, Country)) and not(set_has_element(BaselineASNs, ASN))
| extend NewApp = not(set_has_element(BaselineApps, AppDisplayName))
| where RiskDetail in ("medium", "high") or NewApp or ${i % 2 == 0 ? 'true' : 'false'}
| extend AccountName = tostring(split(UserPrincipalName, "@")[0]), UPNSuffix = tostring(split(UserPrincipalName, "@")[1])
| summarize arg_max(TimeGenerated, *) by UserId, Country
| project TimeGenerated, UserId, UserPrincipalName, AccountName, UPNSuffix, IPAddress, Country, City, ASN, AppDisplayName, RiskDetail, Mfa, NewApp, CorrelationId`,
];

export interface CorpusRule {
  file: string;
  query: string;
}

/** Write `n` rule files into `dir`; returns their paths and queries. */
export function writeCorpus(dir: string, n: number): CorpusRule[] {
  fs.mkdirSync(dir, { recursive: true });
  const out: CorpusRule[] = [];
  for (let i = 0; i < n; i++) {
    // the shapes average ~1.6 KB; published rules ~2 KB: add the enrichment tail many real rules carry
    const [upn, uid] = i % SHAPES.length === 2 ? ['Initiator', 'InitiatorId'] : ['UserPrincipalName', 'UserId'];
    const query =
      SHAPES[i % SHAPES.length](i) +
      `
| extend DetectedBy = "bench-rule-${i}", RuleIndex = ${i}, Hour = datetime_part("hour", now()), Weekday = toint(dayofweek(now()) / 1d)
| extend Summary = strcat("rule ", tostring(RuleIndex), " at ", tostring(Hour), "h on day ", tostring(Weekday), " for ", ${upn})
| extend Link = strcat("https://portal.azure.com/#blade/Microsoft_AAD_IAM/UsersManagementMenuBlade/MsGraphUsers/userId/", ${uid})
`;
    const cols = ['UserId', 'UserPrincipalName', 'AccountName', 'UPNSuffix'];
    const isAudit = i % SHAPES.length === 2;
    const rule = {
      id: uuidv5(`bench-${i}`, NS),
      name: `Benchmark identity rule ${i}`,
      description: `Synthetic rule ${i} of realistic size for the validation benchmark.`,
      severity: ['Low', 'Medium', 'High'][i % 3],
      requiredDataConnectors: [{ connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs', 'AuditLogs'] }],
      queryFrequency: '1h',
      queryPeriod: '1d',
      triggerOperator: 'gt',
      triggerThreshold: 0,
      tactics: ['InitialAccess', 'Persistence'],
      relevantTechniques: ['T1078.004', 'T1098'],
      query,
      entityMappings: [
        {
          entityType: 'Account',
          fieldMappings: isAudit
            ? [
                { identifier: 'AadUserId', columnName: 'InitiatorId' },
                { identifier: 'Name', columnName: 'AccountName' },
              ]
            : cols.slice(0, 1).map((c) => ({ identifier: 'AadUserId', columnName: c })),
        },
      ],
      version: '1.0.0',
      kind: 'Scheduled',
    };
    const file = path.join(dir, `rule-${String(i).padStart(5, '0')}.yaml`);
    fs.writeFileSync(file, stringify(rule, { lineWidth: 0, blockQuote: 'literal' }));
    out.push({ file, query });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// `npm run corpus -- <Azure-Sentinel checkout>`: validate every analytic rule and hunting query of the repository with
// its own custom-table, function and parser schemas; print counts per check; write a JSON report.

export interface CorpusReport {
  root: string;
  commit?: string;
  files: number;
  shapes: Record<string, number>;
  schemas: { tables: number; functions: number; files: number; diagnostics: number };
  /** per check id: counts by severity */
  checks: Record<string, { error: number; warning: number; info: number }>;
  errors: { file: string; line?: number; code: string; message: string }[];
  threads: number;
  /** validation wall time (schemas already loaded) */
  ms: number;
  /** CPU time of the validation, every thread (user + system) */
  cpuMs?: number;
  /** loading the schema sources */
  schemaMs: number;
  bare?: { ms: number; queries: number; ratio: number; cpuMs?: number; cpuRatio?: number };
}

/** Rule and hunting query files of an Azure-Sentinel checkout, sorted. */
export function corpusFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, keep: (p: string) => boolean) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, keep);
      else if (/\.ya?ml$/i.test(e.name) && keep(p)) out.push(p);
    }
  };
  walk(path.join(root, 'Detections'), () => true);
  walk(path.join(root, 'Hunting Queries'), () => true);
  walk(path.join(root, 'Solutions'), (p) => /[\\/](Analytic Rules|Hunting Queries)[\\/]/i.test(path.relative(root, p)));
  return [...new Set(out)].sort();
}

/** The repository's own schema sources: CustomTables, CustomFunctions (KQL validation tests), the ASIM parsers and the solutions' parser functions. */
export function corpusSchemaSources(root: string): string[] {
  const kv = path.join(root, '.script', 'tests', 'KqlvalidationsTests');
  const solutionParsers = fs.existsSync(path.join(root, 'Solutions'))
    ? fs
        .readdirSync(path.join(root, 'Solutions'))
        .sort()
        .map((s) => path.join(root, 'Solutions', s, 'Parsers'))
    : [];
  return [
    path.join(kv, 'CustomTables'),
    path.join(kv, 'CustomFunctions'),
    path.join(root, 'Parsers'),
    ...solutionParsers,
  ].filter((p) => fs.existsSync(p));
}

function gitCommit(root: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return (
      require('child_process')
        .execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * `tables`: schema sources for the built-in Log Analytics tables, which Azure-Sentinel's CI takes from its analyzer
 * package rather than from the repository (e.g. Microsoft's published table reference converted to custom-table JSON);
 * the repository's own CustomTables override them, as its LocalOverrideTablesLoader does.
 */
export async function runCorpus(
  root: string,
  opts: { jobs?: number; bench?: boolean; commit?: string; limit?: number; tables?: string[] } = {},
): Promise<CorpusReport> {
  // required lazily so `writeCorpus` users do not load the analyzer
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { loadSchemaSources } = require('../kql/schemas') as typeof import('../kql/schemas');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { validateContentFiles } = require('../validate/files') as typeof import('../validate/files');
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
    throw new Error(`${root}: not a folder (expected an Azure-Sentinel checkout)`);
  let files = corpusFiles(root);
  if (opts.limit) files = files.slice(0, opts.limit);
  if (!files.length)
    throw new Error(
      `${root}: no *.yaml under Detections/, Hunting Queries/ or Solutions/*/(Analytic Rules|Hunting Queries)/`,
    );
  const s0 = process.hrtime.bigint();
  const schemaSet = loadSchemaSources(corpusSchemaSources(root));
  if (opts.tables?.length) {
    // built-in tables: only those neither bundled with btg nor declared by the repository (its CustomTables win)
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { bundledSchemas } = require('../kql/schemas') as typeof import('../kql/schemas');
    const builtin = loadSchemaSources(opts.tables);
    const bundled = new Set(Object.keys(bundledSchemas()).map((t) => t.toLowerCase()));
    const declared = new Set(Object.keys(schemaSet.tables).map((t) => t.toLowerCase()));
    for (const [name, cols] of Object.entries(builtin.tables))
      if (!bundled.has(name.toLowerCase()) && !declared.has(name.toLowerCase())) schemaSet.tables[name] = cols;
  }
  const schemaMs = Number(process.hrtime.bigint() - s0) / 1e6;
  // timed from here: both this run and the bare loop start from the same loaded schemas
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const run = await validateContentFiles(files, { schemaSet, jobs: opts.jobs });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const checks: CorpusReport['checks'] = {};
  const shapes: Record<string, number> = {};
  for (const r of run.results) shapes[r.shape ?? 'unreadable'] = (shapes[r.shape ?? 'unreadable'] ?? 0) + 1;
  for (const d of run.diagnostics) (checks[d.code] ??= { error: 0, warning: 0, info: 0 })[d.severity]++;
  const rel = (f?: string) => (f ? path.relative(root, f) : '');
  const report: CorpusReport = {
    root,
    commit: opts.commit ?? gitCommit(root),
    files: files.length,
    shapes,
    schemas: {
      tables: Object.keys(schemaSet.tables).length,
      functions: schemaSet.functions.length,
      files: schemaSet.files,
      diagnostics: schemaSet.diagnostics.length,
    },
    checks,
    errors: run.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({
        file: rel(d.file),
        line: d.range ? d.range.start.line + 1 : undefined,
        code: d.code,
        message: d.message,
      })),
    threads: run.threads,
    ms,
    cpuMs,
    schemaMs,
  };
  if (opts.bench) {
    // the floor, in a fresh process so neither side inherits the other's warm engine: one analyzer (same schemas)
    // over the same queries, single-threaded, nothing else
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { execFileSync } = require('child_process') as typeof import('child_process');
    const args = [
      __filename,
      root,
      '--bare',
      ...(opts.limit ? ['--limit', String(opts.limit)] : []),
      ...(opts.tables ?? []).flatMap((t) => ['--tables', t]),
    ];
    const bare = JSON.parse(execFileSync(process.execPath, args, { maxBuffer: 1 << 24 }).toString()) as {
      ms: number;
      queries: number;
      cpuMs: number;
    };
    report.bare = { ...bare, ratio: ms / bare.ms, cpuRatio: cpuMs / bare.cpuMs };
  }
  return report;
}

export function formatCorpusReport(r: CorpusReport): string {
  const lines = [
    `corpus ${r.root}${r.commit ? ` @ ${r.commit}` : ''}: ${r.files} files (${Object.entries(r.shapes)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')})`,
  ];
  lines.push(
    `schemas: ${r.schemas.tables} tables, ${r.schemas.functions} functions from ${r.schemas.files} files (${r.schemas.diagnostics} schema-file notes)`,
  );
  lines.push('check                              errors  warnings  infos');
  for (const [code, c] of Object.entries(r.checks).sort(([a], [b]) => a.localeCompare(b)))
    lines.push(
      `${code.padEnd(34)} ${String(c.error).padStart(6)}  ${String(c.warning).padStart(8)}  ${String(c.info).padStart(5)}`,
    );
  lines.push(
    `${r.errors.length} error(s); ${r.threads} thread(s), ${(r.ms / 1000).toFixed(1)} s (schemas loaded in ${(r.schemaMs / 1000).toFixed(1)} s)`,
  );
  if (r.bare)
    lines.push(
      `bare single-threaded analyzer loop over the same ${r.bare.queries} queries: ${(r.bare.ms / 1000).toFixed(1)} s; ratio ${r.bare.ratio.toFixed(2)}x (CPU ${((r.cpuMs ?? 0) / 1000).toFixed(1)} s vs ${((r.bare.cpuMs ?? 0) / 1000).toFixed(1)} s: ${(r.bare.cpuRatio ?? 0).toFixed(2)}x)`,
    );
  return lines.join('\n') + '\n';
}

/** The errors of a report as a Markdown table (file, line, check, what is wrong), for docs/corpus.md. */
export function corpusMarkdown(r: CorpusReport): string {
  const cell = (x: string) => x.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = r.errors.map(
    (e) =>
      `| \`${cell(e.file)}\`${e.line ? `:${e.line}` : ''} | \`${e.code}\` | ${cell(e.message.length > 300 ? `${e.message.slice(0, 297)}...` : e.message)} |`,
  );
  return ['| file | check | why it is a defect (the diagnostic) |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

/** The bare loop alone (run in its own process by --bench): schemas loaded untimed, then analyzer + every query timed. */
export function bareLoop(
  root: string,
  opts: { limit?: number; tables?: string[] },
): { ms: number; queries: number; cpuMs: number } {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { loadSchemaSources, bundledSchemas } = require('../kql/schemas') as typeof import('../kql/schemas');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { KqlAnalyzer } = require('../kql/analyzer') as typeof import('../kql/analyzer');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { parse } = require('yaml') as typeof import('yaml');
  let files = corpusFiles(root);
  if (opts.limit) files = files.slice(0, opts.limit);
  const set = loadSchemaSources(corpusSchemaSources(root));
  if (opts.tables?.length) {
    const builtin = loadSchemaSources(opts.tables);
    const known = new Set([...Object.keys(bundledSchemas()), ...Object.keys(set.tables)].map((t) => t.toLowerCase()));
    for (const [name, cols] of Object.entries(builtin.tables))
      if (!known.has(name.toLowerCase())) set.tables[name] = cols;
  }
  const queries: string[] = [];
  for (const f of files) {
    try {
      const d = parse(fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, ''), { maxAliasCount: 50 }) as { query?: unknown };
      if (d && typeof d.query === 'string') queries.push(d.query);
    } catch {
      /* not a query */
    }
  }
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const analyzer = new KqlAnalyzer({ tables: set.tables, functions: set.functions });
  for (const q of queries) analyzer.analyze(q);
  const cpu = process.cpuUsage(c0);
  return {
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    queries: queries.length,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function corpusMain(argv: string[]): Promise<number> {
  const args = [...argv];
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const flag = (name: string): boolean => {
    const i = args.indexOf(name);
    if (i >= 0) args.splice(i, 1);
    return i >= 0;
  };
  const reportFile = opt('--report') ?? 'corpus-report.json';
  const jobs = opt('--jobs');
  const limit = opt('--limit');
  const commit = opt('--commit');
  const bench = flag('--bench');
  const markdown = opt('--markdown');
  const bareOnly = flag('--bare');
  const tables: string[] = [];
  for (let t = opt('--tables'); t !== undefined; t = opt('--tables')) tables.push(t);
  if (args.length !== 1) {
    process.stderr.write(
      'usage: npm run corpus -- <Azure-Sentinel checkout> [--report corpus-report.json] [--jobs n] [--limit n] [--commit sha] [--bench] [--tables <built-in table schemas>]... [--markdown errors.md]\n',
    );
    return 2;
  }
  if (bareOnly) {
    process.stdout.write(
      JSON.stringify(bareLoop(args[0], { limit: limit ? Number(limit) : undefined, tables })) + '\n',
    );
    return 0;
  }
  let report: CorpusReport;
  try {
    report = await runCorpus(args[0], {
      jobs: jobs ? Number(jobs) : undefined,
      limit: limit ? Number(limit) : undefined,
      commit,
      bench,
      tables,
    });
  } catch (e) {
    process.stderr.write(`corpus: ${(e as Error).message}\n`);
    return 2;
  }
  const tmp = `${reportFile}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(report, null, 2) + '\n');
  fs.renameSync(tmp, reportFile);
  if (markdown) fs.writeFileSync(markdown, corpusMarkdown(report));
  process.stdout.write(formatCorpusReport(report) + `report: ${reportFile}\n`);
  return report.errors.length ? 1 : 0;
}

if (require.main === module) {
  corpusMain(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`corpus: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
