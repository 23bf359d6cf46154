/** Every rule check, one table per check id: a passing case and at least one case that makes it fail. */
import { ruleChecks, RuleCheckId } from '../../scripts/validate/checks/rule';
import { baseRule, validateRuleObject } from '../helpers/rules';
import { ruleItem, runCheck } from '../helpers/checks';

type Case = { name: string; rule: Record<string, unknown>; expect: 'pass' | RegExp };

/** A query with the ingestion-delay filter at `lookback`. */
function delayedQuery(lookback: string): string {
  return `SigninLogs\n| where ingestion_time() > ago(${lookback})\n| where ResultType != "0"\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n`;
}

/** Both sign-in tables in a union; `filtered`: the second leg has the ingestion filter too. */
function unionQuery(filtered: boolean): string {
  const second = filtered ? '| where ingestion_time() > ago(1h) ' : '';
  return `union\n  (SigninLogs | where ingestion_time() > ago(1h) | project TimeGenerated, UserId, UserPrincipalName, IPAddress),\n  (AADNonInteractiveUserSignInLogs ${second}| project TimeGenerated, UserId, UserPrincipalName, IPAddress)\n`;
}

/** A query returning the Entra app GUID (string), an integer MDA app id, a guid-typed column and a device name. */
const appQuery =
  'SigninLogs\n| extend MdaAppId = toint(11161), AppGuid = toguid(AppId), DeviceName = tostring(DeviceDetail.displayName)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress, AppId, AppDisplayName, MdaAppId, AppGuid, DeviceName\n';

