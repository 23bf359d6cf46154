/**
 * Drills on record in Microsoft Sentinel: every `btg drill` that could query the workspace writes its result as one
 * item of the watchlist `BreakGlassDrills` (emitted, empty, by the pack: emit/drillWatchlist.ts), so the workbook, the
 * overdue hunting query and the test-reminder playbook read real drill history instead of "any successful sign-in"
 * (an attacker's sign-in is not a test).
 *
 * The write is one PUT of a watchlist item (Microsoft.SecurityInsights watchlists/watchlistItems) with an ARM token that goes to the ARM origin only.
 */
import { API_VERSIONS } from '../core/definitions';
import type { TokenCredential } from '@azure/core-auth';
import * as https from 'https';
import {
  bearerTokenAuthenticationPolicy,
  bearerTokenAuthenticationPolicyName,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  HttpClient,
} from '@azure/core-rest-pipeline';
import { v5 as uuidv5 } from 'uuid';
import { PACK_NAMESPACE } from '../content/ids';
import { tokenOriginPolicy, originOf } from '../security/tokenOrigin';
import type { DrillRecord } from './drill';

export const DRILL_WATCHLIST = {
  alias: 'BreakGlassDrills',
  displayName: 'Break-glass drills',
  /** one item per drill: the key is the drill's id */
  searchKey: 'DrillId',
  columns: [
    'DrillId',
    'AccountObjectId',
    'AccountUPN',
    'DrillStart',
    'SignInTime',
    'FirstAlertTime',
    'FirstIncidentTime',
    'IncidentNumber',
    'AlertLatencySeconds',
    'IncidentLatencySeconds',
    'Result',
    'Operator',
    'Workspace',
  ],
  apiVersion: API_VERSIONS.watchlists,
} as const;
export type DrillColumn = (typeof DRILL_WATCHLIST.columns)[number];

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

/** The same drill (account + start) always has the same item id: a re-sent record updates, never duplicates. */
export const drillItemId = (rec: Pick<DrillRecord, 'account' | 'date'>): string =>
  uuidv5(`drill:${rec.account.objectId.toLowerCase()}:${rec.date}`, PACK_NAMESPACE);

const seconds = (from: string | null, to: string | null): string =>
  from && to ? String(Math.round((Date.parse(to) - Date.parse(from)) / 1000)) : '';

/** The watchlist item of a drill record: every value a string (watchlist items are text), empty when unknown. */
export function drillWatchlistItem(rec: DrillRecord, operator: string): Record<DrillColumn, string> {
  const from = rec.signInTime ?? rec.date;
  return {
    DrillId: drillItemId(rec),
    AccountObjectId: rec.account.objectId.toLowerCase(),
    AccountUPN: rec.account.userPrincipalName,
    DrillStart: rec.date,
    SignInTime: rec.signInTime ?? '',
    FirstAlertTime: rec.alertTime ?? '',
    FirstIncidentTime: rec.incidentTime ?? '',
    IncidentNumber: rec.incidentNumber === null ? '' : String(rec.incidentNumber),
    AlertLatencySeconds: seconds(from, rec.alertTime),
    IncidentLatencySeconds: rec.latencySeconds === null ? '' : String(rec.latencySeconds),
    Result: rec.result,
    Operator: operator,
    Workspace: rec.workspace.label,
  };
}

/**
 * Who ran the drill, from the ARM token's claims (upn, unique_name, preferred_username, else the app id of a service
 * principal): recorded, never verified here (the service authorised the token).
 */
export function operatorFromToken(token: string | undefined): string {
  const payload = token?.split('.')[1];
  if (!payload) return 'unknown';
  try {
    const c = JSON.parse(
      Buffer.from(payload.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'),
    ) as Record<string, unknown>;
    const v = [c.upn, c.unique_name, c.preferred_username, c.appid ? `app ${String(c.appid)}` : undefined, c.oid].find(
      (x) => typeof x === 'string' && x,
    );
    return typeof v === 'string' ? v.slice(0, 256) : 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface WatchlistTarget {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

export function drillItemUrl(arm: string, w: WatchlistTarget, itemId: string): string {
  const seg = encodeURIComponent;
  return `${arm}/subscriptions/${seg(w.subscriptionId)}/resourceGroups/${seg(w.resourceGroup)}/providers/Microsoft.OperationalInsights/workspaces/${seg(w.workspaceName)}/providers/Microsoft.SecurityInsights/watchlists/${DRILL_WATCHLIST.alias}/watchlistItems/${itemId}?api-version=${DRILL_WATCHLIST.apiVersion}`;
}

export class DrillWatchlistError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface UpsertOptions {
  credential: TokenCredential;
  target: WatchlistTarget;
  item: Record<string, string>;
  armEndpoint?: string;
  httpClient: HttpClient;
  /** extra CA certificate (PEM) trusted for the ARM origin (a local stand-in in tests) */
  ca?: string;
}

/** PUT the drill's watchlist item. The ARM token is sent to the ARM origin only (tokenOriginPolicy). */
export async function upsertDrillItem(o: UpsertOptions): Promise<void> {
  const arm = originOf(o.armEndpoint ?? DEFAULT_ARM_ENDPOINT);
  if (!arm || !arm.startsWith('https://'))
    throw new DrillWatchlistError(`ARM endpoint ${o.armEndpoint}: expected an https URL`);
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: o.credential, scopes: `${arm}/.default` }));
  pipeline.addPolicy(tokenOriginPolicy([arm], 'Azure Resource Manager'), {
    afterPolicies: [bearerTokenAuthenticationPolicyName],
  });
  const url = drillItemUrl(arm, o.target, o.item.DrillId);
  const request = createPipelineRequest({
    url,
    method: 'PUT',
    body: JSON.stringify({ properties: { itemsKeyValue: o.item } }),
    headers: createHttpHeaders({ 'content-type': 'application/json; charset=utf-8', accept: 'application/json' }),
  });
  // set on the request (createPipelineRequest does not take an agent)
  if (o.ca) request.agent = new https.Agent({ ca: o.ca, keepAlive: false });
  let res;
  try {
    res = await pipeline.sendRequest(o.httpClient, request);
  } catch (e) {
    throw new DrillWatchlistError(
      `could not write the drill to watchlist ${DRILL_WATCHLIST.alias}: ${(e as Error).message}`,
    );
  }
  if (res.status >= 300) {
    let detail = '';
    try {
      const b = JSON.parse(res.bodyAsText ?? '{}') as { error?: { code?: string; message?: string } };
      detail = [b.error?.code, b.error?.message].filter(Boolean).join(': ');
    } catch {
      /* not JSON */
    }
    const hint =
      res.status === 403
        ? ' (writing watchlist items needs Microsoft Sentinel Contributor on the workspace)'
        : res.status === 404
          ? ` (deploy the pack first: btg deploy creates the watchlist ${DRILL_WATCHLIST.alias})`
          : '';
    throw new DrillWatchlistError(
      `could not write the drill to watchlist ${DRILL_WATCHLIST.alias}: HTTP ${res.status}${detail ? ` ${detail}` : ''}${hint}`,
      res.status,
    );
  }
}
