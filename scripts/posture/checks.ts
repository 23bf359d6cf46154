/**
 * The posture checks: pure functions over a loaded snapshot (PostureData) returning findings.
 * Nothing here performs I/O or prints. A check whose data is not available in this run is `skip` with the reason.
 */
import { Config } from '../config/schema';
import { PostureCheckId } from '../core/checks';
import { AuthMethod, CaPolicy, DirectoryObject, GraphUser, ODATA } from './graph-types';
import { AccountData, Fetched, PostureData, Unavailable } from './load';
import { isGuid, resolveRole, roleName } from './roles';

export type Status = 'pass' | 'fail' | 'warn' | 'skip' | 'info';
export const STATUSES: readonly Status[] = ['fail', 'warn', 'skip', 'info', 'pass'];

/** A posture check's id, registered with its description and help in core/checks.ts (listed in docs/checks.md). */
export type CheckId = PostureCheckId;

export interface Finding {
  check: CheckId;
  /** account UPN, policy name, workspace name, or `accounts` */
  subject: string;
  status: Status;
  reason: string;
  /** object id of the subject (account objectId, policy id) when there is one */
  subjectId?: string;
}

export interface CheckOptions {
  /** "now" for the test-interval check (injectable for tests; an export's time for `--from`) */
  now: Date;
  /**
   * The drills on record (`btg drill` items of the BreakGlassDrills watchlist, read from the workspaces): with them the
   * test-interval check counts passed drills, not sign-ins (an attacker's sign-in is not a test). Without (`--from`,
   * no ARM sign-in) it reads the sign-in activity, and says so.
   */
  drills?: DrillHistory;
}

/** One drill on record (the watchlist item's columns the check reads). */
export interface DrillRecordItem {
  accountObjectId: string;
  result: string;
  drillStart: string;
  workspace?: string;
}

export type DrillHistory = { ok: true; records: DrillRecordItem[]; source: string } | { ok: false; reason: string };

const DAY_MS = 86_400_000;
const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();
const day = (d: Date) => d.toISOString().slice(0, 10);
const quote = (s: string) => `'${s}'`;

// ---------------------------------------------------------------------------------------------------------------
// authentication methods

