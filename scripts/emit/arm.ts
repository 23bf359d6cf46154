/** ARM templates from resource descriptions: one per artifact and one for the whole pack. */
import { armExpressionFor, isPlaceholder, placeholdersIn, WEBHOOK_PARAMETER } from './placeholders';
import { WorkspaceResource } from './resources';

export const ARM_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
/**
 * A literal string that ARM would read as an expression (it starts with `[` and ends with `]`) gets the documented
 * `[[` escape; ARM reads it back as the literal. Strings that do not end with `]` are literals to ARM already.
 */
export function escapeArmString(value: string): string {
  return value.startsWith('[') && value.endsWith(']') ? `[${value}` : value;
}

/** Every string of a body as an ARM literal; typed placeholders (placeholders.ts) become template expressions. */
export function escapeArm(value: unknown): unknown {
  if (isPlaceholder(value)) return armExpressionFor(value);
  if (typeof value === 'string') return escapeArmString(value);
  if (Array.isArray(value)) return value.map(escapeArm);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeArm(v)]));
  return value;
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function armType(r: Pick<WorkspaceResource, 'scope' | 'type'>): string {
  if (r.scope === 'sentinel') return `Microsoft.OperationalInsights/workspaces/providers/${r.type}`;
  if (r.scope === 'workspace') return `Microsoft.OperationalInsights/workspaces/${r.type}`;
  return r.type;
}

export function armName(r: Pick<WorkspaceResource, 'scope' | 'name'>): string {
  if (r.scope === 'sentinel') return `[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', ${q(r.name)})]`;
  if (r.scope === 'workspace') return `[concat(parameters('workspace'), '/', ${q(r.name)})]`;
  return escapeArmString(r.name);
}

export function armResourceId(r: Pick<WorkspaceResource, 'scope' | 'type' | 'name'>): string {
  if (r.scope === 'sentinel')
    return `[resourceId('Microsoft.OperationalInsights/workspaces/providers/${r.type}', parameters('workspace'), 'Microsoft.SecurityInsights', ${q(r.name)})]`;
  if (r.scope === 'workspace')
    return `[resourceId('Microsoft.OperationalInsights/workspaces/${r.type}', parameters('workspace'), ${q(r.name)})]`;
  return `[resourceId(${q(r.type)}, ${q(r.name)})]`;
}

export function armResource(r: WorkspaceResource, all: WorkspaceResource[]): Record<string, unknown> {
  const { properties, ...rest } = r.body;
  const deps = (r.dependsOn ?? [])
    .map((d) => all.find((o) => `${o.kind}:${o.name}` === d))
    .filter((o): o is WorkspaceResource => !!o)
    .map(armResourceId);
  return {
    type: armType(r),
    apiVersion: r.apiVersion,
    name: armName(r),
    ...(escapeArm(rest) as object),
    ...(deps.length ? { dependsOn: deps } : {}),
    properties: escapeArm(properties),
  };
}

export interface ArmTemplate {
  $schema: string;
  contentVersion: string;
  metadata?: Record<string, unknown>;
  parameters: Record<string, { type: string; defaultValue?: unknown; metadata?: { description: string } }>;
  variables?: Record<string, unknown>;
  resources: Record<string, unknown>[];
  outputs?: Record<string, unknown>;
}

/**
 * An action group's webhook receivers whose URL is the webhook parameter: in ARM, an empty parameter (its default)
 * means no receiver, so the same template deploys with or without a webhook.
 */
function optionalWebhookReceivers(resource: Record<string, unknown>): void {
  const props = resource.properties as Record<string, unknown> | undefined;
  const receivers = props?.webhookReceivers;
  if (!Array.isArray(receivers) || !receivers.length) return;
  const p = `parameters('${WEBHOOK_PARAMETER}')`;
  const objects = receivers.map(
    (r: Record<string, unknown>) =>
      `createObject(${Object.entries(r)
        .map(([k, v]) => `${q(k)}, ${v === `[${p}]` ? p : typeof v === 'string' ? q(v) : String(v)}`)
        .join(', ')})`,
  );
  props!.webhookReceivers = `[if(empty(${p}), createArray(), createArray(${objects.join(', ')}))]`;
}

export function armTemplate(resources: WorkspaceResource[], description: string): ArmTemplate {
  const needsLocation = resources.some((r) => placeholdersIn(r.body).has('location'));
  const needsWebhook = resources.some((r) => placeholdersIn(r.body).has('alertWebhookUri'));
  const armResources = resources.map((r) => armResource(r, resources));
  if (needsWebhook) for (const r of armResources) optionalWebhookReceivers(r);
  return {
    $schema: ARM_SCHEMA,
    contentVersion: '1.0.0.0',
    metadata: { description, generator: 'breakglass-sentinel' },
    parameters: {
      workspace: {
        type: 'string',
        metadata: { description: 'Name of the Log Analytics workspace with Microsoft Sentinel' },
      },
      ...(needsLocation
        ? {
            location: {
              type: 'string',
              defaultValue: '[resourceGroup().location]',
              metadata: { description: 'Location of the resources' },
            },
          }
        : {}),
      ...(needsWebhook
        ? {
            [WEBHOOK_PARAMETER]: {
              type: 'securestring',
              defaultValue: '',
              metadata: {
                description:
                  'URL of a webhook that receives the alerts (common alert schema), e.g. an on-call service. A secret: pass it at deployment, never in a file. Empty: no webhook.',
              },
            },
          }
        : {}),
    },
    resources: armResources,
  };
}
