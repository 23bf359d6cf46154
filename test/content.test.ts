/**
 * Invariants of the shipped detection catalogue, in both account modes. The pack is loaded and validated once per
 * mode; each `it` lists every offender as `mode/id → problem`, so one failure names all of them.
 */
import { loadConfig } from '../scripts/config/load';
import { Config } from '../scripts/config/schema';
import { HuntingItem, RuleItem } from '../scripts/content/items';
import { Pack } from '../scripts/content/pack';
import { emitPack, Emitted } from '../scripts/emit/pack';
import { Diagnostic } from '../scripts/core/diagnostic';
import { configWith, exampleConfig, shippedPack, WATCHLIST_CONFIG } from './helpers/pack';
import { PackValidation } from '../scripts/validate/pack';
import { defaultAnalyzer } from '../scripts/kql/analyzer';
import { bundledSchemas } from '../scripts/kql/schemas';
import { planTests, runOffline } from '../scripts/livetest';

interface Mode {
  name: string;
  config: Config;
  pack: Pack;
  diagnostics: Diagnostic[];
  analyses: PackValidation['analyses'];
  emitted: Emitted;
}

function mode(name: string, config: Config): Mode {
  const { pack, diagnostics, analyses } = shippedPack(config);
  return { name, config, pack, diagnostics, analyses, emitted: emitPack(pack, { report: false }) };
}

const modes: Mode[] = [mode('inline', exampleConfig()), mode('watchlist', loadConfig(WATCHLIST_CONFIG).config!)];

/** `mode/id → problem` for every rule (or hunting query) where `problem` returns a message. */
function offenders<T extends RuleItem | HuntingItem>(
  pick: (m: Mode) => readonly T[],
  problem: (it: T, m: Mode) => string | undefined | false,
): string[] {
  return modes.flatMap((m) =>
    pick(m).flatMap((it) => {
      const p = problem(it, m);
      return p ? [`${m.name}/${it.templateId} → ${p}`] : [];
    }),
  );
}
const rules = (m: Mode) => m.pack.rules;
const hunting = (m: Mode) => m.pack.hunting;

