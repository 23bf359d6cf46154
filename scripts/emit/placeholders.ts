/**
 * Resource bodies are workspace-independent: a value that depends on the target is a typed placeholder value,
 * `{"$btgPlaceholder": "workspaceResourceId", "suffix": "/providers/..."}` (build them with `ph`), never a string
 * prefix. A config string can therefore never be taken for one: `tenantName: "{subscriptionId}"` stays that text.
 * ARM templates turn placeholders into template expressions; the deploy layer substitutes the target's values.
 */
/** The secure ARM parameter of the webhook URL (notify.webhook): supplied at deployment, in no file. */
export const WEBHOOK_PARAMETER = 'alertWebhookUri';

export const PLACEHOLDERS = {
  workspaceResourceId: "resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspace'))",
  resourceGroupId: 'resourceGroup().id',
  subscriptionId: 'subscription().subscriptionId',
  tenantId: 'subscription().tenantId',
  location: "parameters('location')",
  workspaceName: "parameters('workspace')",
  // notify.webhook: the receiver's URL carries its key, so it is no value of any file: a secure parameter of the ARM
  // templates, BTG_ALERT_WEBHOOK_URI for btg deploy
  alertWebhookUri: `parameters('${WEBHOOK_PARAMETER}')`,
} as const;
export type PlaceholderName = keyof typeof PLACEHOLDERS;

export const PLACEHOLDER_KEY = '$btgPlaceholder';

/** A value of the target workspace, optionally followed by literal text. */
export interface Placeholder {
  $btgPlaceholder: PlaceholderName;
  suffix?: string;
}

export interface TargetValues {
  workspaceResourceId: string;
  resourceGroupId: string;
  subscriptionId: string;
  tenantId: string;
  location: string;
  workspaceName: string;
  /** the action group's webhook URL (notify.webhook), a secret; needed only when a body uses it */
  alertWebhookUri?: string;
}

/** The placeholder for a target value, e.g. `ph('workspaceResourceId', '/providers/...')`. */
export function ph(name: PlaceholderName, suffix = ''): Placeholder {
  return suffix ? { [PLACEHOLDER_KEY]: name, suffix } : { [PLACEHOLDER_KEY]: name };
}

export function isPlaceholder(v: unknown): v is Placeholder {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  return (
    typeof o[PLACEHOLDER_KEY] === 'string' &&
    Object.prototype.hasOwnProperty.call(PLACEHOLDERS, o[PLACEHOLDER_KEY] as string) &&
    keys.every((k) => k === PLACEHOLDER_KEY || (k === 'suffix' && typeof o.suffix === 'string'))
  );
}

const armString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The ARM template expression of a placeholder. */
export function armExpressionFor(p: Placeholder): string {
  const expr = PLACEHOLDERS[p.$btgPlaceholder];
  return p.suffix ? `[concat(${expr}, ${armString(p.suffix)})]` : `[${expr}]`;
}

/** Placeholder names used anywhere in a value. */
export function placeholdersIn(value: unknown, into = new Set<PlaceholderName>()): Set<PlaceholderName> {
  if (isPlaceholder(value)) into.add(value.$btgPlaceholder);
  else if (Array.isArray(value)) for (const v of value) placeholdersIn(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) placeholdersIn(v, into);
  return into;
}

/** Deep copy with every placeholder replaced by the target's value (strings are never looked into). */
export function substitute<T>(value: T, t: TargetValues): T {
  const walk = (v: unknown): unknown => {
    if (isPlaceholder(v)) return t[v.$btgPlaceholder] + (v.suffix ?? '');
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
