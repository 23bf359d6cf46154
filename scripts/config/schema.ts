/** `btg.config.yaml`: one strict schema; the TypeScript type is inferred from it. */
import { z } from 'zod';
import { Email, Guid, Severity, Upn } from './definitions';

/** Letters (any script), digits, `_ - . ( )`, 1-90 characters, not ending in a period. */
export const RESOURCE_GROUP_RE = /^[\p{L}\p{N}_\-.()]{0,89}[\p{L}\p{N}_\-()]$/u;

const Account = z
  .object({
    objectId: Guid,
    userPrincipalName: Upn,
    displayName: z.string().min(1).max(256).optional(),
    custodians: z.array(Email).default([]),
    /** the directory role the account must hold permanently (posture check) */
    role: z.string().min(1).default('Global Administrator'),
  })
  .strict();

const Workspace = z
  .object({
    /** short label used in plan output; defaults to workspaceName */
    name: z.string().min(1).optional(),
    subscriptionId: Guid,
    // Azure's naming rules; they also keep every name a single, literal segment of the request path (no "..", no "/")
    resourceGroup: z.string().regex(RESOURCE_GROUP_RE, { message: 'expected a resource group name: 1-90 letters, digits, _ - . ( ), not ending in "."' }),
    workspaceName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/, { message: 'expected a Log Analytics workspace name (4-63 letters, digits, hyphens)' }),
    location: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ]{0,39}$/, { message: 'expected an Azure region like westeurope' }),
    /** the workspace's customer id (Overview → Workspace ID): the Log Analytics query API addresses workspaces by it (btg test --live, btg drill) */
    workspaceId: Guid.optional(),
  })
  .strict();

const Cidr = z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+(\/\d{1,3})?)$/, { message: 'expected an IP address or CIDR range' });

const RuleOverride = z
  .object({
    enabled: z.boolean().optional(),
    severity: Severity.optional(),
  })
  .strict();

export const ConfigSchema = z
  .object({
    tenantName: z.string().min(1).default('Contoso'),
    accounts: z.array(Account).min(1, { message: 'expected at least one break-glass account' }),
    /**
     * identity of this config in Azure (docs/deploy.md "Ownership"): in every ownership marker and in the names of
     * resource-group resources, so two configs in one resource group never touch each other's resources. Default: a
     * short hash of tenantName + the first workspace (scripts/content/ids.ts `packIdOf`).
     */
    packId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,14}[a-z0-9]$/, { message: 'expected a pack id: 3-16 lower-case letters, digits and hyphens, starting and ending with a letter or digit' })
      .optional(),
    allowSingleAccount: z.boolean().default(false),
    accountSource: z.enum(['inline', 'watchlist']).default('inline'),
    watchlist: z
      .object({
        alias: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { message: 'expected a watchlist alias (letters, digits, underscore)' }).default('BreakGlassAccounts'),
      })
      .strict()
      .default({}),
    notify: z
      .object({
        emails: z.array(Email).default([]),
        emailSubject: z.string().min(1).max(200).default('Break-glass account activity: {{alertName}}'),
        teams: z.object({ groupId: Guid, channelId: z.string().min(1) }).strict().optional(),
        incidentOwner: Email.optional(),
      })
      .strict()
      .default({}),
    workspaces: z.array(Workspace).default([]),
    options: z
      .object({
        testIntervalDays: z.number().int().min(1).max(365).default(180),
        allowedAuthMethods: z.array(z.string().min(1)).min(1).default(['FIDO2 security key', 'Passkey (device-bound)', 'Passkey (Microsoft Authenticator)', 'Windows Hello for Business', 'X.509 Certificate']),
        expectedLocations: z
          .object({
            countries: z.array(z.string().regex(/^[A-Z]{2}$/, { message: 'expected an ISO 3166 two-letter country code' })).default([]),
            ipRanges: z.array(Cidr).default([]),
          })
          .strict()
          .optional(),
        failedSignInThreshold: z.number().int().min(1).max(1000).default(3),
        /** groups that hold every BTG account and serve as the Conditional Access exclusion group */
        exclusionGroupIds: z.array(Guid).default([]),
        monitorAlert: z
          .object({
            enabled: z.boolean().default(true),
            muteActionsDuration: z.string().regex(/^PT?\d+[HMD]$|^PT\d+M$/, { message: 'expected an ISO-8601 duration like PT1H' }).optional(),
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