describe('detection catalogue', () => {
  it('builds with zero errors and zero warnings in both account modes', () => {
    expect(
      modes.flatMap((m) =>
        m.diagnostics.map((d) => `${m.name}/${d.item ?? d.file} → ${d.severity} ${d.code}: ${d.message}`),
      ),
    ).toEqual([]);
  });

  it('ships at least 21 analytics rules and 3 hunting queries; only the watchlist rule is skipped, and only in inline mode', () => {
    expect(modes.map((m) => [m.name, m.pack.rules.length >= 21, m.pack.hunting.length >= 3, m.pack.skipped])).toEqual(
      modes.map((m) => [
        m.name,
        true,
        true,
        m.name === 'inline'
          ? [
              {
                templateId: 'btg-watchlist-tampered',
                reason: 'accountSource is inline (no account watchlist to watch)',
              },
            ]
          : [],
      ]),
    );
  });

  it('only the rules that watch tenant-wide paths declare scope: tenant (exempt from the account filter)', () => {
    const tenant = (m: Mode) =>
      m.pack.rules
        .filter((r) => r.scope === 'tenant')
        .map((r) => r.templateId)
        .sort();
    expect(modes.map((m) => [m.name, tenant(m)])).toEqual(
      modes.map((m) => [
        m.name,
        [
          'btg-auth-methods-policy-changed',
          'btg-data-silence',
          'btg-federation-changed',
          'btg-log-pipeline-changed',
          'btg-pack-rule-tampered',
        ],
      ]),
    );
  });

  it('keeps the NRT rules well under the service limit of 50 per workspace', () => {
    expect(modes.map((m) => [m.name, m.pack.rules.filter((r) => r.rule.kind === 'NRT').length <= 25])).toEqual(
      modes.map((m) => [m.name, true]),
    );
  });

  it('every rule has test rows with a fire and a no-fire case', () => {
    expect(
      offenders(rules, (r) => {
        const kinds = new Set(r.tests.map((t) => t.expect));
        return (
          (!kinds.has('fire') || !kinds.has('no-fire')) && `tests cover only ${[...kinds].join(', ') || 'nothing'}`
        );
      }),
    ).toEqual([]);
  });

  it('every rule (except tenant-wide ones) and hunting query filters on the account set inside a where', () => {
    expect(
      offenders(
        (m) => [...rules(m).filter((r) => r.scope !== 'tenant'), ...hunting(m)],
        (it, m) =>
          !m.analyses.get(it)!.filterVariables.some((v) => v === 'BtgAccountIds' || v === 'BtgAccountUpns') &&
          `filters on ${m.analyses.get(it)!.filterVariables.join(', ') || 'nothing'}`,
      ),
    ).toEqual([]);
  });

  it('inline queries carry the ids and no watchlist; watchlist queries read the watchlist and carry no account ids', () => {
    expect(
      offenders(
        (m) => [...rules(m), ...hunting(m)],
        (it, m) => {
          const q = it.query.text;
          // a tenant-wide rule that does not use the account set at all reads neither
          if (it.itemKind === 'rule' && it.scope === 'tenant' && !q.includes('BtgAccount'))
            return (
              (q.includes('_GetWatchlist') ||
                m.config.accounts.some((a) => q.toLowerCase().includes(a.objectId.toLowerCase()))) &&
              'tenant-wide rule mentions accounts without the account set'
            );
          const ids = m.config.accounts.map((a) => a.objectId.toLowerCase());
          if (m.config.accountSource === 'inline')
            return (
              (q.includes('_GetWatchlist') || !ids.every((id) => q.includes(id))) &&
              'inline query does not carry every account id'
            );
          return (
            (!q.includes(`_GetWatchlist("${m.config.watchlist.alias}")`) ||
              ids.some((id) => q.toLowerCase().includes(id))) &&
            'watchlist query does not read only the watchlist'
          );
        },
      ),
    ).toEqual([]);
  });

  it('every rule maps an Account entity by AadUserId (tenant-wide rules: when they have a caller), and every mapped column is returned by the query', () => {
    expect(
      offenders(rules, (r, m) => {
        const cols = new Set(m.analyses.get(r)!.columns.map((c) => c.name));
        const account =
          r.scope === 'tenant' ||
          (r.rule.entityMappings ?? []).some(
            (e) => e.entityType === 'Account' && e.fieldMappings.some((f) => f.identifier === 'AadUserId'),
          );
        const missing = (r.rule.entityMappings ?? [])
          .flatMap((e) => e.fieldMappings.map((f) => f.columnName))
          .filter((c) => !cols.has(c));
        return (
          (!account && 'no Account entity with AadUserId') ||
          (missing.length > 0 && `mapped columns not returned: ${missing.join(', ')}`)
        );
      }),
    ).toEqual([]);
  });

  it('every description is longer than 300 characters and says what to check first', () => {
    expect(
      offenders(
        rules,
        (r) =>
          (r.rule.description.length <= 300 && `description has ${r.rule.description.length} characters`) ||
          (!/first check:/i.test(r.rule.description) && 'description does not say "First check:"'),
      ),
    ).toEqual([]);
  });

  it('every rule has custom details, a dynamic alert title and description, and creates incidents', () => {
    expect(
      offenders(rules, (r) => {
        const o = r.rule.alertDetailsOverride;
        if (!r.rule.customDetails || Object.keys(r.rule.customDetails).length < 3) return 'fewer than 3 custom details';
        if (!o?.alertDisplayNameFormat?.includes('{{') || !o.alertDescriptionFormat?.includes('{{'))
          return 'alert title/description without a {{Column}} placeholder';
        return r.rule.incidentConfiguration?.createIncident !== true && 'createIncident is not true';
      }),
    ).toEqual([]);
  });

  // Sentinel's own health/audit tables and watchlists come from workspace settings, not from a data connector: no
  // connector id names them (Azure-Sentinel's ValidConnectorIds.json; check rule-connector-id), so rules reading
  // them declare no connector for them.
  const NO_CONNECTOR_TABLES = new Set(['SentinelHealth', 'SentinelAudit', 'Watchlist']);

  it('every rule lists the tables its query reads in requiredDataConnectors', () => {
    expect(
      offenders(rules, (r, m) => {
        const declared = new Set((r.rule.requiredDataConnectors ?? []).flatMap((c) => c.dataTypes));
        const missing = m.analyses.get(r)!.tables.filter((t) => !declared.has(t) && !NO_CONNECTOR_TABLES.has(t));
        return missing.length > 0 && `reads ${missing.join(', ')} without declaring it`;
      }),
    ).toEqual([]);
  });

  it('every scheduled rule looks back at least as far as its interval; NRT rules carry no schedule', () => {
    const minutes = (d: string) => Number(d.slice(0, -1)) * { m: 1, h: 60, d: 1440 }[d.slice(-1) as 'm' | 'h' | 'd'];
    expect(
      offenders(rules, (r) => {
        if (r.rule.kind === 'NRT') return r.rule.queryFrequency !== undefined && 'NRT rule with a frequency';
        return (
          minutes(r.rule.queryPeriod) < minutes(r.rule.queryFrequency) &&
          `period ${r.rule.queryPeriod} < frequency ${r.rule.queryFrequency}`
        );
      }),
    ).toEqual([]);
  });

  it('titles are unique and every rule has a MITRE mapping', () => {
    const seen = new Map<string, string>();
    expect(
      offenders(rules, (r, m) => {
        const key = `${m.name}:${r.rule.name.toLowerCase()}`;
        const dup = seen.get(key);
        seen.set(key, r.templateId);
        return (
          (dup && `same title as ${dup}`) ||
          ((!r.rule.tactics.length || !r.rule.relevantTechniques.length) && 'no tactic or no technique')
        );
      }),
    ).toEqual([]);
  });

  it('hunting queries are emitted as saved searches in the Hunting Queries category and as community YAML', () => {
    expect(
      offenders(hunting, (h, m) => {
        const res = m.emitted.resources.find((r) => r.kind === 'huntingQuery' && r.templateId === h.templateId);
        const yaml = m.emitted.artifacts.find((a) => a.kind === 'hunting-yaml' && a.templateId === h.templateId);
        if (!res || res.type !== 'savedSearches' || res.scope !== 'workspace') return 'no saved search resource';
        if ((res.body.properties as { category?: string }).category !== 'Hunting Queries')
          return 'saved search is not in the Hunting Queries category';
        if (!m.emitted.artifacts.some((a) => a.path === `arm/hunting/${h.templateId}.json`)) return 'no ARM template';
        return (
          (!yaml || !/^id: [0-9a-f-]{36}$/m.test(yaml.content) || !/^metadata:/m.test(yaml.content)) &&
          'no Azure-Sentinel hunting YAML with id and metadata'
        );
      }),
    ).toEqual([]);
  });

  it('the account watchlist is emitted in watchlist mode only; the drill watchlist (empty) in both', () => {
    const emitted = (m: Mode) => m.emitted.artifacts.filter((a) => a.kind.startsWith('watchlist')).map((a) => a.path);
    expect(modes.map((m) => [m.name, emitted(m)])).toEqual([
      ['inline', ['arm/watchlists/BreakGlassDrills.json']],
      [
        'watchlist',
        [
          'watchlists/BreakGlassAccounts.csv',
          'arm/watchlists/BreakGlassAccounts.json',
          'arm/watchlists/BreakGlassDrills.json',
        ],
      ],
    ]);
  });

  it('the watchlist is deployed first: the combined template lists it before the rules that read it', () => {
    const m = modes.find((x) => x.name === 'watchlist')!;
    expect(m.emitted.resources[0]).toMatchObject({ kind: 'watchlist', name: 'BreakGlassAccounts' });
    const combined = JSON.parse(m.emitted.artifacts.find((a) => a.kind === 'pack-arm')!.content);
    expect(combined.resources[0].type).toBe('Microsoft.OperationalInsights/workspaces/providers/watchlists');
    const manifest = JSON.parse(m.emitted.artifacts.find((a) => a.kind === 'manifest')!.content);
    expect(manifest.counts).toMatchObject({ 'watchlist-csv': 1, 'watchlist-arm': 2 });
  });

  it('the exclusion-group rule is skipped, with the reason, when no exclusion group is configured', () => {
    const config = configWith((d) => delete d.options.exclusionGroupIds);
    const { pack, diagnostics } = shippedPack(config);
    expect(diagnostics).toEqual([]);
    expect(pack.skipped).toEqual([
      {
        templateId: 'btg-exclusion-group-changed',
        reason: 'options.exclusionGroupIds is not configured (no exclusion group to watch)',
      },
      { templateId: 'btg-watchlist-tampered', reason: 'accountSource is inline (no account watchlist to watch)' },
    ]);
  });

  it('the pack-rule rule watches exactly the enabled pack rules; the absence rule looks back options.dataSilence + ingestionDelay', () => {
    const config = configWith((d) => {
      d.options.rules = { 'btg-failed-signins': { enabled: false } };
      d.options.dataSilence = '36h';
    });
    const { pack } = shippedPack(config);
    const tamper = pack.rules.find((r) => r.templateId === 'btg-pack-rule-tampered')!;
    const ids = pack.rules.filter((r) => r.enabled).map((r) => r.rule.id);
    const disabled = pack.rules.find((r) => r.templateId === 'btg-failed-signins')!.rule.id;
    expect(ids.filter((id) => !tamper.query.text.includes(id))).toEqual([]);
    expect(tamper.query.text.includes(disabled)).toBe(false);
    const silence = pack.rules.find((r) => r.templateId === 'btg-data-silence')!;
    expect([silence.rule.queryPeriod, silence.query.text.includes('let Silence = 36h;')]).toEqual([
      `${36 * 60 + 30}m`,
      true,
    ]);
  });

  it('the unexpected-location rule is skipped, with the reason, when no expected locations are configured', () => {
    const config = configWith((d) => delete d.options.expectedLocations);
    const { pack, diagnostics } = shippedPack(config);
    expect(diagnostics).toEqual([]);
    expect(pack.skipped).toEqual([
      {
        templateId: 'btg-signin-unexpected-location',
        reason: 'options.expectedLocations is not configured (countries or ipRanges)',
      },
      { templateId: 'btg-watchlist-tampered', reason: 'accountSource is inline (no account watchlist to watch)' },
    ]);
    expect(pack.rules.map((r) => r.templateId)).not.toContain('btg-signin-unexpected-location');
  });
});

