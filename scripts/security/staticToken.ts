/**
 * `BTG_ACCESS_TOKEN` is a token someone else obtained: its audience is fixed, whatever scope btg asks for. So the
 * scope check the Azure credentials make (Entra issues a token for the endpoint's own audience, useless elsewhere)
 * does not protect it: `--endpoint https://elsewhere` or `--arm-endpoint https://elsewhere --arm-audience …` would
 * send the very token meant for Log Analytics / ARM to that host. A static token therefore goes only to
 *   - a well-known Azure API origin of the three clouds (ARM, Log Analytics query API, Microsoft Graph),
 *   - a loopback test endpoint on this machine, or
 *   - an endpoint whose audience the token itself names (`aud` claim of a JWT): for Log Analytics the endpoint's
 *     origin, for ARM the `--arm-audience` given (an Azure Stack Hub, a trusted proxy).
 */
import { isLoopbackHost } from './tokenOrigin';

/** The clouds' API origins a static token may be sent to without naming them in its audience. */
export const KNOWN_API_ORIGINS: ReadonlySet<string> = new Set([
  'https://management.azure.com',
  'https://management.usgovcloudapi.net',
  'https://management.chinacloudapi.cn',
  'https://api.loganalytics.io',
  'https://api.loganalytics.us',
  'https://api.loganalytics.azure.cn',
  'https://graph.microsoft.com',
  'https://graph.microsoft.us',
  'https://microsoftgraph.chinacloudapi.cn',
]);

/** The `aud` claims of a JWT (without verifying it: only to decide where it must not go); [] when not a JWT. */
export function tokenAudiences(token: string): string[] {
  const parts = token.split('.');
  if (parts.length !== 3) return [];
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { aud?: unknown };
    const aud = claims?.aud;
    return (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === 'string');
  } catch {
    return [];
  }
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/\/\.default$/, '')
    .replace(/\/+$/, '');

function originOrUndefined(s: string): string | undefined {
  try {
    const u = new URL(s);
    return u.origin === 'null' ? undefined : u.origin;
  } catch {
    return undefined;
  }
}

/**
 * Why the static token must not be sent to `endpoint` (an URL or origin), or undefined when it may.
 * `audience` is the resource the request is for (a scope like `https://x/.default`, default: the endpoint).
 */
export function staticTokenRefusal(token: string, endpoint: string, audience: string = endpoint): string | undefined {
  const origin = originOrUndefined(endpoint);
  if (!origin) return `${endpoint} is not an absolute URL`;
  const host = new URL(origin).hostname;
  if (isLoopbackHost(host)) return undefined;
  if (KNOWN_API_ORIGINS.has(origin) && norm(audience) === origin) return undefined;
  const auds = tokenAudiences(token).map(norm);
  // the token itself names the audience the request is for (Log Analytics: the endpoint; ARM: --arm-audience)
  if (auds.includes(norm(audience))) return undefined;
  return (
    `BTG_ACCESS_TOKEN is not sent to ${origin}: a token given in the environment goes only to the Azure API of a cloud, ` +
    `a loopback test endpoint, or an endpoint whose audience (${norm(audience)}) the token names as its aud` +
    (auds.length ? ` (this token's audience: ${auds.join(', ')})` : ' (this token names no audience)')
  );
}
