/**
 * A GraphSource that calls Microsoft Graph v1.0 through `@microsoft/microsoft-graph-client`, authenticated with an
 * `@azure/identity` TokenCredential. GET only: the middleware refuses any other method, and the bearer token is
 * only ever sent to the configured endpoint's origin (also when following `@odata.nextLink`).
 */
import type { TokenCredential } from '@azure/identity';
import { Client, Context, GraphError, HTTPMessageHandler, Middleware, RetryHandler, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { GraphGet, GraphResult, GraphSource, isSafeRequestPath, permissionFor } from './source';

export const DEFAULT_GRAPH_ENDPOINT = 'https://graph.microsoft.com';
const VERSION = 'v1.0';

export interface LiveGraphOptions {
  credential: TokenCredential;
  /** Graph root, e.g. https://graph.microsoft.com, https://graph.microsoft.us, http://127.0.0.1:port (tests). A trailing /v1.0 is ignored. */
  endpoint?: string;
  /** safety limit on `@odata.nextLink` pages per collection */
  maxPages?: number;
  /** retries on 429/503/504 (honours Retry-After); 0 disables */
  maxRetries?: number;
}

/** Normalise `--graph-endpoint`: origin only (scheme, host, port). */
export function graphOrigin(endpoint: string): string {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new Error(`--graph-endpoint ${endpoint}: not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`--graph-endpoint ${endpoint}: expected an http(s) URL`);
  const p = u.pathname.replace(/\/+$/, '');
  if (p !== '' && p !== `/${VERSION}`) throw new Error(`--graph-endpoint ${endpoint}: expected the Graph root (like https://graph.microsoft.com), not a path`);
  return u.origin;
}

/** Adds `Authorization: Bearer` for the configured origin only, and refuses anything but GET. */
class ReadOnlyBearer implements Middleware {
  private next?: Middleware;
  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly origin: string,
  ) {}

  async execute(context: Context): Promise<void> {
    const options = (context.options ??= {});
    const method = (options.method ?? 'GET').toUpperCase();
    if (method !== 'GET') throw new Error(`btg check is read-only: refusing ${method} ${String(typeof context.request === 'string' ? context.request : context.request.url)}`);
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (new URL(url).origin !== this.origin) throw new Error(`refusing to send the Graph token to ${new URL(url).origin} (configured endpoint: ${this.origin})`);
    const token = await this.credential.getToken(this.scope);
    if (!token) throw new Error(`no access token for ${this.scope}`);
    const headers = options.headers;
    if (headers && typeof (headers as Headers).set === 'function') (headers as Headers).set('Authorization', `Bearer ${token.token}`);
    else options.headers = { ...((headers as Record<string, string> | undefined) ?? {}), Authorization: `Bearer ${token.token}` };
    if (!this.next) throw new Error('ReadOnlyBearer: no next middleware');
    return this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export class LiveGraphSource implements GraphSource {
  readonly description: string;
  readonly origin: string;
  private readonly client: Client;
  private readonly maxPages: number;

  constructor(opts: LiveGraphOptions) {
    this.origin = graphOrigin(opts.endpoint ?? DEFAULT_GRAPH_ENDPOINT);
    this.description = `Microsoft Graph (${this.origin})`;
    this.maxPages = opts.maxPages ?? 500;
    const chain: Middleware[] = [new ReadOnlyBearer(opts.credential, `${this.origin}/.default`, this.origin)];
    if ((opts.maxRetries ?? 3) > 0) chain.push(new RetryHandler(new RetryHandlerOptions(3, opts.maxRetries ?? 3)));
    chain.push(new HTTPMessageHandler());
    this.client = Client.initWithMiddleware({ baseUrl: this.origin, defaultVersion: VERSION, middleware: chain });
  }

  /** `@odata.nextLink` → a path relative to the version root; only links on the configured origin are followed. */
  private relativeNextLink(next: string): string | undefined {
    let u: URL;
    try {
      u = new URL(next);
    } catch {
      return undefined;
    }
    const root = `/${VERSION}/`;
    if (u.origin !== this.origin || !u.pathname.startsWith(root)) return undefined;
    return u.pathname.slice(root.length) + u.search;
  }

  async get(req: GraphGet): Promise<GraphResult> {
    if (!isSafeRequestPath(req.path)) return { kind: 'error', reason: `unsafe request path ${JSON.stringify(req.path)}` };
    try {
      let request = this.client.api(req.path);
      if (req.select && req.select.length > 0) request = request.select([...req.select]);
      const first = (await request.get()) as Record<string, unknown>;
      if (!req.collection) return { kind: 'ok', body: first };
      const items: unknown[] = Array.isArray(first.value) ? [...first.value] : [];
      let next = first['@odata.nextLink'];
      let pages = 1;
      while (typeof next === 'string') {
        const rel = this.relativeNextLink(next);
        if (rel === undefined) return { kind: 'error', reason: `GET /${req.path}: refusing to follow @odata.nextLink to ${next} (not under ${this.origin}/${VERSION}/)` };
        if (++pages > this.maxPages) return { kind: 'error', reason: `GET /${req.path}: more than ${this.maxPages} pages, giving up` };
        const page = (await this.client.api(rel).get()) as Record<string, unknown>;
        if (Array.isArray(page.value)) items.push(...page.value);
        next = page['@odata.nextLink'];
      }
      const merged: Record<string, unknown> = { ...first, value: items };
      delete merged['@odata.nextLink'];
      return { kind: 'ok', body: merged };
    } catch (e) {
      return this.failure(req.path, e);
    }
  }

  private failure(reqPath: string, e: unknown): GraphResult {
    const ge = e as GraphError;
    const status = typeof ge?.statusCode === 'number' ? ge.statusCode : -1;
    // No HTTP status: the request never got an answer (network, credential, refused by our middleware): a tool error.
    if (status <= 0) throw new Error(`Graph request GET /${reqPath} failed: ${(e as Error)?.message ?? String(e)}`);
    const code = ge.code ?? 'unknown';
    const detail = `${status} ${code}${ge.message ? `: ${ge.message}` : ''}`;
    const body = { error: { code, message: ge.message ?? '' } };
    if (status === 404) return { kind: 'not-found', reason: `GET /${reqPath} returned ${detail}`, body };
    if (status === 401 || status === 403) return { kind: 'denied', reason: `GET /${reqPath} was denied (${detail}); needs ${permissionFor(reqPath)}`, body };
    return { kind: 'error', status, reason: `GET /${reqPath} failed (${detail})`, body };
  }
}