const METHOD_LABEL: Record<string, string> = {
  [ODATA.password]: 'password',
  [ODATA.fido2]: 'FIDO2 security key / passkey',
  [ODATA.windowsHello]: 'Windows Hello for Business',
  [ODATA.x509]: 'X.509 certificate',
  [ODATA.platformCredential]: 'platform credential (macOS)',
  [ODATA.phone]: 'phone (SMS/voice)',
  [ODATA.authenticator]: 'Microsoft Authenticator (push/phone sign-in)',
  [ODATA.softwareOath]: 'software OATH token',
  [ODATA.hardwareOath]: 'hardware OATH token',
  [ODATA.email]: 'email OTP',
  [ODATA.tap]: 'Temporary Access Pass',
};
export const methodLabel = (t: string): string => METHOD_LABEL[t] ?? t.replace(/^#microsoft\.graph\./, '');

const PHISHING_RESISTANT = new Set<string>([ODATA.fido2, ODATA.windowsHello, ODATA.x509, ODATA.platformCredential]);
const WEAKER = new Set<string>([
  ODATA.phone,
  ODATA.authenticator,
  ODATA.softwareOath,
  ODATA.hardwareOath,
  ODATA.email,
  ODATA.tap,
]);

/** Which phishing-resistant Graph method types count, from `options.allowedAuthMethods` (sign-in log method names). */
export function strongMethodTypes(allowed: readonly string[]): Set<string> {
  const a = allowed.map((s) => s.toLowerCase());
  const has = (...words: string[]) => a.some((x) => words.some((w) => x.includes(w)));
  const s = new Set<string>();
  if (has('fido2', 'passkey')) s.add(ODATA.fido2);
  if (has('windows hello')) s.add(ODATA.windowsHello);
  if (has('x.509', 'certificate')) s.add(ODATA.x509);
  if (has('platform credential')) s.add(ODATA.platformCredential);
  return s;
}

function countLabels(methods: readonly AuthMethod[]): string {
  const counts = new Map<string, number>();
  for (const m of methods)
    counts.set(methodLabel(m['@odata.type']), (counts.get(methodLabel(m['@odata.type'])) ?? 0) + 1);
  return [...counts].map(([l, n]) => (n > 1 ? `${l} (${n})` : l)).join(', ');
}

// ---------------------------------------------------------------------------------------------------------------
// per-account helpers

type UserGate = { user: GraphUser } | { finding: Omit<Finding, 'check' | 'subject' | 'subjectId'> };

function userGate(ad: AccountData): UserGate {
  if (ad.user.ok) return { user: ad.user.value };
  if (ad.user.kind === 'not-found')
    return { finding: { status: 'skip', reason: `account ${ad.account.objectId} not found in the directory` } };
  return { finding: { status: 'skip', reason: ad.user.reason } };
}

const isGroup = (o: DirectoryObject) => lower(o['@odata.type']) === ODATA.group.toLowerCase();
const isAu = (o: DirectoryObject) => lower(o['@odata.type']) === ODATA.administrativeUnit.toLowerCase();

function checkAccount(ad: AccountData): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  if (!ad.user.ok) {
    if (ad.user.kind === 'not-found')
      return {
        status: 'fail',
        reason: `no user with objectId ${ad.account.objectId} in the directory (${ad.user.reason})`,
      };
    return { status: 'skip', reason: ad.user.reason };
  }
  const u = ad.user.value;
  if (u.accountEnabled === false)
    return { status: 'fail', reason: 'account is disabled (accountEnabled: false): it cannot be used in an emergency' };
  if (u.userPrincipalName && lower(u.userPrincipalName) !== lower(ad.account.userPrincipalName)) {
    return {
      status: 'warn',
      reason: `directory UPN is ${u.userPrincipalName}, config says ${ad.account.userPrincipalName}: check accounts[].objectId / userPrincipalName`,
    };
  }
  return { status: 'pass', reason: `exists${u.displayName ? ` (${u.displayName})` : ''} and is enabled` };
}

function checkCloudOnly(u: GraphUser): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  if (u.onPremisesSyncEnabled === true) {
    return {
      status: 'fail',
      reason:
        'synced from on-premises Active Directory (onPremisesSyncEnabled: true): an on-premises compromise or outage reaches it; use a cloud-only account',
    };
  }
  return { status: 'pass', reason: 'cloud-only (not synced from on-premises)' };
}

function checkNotGuest(u: GraphUser): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  if (lower(u.userType) === 'guest')
    return {
      status: 'fail',
      reason:
        "userType is Guest: a break-glass account must be a member of this tenant, not depend on another tenant's identity",
    };
  return { status: 'pass', reason: `member account (userType: ${u.userType ?? 'Member'})` };
}

function checkStrongMethod(
  methods: readonly AuthMethod[],
  strong: Set<string>,
): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  const found = methods.filter((m) => strong.has(m['@odata.type']));
  if (found.length > 0)
    return { status: 'pass', reason: `phishing-resistant method registered: ${countLabels(found)}` };
  const wanted = [...strong].map(methodLabel).join(', ') || '(none allowed by options.allowedAuthMethods)';
  return {
    status: 'fail',
    reason: `no phishing-resistant method registered (expected one of: ${wanted}); registered: ${countLabels(methods) || 'none'}`,
  };
}

