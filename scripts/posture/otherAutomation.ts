/**
 * Other automation in the workspace must not touch the break-glass accounts (issue 14 item 8). A playbook of someone
 * else that disables, blocks, revokes or resets users — typically run by an automation rule on every high-severity
 * incident — would lock the tenant out during a real emergency, when the break-glass sign-in raises exactly such an
 * incident. `btg check` warns about each automation rule or Logic App in the workspace's resource group that can act on
 * users and whose conditions / definition do not exclude the break-glass accounts (by object id or UPN, or through an
 * exclusion group). It reads; it never changes anything.
 */
import { walkActions } from '../content/playbooks';
import { lockoutProblems } from '../validate/checks/playbook';
import type { Finding } from './checks';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** What the workspace holds, as ARM returns it (the `properties` of each resource). */
export interface OtherAutomation {
  automationRules: { name: string; properties: Json }[];
  workflows: { id: string; name: string; tags?: Record<string, string>; properties: Json }[];
  /** the pack's analytics rule ids (GUIDs) and automation rule names: a rule limited to other analytics rules, and
   * the pack's own automation rules, cannot act on a break-glass incident */
  pack?: { ruleIds: readonly string[]; automationRuleNames: readonly string[] };
}

export interface ExclusionFacts {
  /** lower-case object ids and UPNs of the break-glass accounts, and the exclusion group ids */
  identifiers: string[];
  /** the pack's own tag value (breakglass-sentinel) marks the pack's own Logic Apps, which the lock-out check covers */
  packTag: string;
}

/** The actions of a workflow definition that can act on users (disable, block, revoke, reset, delete ...). */
export function userActions(definition: unknown): string[] {
  const out: string[] = [];
  if (!isObj(definition)) return out;
  walkActions(definition.actions, [], (name, action) => {
    for (const p of lockoutProblems(action)) out.push(`${name}: ${p}`);
  });
  return out;
}

const mentionsAny = (value: unknown, ids: readonly string[]): boolean => {
  const text = JSON.stringify(value ?? '').toLowerCase();
  return ids.some((id) => id && text.includes(id));
};

export function checkOtherAutomation(input: OtherAutomation, facts: ExclusionFacts): Finding[] {
  const findings: Finding[] = [];
  const ids = facts.identifiers.map((x) => x.toLowerCase());
  const risky = new Map<string, { name: string; actions: string[]; excludes: boolean }>();
  for (const wf of input.workflows) {
    if (wf.tags && facts.packTag in wf.tags) continue; // the pack's own: checked by playbook-lockout-safety at build
    const acts = userActions(wf.properties.definition);
    if (!acts.length) continue;
    risky.set(wf.id.toLowerCase(), {
      name: wf.name,
      actions: acts,
      excludes: mentionsAny(wf.properties.definition, ids),
    });
  }
  for (const [id, w] of risky) {
    const runBy = input.automationRules.filter((r) => mentionsAny(r.properties.actions, [id]));
    const ruleExcludes =
      runBy.length > 0 &&
      runBy.every((r) => mentionsAny((r.properties.triggeringLogic as Json | undefined)?.conditions, ids));
    const excluded = w.excludes || ruleExcludes;
    const by = runBy.length
      ? ` (run by automation rule ${runBy.map((r) => `'${String(r.properties.displayName ?? r.name)}'`).join(', ')})`
      : '';
    findings.push({
      check: 'other-automation',
      subject: w.name,
      subjectId: id,
      status: excluded ? 'pass' : 'warn',
      reason: excluded
        ? `can act on users (${w.actions[0]}) but names the break-glass accounts or their exclusion group${by}`
        : `can act on users${by}: ${w.actions.slice(0, 3).join('; ')}; its conditions and definition do not exclude the break-glass accounts: add a condition that skips them (object ids or the exclusion group), or it may lock the tenant out in an emergency`,
    });
  }
  findings.push(...checkOtherRules(input, ids));
  if (!findings.length)
    findings.push({
      check: 'other-automation',
      subject: 'workspace',
      status: 'pass',
      reason: `no other playbook in the resource group acts on users (${input.workflows.length} Logic Apps, ${input.automationRules.length} automation rules read)`,
    });
  return findings;
}

