/**
 * Deterministic resource names: UUID v5 of the pack namespace and a template id, so redeploys update instead of
 * duplicating; and the config identity (`packId`) that goes into every ownership marker and into the names of
 * resource-group resources, so that two configs in one resource group never take each other's resources
 * (docs/deploy.md "How ownership works"). Emit and the deploy layer's ownership check both name resources here.
 */
import { createHash } from 'crypto';
import { v5 as uuidv5 } from 'uuid';

/** The pack's UUID namespace (fixed forever: changing it would orphan every deployed resource). */
export const PACK_NAMESPACE = '6f1c3b0e-6c2d-5b8a-9d41-b7e3a0c5f2a9';
export const PACK_SOURCE_NAME = 'breakglass-sentinel';

export function contentId(kind: string, templateId: string): string {
  return uuidv5(`${kind}:${templateId}`, PACK_NAMESPACE);
}

/** The shape of a packId (also enforced by the config schema). */
export const PACK_ID_RE = /^[a-z0-9][a-z0-9-]{1,14}[a-z0-9]$/;

/**
 * The config identity: `packId` from the config, else the first 8 hex digits of
 * sha256(lower(tenantName) + "|" + lower(resource id of the first workspace)) — stable as long as the tenant name and
 * the first workspace stay the same (set `packId` explicitly to be free of that).
 */
export function packIdOf(config: {
  packId?: string;
  tenantName: string;
  workspaces: readonly { subscriptionId: string; resourceGroup: string; workspaceName: string }[];
}): string {
  if (config.packId) return config.packId;
  const w = config.workspaces[0];
  const ws = w
    ? `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${w.workspaceName}`
    : '';
  return createHash('sha256')
    .update(`${config.tenantName.toLowerCase()}|${ws.toLowerCase()}`)
    .digest('hex')
    .slice(0, 8);
}

/** ARM tag that carries the packId next to the `breakglass-sentinel` tag (whose value is the template id). */
export const PACK_ID_TAG = 'breakglass-sentinel-pack';
/** saved-search tags (name/value pairs) with the template id and the packId */
export const SAVED_SEARCH_TEMPLATE_TAG = 'btgTemplateId';
export const SAVED_SEARCH_PACK_TAG = 'btgPackId';
/** `source.sourceId` of the pack's Sentinel metadata: `<packId>/<templateId>` */
export const metadataSourceId = (packId: string, templateId: string): string => `${packId}/${templateId}`;

/** Names of the pack's resources that the ownership check derives from a marker's template id and packId. */
export const packNames = {
  /** Sentinel metadata the pack emits for a rule or hunting query */
  metadata: (templateId: string): string => `${PACK_SOURCE_NAME}-${templateId}`,
  /** Sentinel metadata deploy adds for a resource owned through metadata (automation rule, watchlist) */
  companionMetadata: (kind: string, parentName: string): string =>
    `${PACK_SOURCE_NAME}-${kind}-${parentName}`.replace(/\s+/g, '-'),
  /** the ARM deployment of a playbook (ARM allows 64 characters) */
  deployment: (templateId: string, packId: string): string =>
    `${PACK_SOURCE_NAME}-${packId}-${templateId}`.slice(0, 64),
  /** the Logic App of a playbook (its API connections are `<api>-<this>`) */
  playbook: (templateId: string, packId: string): string => `${templateId}-${packId}`.slice(0, 80),
  workbook: (templateId: string, packId: string): string => uuidv5(`workbook:${templateId}:${packId}`, PACK_NAMESPACE),
  actionGroup: (packId: string): string => `${PACK_SOURCE_NAME}-${packId}-recipients`,
  /** the log search alert's name is its mail subject (see emit/monitorAlert.ts) followed by this */
  monitorAlertSuffix: (packId: string): string => ` (${packId})`,
} as const;
