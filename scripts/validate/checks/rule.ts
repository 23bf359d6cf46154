/** Analytic rule checks (limits: the Sentinel alert rule REST API and the Azure-Sentinel repository's rule format). */
import { TACTICS, TECHNIQUE_RE, TECHNIQUE_TACTICS } from '../../content/attack';
import { RuleItem } from '../../content/items';
import { parseIsoDuration, parseTimeSpan, parseYamlDuration, UNIT_MS } from '../../core/duration';
import { KqlAnalysis } from '../../kql/analyzer';
import { defineChecks, Finding, QueryContext } from './types';

const FIVE_MIN = 5;
const FOURTEEN_DAYS = 14 * 1440;
const TWO_DAYS = 2 * 1440;
const TRIGGER_OPS = ['gt', 'lt', 'eq', 'ne', 'GreaterThan', 'LessThan', 'Equal', 'NotEqual'];
const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'];

/** Valid identifiers per entity type and the identifier groups of which one is required (Azure-Sentinel EntityMappingIdentifiers.cs: each required group is one alternative). */
export const ENTITY_IDENTIFIERS: Record<string, { valid: string[]; required: string[][] }> = {
  Account: {
    valid: [
      'Name',
      'FullName',
      'NTDomain',
      'DnsDomain',
      'UPNSuffix',
      'Sid',
      'AadTenantId',
      'AadUserId',
      'PUID',
      'IsDomainJoined',
      'DisplayName',
      'ObjectGuid',
      'CloudAppAccountId',
    ],
    required: [['FullName'], ['Sid'], ['Name'], ['AadUserId'], ['PUID'], ['ObjectGuid']],
  },
  IP: { valid: ['Address'], required: [['Address']] },
  Host: {
    valid: [
      'DnsDomain',
      'NTDomain',
      'HostName',
      'FullName',
      'NetBiosName',
      'AzureID',
      'OMSAgentID',
      'OSFamily',
      'OSVersion',
      'IsDomainJoined',
    ],
    required: [['FullName'], ['HostName'], ['NetBiosName'], ['AzureID'], ['OMSAgentID']],
  },
  CloudApplication: { valid: ['AppId', 'Name', 'InstanceName'], required: [['AppId'], ['Name']] },
  AzureResource: { valid: ['ResourceId'], required: [['ResourceId']] },
  URL: { valid: ['Url'], required: [['Url']] },
  SecurityGroup: {
    valid: ['DistinguishedName', 'SID', 'ObjectGuid'],
    required: [['DistinguishedName'], ['SID'], ['ObjectGuid']],
  },
  Mailbox: {
    valid: ['MailboxPrimaryAddress', 'DisplayName', 'Upn', 'ExternalDirectoryObjectId', 'RiskLevel'],
    required: [['MailboxPrimaryAddress']],
  },
  DNS: { valid: ['DomainName'], required: [['DomainName']] },
  File: { valid: ['Directory', 'Name'], required: [['Name']] },
  FileHash: { valid: ['Algorithm', 'Value'], required: [['Algorithm', 'Value']] },
  Process: {
    valid: ['ProcessId', 'CommandLine', 'ElevationToken', 'CreationTimeUtc'],
    required: [['CommandLine'], ['ProcessId']],
  },
  RegistryKey: { valid: ['Hive', 'Key'], required: [['Key'], ['Hive']] },
  RegistryValue: { valid: ['Name', 'Value', 'ValueType'], required: [['Name']] },
  Malware: { valid: ['Name', 'Category'], required: [['Name']] },
  IoTDevice: {
    valid: [
      'IoTHub',
      'DeviceId',
      'DeviceName',
      'IoTSecurityAgentId',
      'DeviceType',
      'Source',
      'SourceRef',
      'Manufacturer',
      'Model',
      'OperatingSystem',
      'IpAddress',
      'MacAddress',
      'Protocols',
      'SerialNumber',
      'FirmwareVersion',
    ],
    required: [['DeviceId']],
  },
  MailCluster: {
    valid: [
      'NetworkMessageIds',
      'CountByDeliveryStatus',
      'CountByThreatType',
      'CountByProtectionStatus',
      'Threats',
      'Query',
      'QueryTime',
      'MailCount',
      'IsVolumeAnomaly',
      'Source',
      'ClusterSourceIdentifier',
      'ClusterSourceType',
      'ClusterQueryStartTime',
      'ClusterQueryEndTime',
      'ClusterGroup',
    ],
    required: [['Query'], ['Source']],
  },
  MailMessage: {
    valid: [
      'Recipient',
      'Urls',
      'Threats',
      'Sender',
      'P1Sender',
      'P1SenderDisplayName',
      'P1SenderDomain',
      'SenderIP',
      'P2Sender',
      'P2SenderDisplayName',
      'P2SenderDomain',
      'ReceivedDate',
      'NetworkMessageId',
      'InternetMessageId',
      'Subject',
      'BodyFingerprintBin1',
      'BodyFingerprintBin2',
      'BodyFingerprintBin3',
      'BodyFingerprintBin4',
      'BodyFingerprintBin5',
      'AntispamDirection',
      'DeliveryAction',
      'DeliveryLocation',
      'Language',
      'ThreatDetectionMethods',
    ],
    required: [['NetworkMessageId'], ['Recipient']],
  },
  SubmissionMail: {
    valid: [
      'SubmissionId',
      'SubmissionDate',
      'Submitter',
      'NetworkMessageId',
      'Timestamp',
      'Recipient',
      'Sender',
      'SenderIp',
      'Subject',
      'ReportType',
    ],
    required: [['SubmissionId'], ['NetworkMessageId'], ['Recipient'], ['Submitter']],
  },
};