const playbooksRunBy = (rule: { properties: Json }): string[] =>
  (Array.isArray(rule.properties.actions) ? (rule.properties.actions as Json[]) : [])
    .filter((a) => a.actionType === 'RunPlaybook')
    .map((a) => String((a.actionConfiguration as Json | undefined)?.logicAppResourceId ?? ''))
    .filter(Boolean);

/**
 * Whether an automation rule's conditions keep it off the pack's incidents: they name the accounts or the exclusion
 * group, or they limit it to analytics rules (`IncidentRelatedAnalyticRuleIds` Contains) none of which is the pack's.
 */
function ruleSparesPackIncidents(rule: { properties: Json }, ids: readonly string[], packRuleIds: readonly string[]) {
  const conditions = (rule.properties.triggeringLogic as Json | undefined)?.conditions;
  if (mentionsAny(conditions, ids)) return true;
  if (!packRuleIds.length || !Array.isArray(conditions)) return false;
  return (conditions as Json[]).some((c) => {
    const p = c.conditionProperties as Json | undefined;
    if (c.conditionType !== 'Property' || !p || p.propertyName !== 'IncidentRelatedAnalyticRuleIds') return false;
    if (p.operator !== 'Contains' || !Array.isArray(p.propertyValues)) return false;
    return !mentionsAny(p.propertyValues, packRuleIds);
  });
}

/**
 * The automation rules themselves (issue 14 item 8): a rule that runs a playbook btg cannot read (another resource
 * group or subscription: it may act on users), or that closes incidents, and whose conditions could match a
 * break-glass incident. The pack's own rules are skipped (by name).
 */
function checkOtherRules(input: OtherAutomation, ids: readonly string[]): Finding[] {
  const out: Finding[] = [];
  const readable = new Set(input.workflows.map((wf) => wf.id.toLowerCase()));
  const own = new Set((input.pack?.automationRuleNames ?? []).map((n) => n.toLowerCase()));
  const packRuleIds = (input.pack?.ruleIds ?? []).map((x) => x.toLowerCase());
  for (const r of input.automationRules) {
    if (own.has(r.name.toLowerCase())) continue;
    const display = String(r.properties.displayName ?? r.name);
    const enabled = (r.properties.triggeringLogic as Json | undefined)?.isEnabled !== false;
    if (!enabled) continue;
    const spared = ruleSparesPackIncidents(r, ids, packRuleIds);
    const unread = playbooksRunBy(r).filter((p) => !readable.has(p.toLowerCase()));
    const closes = (Array.isArray(r.properties.actions) ? (r.properties.actions as Json[]) : []).some(
      (a) =>
        a.actionType === 'ModifyProperties' && String((a.actionConfiguration as Json | undefined)?.status) === 'Closed',
    );
    if (!unread.length && !closes) continue;
    const what = [
      ...(unread.length
        ? [
            `runs playbook ${unread.map((p) => p.split('/').pop()).join(', ')} outside the workspace's resource group, which btg cannot inspect (it may disable, revoke or reset users)`,
          ]
        : []),
      ...(closes ? ['closes incidents (a break-glass incident it matches would be closed unseen)'] : []),
    ].join(' and ');
    out.push({
      check: 'other-automation',
      subject: `automation rule '${display}'`,
      subjectId: r.name,
      status: spared ? 'pass' : 'warn',
      reason: spared
        ? `${what}, but its conditions exclude the break-glass accounts or the pack's rules`
        : `${what}; its conditions do not exclude the break-glass accounts (object ids, exclusion group) or the pack's analytics rules: add such a condition`,
    });
  }
  return out;
}

/** Facts from the config: the accounts' object ids and UPNs and the exclusion groups (lower case). */
export function exclusionFacts(config: {
  accounts: readonly { objectId: string; userPrincipalName: string }[];
  options: { exclusionGroupIds: readonly string[] };
}): ExclusionFacts {
  return {
    identifiers: [
      ...config.accounts.flatMap((a) => [a.objectId.toLowerCase(), a.userPrincipalName.toLowerCase()]),
      ...config.options.exclusionGroupIds.map((g) => g.toLowerCase()),
    ],
    packTag: 'breakglass-sentinel',
  };
}
