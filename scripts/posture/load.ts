/** Read everything the posture checks need from a GraphSource into one typed snapshot. */
import { formatPath } from '../core/diagnostic';
import { zodIssueMessage } from '../core/zodIssues';
import pLimit from 'p-limit';
import { z } from 'zod';
import { Account, Config } from '../config/schema';
import {
  AuthMethod,
  CaPolicy,
  collectionOf,
  DirectoryObject,
  GraphUser,
  RoleAssignment,
  RoleEligibilitySchedule,
} from './graph-types';
import { isGuid } from './roles';
import { GraphGet, GraphPaths, GraphResult, GraphSource, USER_SELECT } from './source';

export type Unavailable = {
  ok: false;
  path: string;
  kind: Exclude<GraphResult['kind'], 'ok'> | 'invalid';
  reason: string;
};
/** A response, parsed, or why it is not available in this run. */
export type Fetched<T> = { ok: true; path: string; value: T } | Unavailable;

export interface AccountData {
  account: Account;
  user: Fetched<GraphUser>;
  /** set when the user was read but signInActivity was not (not in the export, or Graph refused it) */
  signInUnavailable?: string;
  methods: Fetched<AuthMethod[]>;
  memberOf: Fetched<DirectoryObject[]>;
}

export interface PostureData {
  policies: Fetched<CaPolicy[]>;
  accounts: AccountData[];
  roleAssignments: Fetched<RoleAssignment[]>;
  roleEligibility: Fetched<RoleEligibilitySchedule[]>;
  /** transitive members of each group a Conditional Access policy names, by lower-case group id */
  groupMembers: Map<string, Fetched<DirectoryObject[]>>;
}

function zodReason(path: string, err: z.ZodError): string {
  const [first] = err.issues;
  const more = err.issues.length > 1 ? ` (+${err.issues.length - 1} more)` : '';
  return `${path}.json: unexpected response shape at ${formatPath(first.path) || '(body)'}: ${zodIssueMessage(first)}${more}`;
}

function unavailable(path: string, r: Exclude<GraphResult, { kind: 'ok' }>): Unavailable {
  return { ok: false, path, kind: r.kind, reason: r.reason };
}

export function parseOne<S extends z.ZodTypeAny>(path: string, r: GraphResult, schema: S): Fetched<z.output<S>> {
  if (r.kind !== 'ok') return unavailable(path, r);
  const p = schema.safeParse(r.body);
  return p.success
    ? { ok: true, path, value: p.data }
    : { ok: false, path, kind: 'invalid', reason: zodReason(path, p.error) };
}

export function parseCollection<S extends z.ZodTypeAny>(path: string, r: GraphResult, item: S): Fetched<z.output<S>[]> {
  const c = parseOne(path, r, collectionOf(item));
  return c.ok ? { ok: true, path, value: c.value.value as z.output<S>[] } : c;
}

/** Group ids named by any policy (include or exclude), lower case, GUIDs only (they become request paths). */
export function policyGroupIds(policies: readonly CaPolicy[]): string[] {
  const ids = new Set<string>();
  for (const p of policies) {
    const u = p.conditions?.users;
    if (!u) continue;
    for (const g of [...u.includeGroups, ...u.excludeGroups]) if (isGuid(g)) ids.add(g.toLowerCase());
  }
  return [...ids].sort();
}

export async function loadPostureData(
  source: GraphSource,
  config: Config,
  opts: { concurrency?: number } = {},
): Promise<PostureData> {
  const limit = opts.concurrency ?? 4;
  const get = (req: GraphGet) => source.get(req);

  const policies = parseCollection(
    GraphPaths.policies,
    await get({ path: GraphPaths.policies, collection: true }),
    CaPolicy,
  );
  const groupIds = policies.ok ? policyGroupIds(policies.value) : [];

  const loadAccount = async (account: Account): Promise<AccountData> => {
    const id = account.objectId;
    const userPath = GraphPaths.user(id);
    let userResult = await get({ path: userPath, select: USER_SELECT });
    let signInUnavailable: string | undefined;
    if (userResult.kind === 'denied' || userResult.kind === 'error') {
      // signInActivity needs AuditLog.Read.All and an Entra ID P1/P2 licence; without them Graph refuses the whole request.
      const retry = await get({ path: userPath, select: USER_SELECT.filter((s) => s !== 'signInActivity') });
      if (retry.kind === 'ok') {
        signInUnavailable = `signInActivity not readable (${userResult.reason}); it needs AuditLog.Read.All and Entra ID P1/P2`;
        userResult = retry;
      }
    }
    const user = parseOne(userPath, userResult, GraphUser);
    if (
      user.ok &&
      !signInUnavailable &&
      userResult.kind === 'ok' &&
      !Object.prototype.hasOwnProperty.call(userResult.body, 'signInActivity')
    ) {
      signInUnavailable = `signInActivity not in ${userPath}.json (it needs AuditLog.Read.All and Entra ID P1/P2 when exporting)`;
    }
    const methodsPath = GraphPaths.methods(id);
    const memberOfPath = GraphPaths.memberOf(id);
    const [methods, memberOf] = await Promise.all([
      get({ path: methodsPath, collection: true }).then((r) => parseCollection(methodsPath, r, AuthMethod)),
      get({ path: memberOfPath, collection: true }).then((r) => parseCollection(memberOfPath, r, DirectoryObject)),
    ]);
    return { account, user, signInUnavailable, methods, memberOf };
  };

  // at most `limit` Graph requests groups at a time, results in input order
  const limited = pLimit(Math.max(1, limit));
  const accounts = await Promise.all(config.accounts.map((a) => limited(() => loadAccount(a))));
  const roleAssignments = parseCollection(
    GraphPaths.roleAssignments,
    await get({ path: GraphPaths.roleAssignments, collection: true }),
    RoleAssignment,
  );
  const roleEligibility = parseCollection(
    GraphPaths.roleEligibility,
    await get({ path: GraphPaths.roleEligibility, collection: true }),
    RoleEligibilitySchedule,
  );
  const groups = await Promise.all(
    groupIds.map((g) =>
      limited(async () => {
        const p = GraphPaths.groupMembers(g);
        return [
          g,
          parseCollection(p, await get({ path: p, collection: true, select: ['id', 'displayName'] }), DirectoryObject),
        ] as const;
      }),
    ),
  );
  return { policies, accounts, roleAssignments, roleEligibility, groupMembers: new Map(groups) };
}
