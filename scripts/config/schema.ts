/** `btg.config.yaml`: one strict schema; the TypeScript type is inferred from it. */
import { parseYamlDuration, UNIT_MS } from '../core/duration';
import { z } from 'zod';
import {
  AuthMethod,
  CountryCode,
  DEFAULT_INGESTION_DELAY,
  Email,
  Guid,
  IpRange,
  RECOMMENDED_AUTH_METHODS,
  RuleSeverity,
  Text,
  Upn,
  YamlDuration,
} from '../core/definitions';

/** Letters (any script), digits, `_ - . ( )`, 1-90 characters, not ending in a period. */
export const RESOURCE_GROUP_RE = /^[\p{L}\p{N}_\-.()]{0,89}[\p{L}\p{N}_\-()]$/u;

const Account = z
  .object({
    objectId: Guid,
    userPrincipalName: Upn,
    displayName: Text.pipe(z.string().min(1).max(256)).optional(),
    custodians: z.array(Email).default([]),
    /** the directory role the account must hold permanently (posture check) */
    role: Text.pipe(z.string().min(1)).default('Global Administrator'),
  })
  .strict();

/** One `workspaces[]` entry (btg init checks each answer with its fields). */
export const Workspace = z
  .object({
    /** short label used in plan output; defaults to workspaceName */
    name: Text.pipe(z.string().min(1)).optional(),
    subscriptionId: Guid,
    // Azure's naming rules; they also keep every name a single, literal segment of the request path (no "..", no "/")
    resourceGroup: z.string().regex(RESOURCE_GROUP_RE, {
      message: 'expected a resource group name: 1-90 letters, digits, _ - . ( ), not ending in "."',
    }),
    workspaceName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/, {
      message: 'expected a Log Analytics workspace name (4-63 letters, digits, hyphens)',
    }),
    location: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 ]{0,39}$/, { message: 'expected an Azure region like westeurope' }),
    /** the workspace's customer id (Overview → Workspace ID): the Log Analytics query API addresses workspaces by it (btg test --live, btg drill) */
    workspaceId: Guid.optional(),
  })
  .strict();

const Cidr = IpRange;

/** YAML reads `countryCode: 47` as a number: a whole number is taken as its digits (a string is checked as written). */
const digitsOf = (v: unknown): unknown => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : v);

/** An action-group phone receiver: country calling code and national number, digits only (Azure Monitor's form). */
export const PhoneNumber = z
  .object({
    countryCode: z.preprocess(digitsOf, z.string()).pipe(
      z.string().regex(/^[1-9][0-9]{0,2}$/, {
        message: 'expected a country calling code of 1-3 digits without "+" or "00", like "47"',
      }),
    ),
    phoneNumber: z.preprocess(digitsOf, z.string()).pipe(
      z.string().regex(/^[0-9]{4,14}$/, {
        message:
          'expected the national phone number as 4-14 digits, no spaces, "+" or leading country code, like "40000000"',
      }),
    ),
  })
  .strict();

const RuleOverride = z
  .object({
    enabled: z.boolean().optional(),
    severity: RuleSeverity.optional(),
  })
  .strict();