const cases: Record<RuleCheckId, Case[]> = {
  'rule-severity': [
    { name: 'High is valid', rule: baseRule({ severity: 'High' }), expect: 'pass' },
    {
      name: 'Critical is not a Sentinel severity',
      rule: baseRule({ severity: 'Critical' }),
      expect: /severity: expected one of Informational, Low, Medium, High, got "Critical"/,
    },
    {
      name: 'the enum name in another case is accepted (the service reads enums case-insensitively)',
      rule: baseRule({ severity: 'high' }),
      expect: 'pass',
    },
    { name: 'a misspelling stays an error', rule: baseRule({ severity: 'Hight' }), expect: /got "Hight"/ },
  ],
  'rule-duration-format': [
    { name: '5m / 14d spelled right', rule: baseRule({ queryFrequency: '1h', queryPeriod: '14d' }), expect: 'pass' },
    {
      name: 'ISO 8601 as the service takes it (PT1H, P1D, PT5M)',
      rule: baseRule({ queryFrequency: 'PT1H', queryPeriod: 'P1D', suppressionDuration: 'PT5M' }),
      expect: 'pass',
    },
    {
      name: 'ISO 8601 with days and hours',
      rule: baseRule({ queryFrequency: 'PT12H', queryPeriod: 'P1DT12H' }),
      expect: 'pass',
    },
    {
      name: 'ISO 8601 in lower case is rejected',
      rule: baseRule({ queryFrequency: 'pt1h' }),
      expect: /queryFrequency: expected a duration like 5m, 1h, 14d or PT1H, got "pt1h"/,
    },
    {
      name: 'ISO 8601 years/weeks are not a timespan',
      rule: baseRule({ queryPeriod: 'P1W' }),
      expect: /queryPeriod: expected a duration/,
    },
    {
      name: 'an empty ISO duration',
      rule: baseRule({ queryPeriod: 'PT' }),
      expect: /queryPeriod: expected a duration/,
    },
    {
      name: 'upper-case unit is rejected',
      rule: baseRule({ queryPeriod: '1H' }),
      expect: /queryPeriod: expected a duration/,
    },
  ],
  'rule-frequency-bounds': [
    { name: '5m is the minimum', rule: baseRule({ queryFrequency: '5m', queryPeriod: '5m' }), expect: 'pass' },
    {
      name: 'below 5 minutes',
      rule: baseRule({ queryFrequency: '4m', queryPeriod: '5m' }),
      expect: /queryFrequency: must be between 5m and 14d, got 4m/,
    },
    {
      name: 'above 14 days',
      rule: baseRule({ queryFrequency: '1d', queryPeriod: '15d' }),
      expect: /queryPeriod: must be between 5m and 14d, got 15d/,
    },
    {
      name: 'ISO 8601 is held to the same limits',
      rule: baseRule({ queryFrequency: 'PT4M', queryPeriod: 'P15D' }),
      expect:
        /queryFrequency: must be between 5m and 14d, got PT4M[\s\S]*queryPeriod: must be between 5m and 14d, got P15D/,
    },
  ],
  'rule-period-frequency': [
    { name: 'period equal to frequency', rule: baseRule({ queryFrequency: '1h', queryPeriod: '1h' }), expect: 'pass' },
    {
      name: 'period shorter than frequency',
      rule: baseRule({ queryFrequency: '2h', queryPeriod: '1h' }),
      expect: /queryPeriod \(1h\) must be at least queryFrequency \(2h\)/,
    },
    {
      name: 'long period with a short frequency',
      rule: baseRule({ queryFrequency: '30m', queryPeriod: '2d' }),
      expect: /queryFrequency \(30m\) must be at least 1h when queryPeriod is 2d or more/,
    },
  ],
  'rule-ingestion-delay': [
    {
      name: 'frequency + 30m look-back and the ingestion_time() filter',
      rule: baseRule({ queryPeriod: '90m', query: delayedQuery('1h') }),
      expect: 'pass',
    },
    {
      name: 'a longer buffer is fine, spelled as a TimeSpan',
      rule: baseRule({ queryFrequency: '1h', queryPeriod: '02:00:00', query: delayedQuery('60min') }),
      expect: 'pass',
    },
    { name: 'NRT rules are not concerned', rule: nrt({}), expect: 'pass' },
    {
      name: 'look-back equal to the frequency',
      rule: baseRule({ queryPeriod: '1h', query: delayedQuery('1h') }),
      expect:
        /queryPeriod \(1h\) must exceed queryFrequency \(1h\) by the default ingestion delay \(30m\), i\.e\. be at least 90m/,
    },
    {
      name: 'buffer shorter than 30m',
      rule: baseRule({ queryPeriod: '80m', query: delayedQuery('1h') }),
      expect: /queryPeriod \(80m\) must exceed queryFrequency \(1h\)/,
    },
    {
      name: 'no ingestion_time() filter',
      rule: baseRule({
        queryPeriod: '90m',
        query: 'SigninLogs\n| where ResultType != "0"\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
      expect: /the query has no `\| where ingestion_time\(\) > ago\(1h\)`/,
    },
    {
      name: 'ingestion_time() only in a comment or a string does not count',
      rule: baseRule({
        queryPeriod: '90m',
        query:
          'SigninLogs\n// | where ingestion_time() > ago(1h)\n| where UserAgent != "ingestion_time() > ago(1h)"\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
      expect: /the query has no `\| where ingestion_time\(\) > ago\(1h\)`/,
    },
    {
      name: 'ago() longer than the frequency evaluates events twice',
      rule: baseRule({ queryPeriod: '3h', query: delayedQuery('2h') }),
      expect:
        /ingestion_time\(\) > ago\(2h\) must use the rule's queryFrequency \(1h\): events are evaluated \(and alerted\) in more than one run/,
    },
    {
      name: 'ago() shorter than the frequency misses events',
      rule: baseRule({ queryPeriod: '90m', query: delayedQuery('30m') }),
      expect:
        /ingestion_time\(\) > ago\(30m\) must use the rule's queryFrequency \(1h\): events ingested between runs are never evaluated/,
    },
    {
      name: 'ingestion_time() not compared with ago()',
      rule: baseRule({
        queryPeriod: '90m',
        query:
          'SigninLogs\n| where isnotnull(ingestion_time())\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
      expect: /ingestion_time\(\) must be compared as `ingestion_time\(\) > ago\(1h\)`/,
    },
    {
      name: 'a union with the filter in each leg',
      rule: baseRule({ queryPeriod: '90m', query: unionQuery(true) }),
      expect: 'pass',
    },
    {
      name: 'a union filtered after both legs',
      rule: baseRule({
        queryPeriod: '90m',
        query:
          'union SigninLogs, AADNonInteractiveUserSignInLogs\n| where ingestion_time() > ago(1h)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
      expect: 'pass',
    },
    {
      name: 'a table read twice, filtered once (a history lookup beside the new rows)',
      rule: baseRule({
        queryPeriod: '90m',
        query:
          'let Seen = SigninLogs | summarize by UserId;\nSigninLogs\n| where ingestion_time() > ago(1h)\n| where UserId in (Seen)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
      expect: 'pass',
    },
    {
      name: 'a union leg without the filter',
      rule: baseRule({ queryPeriod: '90m', query: unionQuery(false) }),
      expect:
        /AADNonInteractiveUserSignInLogs is read without `\| where ingestion_time\(\) > ago\(1h\)` on it \(the filter must follow the table in its own pipeline, e\.g\. in each union leg\)/,
    },
    {
      name: 'a filter in another pipeline does not cover a table',
      rule: baseRule({
        queryPeriod: '90m',
        query:
          'SigninLogs\n| where ingestion_time() > ago(1h)\n| join kind=inner (AuditLogs | extend UserId = tostring(InitiatedBy.user.id)) on UserId\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
      expect: /AuditLogs is read without `\| where ingestion_time\(\) > ago\(1h\)` on it/,
    },
  ],
  'rule-nrt-fields': [
    { name: 'NRT without scheduling', rule: nrt({}), expect: 'pass' },
    {
      name: 'NRT with a frequency',
      rule: nrt({ queryFrequency: '5m' }),
      expect: /queryFrequency: not allowed on an NRT rule/,
    },
  ],
  'rule-trigger': [
    { name: 'gt 0', rule: baseRule(), expect: 'pass' },
    {
      name: 'unknown operator',
      rule: baseRule({ triggerOperator: 'gte' }),
      expect: /triggerOperator: expected one of gt, lt, eq, ne/,
    },
    {
      name: 'threshold out of range',
      rule: baseRule({ triggerThreshold: 10001 }),
      expect: /triggerThreshold: expected an integer 0..10000, got 10001/,
    },
  ],
  'rule-tactics': [
    { name: 'valid tactics', rule: baseRule({ tactics: ['InitialAccess', 'Persistence'] }), expect: 'pass' },
    {
      name: 'tactic with a space',
      rule: baseRule({ tactics: ['Initial Access'] }),
      expect: /tactics\[0\]: "Initial Access" is not a Sentinel tactic/,
    },
    { name: 'tactic in another case', rule: baseRule({ tactics: ['initialaccess'] }), expect: 'pass' },
  ],
  'rule-techniques': [
    {
      name: 'technique matches a tactic',
      rule: baseRule({ tactics: ['Persistence'], relevantTechniques: ['T1098'] }),
      expect: 'pass',
    },
    {
      name: 'technique without its tactic',
      rule: baseRule({ tactics: ['InitialAccess'], relevantTechniques: ['T1110'] }),
      expect: /no tactic of T1110 \(Brute Force: CredentialAccess\) is listed in tactics/,
    },
    {
      name: 'malformed technique',
      rule: baseRule({ relevantTechniques: ['1078'] }),
      expect: /expected T1234 or T1234.001, got "1078"/,
    },
  ],
  'rule-limits': [
    { name: 'within limits', rule: baseRule(), expect: 'pass' },
    {
      name: 'name too long',
      rule: baseRule({ name: 'x'.repeat(257) }),
      expect: /name: must be 1..256 characters, got 257/,
    },
    {
      name: 'description too long',
      rule: baseRule({ description: 'x'.repeat(5001) }),
      expect: /description: must be 1..5000 characters/,
    },
    {
      name: 'query too long',
      rule: baseRule({
        query: `SigninLogs | where UserId == "${'a'.repeat(10000)}" | project TimeGenerated, UserId, UserPrincipalName, IPAddress`,
      }),
      expect: /query: must be 1..10000 characters/,
    },
    { name: 'version not X.Y.Z', rule: baseRule({ version: '1.0' }), expect: /version: expected X.Y.Z, got "1.0"/ },
  ],
  'rule-id': [
    { name: 'GUID id', rule: baseRule(), expect: 'pass' },
    { name: 'non-GUID id', rule: baseRule({ id: 'my-rule' }), expect: /id: expected a GUID, got "my-rule"/ },
  ],
  'rule-entity-mappings': [
    { name: 'Account + IP', rule: baseRule(), expect: 'pass' },
    {
      name: 'unknown identifier',
      rule: baseRule({
        entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'Upn', columnName: 'UserId' }] }],
      }),
      expect: /"Upn" is not an identifier of Account/,
    },
    {
      name: 'no required identifier',
      rule: baseRule({
        entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'UPNSuffix', columnName: 'UserId' }] }],
      }),
      expect: /Account needs one of the identifier sets/,
    },
    {
      name: 'more than 3 identifiers',
      rule: baseRule({
        entityMappings: [
          {
            entityType: 'Account',
            fieldMappings: ['AadUserId', 'Name', 'UPNSuffix', 'DisplayName'].map((i) => ({
              identifier: i,
              columnName: 'UserId',
            })),
          },
        ],
      }),
      expect: /expected 1..3 identifiers, got 4/,
    },
    {
      name: 'more than 10 mappings',
      rule: baseRule({
        entityMappings: Array.from({ length: 11 }, () => ({
          entityType: 'IP',
          fieldMappings: [{ identifier: 'Address', columnName: 'IPAddress' }],
        })),
      }),
      expect: /expected 1..10 mappings, got 11/,
    },
    {
      name: 'unknown entity type',
      rule: baseRule({
        entityMappings: [{ entityType: 'User', fieldMappings: [{ identifier: 'Name', columnName: 'UserId' }] }],
      }),
      expect: /unknown entity type "User"/,
    },
    {
      name: 'CloudApplication by Name (string column)',
      rule: baseRule({
        query: appQuery,
        entityMappings: [
          { entityType: 'CloudApplication', fieldMappings: [{ identifier: 'Name', columnName: 'AppDisplayName' }] },
        ],
      }),
      expect: 'pass',
    },
    {
      name: 'CloudApplication AppId from an integer column',
      rule: baseRule({
        query: appQuery,
        entityMappings: [
          { entityType: 'CloudApplication', fieldMappings: [{ identifier: 'AppId', columnName: 'MdaAppId' }] },
        ],
      }),
      expect: 'pass',
    },
    {
      name: 'CloudApplication AppId from the Entra app GUID (a string column)',
      rule: baseRule({
        query: appQuery,
        entityMappings: [
          { entityType: 'CloudApplication', fieldMappings: [{ identifier: 'AppId', columnName: 'AppId' }] },
        ],
      }),
      expect:
        /CloudApplication\.AppId is an integer \(the Defender for Cloud Apps app id, not the Entra application GUID: map Name and keep the GUID as a custom detail\); column "AppId" is string/,
    },
    {
      name: 'CloudApplication AppId from a guid-typed column',
      rule: baseRule({
        query: appQuery,
        entityMappings: [
          { entityType: 'CloudApplication', fieldMappings: [{ identifier: 'AppId', columnName: 'AppGuid' }] },
        ],
      }),
      expect: /CloudApplication\.AppId is an integer .*; column "AppGuid" is guid/,
    },
    {
      name: 'Host IsDomainJoined from a string column',
      rule: baseRule({
        query: appQuery,
        entityMappings: [
          {
            entityType: 'Host',
            fieldMappings: [
              { identifier: 'HostName', columnName: 'DeviceName' },
              { identifier: 'IsDomainJoined', columnName: 'DeviceName' },
            ],
          },
        ],
      }),
      expect: /Host\.IsDomainJoined is a bool; column "DeviceName" is string/,
    },
  ],
  'rule-entity-column': [
    { name: 'columns returned by the query', rule: baseRule(), expect: 'pass' },
    {
      name: 'a column the query does not return',
      rule: baseRule({
        entityMappings: [{ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'ClientIP' }] }],
      }),
      expect: /entityMappings\[0\].fieldMappings\[0\].columnName: the query does not return a column "ClientIP"/,
    },
  ],
  'rule-custom-details': [
    { name: 'valid details', rule: baseRule({ customDetails: { Upn: 'UserPrincipalName' } }), expect: 'pass' },
    {
      name: 'key with a space',
      rule: baseRule({ customDetails: { 'User Name': 'UserPrincipalName' } }),
      expect: /customDetails: key "User Name" must be/,
    },
    {
      name: 'value not a result column',
      rule: baseRule({ customDetails: { App: 'AppDisplayName' } }),
      expect: /customDetails.App: the query does not return a column "AppDisplayName"/,
    },
    {
      name: 'more than 20',
      rule: baseRule({ customDetails: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`K${i}`, 'UserId'])) }),
      expect: /customDetails: at most 20 entries, got 21/,
    },
  ],
  'rule-alert-details': [
    {
      name: 'bound placeholders',
      rule: baseRule({
        alertDetailsOverride: { alertDisplayNameFormat: 'Sign-in by {{UserPrincipalName}} from {{IPAddress}}' },
      }),
      expect: 'pass',
    },
    {
      name: 'four placeholders',
      rule: baseRule({
        alertDetailsOverride: {
          alertDescriptionFormat: '{{UserId}} {{UserPrincipalName}} {{IPAddress}} {{TimeGenerated}}',
        },
      }),
      expect: /at most 3 \{\{Column\}\} placeholders, got 4/,
    },
    {
      name: 'unbound placeholder',
      rule: baseRule({ alertDetailsOverride: { alertDisplayNameFormat: 'Sign-in by {{Account}}' } }),
      expect: /placeholder \{\{Account\}\} is not a column the query returns/,
    },
  ],
  'rule-incident-grouping': [
    {
      name: 'AllEntities 5h',
      rule: baseRule({
        incidentConfiguration: {
          createIncident: true,
          groupingConfiguration: { enabled: true, lookbackDuration: '5h', matchingMethod: 'AllEntities' },
        },
      }),
      expect: 'pass',
    },
    {
      name: 'lookback over 7 days',
      rule: baseRule({
        incidentConfiguration: {
          createIncident: true,
          groupingConfiguration: { enabled: true, lookbackDuration: '8d' },
        },
      }),
      expect: /lookbackDuration: expected 5m..7d, got "8d"/,
    },
    {
      name: 'Selected without groupBy',
      rule: baseRule({
        incidentConfiguration: {
          createIncident: true,
          groupingConfiguration: { enabled: true, matchingMethod: 'Selected' },
        },
      }),
      expect: /matchingMethod Selected needs/,
    },
    {
      name: 'Selected on an unmapped entity',
      rule: baseRule({
        incidentConfiguration: {
          createIncident: true,
          groupingConfiguration: { enabled: true, matchingMethod: 'Selected', groupByEntities: ['Host'] },
        },
      }),
      expect: /groupByEntities: "Host" is not mapped by this rule/,
    },
  ],
  'rule-no-search-star': [
    { name: 'named tables', rule: baseRule(), expect: 'pass' },
    {
      name: 'union *',
      rule: baseRule({
        query: 'union * | where UserId == "x" | project TimeGenerated, UserId, UserPrincipalName = "", IPAddress = ""',
        entityMappings: undefined,
      }),
      expect: /scans every table/,
    },
    {
      name: 'search without in',
      rule: baseRule({ query: 'search "btg-emergency"', entityMappings: undefined }),
      expect: /scans every table/,
    },
    {
      name: 'a string that says "union *" is fine',
      rule: baseRule({
        query:
          'SigninLogs | where UserAgent == "union *" | project TimeGenerated, UserId, UserPrincipalName, IPAddress',
      }),
      expect: 'pass',
    },
  ],
};