/**
 * The value type of each identifier whose type is not a plain string (Microsoft Sentinel entities reference). A
 * string identifier takes any column; the others need a column of that type, or the service drops the entity.
 */
export const IDENTIFIER_TYPES: Record<string, Record<string, 'int' | 'bool' | 'datetime'>> = {
  Account: { IsDomainJoined: 'bool' },
  Host: { IsDomainJoined: 'bool' },
  CloudApplication: { AppId: 'int' },
  Process: { CreationTimeUtc: 'datetime' },
  MailCluster: {
    QueryTime: 'datetime',
    MailCount: 'int',
    IsVolumeAnomaly: 'bool',
    ClusterQueryStartTime: 'datetime',
    ClusterQueryEndTime: 'datetime',
  },
  MailMessage: { ReceivedDate: 'datetime' },
  SubmissionMail: { SubmissionDate: 'datetime', Timestamp: 'datetime' },
};
const KQL_TYPES_FOR: Record<'int' | 'bool' | 'datetime', string[]> = {
  int: ['int', 'long'],
  bool: ['bool'],
  datetime: ['datetime'],
};
const IDENTIFIER_HINTS: Record<string, string> = {
  'CloudApplication.AppId':
    ' (the Defender for Cloud Apps app id, not the Entra application GUID: map Name and keep the GUID as a custom detail)',
};

/** The default look-back buffer for user rule files (pack rules use options.ingestionDelay). */
const DEFAULT_INGESTION_DELAY = '30m';

const COLUMN_RE = /^[a-zA-Z_]+\w*$/;
const CUSTOM_KEY_RE = /^[a-zA-Z]+\w*$/;
const PLACEHOLDER_RE = /{{([^{}]*)}}/g;

/**
 * A duration in minutes: short form (5m, 1h, 14d), ISO 8601 as .NET XmlConvert reads it for the REST API (PT5M, PT1H,
 * P1D, P1DT12H: upper-case designators, no years/months/weeks) or a .NET TimeSpan (00:05:00).
 */
