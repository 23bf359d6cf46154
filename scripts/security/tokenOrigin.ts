/**
 * A bearer token goes only to the origin it was issued for. `tokenOriginPolicy` is added to every
 * `@azure/core-rest-pipeline` pipeline that carries a token (the deploy layer's ARM clients and raw requests, the
 * Graph lookup of deploy, the Log Analytics query client): it runs after the bearer-token policy (`perRetry`, i.e.
 * after the Sign phase) and on every hop, so it sees the `Authorization` header the request would carry, and it
 * refuses — fails the request before it leaves, naming the origin — any request that would carry that header to
 * another origin: a `nextLink`, an `Azure-AsyncOperation`, `Operation-Location` or `Location` URL that points
 * elsewhere, or anything else. Nothing is ever sent unauthenticated instead.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** A token was about to be sent to an origin it was not issued for; nothing was sent. */
export class TokenOriginError extends Error {
  constructor(
    readonly origin: string,
    readonly allowed: readonly string[],
    what: string,
  ) {
    super(
      `refused to send the ${what} token to ${origin}: it is only sent to ${allowed.join(', ')} (a nextLink, Azure-AsyncOperation or Location URL pointing to another origin is not followed)`,
    );
    this.name = 'TokenOriginError';
  }
}

/** `scheme://host[:port]` of a URL, lower-case, default port dropped; undefined for a relative or malformed URL. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? undefined : u.origin;
  } catch {
    return undefined;
  }
}

/**
 * 127.0.0.0/8, ::1 and localhost: test endpoints on this machine. Not `*.localhost`: the system resolver (glibc
 * without nss-myhostname, as in most CI images) asks DNS for those, and a DNS answer can point anywhere.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return !!m && Number(m[1]) === 127 && m.slice(2).every((x) => Number(x) <= 255);
}

export const TOKEN_ORIGIN_POLICY = 'btgTokenOriginPolicy';

/**
 * Refuse any request that carries `Authorization` to an origin not in `allowed` (origins: scheme, host, port).
 * `what` names the token in the error ("Azure Resource Manager", "Microsoft Graph", "Log Analytics").
 */
export function tokenOriginPolicy(allowed: readonly string[], what: string): PipelinePolicy {
  const origins = allowed.map((a) => {
    const o = originOf(a);
    if (!o) throw new Error(`tokenOriginPolicy: ${a} is not an absolute URL`);
    return o;
  });
  const set = new Set(origins);
  return {
    name: TOKEN_ORIGIN_POLICY,
    async sendRequest(request, next) {
      if (request.headers.has('authorization')) {
        const origin = originOf(request.url) ?? request.url;
        if (!set.has(origin)) {
          // drop the header too, in case a caller catches the error and re-sends the same request object
          request.headers.delete('authorization');
          throw new TokenOriginError(origin, origins, what);
        }
      }
      return next(request);
    },
  };
}
