/** Constrained primitives shared by every schema (config, rules, playbooks). Defined once. */
import { isIP } from 'net';
import { z } from 'zod';
import { hasControlChars } from './controls';

export const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const Guid = z.string().regex(GUID_RE, { message: 'expected a GUID' });
/* eslint-disable no-control-regex -- these patterns exist to refuse control characters */
/** Free text from the config (names, titles): any printable characters, no control characters. */
export const Text = z.string().refine((s) => !hasControlChars(s), {
  message:
    'expected printable text: control characters (tab, line breaks, escape codes, direction overrides) are not allowed',
});
export const Upn = z
  .string()
  .regex(/^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+\.[^@\s\x00-\x1f\x7f-\x9f]+$/, {
    message: 'expected a user principal name like name@tenant.example',
  })
  // \s and the ranges above do not hold the direction overrides (format characters): refused like Text refuses them
  // (piped: checked only when the form is right, one message a value)
  .pipe(
    z.string().refine((s) => !hasControlChars(s), {
      message: 'expected a user principal name without direction overrides',
    }),
  );
export const Email = z
  .string()
  .regex(/^[^@\s,;<>\x00-\x1f\x7f-\x9f]+@[^@\s,;<>\x00-\x1f\x7f-\x9f]+\.[^@\s,;<>\x00-\x1f\x7f-\x9f]+$/, {
    message: 'expected an email address',
  })
  .pipe(
    z.string().refine((s) => !hasControlChars(s), { message: 'expected an email address without direction overrides' }),
  );
/* eslint-enable no-control-regex */
/** A Sentinel rule's (or alert's) severity, as the service spells it; a diagnostic's is DiagnosticSeverity (core/checks.ts). */
export const RuleSeverity = z.enum(['Informational', 'Low', 'Medium', 'High']);
export type RuleSeverity = z.infer<typeof RuleSeverity>;
/** Durations in Azure-Sentinel YAML spelling: integer + lower-case m / h / d. */
export const YamlDuration = z
  .string()
  .regex(/^[1-9][0-9]*[mhd]$/, { message: 'expected a duration like 5m, 1h or 14d' });

export const AUTH_METHODS = [
  'FIDO2 security key',
  'Passkey (device-bound)',
  'Passkey (Microsoft Authenticator)',
  'Windows Hello for Business',
  'X.509 Certificate',
  'Certificate-based authentication',
  'Platform Credential for macOS',
] as const;

/**
 * The methods Microsoft's "Manage emergency access accounts in Microsoft Entra ID" recommends for emergency accounts:
 * a FIDO2 security key or certificate-based authentication (phishing-resistant and not bound to one person's phone or
 * PC, as passkeys in Microsoft Authenticator and Windows Hello are). Entra names a security key "FIDO2 security key" or,
 * in newer sign-in records, "Passkey (device-bound)"; certificate-based authentication is "X.509 Certificate".
 */
export const RECOMMENDED_AUTH_METHODS = ['FIDO2 security key', 'Passkey (device-bound)', 'X.509 Certificate'] as const;
export const EMERGENCY_ACCESS_GUIDANCE_URL =
  'https://learn.microsoft.com/entra/identity/role-based-access-control/security-emergency-access';
/** default options.ingestionDelay: the buffer Scheduled rules add to their look-back for late events */
export const DEFAULT_INGESTION_DELAY = '30m';

/** ISO 3166-1 alpha-2: the 249 officially assigned country codes (what SigninLogs.Location holds). */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(
    ' ',
  ),
);
export const CountryCode = z.string().refine(
  (c) => COUNTRY_CODES.has(c),
  (c) => ({
    message:
      /^[a-z]{2}$/.test(c) && COUNTRY_CODES.has(c.toUpperCase())
        ? `expected an upper-case ISO 3166-1 alpha-2 country code (${c.toUpperCase()})`
        : c === 'UK'
          ? 'expected an ISO 3166-1 alpha-2 country code (the United Kingdom is GB)'
          : 'expected an ISO 3166-1 alpha-2 country code like NO, SE or US',
  }),
);

/**
 * An IPv4 or IPv6 address, optionally with a prefix length (/0-32, /0-128, no leading zeros): each octet 0-255; no
 * IPv6 zone index (`fe80::1%eth0`: sign-in logs never carry one, and KQL's range functions do not take one).
 */
export function isIpOrCidr(v: string): boolean {
  const m = /^([^/%]+)(?:\/(0|[1-9]\d{0,2}))?$/.exec(v);
  if (!m) return false;
  const kind = isIP(m[1]);
  if (!kind) return false;
  return m[2] === undefined || Number(m[2]) <= (kind === 4 ? 32 : 128);
}
export const IpRange = z.string().refine(isIpOrCidr, {
  message:
    'expected an IP address or CIDR range like 203.0.113.0/24 or 2001:db8::/32 (octets 0-255, prefix /0-32 for IPv4, /0-128 for IPv6)',
});

/** An authentication method name exactly as Entra writes it in SigninLogs (AUTH_METHODS). */
export const AuthMethod = z.string().refine((m) => (AUTH_METHODS as readonly string[]).includes(m), {
  message: `expected one of the authentication method names of the sign-in logs: ${AUTH_METHODS.map((m) => JSON.stringify(m)).join(', ')}`,
});

/**
 * The api-version of every ARM resource type the pack writes or reads, defined once: emit writes each resource at its
 * version, and deploy lists, reads and deletes the type at the same one (an orphan found while pruning is deleted at
 * the version its type is emitted at). Sources: the Azure/azure-rest-api-specs swaggers of each resource provider.
 */
export const API_VERSIONS = {
  /** Scheduled rules and automation rules: stable */
  alertRulesStable: '2025-09-01',
  /** NRT rules exist only in preview; deploy lists alert rules at this version so NRT rules are returned too */
  alertRulesPreview: '2025-07-01-preview',
  automationRules: '2025-09-01',
  metadata: '2025-09-01',
  /** the accounts watchlist and the drill watchlist (and its items) */
  watchlists: '2025-09-01',
  savedSearches: '2020-08-01',
  /** newest stable Microsoft.Insights/workbooks */
  workbooks: '2023-06-01',
  actionGroups: '2023-01-01',
  scheduledQueryRules: '2023-12-01',
  /** the playbooks' run-failure alerts (inside each playbook's ARM template) */
  metricAlerts: '2018-03-01',
  workflows: '2019-05-01',
  connections: '2016-06-01',
  deployments: '2025-03-01',
  roleAssignments: '2022-04-01',
  workspaces: '2022-10-01',
  subscriptions: '2022-12-01',
} as const;