export function minutes(v: string | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  const short = parseYamlDuration(v);
  if (short !== undefined) return short / UNIT_MS.m;
  const iso = parseIsoDuration(v);
  if (iso !== undefined) return iso > 0 ? iso / UNIT_MS.m : undefined;
  const ts = parseTimeSpan(v);
  return ts === undefined ? undefined : ts / UNIT_MS.m;
}

/** A KQL timespan literal (10m, 1h, 2d, 30min, 600s, 1hr) in minutes; undefined for anything else. */
function kqlTimespanMinutes(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)$/.exec(v.trim());
  if (!m) return undefined;
  const unit = m[2][0] === 'd' ? 1440 : m[2][0] === 'h' ? 60 : m[2][0] === 'm' ? 1 : 1 / 60;
  return Number(m[1]) * unit;
}

/** Result columns the analyzer found, or undefined when they cannot be trusted (errors, unknown tables). */
function resultColumns(a: KqlAnalysis | undefined): Set<string> | undefined {
  const types = resultColumnTypes(a);
  return types && new Set(types.keys());
}

function resultColumnTypes(a: KqlAnalysis | undefined): Map<string, string> | undefined {
  if (!a || a.unknownTables.length || a.diagnostics.some((d) => d.severity === 'error') || a.open) return undefined;
  return new Map(a.columns.map((c) => [c.name, c.type]));
}