/**
 * options.caPolicyAllowList changes what two rules do, so its cases cannot be `tests:` rows (those run with any
 * config): the same records, executed by the offline evaluator, fire without the allow-list and not with it.
 */
describe('options.caPolicyAllowList (executed offline)', () => {
  const POLICY = '5b6e3a1c-0000-4000-8000-0000000000c9';
  const policyJson = (includeUsers: string[]) =>
    JSON.stringify({
      id: POLICY,
      displayName: 'Break-glass accounts need a FIDO2 key',
      state: 'enabled',
      conditions: { users: { includeUsers, excludeUsers: [] } },
    });
  const cases: Record<string, Record<string, Record<string, unknown>[]>> = {
    'btg-ca-policy-exclusion-removed': {
      AuditLogs: [
        {
          TimeGenerated: '2026-11-20T15:10:00Z',
          OperationName: 'Update conditional access policy',
          Category: 'Policy',
          LoggedByService: 'Conditional Access',
          Result: 'success',
          InitiatedBy: {
            user: {
              id: '22222222-3333-4444-8555-666666666666',
              userPrincipalName: 'ca-admin@contoso.example',
              ipAddress: '192.0.2.10',
            },
          },
          TargetResources: [
            {
              id: POLICY,
              type: 'Policy',
              displayName: 'Break-glass accounts need a FIDO2 key',
              modifiedProperties: [
                {
                  displayName: 'ConditionalAccessPolicy',
                  oldValue: policyJson(['00000000-0000-4000-8000-00000000b701']),
                  newValue: policyJson([
                    '00000000-0000-4000-8000-00000000b701',
                    '00000000-0000-4000-8000-00000000b702',
                  ]),
                },
              ],
            },
          ],
        },
      ],
    },
    'btg-signin-conditional-access-applied': {
      SigninLogs: [
        {
          TimeGenerated: '2026-11-20T10:07:00Z',
          UserId: '00000000-0000-4000-8000-00000000b701',
          UserPrincipalName: 'btg-emergency-01@contoso.example',
          IPAddress: '198.51.100.23',
          AppDisplayName: 'Azure Portal',
          ResultType: '0',
          ConditionalAccessStatus: 'success',
          ConditionalAccessPolicies: [
            {
              id: POLICY,
              displayName: 'Break-glass accounts need a FIDO2 key',
              result: 'success',
              enforcedGrantControls: ['AuthenticationStrength'],
              enforcedSessionControls: [],
            },
          ],
        },
      ],
    },
  };
  const verdicts = (allowList: string[]) => {
    const config = configWith((d) => {
      d.options.caPolicyAllowList = allowList;
    });
    const { pack } = shippedPack(config);
    const items = pack.rules
      .filter((r) => r.templateId in cases)
      .map((r) => ({ ...r, tests: [{ name: 'allow-list', expect: 'no-fire' as const, tables: cases[r.templateId] }] }));
    const schemas = bundledSchemas();
    const plan = planTests({ rules: items, schemas, now: new Date('2026-11-26T10:00:00Z') });
    const report = runOffline(plan, items, { analyzer: defaultAnalyzer(), schemas });
    return Object.fromEntries(
      report.rules.map((r) => [r.templateId, r.cases[0].actual ?? r.cases[0].error ?? r.cases[0].problems.join('; ')]),
    );
  };

  it('fire when the policy is not on the allow-list', () => {
    expect(verdicts([])).toEqual({
      'btg-ca-policy-exclusion-removed': 'fire',
      'btg-signin-conditional-access-applied': 'fire',
    });
  });
  it('do not fire when it is (ids compared without regard to case)', () => {
    expect(verdicts([POLICY.toUpperCase()])).toEqual({
      'btg-ca-policy-exclusion-removed': 'no-fire',
      'btg-signin-conditional-access-applied': 'no-fire',
    });
  });
});

