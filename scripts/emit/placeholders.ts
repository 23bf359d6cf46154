/**
 * Resource bodies are workspace-independent: values that depend on the target are written as
 * placeholders at the start of a string, e.g. `{workspaceResourceId}/providers/...`. ARM templates
 * turn them into template expressions; the deploy layer substitutes the real values.
 */
export const PLACEHOLDERS = {
  '{workspaceResourceId}': "resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspace'))",
  '{resourceGroupId}': 'resourceGroup().id',
  '{subscriptionId}': 'subscription().subscriptionId',
  '{tenantId}': 'subscription().tenantId',
  '{location}': "parameters('location')",
  '{workspaceName}': "parameters('workspace')",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

export interface TargetValues {
  workspaceResourceId: string;
  resourceGroupId: string;
  subscriptionId: string;
  tenantId: string;
  location: string;
  workspaceName: string;
}

function leading(s: string): Placeholder | undefined {
  return (Object.keys(PLACEHOLDERS) as Placeholder[]).find((p) => s.startsWith(p));
}

/** The ARM expression for a string that starts with a placeholder, else undefined. */
export function armExpressionFor(s: string): string | undefined {
  const p = leading(s);
  if (!p) return undefined;
  const rest = s.slice(p.length);
  return rest ? `[concat(${PLACEHOLDERS[p]}, '${rest.replace(/'/g, "''")}')]` : `[${PLACEHOLDERS[p]}]`;
}

/** Deep copy with every placeholder replaced by the target's value. */
export function substitute<T>(value: T, t: TargetValues): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const p = leading(v);
      return p ? t[p.slice(1, -1) as keyof TargetValues] + v.slice(p.length) : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