function checkWeakerMethods(
  methods: readonly AuthMethod[],
  strong: Set<string>,
): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  const weaker = methods.filter((m) => WEAKER.has(m['@odata.type']));
  const disallowed = methods.filter((m) => PHISHING_RESISTANT.has(m['@odata.type']) && !strong.has(m['@odata.type']));
  const unknown = methods.filter(
    (m) =>
      m['@odata.type'] !== ODATA.password && !WEAKER.has(m['@odata.type']) && !PHISHING_RESISTANT.has(m['@odata.type']),
  );
  const parts: string[] = [];
  if (weaker.length)
    parts.push(
      `weaker method(s) registered that could be used instead of the phishing-resistant one: ${countLabels(weaker)}`,
    );
  if (disallowed.length) parts.push(`method(s) not in options.allowedAuthMethods: ${countLabels(disallowed)}`);
  if (unknown.length) parts.push(`unrecognised method(s): ${countLabels(unknown)}`);
  if (parts.length) return { status: 'warn', reason: `${parts.join('; ')}; remove them` };
  return { status: 'pass', reason: 'no weaker method registered' };
}

function checkRestrictedAu(memberOf: readonly DirectoryObject[]): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  const aus = memberOf.filter(isAu);
  const restricted = aus.filter((a) => a.isMemberManagementRestricted === true);
  if (restricted.length)
    return {
      status: 'pass',
      reason: `protected by restricted management administrative unit ${restricted.map((a) => quote(a.displayName ?? a.id)).join(', ')}`,
    };
  const why =
    'other administrators (User, Authentication, Helpdesk admins) can reset its password or methods; add it to a restricted management administrative unit';
  if (aus.length) {
    const unknown = aus.filter((a) => a.isMemberManagementRestricted == null);
    const note = unknown.length
      ? ` (isMemberManagementRestricted not returned for ${unknown.map((a) => quote(a.displayName ?? a.id)).join(', ')})`
      : '';
    return {
      status: 'warn',
      reason: `member of administrative unit(s) ${aus.map((a) => quote(a.displayName ?? a.id)).join(', ')}, none with restricted management${note}: ${why}`,
    };
  }
  return { status: 'warn', reason: `not in a restricted management administrative unit: ${why}` };
}

function checkPasswordExpiry(
  u: GraphUser,
  methods: Fetched<AuthMethod[]>,
): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  if (methods.ok && !methods.value.some((m) => m['@odata.type'] === ODATA.password))
    return { status: 'pass', reason: 'no password registered (passwordless)' };
  const policies = (u.passwordPolicies ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (policies.some((p) => p.toLowerCase() === 'disablepasswordexpiration'))
    return { status: 'pass', reason: 'password does not expire (passwordPolicies: DisablePasswordExpiration)' };
  return {
    status: 'warn',
    reason: `password may expire (passwordPolicies: ${policies.join(', ') || 'none'}): set DisablePasswordExpiration so the account still works when it is needed`,
  };
}

function activeRolePrincipals(ad: AccountData): { ids: Set<string>; groupName: Map<string, string> } {
  const ids = new Set([lower(ad.account.objectId)]);
  const groupName = new Map<string, string>();
  if (ad.memberOf.ok) {
    for (const g of ad.memberOf.value.filter(isGroup)) {
      ids.add(lower(g.id));
      groupName.set(lower(g.id), g.displayName ?? g.id);
    }
  }
  return { ids, groupName };
}

const tenantWide = (scope: string | null | undefined) => scope == null || scope === '/' || scope === '';