/**
 * Noise budget (issue 13): one supervised test sign-in done right raises at most 2 incidents. The records of such a
 * test (docs/detections.md, "One test sign-in") run through every shipped rule in the offline evaluator; alerts of one
 * rule for one account group into one incident, so the incidents are the rules that fire.
 */
describe('one test sign-in (executed offline through every rule)', () => {
  const A = {
    UserId: '00000000-0000-4000-8000-00000000b701',
    UserPrincipalName: 'btg-emergency-01@contoso.example',
    IPAddress: '198.51.100.23',
    AppDisplayName: 'Azure Portal',
    AppId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
  };
  const policies = [
    { id: '5b6e3a1c-0000-4000-8000-0000000000c1', displayName: 'Require MFA for admins', result: 'notApplied' },
    {
      id: '5b6e3a1c-0000-4000-8000-0000000000c3',
      displayName: 'Require compliant device',
      result: 'reportOnlyFailure',
    },
  ];
  const scenario: Record<string, Record<string, unknown>[]> = {
    SigninLogs: [
      {
        ...A,
        TimeGenerated: '2026-11-20T08:14:00Z',
        ResultType: '50140',
        ResultDescription: 'Keep me signed in interrupt',
        ConditionalAccessStatus: 'notApplied',
        ConditionalAccessPolicies: policies,
        LocationDetails: { city: 'Oslo', countryOrRegion: 'NO' },
        AuthenticationDetails: '[{"authenticationMethod":"FIDO2 security key","succeeded":true}]',
      },
      {
        ...A,
        TimeGenerated: '2026-11-20T08:15:00Z',
        ResultType: '0',
        ConditionalAccessStatus: 'notApplied',
        ConditionalAccessPolicies: policies,
        LocationDetails: { city: 'Oslo', countryOrRegion: 'NO' },
        AuthenticationDetails: '[{"authenticationMethod":"FIDO2 security key","succeeded":true}]',
        DeviceDetail: { operatingSystem: 'Windows10', browser: 'Edge 131.0.0' },
      },
    ],
    AADNonInteractiveUserSignInLogs: [
      {
        ...A,
        TimeGenerated: '2026-11-20T08:16:00Z',
        ResultType: '0',
        ConditionalAccessStatus: 'notApplied',
        ConditionalAccessPolicies: JSON.stringify(policies),
        LocationDetails: '{"city":"Oslo","countryOrRegion":"NO"}',
        AuthenticationDetails: '[{"authenticationMethod":"Previously satisfied","succeeded":true}]',
      },
      // after the test the custodians revoke the sessions: the portal's refreshes fail
      ...['50133', '50173', '70043'].map((code, i) => ({
        ...A,
        TimeGenerated: `2026-11-20T08:2${i}:00Z`,
        ResultType: code,
        LocationDetails: '{"countryOrRegion":"NO"}',
        AuthenticationDetails: '[]',
      })),
    ],
    // the revoke itself, by a custodian's own administrator account (the test routine's last step)
    AuditLogs: [
      {
        TimeGenerated: '2026-11-20T08:19:00Z',
        OperationName: 'Update StsRefreshTokenValidFrom Timestamp',
        Category: 'UserManagement',
        LoggedByService: 'Core Directory',
        Result: 'success',
        InitiatedBy: {
          user: { id: '22222222-3333-4444-8555-666666666666', userPrincipalName: 'ciso@contoso.example' },
        },
        TargetResources: [
          {
            id: A.UserId,
            type: 'User',
            userPrincipalName: A.UserPrincipalName,
            modifiedProperties: [
              {
                displayName: 'StsRefreshTokensValidFrom',
                oldValue: '["2026-08-20T08:00:00Z"]',
                newValue: '["2026-11-20T08:19:00Z"]',
              },
            ],
          },
        ],
      },
    ],
  };

  it('raises 2 incidents: the interactive alarm and the token use, nothing else', () => {
    const { pack } = shippedPack(exampleConfig());
    const schemas = bundledSchemas();
    const analyzer = defaultAnalyzer();
    // absence rules alert on feeds that stop; in a tenant the feeds flow, so they are not part of the scenario
    const items = pack.rules
      .filter((r) => r.evaluation !== 'absence')
      .map((r) => {
        const read = new Set(analyzer.analyze(r.query.text).tables);
        const tables = Object.fromEntries(Object.entries(scenario).filter(([t]) => read.has(t)));
        return {
          ...r,
          tests: Object.keys(tables).length ? [{ name: 'test sign-in', expect: 'no-fire' as const, tables }] : [],
        };
      });
    const plan = planTests({ rules: items, schemas, now: new Date('2026-11-26T10:00:00Z') });
    const report = runOffline(plan, items, { analyzer, schemas });
    const broken = report.rules.flatMap((r) =>
      r.cases.filter((c) => !c.actual).map((c) => `${r.templateId}: ${c.error ?? c.problems.join('; ')}`),
    );
    expect(broken).toEqual([]);
    const firing = report.rules
      .filter((r) => r.cases.some((c) => c.actual === 'fire'))
      .map((r) => r.templateId)
      .sort();
    expect(firing).toEqual(['btg-interactive-signin', 'btg-noninteractive-signin']);
  });
});