function nrt(over: Record<string, unknown>): Record<string, unknown> {
  const r = baseRule({ kind: 'NRT', ...over });
  for (const k of ['queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold'])
    if (!(k in over)) delete r[k];
  return r;
}

describe('rule-ingestion-delay on user rule files', () => {
  it('is a warning, not an error, outside the pack', () => {
    const diags = validateRuleObject(
      baseRule({
        queryPeriod: '1h',
        query: 'SigninLogs\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
      }),
    ).filter((d) => d.code === 'rule-ingestion-delay');
    expect(diags.map((d) => d.severity)).toEqual(['warning', 'warning']);
  });
});

/** Rule checks whose findings depend on what the analyzer found (result columns, filters, scans). */
const READS_ANALYSIS = new Set<RuleCheckId>([
  'rule-ingestion-delay',
  'rule-entity-mappings',
  'rule-entity-column',
  'rule-custom-details',
  'rule-alert-details',
  'rule-no-search-star',
]);

describe('rule checks', () => {
  it('the checks run here without the analyzer do not read its analysis', () => {
    const ids = Object.keys(ruleChecks) as RuleCheckId[];
    expect(ids.filter((id) => ruleChecks[id].fn.length > 1 && !READS_ANALYSIS.has(id))).toEqual([]);
  });

  it('every registered rule check has a failing case', () => {
    const missing = Object.keys(ruleChecks).filter((id) => !cases[id as RuleCheckId]?.some((c) => c.expect !== 'pass'));
    expect(missing).toEqual([]);
  });
  for (const [id, list] of Object.entries(cases) as [RuleCheckId, Case[]][]) {
    describe(id, () => {
      for (const c of list) {
        it(c.name, () => {
          // checks that read the query's analysis run on the real analyzer; the others on the in-memory item alone
          const diags = READS_ANALYSIS.has(id)
            ? validateRuleObject(c.rule).filter((d) => d.code === id)
            : runCheck(id, { item: ruleItem(c.rule) });
          if (c.expect === 'pass') expect(diags.map((d) => d.message)).toEqual([]);
          else {
            expect(diags.map((d) => d.message).join('\n')).toMatch(c.expect);
            // every finding points at a line of the file
            for (const d of diags) expect(d.range).toBeDefined();
          }
        });
      }
    });
  }
});
