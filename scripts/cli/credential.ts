/**
 * The Azure credential for commands that call Azure data-plane APIs. `BTG_ACCESS_TOKEN` (a bearer token for the
 * API's audience, e.g. from `az account get-access-token --resource https://api.loganalytics.io`) overrides
 * DefaultAzureCredential, for pipelines that already hold a token. The token is never printed or logged.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';

export const ACCESS_TOKEN_ENV = 'BTG_ACCESS_TOKEN';

/** A credential that returns a fixed token (its expiry is unknown: claim 5 minutes, so it is asked again, for the same token). */
export function staticTokenCredential(token: string): TokenCredential {
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 5 * 60_000 }) };
}

export async function azureCredential(tenant?: string, env: NodeJS.ProcessEnv = process.env): Promise<TokenCredential> {
  const token = env[ACCESS_TOKEN_ENV]?.trim();
  if (token) return staticTokenCredential(token);
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential(tenant ? { tenantId: tenant } : {});
}
