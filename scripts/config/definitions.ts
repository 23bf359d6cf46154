/** Constrained primitives shared by every schema (config, rules, playbooks). Defined once. */
import { z } from 'zod';

export const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const Guid = z.string().regex(GUID_RE, { message: 'expected a GUID' });
export const Upn = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { message: 'expected a user principal name like name@tenant.example' });
export const Email = z.string().regex(/^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$/, { message: 'expected an email address' });
export const Severity = z.enum(['Informational', 'Low', 'Medium', 'High']);
export type Severity = z.infer<typeof Severity>;
/** Durations in Azure-Sentinel YAML spelling: integer + lower-case m / h / d. */
export const YamlDuration = z.string().regex(/^[1-9][0-9]*[mhd]$/, { message: 'expected a duration like 5m, 1h or 14d' });

export const AUTH_METHODS = [
  'FIDO2 security key',
  'Passkey (device-bound)',
  'Passkey (Microsoft Authenticator)',
  'Windows Hello for Business',
  'X.509 Certificate',
  'Certificate-based authentication',
  'Platform Credential for macOS',
] as const;
