/**
 * The check registry: every id a finding of btg can carry (config, load errors, KQL, rule, hunting, pack, Azure-Sentinel
 * CI, test rows, workbook, playbook, Monitor alert, and the posture checks of `btg check`), each with its default
 * severity, a one-line description and its help. `Diagnostic.code` is typed as these ids (a code that is not here does
 * not compile); docs/checks.md and the SARIF rules are generated from this object. The implementations of the
 * validate checks are keyed by the same ids in scripts/validate/checks/ (the runner there adds location and severity).
 * It sits in core because config, content and validate all report diagnostics.
 */
/** A diagnostic's severity (a Sentinel rule's is RuleSeverity, core/definitions.ts). */
export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface CheckInfo {
  /** a diagnostic's severity unless the finding sets its own (posture: the status of a failed check) */
  severity: DiagnosticSeverity;
  /** what the check checks, one line (SARIF shortDescription, the table of docs/checks.md) */
  description: string;
  /** why, and what is accepted (SARIF help, docs/checks.md) */
  help: string;
  /** a posture check of `btg check` (reports pass/fail/warn/skip/info about the tenant, not a Diagnostic) */
  posture?: true;
}

export const CHECKS = {
  'config-account-count': {
    severity: 'error',
    description: 'at least two break-glass accounts',
    help: 'Microsoft recommends two or more emergency access accounts.',
  },
  'config-approver-is-account': {
    severity: 'error',
    description: 'no break-glass account approves its own use',
    help: 'A custodian or identity owner (notify.identityOwners) that is one of the break-glass accounts could confirm its own use: approvals must come from people with their own accounts.',
  },
  'config-auth-methods': {
    severity: 'warning',
    description: "allowed authentication methods follow Microsoft's emergency-access guidance",
    help: 'A warning for each options.allowedAuthMethods entry other than FIDO2 security key and X.509 Certificate (certificate-based authentication): "Manage emergency access accounts in Microsoft Entra ID" recommends these because passkeys on phones and Windows Hello are bound to one person\'s device.',
  },
  'config-duplicate-account': {
    severity: 'error',
    description: 'account object ids and UPNs are unique',
    help: 'Each break-glass account appears once.',
  },
  'config-duplicate-workspace': {
    severity: 'error',
    description: 'workspaces are listed once',
    help: 'A workspace listed twice would be deployed twice.',
  },
  'config-schema': {
    severity: 'error',
    description: 'config file matches the schema',
    help: 'btg.config.yaml must match the documented schema: keys, types and forms.',
  },
  'config-unknown-rule': {
    severity: 'error',
    description: 'rule overrides name existing rules',
    help: 'options.rules keys must be rule template ids.',
  },
  'content-moved': {
    severity: 'info',
    description: 'a file with no query is a "moved" stub (info)',
    help: 'Azure-Sentinel leaves a stub (id, name, a description with the new location) where content moved into a solution; it has nothing to validate and its id is not counted as a duplicate.',
  },
  'file-encoding': {
    severity: 'error',
    description: 'a content file is UTF-8',
    help: 'Rule and hunting YAML must be UTF-8 (a BOM is allowed); re-save the file as UTF-8.',
  },
  'file-read': {
    severity: 'error',
    description: 'the file can be read',
    help: 'The file could not be read.',
  },
  'file-size': {
    severity: 'error',
    description: 'a content file is at most 5 MB',
    help: 'Files over 5 MB are not parsed (a published rule is a few KB); the run goes on with the other files.',
  },
  'hunting-fields': {
    severity: 'error',
    description: 'hunting query: id is a GUID, name 1..256 and description ≤ 5000 characters, version X.Y.Z',
    help: 'A hunting query needs a name (the saved search displayName) and, in Azure-Sentinel, a GUID id that does not change; version, when given, is X.Y.Z.',
  },
  'hunting-schema': {
    severity: 'error',
    description: 'hunting query file has the Azure-Sentinel structure',
    help: 'Required keys and types of a hunting query.',
  },
  'hunting-tactics': {
    severity: 'warning',
    description: 'hunting query: tactics are Sentinel tactic names, techniques T1234 or T1234.001',
    help: 'Hunting queries are filtered by tactic in the portal: write the tactic names Sentinel uses (Reconnaissance, ResourceDevelopment, InitialAccess, Execution, Persistence, PrivilegeEscalation, DefenseEvasion, CredentialAccess, Discovery, LateralMovement, Collection, Exfiltration, CommandAndControl, Impact, PreAttack, ImpairProcessControl, InhibitResponseFunction); "Initial access" and other spellings are reported with the name to use, other words (Ransomware, Vulnerability) are not tactics.',
  },
  'internal-error': {
    severity: 'error',
    description: 'validating a file did not fail unexpectedly',
    help: 'An unexpected failure while validating this file; the other files were still validated. Please report it with the file.',
  },
  'json-syntax': {
    severity: 'error',
    description: 'the file is valid JSON',
    help: 'Workbook and playbook templates are JSON files; the file could not be parsed.',
  },
  'kql-semantic': {
    severity: 'error',
    description: 'the query is valid KQL for the declared tables',
    help: "Parsed and analyzed by Microsoft's Kusto.Language analyzer against the bundled table schemas.",
  },
  'kql-unknown-table': {
    severity: 'error',
    description: 'every table in the query has a schema',
    help: 'The analyzer has no schema for this table: pass --schemas <dir> with Azure-Sentinel custom-table JSON files.',
  },
  'monitor-alert-account-filter': {
    severity: 'error',
    description: 'the Azure Monitor alert filters on the break-glass object ids',
    help: 'The guidance alerts on SigninLogs filtered on the object ids of the emergency access accounts; the query must use BtgAccountIds (declared by {{> btgAccounts}}) in a where clause.',
  },
  'monitor-alert-schema': {
    severity: 'error',
    description: 'Azure Monitor alert template has the expected fields',
    help: 'name, description, severity (0-4), evaluationFrequency and windowSize (values the service accepts) and query.',
  },
  'monitor-alert-settings': {
    severity: 'error',
    description:
      'the Azure Monitor alert evaluates often enough, suppresses within the accepted range and has recipients',
    help: 'Evaluation frequency must not exceed the window (else sign-ins between windows are never seen); options.monitorAlert.muteActionsDuration must be an ISO-8601 duration from PT5M to P2D (what the service accepts); notify.emails should list who gets the mail.',
  },
  'pack-account-filter': {
    severity: 'error',
    description: 'every pack detection filters on the BTG account set',
    help: 'Each pack rule must reference BtgAccountIds or BtgAccountUpns (declared by {{> btgAccounts}}) inside a where clause, as resolved by the Kusto analyzer; otherwise it alerts on every account in the tenant. A template that watches a tenant-wide path protecting every account at once (domain federation, the authentication methods policy, the log pipeline) declares `scope: tenant` and is exempt.',
  },
  'pack-mitre-mapping': {
    severity: 'error',
    description: 'every pack rule has at least one tactic and one technique',
    help: 'MITRE mapping drives the coverage view and incident triage; every pack rule names its tactics and techniques.',
  },
  'pack-unique-ids': {
    severity: 'error',
    description: 'rule ids are unique',
    help: 'Two rules with one id overwrite each other on deploy; Azure-Sentinel CI rejects duplicate ids.',
  },
  'pack-unique-names': {
    severity: 'error',
    description: 'rule and hunting query names are unique',
    help: 'Analysts tell incidents apart by rule name; two rules with one title are indistinguishable in the incident queue.',
  },
  'playbook-lockout-safety': {
    severity: 'error',
    description: 'no playbook action disables, blocks, resets or deletes a user',
    help: 'The pack never locks a break-glass account out: a playbook runs on every break-glass sign-in, including a real emergency, and must not disable the account, block its sign-in, reset its password, delete it or its authentication methods, revoke its sessions, or confirm it compromised. Every action is inspected, nested Scope/If/Switch/Foreach/Until included: HTTP and connector calls (Microsoft Graph, Entra ID connector, $batch requests) by method, URL/path and body (accountEnabled other than a literal true, passwordProfile). Actions whose effect cannot be seen (child workflows, functions, inline code, Automation runbooks) are rejected too.',
  },
  'playbook-no-secrets': {
    severity: 'error',
    description: 'playbook templates contain no secrets',
    help: 'Webhook URLs, keys, passwords, tokens and signed URLs never go into a template or the generated files: connectors authenticate with the managed identity or an interactive OAuth consent, and anything secret is a secureString parameter supplied at deploy time.',
  },
  'playbook-query': {
    severity: 'error',
    description: 'playbook queries bind their parameters safely and return one dynamic Row column',
    help: 'A playbook query declares its run-time inputs with declare query_parameters(...); the marker binds each one, and only datetimes are allowed, as @{formatDateTime(<expr>, \'yyyy-MM-ddTHH:mm:ssZ\')}, whose output cannot leave the datetime() literal. The query returns a single dynamic column Row (the workflow turns rows into objects with json(item()[0])). It ships escaped for the workflow language ("@{" as "@@{"), so only the bindings are expressions.',
  },
  'playbook-schema': {
    severity: 'error',
    description: 'playbook template has the pack structure',
    help: 'A playbook template is {"$btg": {displayName, description, trigger, parameters, requires, when}, "definition": <Logic App workflow definition>}; queries are {"$btgQuery": "<file in playbooks/queries>", "bind": {...}} markers.',
  },
  'playbook-structure': {
    severity: 'error',
    description: 'playbook actions, parameters and connections are consistent',
    help: "Every runAfter names a sibling action; every action named in $btg.requires exists; every parameters('X') is $connections or declared in $btg.parameters; connections are azuresentinel, office365 or teams; incident playbooks have the Sentinel incident trigger and schedule playbooks a Recurrence.",
  },
  'rule-alert-details': {
    severity: 'error',
    description: 'alert name/description overrides use at most 3 {{Column}} placeholders, each a result column',
    help: 'alertDisplayNameFormat (≤ 256 chars) and alertDescriptionFormat (≤ 5000 chars) take at most 3 {{Column}} parameters, each bound to a result column; tactic/severity columns must be returned too.',
  },
  'rule-custom-details': {
    severity: 'error',
    description: 'at most 20 custom details; keys ^[a-zA-Z]+\\w*$ ≤ 20 chars; values are result columns',
    help: 'Custom details surface result columns on the alert: ≤ 20 entries, key ≤ 20 chars matching ^[a-zA-Z]+\\w*$, value a column the query returns.',
  },
  'rule-data-connectors': {
    severity: 'error',
    description:
      'Scheduled: requiredDataConnectors is present; each entry is {connectorId, dataTypes: [...]} with names',
    help: 'Azure-Sentinel CI (ScheduledTemplateInternalModel) requires requiredDataConnectors on Scheduled rules (an empty list is allowed), each with dataTypes; the content hub uses them to tell which connectors a rule needs.',
  },
  'rule-connector-id': {
    severity: 'error',
    description: "requiredDataConnectors' connectorIds are ids Azure-Sentinel's CI knows",
    help: 'Azure-Sentinel CI (Validate_DetectionTemplates_HasValidConnectorIds) fails an analytic rule whose requiredDataConnectors name a connectorId missing from its ValidConnectorIds.json (exact case); btg carries a copy of that list (scripts/validate/valid-connector-ids.json, with its source and date). A table that no data connector feeds (SentinelHealth, SentinelAudit, Watchlist) takes no entry.',
  },
  'rule-duration-format': {
    severity: 'error',
    description: 'queryFrequency/queryPeriod/suppressionDuration are durations (5m, 1h, 14d, PT1H, P1D, 00:05:00)',
    help: "Accepted: <integer><m|h|d> (lower case, the Azure-Sentinel spelling), ISO 8601 as the REST API takes it (PT5M, PT1H, P1D, P1DT12H: upper-case designators, no years/months/weeks) and a .NET TimeSpan (00:05:00). Note: the Azure-Sentinel repository's own YAML converter reads only the short form and the TimeSpan for queryFrequency/queryPeriod.",
  },
  'rule-entity-column': {
    severity: 'error',
    description: "entity mappings name columns of the query's result",
    help: "Each fieldMappings.columnName must be a column the query returns (from the analyzer's result schema); a missing column silently drops the entity.",
  },
  'rule-entity-mappings': {
    severity: 'error',
    description: 'at most 10 entity mappings of 1..3 valid identifiers each, with a required identifier',
    help: "Per Sentinel limits: ≤ 10 mappings, 1..3 fieldMappings each; identifiers valid for the entity type, not repeated, including one required identifier group; columnName matches ^[a-zA-Z_]+\\w*$; a typed identifier (CloudApplication.AppId is an integer, IsDomainJoined a bool, ...: Microsoft Sentinel entities reference) gets a column of its type from the query's result, or the service drops the entity.",
  },
  'rule-frequency-bounds': {
    severity: 'error',
    description: 'Scheduled: queryFrequency and queryPeriod are each between 5 minutes and 14 days',
    help: 'Sentinel runs scheduled rules every 5 minutes to 14 days, over a look-back of 5 minutes to 14 days.',
  },
  'rule-id': {
    severity: 'error',
    description: 'id is a GUID',
    help: 'Azure-Sentinel requires a GUID id that never changes once published.',
  },
  'rule-incident-grouping': {
    severity: 'error',
    description: 'incident grouping is consistent (lookback 5m..7d; Selected grouping names known entities/details)',
    help: 'groupingConfiguration.lookbackDuration is 5 minutes to 7 days; matchingMethod Selected needs at least one groupBy list, using entity types and custom-detail keys this rule defines.',
  },
  'rule-ingestion-delay': {
    severity: 'error',
    description:
      'Scheduled: queryPeriod exceeds queryFrequency by the ingestion delay and the query keeps only `ingestion_time() > ago(<queryFrequency>)`, for every table it reads',
    help: "Microsoft's \"Handle ingestion delay in scheduled analytics rules\": an event that arrives after the run covering its TimeGenerated falls between two runs and is never alerted when the look-back equals the frequency. Look back frequency + the expected delay (options.ingestionDelay, default 30m) and keep only rows with ingestion_time() > ago(<frequency>), so each event is evaluated exactly once. The filter must follow each table the query reads in that table's own pipeline (every leg of a union, or after the union): a filter on one leg, or in another pipeline such as the other side of a join, leaves the other table's rows evaluated in every run whose look-back holds them. An error in the pack, a warning on your own rule files (which are checked against a 30m buffer).",
  },
  'rule-kind': {
    severity: 'error',
    description: 'kind is a rule kind, spelled as the service spells it',
    help: 'Scheduled and NRT rules are fully checked. Fusion, MicrosoftSecurityIncidentCreation, ThreatIntelligence, MLBehaviorAnalytics and Anomaly are built-in kinds with no query: only their id (GUID), kind and field types are checked (an info note says so). Kinds are case-sensitive (Azure-Sentinel CI RuleKindsAreValid).',
  },
  'rule-legacy-entity-columns': {
    severity: 'error',
    description: 'Scheduled: a legacy *CustomEntity column in the query is mapped in entityMappings',
    help: 'Azure-Sentinel CI (NewEntityMappingsAttribute): a query that still projects AccountCustomEntity, HostCustomEntity, IPCustomEntity, URLCustomEntity, ProcessCustomEntity or FileHashCustomEntity must map that column in entityMappings, since the legacy automatic mapping is gone.',
  },
  'rule-limits': {
    severity: 'error',
    description: 'name ≤ 256, description ≤ 5000, query 1..10000 characters, version X.Y.Z',
    help: 'Service and Azure-Sentinel CI limits on displayName, description and query length.',
  },
  'rule-no-search-star': {
    severity: 'error',
    description: 'no `search *` or `union *` (Sentinel rejects them in rules)',
    help: "Analytics rules must not use search without `in (tables)` or union * (unbounded, and rejected by the service). Found from the analyzer's syntax tree.",
  },
  'rule-nrt-fields': {
    severity: 'error',
    description: 'NRT rules have no frequency, period or trigger',
    help: 'Near-real-time rules run every minute over the last minute; queryFrequency, queryPeriod, triggerOperator and triggerThreshold do not apply and the NRT API rejects them.',
  },
  'rule-period-frequency': {
    severity: 'error',
    description:
      'Scheduled: queryPeriod >= queryFrequency; a period of 2 days or more needs a frequency of at least 1 hour',
    help: 'A look-back shorter than the run interval leaves gaps in which events are never evaluated; Sentinel also requires frequency >= 1h when the period is >= 2d.',
  },
  'rule-schema': {
    severity: 'error',
    description: 'rule file has the Azure-Sentinel structure',
    help: 'Required keys, types and kinds of an Azure-Sentinel analytic rule.',
  },
  'rule-severity': {
    severity: 'error',
    description: 'severity is one of Informational, Low, Medium, High',
    help: 'Sentinel accepts Informational, Low, Medium and High; the name is matched without regard to case (as the service and Azure-Sentinel CI deserialize the enum), any other value is an error.',
  },
  'rule-tactics': {
    severity: 'error',
    description: 'tactics are valid Sentinel tactic names',
    help: 'Tactics are written without spaces (the name is matched without regard to case, as the service and Azure-Sentinel CI deserialize the enum): Reconnaissance, ResourceDevelopment, InitialAccess, Execution, Persistence, PrivilegeEscalation, DefenseEvasion, CredentialAccess, Discovery, LateralMovement, Collection, Exfiltration, CommandAndControl, Impact, PreAttack, ImpairProcessControl, InhibitResponseFunction.',
  },
  'rule-techniques': {
    severity: 'error',
    description: 'every technique is well-formed and belongs to one of the listed tactics',
    help: 'Azure-Sentinel CI (NoTechniquesWithoutMatchingTactics) requires that at least one ATT&CK tactic of each technique is listed in tactics.',
  },
  'rule-test-rows': {
    severity: 'error',
    description: 'every pack rule has fire and no-fire test cases whose rows fit the tables its query reads',
    help: 'tests: rows are shadowed into the query as datatables by the live test: each table must be one the query reads, each column must exist in its schema, and each value must suit the column type (string, ISO-8601 datetime, integer for long/int, number for real, true/false for bool, object/list or JSON text for dynamic).',
  },
  'rule-trigger': {
    severity: 'error',
    description: 'Scheduled: triggerOperator is gt/lt/eq/ne and triggerThreshold an integer 0..10000',
    help: 'triggerOperator: gt, lt, eq, ne (or GreaterThan, LessThan, Equal, NotEqual); triggerThreshold: integer 0..10000.',
  },
  'schema-file': {
    severity: 'error',
    description: '--schemas files are readable custom-table, function or parser declarations',
    help: 'A --schemas file that cannot be read, or a column type that is not a Kusto type, is reported for that file (a repeated column is a warning); the other files still load.',
  },
  'template-render': {
    severity: 'error',
    description: 'templates render',
    help: 'A template failed to render: a raw {{value}} interpolation, a missing value, or a helper given a bad value.',
  },
  usage: {
    severity: 'error',
    description: 'the files to validate exist',
    help: 'A missing path, a folder with no *.yaml/*.yml or a pattern that matches nothing is a usage error (exit 2).',
  },
  'workbook-parameters': {
    severity: 'error',
    description: 'every workbook parameter reference names a parameter declared before it',
    help: 'A query or text that uses {Name} (or {Name:format}) needs a parameter "Name" declared in an earlier parameters item (or earlier in the same one), with a format its type supports; time contexts and conditional visibility must name declared parameters too. The workbook leaves an unknown {Name} in the query text, which then fails at view time.',
  },
  'workbook-schema': {
    severity: 'error',
    description: 'workbook template has the Notebook/1.0 structure',
    help: 'Items of type 1 (text), 3 (query, Log Analytics), 9 (parameters), 11 (links) or 12 (group) with their required content, parameters with id, name and type, and the $btg metadata (displayName, description).',
  },
  'workbook-unique-names': {
    severity: 'error',
    description: 'workbook item and parameter names are unique',
    help: 'Workbooks address items and parameters by name (links, exports, conditional visibility); a duplicate name makes the second one unreachable and the gallery editor renames it.',
  },
  'yaml-syntax': {
    severity: 'error',
    description: 'the file is valid YAML',
    help: 'The file could not be parsed as YAML.',
  },
  'config-missing': {
    severity: 'error',
    description: 'the config file exists',
    help: 'btg reads btg.config.yaml (or the file given with -c/--config); when it is not there every command stops with exit 2 and says how to start from the example (cp examples/btg.config.yaml btg.config.yaml, or btg init).',
  },
  'config-encoding': {
    severity: 'error',
    description: 'the config file is UTF-8',
    help: 'The config is read as strict UTF-8; the first invalid byte is reported with its offset and line. Re-save the file as UTF-8.',
  },
  'config-too-large': {
    severity: 'error',
    description: 'the config file is at most 5 MB',
    help: 'A config is a few kilobytes; a file over 5 MB is refused before it is parsed.',
  },
  'test-offline': {
    severity: 'error',
    description: 'the offline evaluator of btg test supports every construct the rule uses',
    help: "btg test runs each rule's test rows through an offline KQL evaluator; a construct it does not implement is reported at its place in the template, and the rule is then tested with btg test --live.",
  },
  // btg check (scripts/posture): findings with a status, not diagnostics
  'account-count': {
    posture: true,
    severity: 'error',
    description: 'at least two break-glass accounts exist and are enabled',
    help: '**fail** if fewer than two accounts are configured, or fewer than two exist and are enabled; **warn** for a single account accepted by `allowSingleAccount: true`.',
  },
  account: {
    posture: true,
    severity: 'error',
    description: 'each configured account exists, is enabled and has the configured UPN',
    help: '**fail** if the objectId does not exist in the directory or the account is disabled; **warn** if the directory UPN differs from the config.',
  },
  'cloud-only': {
    posture: true,
    severity: 'error',
    description: 'each account is cloud-only',
    help: '**fail** if synced from on-premises AD (`onPremisesSyncEnabled: true`).',
  },
  'not-guest': {
    posture: true,
    severity: 'error',
    description: 'no account is a guest',
    help: '**fail** if `userType` is `Guest`.',
  },
  'phishing-resistant-method': {
    posture: true,
    severity: 'error',
    description: 'each account has a phishing-resistant method that options.allowedAuthMethods allows',
    help: '**fail** unless a phishing-resistant method allowed by `options.allowedAuthMethods` is registered: by default a FIDO2 security key / device-bound passkey (`fido2AuthenticationMethod`) or an X.509 certificate, as Microsoft\'s "Manage emergency access accounts in Microsoft Entra ID" recommends; Windows Hello for Business and platform credentials count only when listed there.',
  },
  'weaker-methods': {
    posture: true,
    severity: 'warning',
    description: 'no account has a weaker method that could be used instead',
    help: '**warn** if a method that could be used instead is registered: phone (SMS/voice), Microsoft Authenticator, software/hardware OATH, email, Temporary Access Pass (or a phishing-resistant method that `options.allowedAuthMethods` does not allow).',
  },
  'restricted-au': {
    posture: true,
    severity: 'warning',
    description: 'each account is in a restricted management administrative unit',
    help: '**warn** unless the account is in a restricted management administrative unit (`isMemberManagementRestricted: true`), which stops other administrators from resetting its password or methods.',
  },
  'password-expiry': {
    posture: true,
    severity: 'warning',
    description: 'an account password does not expire',
    help: '**warn** if the account has a password and `passwordPolicies` lacks `DisablePasswordExpiration`.',
  },
  role: {
    posture: true,
    severity: 'error',
    description: 'each account holds its role actively and directory-wide',
    help: "**pass** for an active, directory-wide assignment of the account's `role` (default Global Administrator); **fail** if only PIM-eligible (it would depend on PIM in an emergency), only scoped to an administrative unit, or not held; **warn** if held only through a role-assignable group.",
  },
  tested: {
    posture: true,
    severity: 'error',
    description: 'each account tested (a passed btg drill on record, else signed in) within options.testIntervalDays',
    help: 'With the ARM sign-in, from the drills on record (the `BreakGlassDrills` watchlist items `btg drill` writes): **pass** for a passed drill within `options.testIntervalDays`, **warn** when there is none but a sign-in within the interval (a sign-in is not a test), **fail** otherwise. Without them (`--from`, no ARM sign-in, an unreadable watchlist, said in the reason): **fail** if the last sign-in (`signInActivity.lastSuccessfulSignInDateTime`, else the latest of `lastSignInDateTime` / `lastNonInteractiveSignInDateTime`) is older than `options.testIntervalDays` (default 90), or there is none.',
  },
  'ca-exclusion': {
    posture: true,
    severity: 'error',
    description: 'no Conditional Access policy applies to an account without excluding it',
    help: '**fail** listing every enabled or report-only Conditional Access policy that applies to the account without excluding it.',
  },
  'ca-policy': {
    posture: true,
    severity: 'error',
    description: 'each Conditional Access policy excludes the accounts it applies to',
    help: '**fail** if an enabled or report-only policy applies to a BTG account without excluding it (naming the account and how it is in scope); **info** for disabled policies (saying whether they would apply if enabled).',
  },
  'workspace-rules': {
    posture: true,
    severity: 'error',
    description: 'every pack rule is deployed and enabled in each workspace',
    help: '**fail** if a pack rule is missing or disabled in a configured workspace.',
  },
  'other-automation': {
    posture: true,
    severity: 'warning',
    description: 'no other automation in the workspace can act on the accounts',
    help: "**warn** for a Logic App in the workspace's resource group (not the pack's own) that can act on users (disable, block, revoke sessions, reset, delete), the inspection of `playbook-lockout-safety`, when neither its definition nor the automation rules that run it name the break-glass accounts (object id, UPN) or their exclusion group; and for an automation rule (not the pack's own, enabled) that closes incidents or runs a playbook outside the resource group (which btg cannot inspect), when its conditions neither name the accounts or the exclusion group nor limit it to analytics rules other than the pack's; read with the same ARM sign-in as `workspace-rules`, not with `--from`.",
  },
} as const satisfies Record<string, CheckInfo>;

type Registry = typeof CHECKS;
/** Every registered check id. */
export type CheckId = keyof Registry;
/** The ids of the posture checks of `btg check`. */
export type PostureCheckId = { [K in CheckId]: Registry[K] extends { posture: true } ? K : never }[CheckId];
/** The ids a Diagnostic can carry. */
export type DiagnosticCode = Exclude<CheckId, PostureCheckId>;

export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

/** The registry less the posture checks: every code a Diagnostic can carry (SARIF lists each as a rule). */
export const DIAGNOSTIC_CHECKS = Object.fromEntries(
  Object.entries(CHECKS).filter(([, c]) => !('posture' in c)),
) as Record<DiagnosticCode, CheckInfo>;

/** The posture checks of `btg check`. */
export const POSTURE_CHECKS = Object.fromEntries(Object.entries(CHECKS).filter(([, c]) => 'posture' in c)) as Record<
  PostureCheckId,
  CheckInfo
>;

/** The registry entry of an id. */
export const checkInfo = (id: CheckId): CheckInfo => CHECKS[id];

export const isPostureCheck = (id: CheckId): id is PostureCheckId => checkInfo(id).posture === true;