function checkRole(ad: AccountData, data: PostureData): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  const role = resolveRole(ad.account.role);
  if (!role)
    return {
      status: 'skip',
      reason: `accounts[].role ${JSON.stringify(ad.account.role)} is not a well-known role name: put its roleDefinitionId in the role field`,
    };
  if (!data.roleAssignments.ok) return { status: 'skip', reason: data.roleAssignments.reason };
  const me = lower(ad.account.objectId);
  const forRole = data.roleAssignments.value.filter((a) => lower(a.roleDefinitionId) === role.id);
  const direct = forRole.filter((a) => lower(a.principalId) === me);
  if (direct.some((a) => tenantWide(a.directoryScopeId)))
    return { status: 'pass', reason: `holds ${role.name} permanently (active assignment, directory scope /)` };
  const { groupName } = activeRolePrincipals(ad);
  const viaGroup = forRole.filter((a) => groupName.has(lower(a.principalId)) && tenantWide(a.directoryScopeId));
  if (viaGroup.length) {
    return {
      status: 'warn',
      reason: `holds ${role.name} only through group ${viaGroup.map((a) => quote(groupName.get(lower(a.principalId)) ?? a.principalId)).join(', ')}: assign it directly so it does not depend on group membership`,
    };
  }
  if (direct.length)
    return {
      status: 'fail',
      reason: `${role.name} is only assigned at scope ${direct.map((a) => a.directoryScopeId).join(', ')}, not the whole directory (/)`,
    };
  if (data.roleEligibility.ok) {
    const eligible = data.roleEligibility.value.filter(
      (e) => lower(e.principalId) === me && lower(e.roleDefinitionId) === role.id,
    );
    if (eligible.length) {
      return {
        status: 'fail',
        reason: `only PIM-eligible for ${role.name} (no active assignment): in an emergency it would depend on PIM activation; assign the role as active and permanent`,
      };
    }
    return { status: 'fail', reason: `does not hold ${role.name} (no active or eligible assignment)` };
  }
  return {
    status: 'fail',
    reason: `does not hold ${role.name} as an active assignment (PIM eligibility not read: ${data.roleEligibility.reason})`,
  };
}

/**
 * The test-interval check from drill records (issue 14 item 6): a passed drill within `days` passes; a sign-in
 * without one is a warning (a sign-in is not a test); neither fails.
 */
function checkTestedByDrills(
  ad: AccountData,
  u: GraphUser,
  days: number,
  now: Date,
  drills: { records: DrillRecordItem[]; source: string },
): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  const me = lower(ad.account.objectId);
  const passed = drills.records
    .filter((r) => lower(r.accountObjectId) === me && r.result === 'passed')
    .map((r) => Date.parse(r.drillStart))
    .filter((t) => !Number.isNaN(t) && t <= now.getTime());
  // not Math.max(...passed): a watchlist stuffed with items (hundreds of thousands) overflowed the call stack
  const last = passed.length ? passed.reduce((a, b) => (b > a ? b : a)) : undefined;
  if (last !== undefined && now.getTime() - last <= days * DAY_MS) {
    const due = new Date(last + days * DAY_MS);
    return {
      status: 'pass',
      reason: `last passed drill ${day(new Date(last))} (${Math.floor((now.getTime() - last) / DAY_MS)} days ago, ${drills.source}); next test due by ${day(due)}`,
    };
  }
  const drillText =
    last === undefined
      ? `no passed drill on record (${drills.source})`
      : `last passed drill ${day(new Date(last))} (${drills.source}), more than ${days} days ago`;
  const signIn = Date.parse(u.signInActivity?.lastSuccessfulSignInDateTime ?? '');
  if (!Number.isNaN(signIn) && now.getTime() - signIn <= days * DAY_MS)
    return {
      status: 'warn',
      reason: `${drillText}; it signed in ${day(new Date(signIn))}, but a sign-in is not a test (an attacker's is not one): test it with \`btg drill\`, which records the drill`,
    };
  return {
    status: 'fail',
    reason: `${drillText}: overdue, must be tested every ${days} days (\`btg drill\`)`,
  };
}

