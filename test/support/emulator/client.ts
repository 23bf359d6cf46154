/**
 * Options that aim a real Azure SDK client (core-client based: SecurityInsights, OperationalInsights, Monitor, Logic,
 * AppInsights 5-beta, or a bare core-client ServiceClient for sendRequest) at the emulator:
 *
 *   const o = emulatorClientOptions(emu);
 *   const si = new SecurityInsights(o.credential, subscriptionId, o);
 *
 * - `endpoint` moves the requests (the clients ignore `$host`);
 * - `credentialScopes` keeps the real ARM audience (else the bearer policy asks for `https://127.0.0.1:<port>/.default`);
 * - `tlsOptions.ca` trusts the emulator's self-signed certificate, so the bearer policy (https only) stays in place;
 * - `retryOptions` keeps the SDK's retry policy but with short back-off, so 5xx/dropped-connection tests stay fast
 *   (throttling still waits exactly the Retry-After the emulator sends).
 */
import type { ServiceClientOptions } from '@azure/core-client';

export const ARM_SCOPE = 'https://management.azure.com/.default';

type TokenCredential = NonNullable<ServiceClientOptions['credential']>;

/** A TokenCredential that hands out a fixed fake token: no @azure/identity, no network. */
export const emulatorCredential: TokenCredential = {
  getToken: async () => ({ token: 'emulator-fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

export interface EmulatorClientOptions {
  endpoint: string;
  credential: TokenCredential;
  credentialScopes: string[];
  tlsOptions: { ca: string };
  retryOptions: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

/** `emu` is what startEmulator returns, or `{url, caCert}` read from `GET /_emulator/info` of an emulator in another process. */
export function emulatorClientOptions(
  emu: { url: string; caCert: string },
  overrides: Partial<EmulatorClientOptions> = {},
): EmulatorClientOptions {
  return {
    endpoint: emu.url,
    credential: emulatorCredential,
    credentialScopes: [ARM_SCOPE],
    tlsOptions: { ca: emu.caCert },
    retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 100 },
    ...overrides,
  };
}