export const ConfigSchema = z
  .object({
    tenantName: Text.pipe(z.string().min(1)).default('Contoso'),
    /**
     * identity of this config in Azure (docs/deploy.md "Ownership"): in every ownership marker and in the names of
     * resource-group resources, so two configs in one resource group never touch each other's resources. Default: a
     * short hash of tenantName + the first workspace (scripts/content/ids.ts `packIdOf`).
     */
    packId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,14}[a-z0-9]$/, {
        message:
          'expected a pack id: 3-16 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
      })
      .optional(),
    accounts: z
      .array(Account)
      .min(1, { message: 'expected at least 2 break-glass accounts (1 with allowSingleAccount: true)' }),
    allowSingleAccount: z.boolean().default(false),
    accountSource: z.enum(['inline', 'watchlist']).default('inline'),
    watchlist: z
      .object({
        alias: z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, {
            message: 'expected a watchlist alias (letters, digits, underscore)',
          })
          .default('BreakGlassAccounts'),
      })
      .strict()
      .default({}),
    notify: z
      .object({
        emails: z.array(Email).default([]),
        emailSubject: Text.pipe(z.string().min(1).max(200)).default('Break-glass account activity: {{alertName}}'),
        teams: z
          .object({ groupId: Guid, channelId: Text.pipe(z.string().min(1)) })
          .strict()
          .optional(),
        incidentOwner: Email.optional(),
        /** object id of the incident owner: the automation rule assigns incidents natively (before any playbook) when set */
        incidentOwnerObjectId: Guid.optional(),
        /**
         * severity the automation rule sets natively on every new break-glass incident (before any playbook); unset:
         * each rule's own severity (and a rule's dynamic severity) stands
         */
        incidentSeverity: RuleSeverity.optional(),
        /**
         * who answers for change incidents (account, role, method, Conditional Access, group, federation ...): asked by
         * the confirmation playbook whether the change was planned; custodians are asked only about sign-ins
         */
        identityOwners: z.array(Email).default([]),
        /** SMS and voice-call receivers of the Azure Monitor action group (monitor alert, playbook-failure alert) */
        sms: z.array(PhoneNumber).max(10).default([]),
        voice: z.array(PhoneNumber).max(10).default([]),
        /**
         * a webhook receiver on the action group; its URL is never in the config: a secure deploy-time parameter
         * (`alertWebhookUri` of the ARM template; `btg deploy` reads BTG_ALERT_WEBHOOK_URI)
         */
        webhook: z.boolean().default(false),
      })
      .strict()
      .default({}),
    workspaces: z.array(Workspace).default([]),
    options: z
      .object({
        /** Microsoft's current guidance: validate each emergency account at least every 90 days */
        testIntervalDays: z.number().int().min(1).max(365).default(90),
        /** FIDO2 security key and certificate-based authentication (Microsoft's guidance); others allowed with a warning */
        allowedAuthMethods: z
          .array(AuthMethod)
          .min(1)
          .default([...RECOMMENDED_AUTH_METHODS]),
        expectedLocations: z
          .object({
            countries: z.array(CountryCode).default([]),
            ipRanges: z.array(Cidr).default([]),
          })
          .strict()
          .optional(),
        failedSignInThreshold: z.number().int().min(1).max(1000).default(3),
        /**
         * buffer for late-arriving events: every Scheduled rule looks back queryFrequency + ingestionDelay and keeps only
         * rows ingested within queryFrequency. 1m..1d, so that a rule's period stays within the service limits (≤ 14d;
         * a period of 2d or more needs an hourly frequency, which a sub-hour rule + at most 1d never reaches).
         */
        ingestionDelay: z
          .string()
          .refine((d) => (parseYamlDuration(d) ?? Infinity) <= UNIT_MS.d, {
            message: 'expected a duration from 1m to 1d, like 30m, 2h or 1d',
          })
          .default(DEFAULT_INGESTION_DELAY),
        /**
         * Conditional Access policy ids allowed to cover the break-glass accounts (e.g. a policy that requires a FIDO2
         * key of exactly these accounts): the CA exclusion and CA-applied rules ignore them
         */
        caPolicyAllowList: z.array(Guid).default([]),
        /** groups that hold every BTG account and serve as the Conditional Access exclusion group */
        exclusionGroupIds: z.array(Guid).default([]),
        /**
         * btg-data-silence: how long the Entra sign-in or audit feed may deliver no rows before it is reported as stopped
         * (fail-open). 1h..7d; default 24h: a night or a quiet evening in a small tenant is well under a day, while a
         * broken diagnostic setting or connector is reported the next day at the latest
         */
        // zod runs a refinement even after the string's own regex failed: a malformed value is that check's to report
        dataSilence: YamlDuration.refine(
          (d) => {
            const ms = parseYamlDuration(d);
            return ms === undefined || (ms >= UNIT_MS.h && ms <= 7 * UNIT_MS.d);
          },
          { message: 'expected a duration from 1h to 7d' },
        ).default('24h'),
        monitorAlert: z
          .object({
            enabled: z.boolean().default(true),
            muteActionsDuration: z
              .string()
              .regex(/^PT?\d+[HMD]$|^PT\d+M$/, { message: 'expected an ISO-8601 duration like PT1H' })
              .optional(),
          })
          .strict()
          .default({}),
        rules: z.record(z.string(), RuleOverride).default({}),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type Account = Config['accounts'][number];
export type WorkspaceRef = Config['workspaces'][number];
