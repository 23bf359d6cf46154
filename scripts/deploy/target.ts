/**
 * Where deploy talks to and as whom: the Azure cloud (ARM endpoint, token audience, authority host, portal, Graph),
 * an optional custom ARM endpoint (Azure Stack, a proxy, the test emulator), and the credential
 * (`BTG_ACCESS_TOKEN` when set, else `DefaultAzureCredential`).
 */
import type { TokenCredential } from '@azure/identity';
import { isLoopbackHost } from '../security/tokenOrigin';
import { staticTokenRefusal } from '../security/staticToken';
import { redactText } from '../security/redact';

export const CLOUD_NAMES = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface Cloud {
  name: CloudName;
  /** ARM endpoint, no trailing slash */
  arm: string;
  /** scope for ARM tokens */
  armScope: string;
  /** Microsoft Entra authority host */
  authorityHost: string;
  portal: string;
  graph: string;
  graphScope: string;
}

/** The names and endpoints are those of `az cloud list` (the three clouds that are still open). */
export const CLOUDS: Record<CloudName, Cloud> = {
  AzureCloud: {
    name: 'AzureCloud',
    arm: 'https://management.azure.com',
    armScope: 'https://management.azure.com/.default',
    authorityHost: 'https://login.microsoftonline.com',
    portal: 'https://portal.azure.com',
    graph: 'https://graph.microsoft.com',
    graphScope: 'https://graph.microsoft.com/.default',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    arm: 'https://management.usgovcloudapi.net',
    armScope: 'https://management.usgovcloudapi.net/.default',
    authorityHost: 'https://login.microsoftonline.us',
    portal: 'https://portal.azure.us',
    graph: 'https://graph.microsoft.us',
    graphScope: 'https://graph.microsoft.us/.default',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    arm: 'https://management.chinacloudapi.cn',
    armScope: 'https://management.chinacloudapi.cn/.default',
    authorityHost: 'https://login.chinacloudapi.cn',
    portal: 'https://portal.azure.cn',
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    graphScope: 'https://microsoftgraph.chinacloudapi.cn/.default',
  },
};

export interface Target {
  cloud: Cloud;
  /** the ARM endpoint requests go to: the cloud's, or `--arm-endpoint` */
  armEndpoint: string;
  /** the token audience: the cloud's ARM audience unless overridden (a custom endpoint keeps the cloud's) */
  armScope: string;
  /** true when `--arm-endpoint` moved the requests away from the cloud's ARM */
  customEndpoint: boolean;
}

export interface TargetOptions {
  cloud?: string;
  armEndpoint?: string;
  armAudience?: string;
}

export class TargetError extends Error {}

export function resolveTarget(opts: TargetOptions = {}): Target {
  const name = opts.cloud ?? 'AzureCloud';
  const cloud = (CLOUDS as Record<string, Cloud | undefined>)[name];
  if (!cloud) throw new TargetError(`--cloud ${name}: expected one of ${CLOUD_NAMES.join(', ')}`);
  let armEndpoint = cloud.arm;
  if (opts.armEndpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(opts.armEndpoint);
    } catch {
      throw new TargetError(
        `--arm-endpoint ${opts.armEndpoint}: expected an absolute https URL such as https://management.example.com`,
      );
    }
    // The Azure SDK's bearer-token policy (@azure/core-rest-pipeline) refuses to send a token over plain http; say so up front.
    if (url.protocol !== 'https:')
      throw new TargetError(
        `--arm-endpoint ${opts.armEndpoint}: must be https (bearer tokens are never sent over plain http)`,
      );
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
      throw new TargetError(
        `--arm-endpoint ${opts.armEndpoint}: expected the endpoint root only (scheme, host and port), without a path or query`,
      );
    }
    armEndpoint = url.origin;
  }
  let armScope = cloud.armScope;
  if (opts.armAudience !== undefined) {
    const a = opts.armAudience.trim().replace(/\/+$/, '');
    if (!a || /\s/.test(a))
      throw new TargetError(
        `--arm-audience ${JSON.stringify(opts.armAudience)}: expected the token audience, such as https://management.example.com`,
      );
    armScope = a.endsWith('/.default') ? a : `${a}/.default`;
  }
  // A token for this cloud's ARM goes to a host that is not this cloud's ARM only when the user named the audience
  // the endpoint expects (--arm-audience), or to a loopback test endpoint (the emulator) on this machine.
  if (armEndpoint !== cloud.arm && opts.armAudience === undefined && !isLoopbackHost(new URL(armEndpoint).hostname)) {
    throw new TargetError(
      `--arm-endpoint ${armEndpoint}: is not ${cloud.name}'s ARM (${cloud.arm}); a ${cloud.name} ARM token is not sent to another host. ` +
        `Give the audience that endpoint expects with --arm-audience <uri> (for an Azure Stack Hub, its management audience; use ${cloud.arm} only if it is a trusted proxy to ${cloud.name}).`,
    );
  }
  return { cloud, armEndpoint, armScope, customEndpoint: armEndpoint !== cloud.arm };
}

/** A credential that always returns the same bearer token (BTG_ACCESS_TOKEN). */
export function staticTokenCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

export interface CredentialChoice {
  credential: TokenCredential;
  /** how it authenticates, for the log line (never the token itself) */
  source: string;
  /** a token value that must never be printed (redact it from any output) */
  secret?: string;
}

/**
 * `BTG_ACCESS_TOKEN` (a raw ARM bearer token, e.g. from `az account get-access-token`) wins; otherwise
 * DefaultAzureCredential: environment service principal (AZURE_CLIENT_ID + secret or certificate), workload identity
 * federation (AZURE_FEDERATED_TOKEN_FILE, as GitHub/Azure DevOps OIDC set it up), managed identity, Azure CLI,
 * Azure Developer CLI, Azure PowerShell; the authority host follows the cloud.
 */
export async function chooseCredential(
  target: Target,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CredentialChoice> {
  const raw = env.BTG_ACCESS_TOKEN?.trim();
  if (raw) {
    const token = raw.replace(/^Bearer\s+/i, '');
    if (/\s/.test(token))
      throw new TargetError('BTG_ACCESS_TOKEN: expected a single bearer token without spaces or line breaks');
    // a fixed token's audience does not follow --arm-audience: off the cloud's ARM it goes only where its aud says
    const refusal = target.customEndpoint ? staticTokenRefusal(token, target.armEndpoint, target.armScope) : undefined;
    if (refusal) throw new TargetError(`--arm-endpoint ${target.armEndpoint}: ${refusal}`);
    return { credential: staticTokenCredential(token), source: 'BTG_ACCESS_TOKEN', secret: token };
  }
  const { DefaultAzureCredential } = await import('@azure/identity');
  return {
    credential: new DefaultAzureCredential({ authorityHost: target.cloud.authorityHost }),
    source: `DefaultAzureCredential (${target.cloud.name})`,
  };
}

/** Replace every occurrence of the secrets in `text`, and anything token-like (scripts/security/redact.ts; defence in depth: no code path prints a token on purpose). */
export function redact(text: string, secrets: (string | undefined)[]): string {
  return redactText(text, secrets);
}

/** The `tid` claim of a JWT access token, if it is one (no signature check: only used to fill `{tenantId}`). */
export function tenantOfToken(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}