function checkTested(
  ad: AccountData,
  u: GraphUser,
  days: number,
  now: Date,
  drills?: DrillHistory,
): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  if (drills?.ok) return checkTestedByDrills(ad, u, days, now, drills);
  if (ad.signInUnavailable) return { status: 'skip', reason: ad.signInUnavailable };
  const s = u.signInActivity;
  const parse = (v: string | null | undefined) => {
    if (!v) return undefined;
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  };
  let last: number | undefined;
  let what: string;
  const success = parse(s?.lastSuccessfulSignInDateTime);
  if (success !== undefined) {
    last = success;
    what = 'last successful sign-in';
  } else {
    const cands = [parse(s?.lastSignInDateTime), parse(s?.lastNonInteractiveSignInDateTime)].filter(
      (t): t is number => t !== undefined,
    );
    last = cands.length ? Math.max(...cands) : undefined;
    what = 'last sign-in';
  }
  if (last === undefined)
    return {
      status: 'fail',
      reason: `no sign-in recorded (signInActivity empty): never tested; it must be used (tested) every ${days} days`,
    };
  const due = new Date(last + days * DAY_MS);
  const age = Math.floor((now.getTime() - last) / DAY_MS);
  const when = `${what} ${day(new Date(last))} (${age >= 0 ? `${age} days ago` : 'in the future'})`;
  if (now.getTime() > due.getTime())
    return {
      status: 'fail',
      reason: `${when}: overdue, must be used (tested) every ${days} days (was due ${day(due)})`,
    };
  return { status: 'pass', reason: `${when}; next test due by ${day(due)}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Conditional Access

type Membership = { kind: 'yes' } | { kind: 'no' } | { kind: 'unknown'; reason: string };

export type PolicyOutcome =
  | { kind: 'excluded'; how: string }
  | { kind: 'out-of-scope'; why: string }
  | { kind: 'applies'; via: string }
  | { kind: 'unknown'; reason: string };

interface CaContext {
  data: PostureData;
  groupNames: Map<string, string>;
}

function groupLabel(ctx: CaContext, gid: string): string {
  const n = ctx.groupNames.get(lower(gid));
  return n ? `group ${quote(n)}` : `group ${gid}`;
}

function membership(ad: AccountData, gid: string, ctx: CaContext): Membership {
  const g = lower(gid);
  if (!isGuid(g)) return { kind: 'unknown', reason: `group id ${JSON.stringify(gid)} is not a GUID` };
  const me = lower(ad.account.objectId);
  if (ad.memberOf.ok && ad.memberOf.value.some((o) => lower(o.id) === g)) return { kind: 'yes' };
  const members = ctx.data.groupMembers.get(g);
  if (members?.ok) return members.value.some((o) => lower(o.id) === me) ? { kind: 'yes' } : { kind: 'no' };
  return { kind: 'unknown', reason: members ? members.reason : `members of group ${gid} were not read` };
}

function roleHolding(
  ad: AccountData,
  roleId: string,
  ctx: CaContext,
): { active: boolean; eligible: boolean; unknown?: string } {
  const r = lower(roleId);
  const { ids } = activeRolePrincipals(ad);
  const ra = ctx.data.roleAssignments;
  const re = ctx.data.roleEligibility;
  const active = ra.ok && ra.value.some((a) => lower(a.roleDefinitionId) === r && ids.has(lower(a.principalId)));
  const eligible =
    re.ok &&
    re.value.some((e) => lower(e.roleDefinitionId) === r && lower(e.principalId) === lower(ad.account.objectId));
  return { active, eligible, unknown: ra.ok ? undefined : ra.reason };
}

/** Whether a Conditional Access policy applies to one account, and whether the account is excluded. */
export function evaluatePolicyForAccount(p: CaPolicy, ad: AccountData, ctx: CaContext): PolicyOutcome {
  const u = p.conditions?.users;
  if (!u) return { kind: 'out-of-scope', why: 'targets no users (workload identities only)' };
  if (!ad.user.ok && ad.user.kind === 'not-found')
    return { kind: 'out-of-scope', why: 'account not found in the directory' };
  const me = lower(ad.account.objectId);
  const guest = ad.user.ok ? lower(ad.user.value.userType) === 'guest' : false;

  const exUnknown: string[] = [];
  if (u.excludeUsers.some((x) => lower(x) === me)) return { kind: 'excluded', how: 'directly' };
  for (const g of u.excludeGroups) {
    const m = membership(ad, g, ctx);
    if (m.kind === 'yes') return { kind: 'excluded', how: `through ${groupLabel(ctx, g)}` };
    if (m.kind === 'unknown') exUnknown.push(`exclusion ${groupLabel(ctx, g)}: ${m.reason}`);
  }
  for (const r of u.excludeRoles) {
    const h = roleHolding(ad, r, ctx);
    if (h.active) return { kind: 'excluded', how: `through role ${roleName(r)}` };
    if (h.unknown) exUnknown.push(`exclusion role ${roleName(r)}: ${h.unknown}`);
  }
  if (guest && (u.excludeGuestsOrExternalUsers || u.excludeUsers.includes('GuestsOrExternalUsers')))
    return { kind: 'excluded', how: 'as a guest/external user' };

  const via: string[] = [];
  const inUnknown: string[] = [];
  if (u.includeUsers.some((x) => lower(x) === 'all')) via.push('All users');
  if (u.includeUsers.some((x) => lower(x) === me)) via.push('included directly');
  for (const g of u.includeGroups) {
    const m = membership(ad, g, ctx);
    if (m.kind === 'yes') via.push(groupLabel(ctx, g));
    else if (m.kind === 'unknown') inUnknown.push(`${groupLabel(ctx, g)}: ${m.reason}`);
  }
  for (const r of u.includeRoles) {
    const h = roleHolding(ad, r, ctx);
    if (h.active) via.push(`role ${roleName(r)}`);
    else if (h.eligible) via.push(`role ${roleName(r)}, PIM-eligible: applies once activated`);
    else if (h.unknown) inUnknown.push(`role ${roleName(r)}: ${h.unknown}`);
  }
  if (guest && (u.includeGuestsOrExternalUsers || u.includeUsers.includes('GuestsOrExternalUsers')))
    via.push('guests or external users');

  if (via.length) {
    if (exUnknown.length)
      return {
        kind: 'unknown',
        reason: `applies (${via.join(', ')}); exclusion could not be verified: ${exUnknown.join('; ')}`,
      };
    return { kind: 'applies', via: via.join(', ') };
  }
  if (inUnknown.length)
    return { kind: 'unknown', reason: `could not tell whether it applies: ${inUnknown.join('; ')}` };
  if (u.includeUsers.some((x) => lower(x) === 'none') && !u.includeGroups.length && !u.includeRoles.length)
    return { kind: 'out-of-scope', why: 'not in scope (includeUsers: None)' };
  const scope = [
    u.includeUsers.length ? `users ${u.includeUsers.join(', ')}` : '',
    u.includeGroups.length ? u.includeGroups.map((g) => groupLabel(ctx, g)).join(', ') : '',
    u.includeRoles.length ? `roles ${u.includeRoles.map(roleName).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return { kind: 'out-of-scope', why: `not in scope (${scope || 'no users'})` };
}

const stateLabel = (state: string) =>
  state === 'enabled' ? 'enabled' : state === 'enabledForReportingButNotEnforced' ? 'report-only' : state;
const policyName = (p: CaPolicy) => p.displayName || p.id;

function caContext(data: PostureData): CaContext {
  const groupNames = new Map<string, string>();
  for (const ad of data.accounts)
    if (ad.memberOf.ok)
      for (const o of ad.memberOf.value.filter(isGroup)) if (o.displayName) groupNames.set(lower(o.id), o.displayName);
  for (const members of data.groupMembers.values())
    if (members.ok)
      for (const o of members.value.filter(isGroup)) if (o.displayName) groupNames.set(lower(o.id), o.displayName);
  return { data, groupNames };
}

function policyFindings(data: PostureData, ctx: CaContext, outcomes: Map<CaPolicy, PolicyOutcome[]>): Finding[] {
  if (!data.policies.ok)
    return [
      { check: 'ca-policy', subject: 'Conditional Access policies', status: 'skip', reason: data.policies.reason },
    ];
  if (data.policies.value.length === 0)
    return [
      {
        check: 'ca-policy',
        subject: 'Conditional Access policies',
        status: 'info',
        reason: 'the tenant has no Conditional Access policies',
      },
    ];
  const upn = (i: number) => data.accounts[i].account.userPrincipalName;
  return data.policies.value.map((p): Finding => {
    const base = { check: 'ca-policy' as const, subject: policyName(p), subjectId: p.id };
    const res = outcomes.get(p) ?? [];
    const applies = res.map((o, i) => ({ o, i })).filter((x) => x.o.kind === 'applies');
    const appliesText = applies.map(({ o, i }) => `${upn(i)} (${(o as { via: string }).via})`).join(', ');
    if (p.state === 'disabled') {
      return {
        ...base,
        status: 'info',
        reason: `disabled${applies.length ? `; if enabled it would apply to ${appliesText} without excluding ${applies.length > 1 ? 'them' : 'it'}` : ''}`,
      };
    }
    const label = stateLabel(p.state);
    if (applies.length)
      return {
        ...base,
        status: 'fail',
        reason: `${label} policy applies to ${appliesText} without excluding ${applies.length > 1 ? 'them' : 'it'}`,
      };
    const unknown = res.map((o, i) => ({ o, i })).filter((x) => x.o.kind === 'unknown');
    if (unknown.length)
      return {
        ...base,
        status: 'skip',
        reason: `${label}; ${unknown.map(({ o, i }) => `${upn(i)}: ${(o as { reason: string }).reason}`).join('; ')}`,
      };
    const parts = res.map(
      (o, i) => `${upn(i)} ${o.kind === 'excluded' ? `excluded ${o.how}` : (o as { why: string }).why}`,
    );
    return { ...base, status: 'pass', reason: `${label}; ${parts.join('; ')}` };
  });
}

function accountCaFinding(
  data: PostureData,
  index: number,
  outcomes: Map<CaPolicy, PolicyOutcome[]>,
): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  if (!data.policies.ok) return { status: 'skip', reason: data.policies.reason };
  const active = data.policies.value.filter((p) => p.state !== 'disabled');
  const fails: string[] = [];
  const unknown: string[] = [];
  let excluded = 0;
  for (const p of active) {
    const o = outcomes.get(p)![index];
    if (o.kind === 'applies') fails.push(`${quote(policyName(p))} (${o.via})`);
    else if (o.kind === 'unknown') unknown.push(`${quote(policyName(p))} (${o.reason})`);
    else if (o.kind === 'excluded') excluded++;
  }
  if (fails.length) {
    return {
      status: 'fail',
      reason: `not excluded from ${fails.length} enabled/report-only polic${fails.length > 1 ? 'ies that apply' : 'y that applies'} to it: ${fails.join(', ')}${unknown.length ? `; also unverified: ${unknown.join(', ')}` : ''}`,
    };
  }
  if (unknown.length)
    return {
      status: 'skip',
      reason: `could not verify ${unknown.length} polic${unknown.length > 1 ? 'ies' : 'y'}: ${unknown.join(', ')}`,
    };
  return {
    status: 'pass',
    reason: `excluded from ${excluded} of ${active.length} enabled/report-only policies; the others do not apply to it`,
  };
}

