/**
 * The parts of Graph v1.0 response bodies the posture checks read. Lenient: unknown properties pass through,
 * nullable arrays become []. A body that does not fit is reported (skip) rather than guessed at.
 */
import { z } from 'zod';

const strArr = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);
const optStr = z.string().nullish();

export const CaUsersCondition = z
  .object({
    includeUsers: strArr,
    excludeUsers: strArr,
    includeGroups: strArr,
    excludeGroups: strArr,
    includeRoles: strArr,
    excludeRoles: strArr,
    includeGuestsOrExternalUsers: z.unknown().nullish(),
    excludeGuestsOrExternalUsers: z.unknown().nullish(),
  })
  .passthrough();

export const CaPolicy = z
  .object({
    id: z.string(),
    displayName: optStr,
    state: z.string(),
    conditions: z
      .object({
        users: CaUsersCondition.nullish(),
        clientApplications: z.unknown().nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type CaPolicy = z.infer<typeof CaPolicy>;

export const SignInActivity = z
  .object({
    lastSignInDateTime: optStr,
    lastNonInteractiveSignInDateTime: optStr,
    lastSuccessfulSignInDateTime: optStr,
  })
  .passthrough();

export const GraphUser = z
  .object({
    id: z.string(),
    userPrincipalName: optStr,
    displayName: optStr,
    accountEnabled: z.boolean().nullish(),
    onPremisesSyncEnabled: z.boolean().nullish(),
    userType: optStr,
    passwordPolicies: optStr,
    signInActivity: SignInActivity.nullish(),
  })
  .passthrough();
export type GraphUser = z.infer<typeof GraphUser>;

export const AuthMethod = z.object({ '@odata.type': z.string(), id: z.string().nullish() }).passthrough();
export type AuthMethod = z.infer<typeof AuthMethod>;

export const DirectoryObject = z
  .object({
    '@odata.type': optStr,
    id: z.string(),
    displayName: optStr,
    isMemberManagementRestricted: z.boolean().nullish(),
  })
  .passthrough();
export type DirectoryObject = z.infer<typeof DirectoryObject>;

export const RoleAssignment = z
  .object({
    id: optStr,
    principalId: z.string(),
    roleDefinitionId: z.string(),
    directoryScopeId: optStr,
  })
  .passthrough();
export type RoleAssignment = z.infer<typeof RoleAssignment>;

export const RoleEligibilitySchedule = z
  .object({
    id: optStr,
    principalId: z.string(),
    roleDefinitionId: z.string(),
    directoryScopeId: optStr,
    status: optStr,
  })
  .passthrough();
export type RoleEligibilitySchedule = z.infer<typeof RoleEligibilitySchedule>;

export const collectionOf = <T extends z.ZodTypeAny>(item: T) => z.object({ value: z.array(item) }).passthrough();

export const ODATA = {
  group: '#microsoft.graph.group',
  administrativeUnit: '#microsoft.graph.administrativeUnit',
  user: '#microsoft.graph.user',
  password: '#microsoft.graph.passwordAuthenticationMethod',
  fido2: '#microsoft.graph.fido2AuthenticationMethod',
  windowsHello: '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
  x509: '#microsoft.graph.x509CertificateAuthenticationMethod',
  platformCredential: '#microsoft.graph.platformCredentialAuthenticationMethod',
  phone: '#microsoft.graph.phoneAuthenticationMethod',
  authenticator: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
  softwareOath: '#microsoft.graph.softwareOathAuthenticationMethod',
  hardwareOath: '#microsoft.graph.hardwareOathAuthenticationMethod',
  email: '#microsoft.graph.emailAuthenticationMethod',
  tap: '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
} as const;
