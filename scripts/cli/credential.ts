/**
 * The Azure credential for commands that call Azure data-plane APIs. `BTG_ACCESS_TOKEN` (a bearer token for the
 * API's audience, e.g. from `az account get-access-token --resource https://api.loganalytics.io`) overrides
 * DefaultAzureCredential, for pipelines that already hold a token. The token is never printed or logged.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { staticTokenRefusal } from '../security/staticToken';
import { UsageError } from './options';

export const ACCESS_TOKEN_ENV = 'BTG_ACCESS_TOKEN';

/** A credential that returns a fixed token (its expiry is unknown: claim 5 minutes, so it is asked again, for the same token). */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    getToken: async (scopes: string | string[]): Promise<AccessToken> => {
      // the scope names the endpoint (`<origin>/.default`): a fixed token goes only where it belongs (security/staticToken.ts)
      for (const scope of Array.isArray(scopes) ? scopes : [scopes]) {
        const refusal = staticTokenRefusal(token, scope, scope);
        if (refusal) throw new Error(refusal);
      }
      return { token, expiresOnTimestamp: Date.now() + 5 * 60_000 };
    },
  };
}

export async function azureCredential(tenant?: string, env: NodeJS.ProcessEnv = process.env): Promise<TokenCredential> {
  const token = env[ACCESS_TOKEN_ENV]?.trim();
  if (token) return staticTokenCredential(token);
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential(tenant ? { tenantId: tenant } : {});
}

/** The one sign-in failure message (two lines): what failed, then how to sign in. */
export function signInMessage(scope: string, source: string, e: unknown): string {
  const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return (
    `cannot get a token for ${scope} with ${source}: ${why}\n` +
    'Sign in with `az login` (add `--cloud` for sovereign clouds), or set AZURE_TENANT_ID + AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, ' +
    'AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE (workload identity), or set BTG_ACCESS_TOKEN'
  );
}

/** Get a token before any work: a command that cannot sign in stops here, with one message and exit 2. */
export async function signIn(credential: TokenCredential, scope: string, source = credentialSource()): Promise<void> {
  let token: AccessToken | null;
  try {
    token = await credential.getToken(scope);
  } catch (e) {
    throw new UsageError(signInMessage(scope, source, e));
  }
  if (!token) throw new UsageError(signInMessage(scope, source, new Error('no token returned')));
}

/** Which credential `azureCredential` uses, for messages. */
export function credentialSource(env: NodeJS.ProcessEnv = process.env): string {
  return env[ACCESS_TOKEN_ENV]?.trim() ? ACCESS_TOKEN_ENV : 'DefaultAzureCredential';
}