export const ruleChecks = defineChecks<RuleItem, QueryContext>()({
  'rule-severity': {
    fn: (it) =>
      SEVERITIES.some((s) => s.toLowerCase() === String(it.rule.severity).toLowerCase())
        ? []
        : [
            {
              path: ['severity'],
              message: `severity: expected one of ${SEVERITIES.join(', ')}, got "${it.rule.severity}"`,
            },
          ],
  },
  'rule-duration-format': {
    fn: (it) => {
      const f: Finding[] = [];
      for (const key of ['queryFrequency', 'queryPeriod'] as const) {
        const v = it.rule[key];
        if (v !== undefined && minutes(v) === undefined)
          f.push({ path: [key], message: `${key}: expected a duration like 5m, 1h, 14d or PT1H, got "${v}"` });
      }
      const sd = it.rule.suppressionDuration;
      if (sd !== undefined && minutes(sd) === undefined)
        f.push({
          path: ['suppressionDuration'],
          message: `suppressionDuration: expected a duration like 5h or PT5H, got "${sd}"`,
        });
      return f;
    },
  },
  'rule-frequency-bounds': {
    fn: (it) => {
      if (it.rule.kind !== 'Scheduled') return [];
      const f: Finding[] = [];
      for (const key of ['queryFrequency', 'queryPeriod'] as const) {
        const m = minutes(it.rule[key]);
        if (m !== undefined && (m < FIVE_MIN || m > FOURTEEN_DAYS))
          f.push({ path: [key], message: `${key}: must be between 5m and 14d, got ${it.rule[key]}` });
      }
      return f;
    },
  },
  'rule-period-frequency': {
    fn: (it) => {
      if (it.rule.kind !== 'Scheduled') return [];
      const fq = minutes(it.rule.queryFrequency);
      const pd = minutes(it.rule.queryPeriod);
      if (fq === undefined || pd === undefined) return [];
      const f: Finding[] = [];
      if (pd < fq)
        f.push({
          path: ['queryPeriod'],
          message: `queryPeriod (${it.rule.queryPeriod}) must be at least queryFrequency (${it.rule.queryFrequency}), or events between runs are never evaluated`,
        });
      if (pd >= TWO_DAYS && fq < 60)
        f.push({
          path: ['queryFrequency'],
          message: `queryFrequency (${it.rule.queryFrequency}) must be at least 1h when queryPeriod is 2d or more (${it.rule.queryPeriod})`,
        });
      return f;
    },
  },
  'rule-ingestion-delay': {
    fn: (it, ctx) => {
      if (it.rule.kind !== 'Scheduled') return [];
      // an absence rule (template `evaluation: absence`) measures what did NOT arrive over its own look-back
      const evaluation = (it as { evaluation?: string }).evaluation ?? (it.rule as { evaluation?: string }).evaluation;
      if (evaluation === 'absence') return [];
      const severity = it.fromPack ? undefined : ('warning' as const);
      const f: Finding[] = [];
      const fq = minutes(it.rule.queryFrequency);
      const pd = minutes(it.rule.queryPeriod);
      const buffer = it.ingestionDelay ?? DEFAULT_INGESTION_DELAY;
      const bufferMin = minutes(buffer) ?? 30;
      if (fq !== undefined && pd !== undefined && pd - fq < bufferMin) {
        const from = it.fromPack ? 'options.ingestionDelay' : 'the default ingestion delay';
        const path =
          it.source.data && typeof it.source.data === 'object' && 'queryPeriod' in (it.source.data as object)
            ? ['queryPeriod']
            : ['queryFrequency'];
        f.push({
          path,
          severity,
          message: `queryPeriod (${it.rule.queryPeriod}) must exceed queryFrequency (${it.rule.queryFrequency}) by ${from} (${buffer}), i.e. be at least ${fq + bufferMin}m, or an event that arrives late is never evaluated`,
        });
      }
      const a = ctx.analysis;
      if (a && !a.diagnostics.some((d) => d.severity === 'error')) {
        const filters = a.ingestionTimeFilters ?? [];
        if (!filters.length)
          f.push({
            path: ['query'],
            severity,
            message: `the query has no \`| where ingestion_time() > ago(${it.rule.queryFrequency})\`: with a look-back longer than the frequency, events would be evaluated (and alerted) twice; with none, late events are missed`,
          });
        // every table the query reads needs the filter on one of its scans (a union leg without it is evaluated in
        // every run whose look-back holds its rows)
        const scans = a.tableScans ?? [];
        const filtered = new Set(scans.filter((x) => x.ingestionFiltered).map((x) => x.table));
        if (filters.length)
          for (const table of [...new Set(scans.map((x) => x.table))].filter((t) => !filtered.has(t))) {
            const at = scans.find((x) => x.table === table)!;
            f.push({
              query: { start: at.start, length: at.length },
              severity,
              message: `${table} is read without \`| where ingestion_time() > ago(${it.rule.queryFrequency})\` on it (the filter must follow the table in its own pipeline, e.g. in each union leg): its rows are evaluated (and alerted) in every run whose look-back holds them`,
            });
          }
        for (const x of filters) {
          const lb = x.lookback === undefined ? undefined : kqlTimespanMinutes(x.lookback);
          if (fq === undefined) continue;
          if (lb === undefined)
            f.push({
              query: { start: x.start, length: x.length },
              severity,
              message: `ingestion_time() must be compared as \`ingestion_time() > ago(${it.rule.queryFrequency})\` (the rule's queryFrequency) so each event is evaluated exactly once`,
            });
          else if (lb !== fq)
            f.push({
              query: { start: x.start, length: x.length },
              severity,
              message: `ingestion_time() > ago(${x.lookback}) must use the rule's queryFrequency (${it.rule.queryFrequency}): ${lb < fq ? 'events ingested between runs are never evaluated' : 'events are evaluated (and alerted) in more than one run'}`,
            });
        }
      }
      return f;
    },
  },
  'rule-nrt-fields': {
    fn: (it) =>
      it.rule.kind === 'NRT'
        ? (['queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold'] as const)
            .filter((k) => it.rule[k] !== undefined)
            .map((k) => ({ path: [k], message: `${k}: not allowed on an NRT rule (NRT runs every minute)` }))
        : [],
  },
  'rule-trigger': {
    fn: (it) => {
      if (it.rule.kind !== 'Scheduled') return [];
      const f: Finding[] = [];
      if (!TRIGGER_OPS.includes(it.rule.triggerOperator))
        f.push({
          path: ['triggerOperator'],
          message: `triggerOperator: expected one of ${TRIGGER_OPS.join(', ')}, got "${it.rule.triggerOperator}"`,
        });
      const t = it.rule.triggerThreshold;
      if (!Number.isInteger(t) || t < 0 || t > 10000)
        f.push({ path: ['triggerThreshold'], message: `triggerThreshold: expected an integer 0..10000, got ${t}` });
      return f;
    },
  },
  'rule-tactics': {
    fn: (it) =>
      it.rule.tactics.flatMap((t, i) =>
        TACTICS.some((x) => x.toLowerCase() === String(t).toLowerCase())
          ? []
          : [
              {
                path: ['tactics', i],
                message: `tactics[${i}]: "${t}" is not a Sentinel tactic (expected one of ${TACTICS.join(', ')})`,
              },
            ],
      ),
  },
  'rule-techniques': {
    fn: (it) =>
      it.rule.relevantTechniques.flatMap((t, i): Finding[] => {
        if (!TECHNIQUE_RE.test(t))
          return [
            {
              path: ['relevantTechniques', i],
              message: `relevantTechniques[${i}]: expected T1234 or T1234.001, got "${t}"`,
            },
          ];
        const known = TECHNIQUE_TACTICS[t.split('.')[0]];
        if (!known)
          return [
            {
              path: ['relevantTechniques', i],
              severity: 'warning',
              message: `relevantTechniques[${i}]: ${t} is not in the bundled ATT&CK table; its tactic consistency was not checked`,
            },
          ];
        if (!known.tactics.some((tac) => it.rule.tactics.some((t) => String(t).toLowerCase() === tac.toLowerCase())))
          return [
            {
              path: ['relevantTechniques', i],
              message: `relevantTechniques[${i}]: no tactic of ${t} (${known.name}: ${known.tactics.join(', ')}) is listed in tactics`,
            },
          ];
        return [];
      }),
  },
  'rule-limits': {
    fn: (it) => {
      const f: Finding[] = [];
      if (!it.rule.name.trim() || it.rule.name.length > 256)
        f.push({ path: ['name'], message: `name: must be 1..256 characters, got ${it.rule.name.length}` });
      if (!it.rule.description.trim() || it.rule.description.length > 5000)
        f.push({
          path: ['description'],
          message: `description: must be 1..5000 characters, got ${it.rule.description.length}`,
        });
      if (!it.rule.query.trim() || it.rule.query.length > 10000)
        f.push({
          path: ['query'],
          message: `query: must be 1..10000 characters after rendering, got ${it.rule.query.length}`,
        });
      if (it.rule.version !== undefined && !/^(\d+\.)(\d+\.)(\d+)$/.test(String(it.rule.version)))
        f.push({ path: ['version'], message: `version: expected X.Y.Z, got "${it.rule.version}"` });
      return f;
    },
  },
  'rule-id': {
    fn: (it) =>
      /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/.test(it.rule.id)
        ? []
        : [{ path: ['id'], message: `id: expected a GUID, got "${it.rule.id}"` }],
  },
  'rule-entity-mappings': {
    fn: (it, ctx) => {
      const ems = it.rule.entityMappings;
      if (!ems) return [];
      const f: Finding[] = [];
      const colTypes = resultColumnTypes(ctx.analysis);
      if (ems.length < 1 || ems.length > 10)
        f.push({ path: ['entityMappings'], message: `entityMappings: expected 1..10 mappings, got ${ems.length}` });
      ems.forEach((em, i) => {
        const spec = ENTITY_IDENTIFIERS[em.entityType];
        if (!spec) {
          f.push({
            path: ['entityMappings', i, 'entityType'],
            message: `entityMappings[${i}].entityType: unknown entity type "${em.entityType}" (expected one of ${Object.keys(ENTITY_IDENTIFIERS).join(', ')})`,
          });
          return;
        }
        if (em.fieldMappings.length < 1 || em.fieldMappings.length > 3)
          f.push({
            path: ['entityMappings', i, 'fieldMappings'],
            message: `entityMappings[${i}].fieldMappings: expected 1..3 identifiers, got ${em.fieldMappings.length}`,
          });
        const seen = new Set<string>();
        em.fieldMappings.forEach((fm, j) => {
          if (!spec.valid.includes(fm.identifier))
            f.push({
              path: ['entityMappings', i, 'fieldMappings', j, 'identifier'],
              message: `entityMappings[${i}].fieldMappings[${j}].identifier: "${fm.identifier}" is not an identifier of ${em.entityType} (expected one of ${spec.valid.join(', ')})`,
            });
          if (seen.has(fm.identifier))
            f.push({
              path: ['entityMappings', i, 'fieldMappings', j, 'identifier'],
              message: `entityMappings[${i}].fieldMappings[${j}].identifier: "${fm.identifier}" repeats in this mapping`,
            });
          seen.add(fm.identifier);
          if (!COLUMN_RE.test(fm.columnName) || fm.columnName.length > 500)
            f.push({
              path: ['entityMappings', i, 'fieldMappings', j, 'columnName'],
              message: `entityMappings[${i}].fieldMappings[${j}].columnName: "${fm.columnName}" is not a valid column name`,
            });
          const want = IDENTIFIER_TYPES[em.entityType]?.[fm.identifier];
          const got = colTypes?.get(fm.columnName);
          if (want && got && !KQL_TYPES_FOR[want].includes(got)) {
            f.push({
              path: ['entityMappings', i, 'fieldMappings', j, 'columnName'],
              message: `entityMappings[${i}].fieldMappings[${j}]: ${em.entityType}.${fm.identifier} is ${want === 'int' ? 'an integer' : `a ${want}`}${IDENTIFIER_HINTS[`${em.entityType}.${fm.identifier}`] ?? ''}; column "${fm.columnName}" is ${got}`,
            });
          }
        });
        if (!spec.required.some((group) => group.every((g) => seen.has(g))))
          f.push({
            path: ['entityMappings', i],
            message: `entityMappings[${i}]: ${em.entityType} needs one of the identifier sets ${spec.required.map((g) => g.join('+')).join(' | ')}`,
          });
      });
      return f;
    },
  },
  'rule-entity-column': {
    fn: (it, ctx) => {
      const cols = resultColumns(ctx.analysis);
      if (!cols || !it.rule.entityMappings) return [];
      return it.rule.entityMappings.flatMap((em, i) =>
        em.fieldMappings.flatMap((fm, j): Finding[] => {
          if (cols.has(fm.columnName)) return [];
          const path = ['entityMappings', i, 'fieldMappings', j, 'columnName'];
          // a column that differs only in case: Kusto names are case-sensitive, the service's matching is not documented
          const near = [...cols].find((c) => c.toLowerCase() === fm.columnName.toLowerCase());
          if (near)
            return [
              {
                path,
                severity: 'warning',
                message: `entityMappings[${i}].fieldMappings[${j}].columnName: "${fm.columnName}" differs only in case from the result column "${near}"; write "${near}"`,
              },
            ];
          return [
            {
              path,
              message: `entityMappings[${i}].fieldMappings[${j}].columnName: the query does not return a column "${fm.columnName}" (it returns ${[...cols].join(', ')})`,
            },
          ];
        }),
      );
    },
  },
  'rule-custom-details': {
    fn: (it, ctx) => {
      const cd = it.rule.customDetails;
      if (!cd) return [];
      const f: Finding[] = [];
      const entries = Object.entries(cd);
      if (entries.length > 20)
        f.push({ path: ['customDetails'], message: `customDetails: at most 20 entries, got ${entries.length}` });
      const cols = resultColumns(ctx.analysis);
      for (const [k, v] of entries) {
        if (!CUSTOM_KEY_RE.test(k) || k.length > 20)
          f.push({
            path: ['customDetails', k],
            message: `customDetails: key "${k}" must be ≤ 20 characters and match ^[a-zA-Z]+\\w*$`,
          });
        if (!COLUMN_RE.test(v) || v.length > 500)
          f.push({ path: ['customDetails', k], message: `customDetails.${k}: "${v}" is not a valid column name` });
        else if (cols && !cols.has(v))
          f.push({
            path: ['customDetails', k],
            message: `customDetails.${k}: the query does not return a column "${v}"`,
          });
      }
      return f;
    },
  },
  'rule-alert-details': {
    fn: (it, ctx) => {
      const o = it.rule.alertDetailsOverride;
      if (!o) return [];
      const f: Finding[] = [];
      const cols = resultColumns(ctx.analysis);
      for (const [key, max] of [
        ['alertDisplayNameFormat', 256],
        ['alertDescriptionFormat', 5000],
      ] as const) {
        const v = o[key];
        if (v === undefined) continue;
        if (!v.trim() || v.length > max)
          f.push({
            path: ['alertDetailsOverride', key],
            message: `alertDetailsOverride.${key}: must be 1..${max} characters`,
          });
        const ph = [...v.matchAll(PLACEHOLDER_RE)].map((m) => m[1].trim());
        if (ph.length > 3)
          f.push({
            path: ['alertDetailsOverride', key],
            message: `alertDetailsOverride.${key}: at most 3 {{Column}} placeholders, got ${ph.length}`,
          });
        if (cols)
          for (const p of ph)
            if (!cols.has(p))
              f.push({
                path: ['alertDetailsOverride', key],
                message: `alertDetailsOverride.${key}: placeholder {{${p}}} is not a column the query returns`,
              });
      }
      for (const key of ['alertTacticsColumnName', 'alertSeverityColumnName'] as const) {
        const v = o[key];
        if (v !== undefined && cols && !cols.has(v))
          f.push({
            path: ['alertDetailsOverride', key],
            message: `alertDetailsOverride.${key}: the query does not return a column "${v}"`,
          });
      }
      return f;
    },
  },
  'rule-incident-grouping': {
    fn: (it) => {
      const g = it.rule.incidentConfiguration?.groupingConfiguration;
      if (!g) return [];
      const f: Finding[] = [];
      const lb = minutes(g.lookbackDuration);
      if (lb === undefined || lb < 5 || lb > 7 * 1440)
        f.push({
          path: ['incidentConfiguration', 'groupingConfiguration', 'lookbackDuration'],
          message: `lookbackDuration: expected 5m..7d, got "${g.lookbackDuration}"`,
        });
      if (g.matchingMethod === 'Selected') {
        if (!g.groupByEntities.length && !g.groupByAlertDetails.length && !g.groupByCustomDetails.length)
          f.push({
            path: ['incidentConfiguration', 'groupingConfiguration'],
            message: 'matchingMethod Selected needs groupByEntities, groupByAlertDetails or groupByCustomDetails',
          });
        const ents = new Set((it.rule.entityMappings ?? []).map((e) => e.entityType));
        g.groupByEntities.forEach(
          (e, i) =>
            ents.has(e) ||
            f.push({
              path: ['incidentConfiguration', 'groupingConfiguration', 'groupByEntities', i],
              message: `groupByEntities: "${e}" is not mapped by this rule`,
            }),
        );
        const keys = new Set(Object.keys(it.rule.customDetails ?? {}));
        g.groupByCustomDetails.forEach(
          (k, i) =>
            keys.has(k) ||
            f.push({
              path: ['incidentConfiguration', 'groupingConfiguration', 'groupByCustomDetails', i],
              message: `groupByCustomDetails: "${k}" is not a custom detail of this rule`,
            }),
        );
      }
      return f;
    },
  },
  'rule-no-search-star': {
    fn: (it, ctx) =>
      (ctx.analysis?.unboundedScans ?? []).map((s) => ({
        query: { start: s.start, length: s.length },
        message: `"${s.text}" scans every table, which analytics rules do not allow; name the tables`,
      })),
  },
});

export type RuleCheckId = keyof typeof ruleChecks;