// ---------------------------------------------------------------------------------------------------------------

function checkAccountCount(config: Config, data: PostureData): Omit<Finding, 'check' | 'subject' | 'subjectId'> {
  const n = config.accounts.length;
  const unusable = data.accounts.filter((ad) =>
    ad.user.ok ? ad.user.value.accountEnabled === false : ad.user.kind === 'not-found',
  );
  const usable = n - unusable.length;
  const unusableText = unusable.length
    ? ` (${unusable.map((ad) => ad.account.userPrincipalName).join(', ')} not found or disabled)`
    : '';
  if (usable >= 2) return { status: 'pass', reason: `${n} break-glass accounts configured${unusableText}` };
  if (n < 2 && config.allowSingleAccount) {
    return {
      status: 'warn',
      reason: `only ${n} break-glass account${unusableText}: Microsoft recommends at least two (accepted by allowSingleAccount: true)`,
    };
  }
  return {
    status: 'fail',
    reason: `${n < 2 ? `only ${n} break-glass account configured` : `only ${usable} of ${n} accounts usable${unusableText}`}: at least two are needed`,
  };
}

/** All posture checks over one snapshot, in report order: tenant, each account, each policy. */
export function evaluatePosture(data: PostureData, config: Config, opts: CheckOptions): Finding[] {
  const findings: Finding[] = [];
  const strong = strongMethodTypes(config.options.allowedAuthMethods);
  const days = config.options.testIntervalDays;
  const ctx = caContext(data);
  const outcomes = new Map<CaPolicy, PolicyOutcome[]>();
  if (data.policies.ok)
    for (const p of data.policies.value)
      outcomes.set(
        p,
        data.accounts.map((ad) => evaluatePolicyForAccount(p, ad, ctx)),
      );

  findings.push({ check: 'account-count', subject: 'accounts', ...checkAccountCount(config, data) });

  data.accounts.forEach((ad, index) => {
    const subject = ad.account.userPrincipalName;
    const subjectId = ad.account.objectId;
    const add = (check: CheckId, f: Omit<Finding, 'check' | 'subject' | 'subjectId'>) =>
      findings.push({ check, subject, subjectId, ...f });
    const gate = userGate(ad);
    const notFound = !ad.user.ok && ad.user.kind === 'not-found';
    const notFoundSkip: Omit<Finding, 'check' | 'subject' | 'subjectId'> = {
      status: 'skip',
      reason: `account ${ad.account.objectId} not found in the directory`,
    };
    const withUser = (check: CheckId, fn: (u: GraphUser) => Omit<Finding, 'check' | 'subject' | 'subjectId'>) =>
      add(check, 'user' in gate ? fn(gate.user) : gate.finding);
    const withList = <T>(
      check: CheckId,
      f: Fetched<T[]>,
      fn: (v: T[]) => Omit<Finding, 'check' | 'subject' | 'subjectId'>,
    ) =>
      add(check, notFound ? notFoundSkip : f.ok ? fn(f.value) : { status: 'skip', reason: (f as Unavailable).reason });

    add('account', checkAccount(ad));
    withUser('cloud-only', checkCloudOnly);
    withUser('not-guest', checkNotGuest);
    withList('phishing-resistant-method', ad.methods, (m) => checkStrongMethod(m, strong));
    withList('weaker-methods', ad.methods, (m) => checkWeakerMethods(m, strong));
    withList('restricted-au', ad.memberOf, checkRestrictedAu);
    withUser('password-expiry', (u) => checkPasswordExpiry(u, ad.methods));
    add('role', notFound ? notFoundSkip : checkRole(ad, data));
    withUser('tested', (u) => {
      const f = checkTested(ad, u, days, opts.now, opts.drills);
      return opts.drills && !opts.drills.ok
        ? {
            ...f,
            reason: `${f.reason} (from the sign-in activity: the drill records could not be read: ${opts.drills.reason})`,
          }
        : f;
    });
    add('ca-exclusion', notFound ? notFoundSkip : accountCaFinding(data, index, outcomes));
  });

  findings.push(...policyFindings(data, ctx, outcomes));
  return findings;
}

export function summarize(findings: readonly Finding[]): Record<Status, number> {
  const s: Record<Status, number> = { pass: 0, fail: 0, warn: 0, skip: 0, info: 0 };
  for (const f of findings) s[f.status]++;
  return s;
}
