/**
 * Playbook post-deploy steps:
 * 1. API connections that need a one-time interactive consent (Office 365 Outlook, Teams, … anything that is not a
 *    managed-identity connection): listed with the portal link of the connection's "Edit API connection" blade.
 * 2. The Microsoft Sentinel service principal ("Azure Security Insights", appId 98785600-…) needs Microsoft Sentinel
 *    Automation Contributor on the playbooks' resource group, or automation rules cannot run them: granted when the
 *    deploying identity may create role assignments, otherwise the exact `az role assignment create` is printed.
 */
import { API_VERSIONS } from '../core/definitions';
import {
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  bearerTokenAuthenticationPolicy,
  RestError,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { v5 as uuidv5 } from 'uuid';
import { PACK_NAMESPACE } from '../content/ids';
import { deploymentContext, evalArmString } from './armExpressions';
import { ArmCallError, ArmClients, Json } from './clients';
import { DesiredItem } from './desired';
import { ScopeIds } from './kinds';
import { Cloud } from './target';
import { tokenOriginPolicy } from '../security/tokenOrigin';
import { deadlinePolicy } from './policies';

export const SENTINEL_APP_ID = '98785600-1bb7-4fb9-b9fa-19afe2c8a360';
export const AUTOMATION_CONTRIBUTOR_ROLE = 'f4c81013-99ee-4d62-a7ee-b3f1f648599a';

export interface ConnectionRef {
  /** connection resource name, or the template expression when it cannot be evaluated */
  name: string;
  /** managed API name (office365, teams, azuresentinel, …) */
  api: string;
  /** false for managed-identity connections (parameterValueType Alternative) */
  needsConsent: boolean;
  playbook: string;
}

export interface Consent extends ConnectionRef {
  id: string;
  portalUrl: string;
  status: 'needs consent' | 'connected';
}

export interface PermissionStep {
  scope: string;
  roleDefinitionId: string;
  principalId?: string;
  status: 'granted' | 'missing' | 'manual';
  /** why manual, or what happened */
  reason?: string;
  command: string;
}

export interface PostDeployPlan {
  playbooks: string[];
  consents: Consent[];
  permission: PermissionStep;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The API connections of the pack's playbooks (deployment templates, or connection resources emitted directly). Pure. */
export function connectionsOf(playbooks: readonly DesiredItem[]): ConnectionRef[] {
  const out: ConnectionRef[] = [];
  const add = (
    playbook: string,
    name: string | undefined,
    nameExpr: unknown,
    props: Json,
    ctx?: ReturnType<typeof deploymentContext>,
  ) => {
    const api = isObject(props.api) ? props.api.id : undefined;
    const apiText = (ctx ? evalArmString(api, ctx) : typeof api === 'string' ? api : undefined) ?? String(api ?? '');
    // the managed API is the last segment of its id (…/managedApis/office365), or the last literal of the expression
    const apiName =
      /managedApis\/([^/'"\]]+)/i.exec(apiText)?.[1] ??
      [...String(api ?? '').matchAll(/'([^']+)'/g)].pop()?.[1] ??
      'unknown';
    out.push({
      name: name ?? String(nameExpr),
      api: apiName.toLowerCase(),
      needsConsent: props.parameterValueType !== 'Alternative',
      playbook,
    });
  };
  for (const p of playbooks) {
    const props = (p.body.properties ?? {}) as Json;
    if (p.spec.type.toLowerCase() === 'microsoft.web/connections') {
      add(p.displayName, p.name, p.name, props);
      continue;
    }
    const template = props.template;
    if (!isObject(template)) continue;
    const ctx = deploymentContext(props);
    const resources = Array.isArray(template.resources)
      ? template.resources
      : isObject(template.resources)
        ? Object.values(template.resources)
        : [];
    for (const r of resources as Json[]) {
      if (!isObject(r) || String(r.type).toLowerCase() !== 'microsoft.web/connections') continue;
      add(p.displayName, evalArmString(r.name, ctx), r.name, (r.properties ?? {}) as Json, ctx);
    }
  }
  return out;
}

export function roleDefinitionId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${AUTOMATION_CONTRIBUTOR_ROLE}`;
}

/** The command a user with the rights runs when deploy could not grant the permission itself. */
export function azRoleCommand(scope: string, principalId: string | undefined, cloud: Cloud): string {
  const who = principalId
    ? `--assignee-object-id ${principalId} --assignee-principal-type ServicePrincipal`
    : `--assignee ${SENTINEL_APP_ID}`;
  const cloudPart = cloud.name === 'AzureCloud' ? '' : `az cloud set --name ${cloud.name} && `;
  return `${cloudPart}az role assignment create --role ${AUTOMATION_CONTRIBUTOR_ROLE} ${who} --scope ${scope}`;
}

export const connectionPortalUrl = (cloud: Cloud, id: string) => `${cloud.portal}/#resource${id}/edit`;

/** Object id of the Sentinel service principal in the tenant, from Microsoft Graph (undefined if it cannot be read). */
export async function graphSentinelPrincipalId(
  credential: TokenCredential,
  cloud: Cloud,
  timeoutMs: number,
): Promise<string | undefined> {
  const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 2 } });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: cloud.graphScope }));
  pipeline.addPolicy(tokenOriginPolicy([cloud.graph], 'Microsoft Graph'), { afterPhase: 'Sign' });
  pipeline.addPolicy(
    deadlinePolicy(
      timeoutMs,
      (request) => new RestError(`no answer within ${timeoutMs} ms`, { code: 'ETIMEDOUT', request }),
    ),
    { afterPhase: 'Retry' },
  );
  const request = createPipelineRequest({
    url: `${cloud.graph}/v1.0/servicePrincipals(appId='${SENTINEL_APP_ID}')?$select=id`,
    method: 'GET',
  });
  try {
    const res = await pipeline.sendRequest(createDefaultHttpClient(), request);
    if (res.status !== 200 || !res.bodyAsText) return undefined;
    const id = (JSON.parse(res.bodyAsText) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

const roleAssignmentsUrl = (c: ArmClients, scope: string, principalId: string) =>
  c.url(`${scope}/providers/Microsoft.Authorization/roleAssignments`, API_VERSIONS.roleAssignments, {
    $filter: `principalId eq '${principalId}'`,
  });

/** Read-only: which connections need consent and whether the permission is already there. */
export async function planPostDeploy(
  c: ArmClients,
  ids: ScopeIds,
  desired: readonly DesiredItem[],
  cloud: Cloud,
  principal: () => Promise<string | undefined>,
): Promise<PostDeployPlan | undefined> {
  const playbooks = desired.filter((d) => d.kind === 'playbook');
  if (playbooks.length === 0) return undefined;
  const consents: Consent[] = [];
  for (const ref of connectionsOf(playbooks).filter((r) => r.needsConsent)) {
    const id = `${ids.resourceGroupId}/providers/Microsoft.Web/connections/${ref.name}`;
    let status: Consent['status'] = 'needs consent';
    try {
      const res = await c.send(c.generic(), 'GET', c.url(id, API_VERSIONS.connections));
      const statuses = ((res.body as Json | undefined)?.properties as Json | undefined)?.statuses;
      if (Array.isArray(statuses) && statuses.some((s) => isObject(s) && /^connected$/i.test(String(s.status))))
        status = 'connected';
    } catch {
      /* not created yet (or not readable): consent is needed after the deploy */
    }
    consents.push({ ...ref, id, portalUrl: connectionPortalUrl(cloud, id), status });
  }
  const scope = ids.resourceGroupId;
  const roleId = roleDefinitionId(ids.subscriptionId);
  const principalId = await principal();
  const base = { scope, roleDefinitionId: roleId, principalId };
  if (!principalId) {
    return {
      playbooks: playbooks.map((p) => p.displayName),
      consents,
      permission: {
        ...base,
        status: 'manual',
        reason: `the object id of the Microsoft Sentinel service principal (appId ${SENTINEL_APP_ID}) could not be looked up; pass --sentinel-principal-id <objectId>, or run`,
        command: azRoleCommand(scope, undefined, cloud),
      },
    };
  }
  let status: PermissionStep['status'] = 'missing';
  let reason: string | undefined;
  try {
    const items = await c.list(c.generic(), roleAssignmentsUrl(c, scope, principalId));
    const has = items.some((a) => {
      const p = (a.properties ?? {}) as Json;
      const atOrAbove = scope.toLowerCase().startsWith(String(p.scope ?? scope).toLowerCase());
      return (
        String(p.principalId).toLowerCase() === principalId.toLowerCase() &&
        String(p.roleDefinitionId).toLowerCase().endsWith(`/${AUTOMATION_CONTRIBUTOR_ROLE}`) &&
        atOrAbove
      );
    });
    if (has) status = 'granted';
  } catch (e) {
    status = 'manual';
    reason = `cannot read the role assignments of ${scope} (${(e as Error).message}); check, or run`;
  }
  return {
    playbooks: playbooks.map((p) => p.displayName),
    consents,
    permission: { ...base, status, reason, command: azRoleCommand(scope, principalId, cloud) },
  };
}

/** Write: grant the permission (deterministic assignment name, so a re-run finds it). */
export async function grantPermission(c: ArmClients, step: PermissionStep): Promise<PermissionStep> {
  if (step.status !== 'missing' || !step.principalId) return step;
  const name = uuidv5(
    `role:${step.scope.toLowerCase()}|${AUTOMATION_CONTRIBUTOR_ROLE}|${step.principalId.toLowerCase()}`,
    PACK_NAMESPACE,
  );
  const url = c.url(
    `${step.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    API_VERSIONS.roleAssignments,
  );
  try {
    await c.send(c.generic(), 'PUT', url, {
      properties: {
        roleDefinitionId: step.roleDefinitionId,
        principalId: step.principalId,
        principalType: 'ServicePrincipal',
      },
    });
    return { ...step, status: 'granted', reason: 'granted by this run' };
  } catch (e) {
    if (e instanceof ArmCallError && e.status === 409) return { ...step, status: 'granted', reason: 'already granted' };
    if (e instanceof ArmCallError && (e.status === 403 || e.status === 401)) {
      return {
        ...step,
        status: 'manual',
        reason: `the deploying identity may not create role assignments (${e.message}); someone with User Access Administrator or Owner on the resource group runs`,
      };
    }
    throw e;
  }
}
