/**
 * Where posture data comes from. Both implementations answer the same Graph v1.0 request paths
 * (relative to https://graph.microsoft.com/v1.0/): a live Graph client, or a folder exported earlier
 * with one raw response body per request path (`<path>.json`).
 *
 * The check is strictly read-only: a GraphSource only ever issues GET requests.
 */

/** One GET against Graph v1.0. */
export interface GraphGet {
  /** request path relative to the version root, e.g. `users/<id>` (no leading slash, no query) */
  path: string;
  /** `$select` properties (live only; an export holds whatever the live call returned) */
  select?: readonly string[];
  /** a collection (`{"value":[...]}`): the live source follows `@odata.nextLink` and merges the pages */
  collection?: boolean;
}

/**
 * The outcome of one GET. Anything other than `ok` means the data is not available in this run; checks
 * that need it are reported as skipped with `reason` (except `not-found` on an account, which is a finding).
 */
export type GraphResult =
  | { kind: 'ok'; body: unknown }
  /** folder source: the file is not in the export */
  | { kind: 'not-exported'; reason: string }
  /** HTTP 404 (live) or an exported 404 body */
  | { kind: 'not-found'; reason: string; body?: unknown }
  /** HTTP 401/403: the identity lacks a permission or the tenant lacks a licence */
  | { kind: 'denied'; reason: string; body?: unknown }
  /** any other error response, or a body that is not JSON */
  | { kind: 'error'; reason: string; status?: number; body?: unknown };

export interface GraphSource {
  /** human-readable description for reports, e.g. `Microsoft Graph (https://graph.microsoft.com)` */
  readonly description: string;
  get(req: GraphGet): Promise<GraphResult>;
}

/** Request paths the posture check reads. Account and group ids must be GUIDs (they become file names). */
export const GraphPaths = {
  policies: 'identity/conditionalAccess/policies',
  user: (id: string) => `users/${id}`,
  methods: (id: string) => `users/${id}/authentication/methods`,
  memberOf: (id: string) => `users/${id}/memberOf`,
  roleAssignments: 'roleManagement/directory/roleAssignments',
  roleEligibility: 'roleManagement/directory/roleEligibilitySchedules',
  groupMembers: (id: string) => `groups/${id}/transitiveMembers`,
} as const;

/** Properties read from each account (`$select`). signInActivity needs AuditLog.Read.All and Entra ID P1/P2. */
export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'accountEnabled',
  'onPremisesSyncEnabled',
  'userType',
  'passwordPolicies',
  'creationType',
  'signInActivity',
] as const;

/** The least-privileged read-only Graph application/delegated permission each path needs. */
export function permissionFor(path: string): string {
  if (path.startsWith('identity/conditionalAccess/')) return 'Policy.Read.All';
  if (/^users\/[^/]+\/authentication\//.test(path)) return 'UserAuthenticationMethod.Read.All';
  if (/^users\/[^/]+\/memberOf$/.test(path))
    return 'GroupMember.Read.All + AdministrativeUnit.Read.All (or Directory.Read.All)';
  if (/^users\/[^/]+$/.test(path)) return 'User.Read.All (+ AuditLog.Read.All for signInActivity)';
  if (path === GraphPaths.roleEligibility) return 'RoleManagement.Read.Directory (and Entra ID P2 for PIM)';
  if (path.startsWith('roleManagement/directory/')) return 'RoleManagement.Read.Directory';
  if (path.startsWith('groups/')) return 'GroupMember.Read.All';
  return 'Directory.Read.All';
}

/** The file an exported response lives in, relative to the export folder. */
export const exportFileOf = (path: string): string => `${path}.json`;

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A request path is safe to map onto the file system: plain segments, no `..`, no absolute paths. */
export function isSafeRequestPath(path: string): boolean {
  const segs = path.split('/');
  return segs.length > 0 && segs.every((s) => SEGMENT.test(s) && s !== '..' && !s.includes('..'));
}

/** Manifest written next to an export (not a Graph response). */
export const EXPORT_MANIFEST = 'btg-export.json';

export interface ExportManifest {
  tool: 'breakglass-sentinel';
  kind: 'btg-check-export';
  /** when the responses were read: the default "as of" time for `btg check --from` */
  exportedAt: string;
  /** Graph endpoint the export was read from */
  endpoint?: string;
  /** files written (relative, forward slashes); a re-export removes these first */
  files: string[];
}
