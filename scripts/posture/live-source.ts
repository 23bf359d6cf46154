/**
 * A GraphSource that calls Microsoft Graph v1.0 through `@microsoft/microsoft-graph-client`, authenticated with an
 * `@azure/identity` TokenCredential. GET only: the middleware refuses any other method; https only; the bearer token
 * is only ever sent to the configured endpoint's origin (also when following `@odata.nextLink`), and redirects are
 * never followed (the transport is node:https, which does not follow them: a 3xx is an error).
 */
import type { TokenCredential } from '@azure/identity';
import * as https from 'https';
import {
  Client,
  Context,
  GraphError,
  Middleware,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { TokenOriginError } from '../security/tokenOrigin';
import { GraphGet, GraphResult, GraphSource, isSafeRequestPath, permissionFor } from './source';

export const DEFAULT_GRAPH_ENDPOINT = 'https://graph.microsoft.com';
const VERSION = 'v1.0';

export interface LiveGraphOptions {
  credential: TokenCredential;
  /** Graph root, e.g. https://graph.microsoft.com, https://graph.microsoft.us, https://127.0.0.1:port (tests). https only. A trailing /v1.0 is ignored. */
  endpoint?: string;
  /** extra CA certificate (PEM) to trust, e.g. a local test server's self-signed one */
  ca?: string;
  /** per-request timeout (ms); default 60 s */
  timeoutMs?: number;
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
  if (u.protocol !== 'https:')
    throw new Error(
      `--graph-endpoint ${endpoint}: expected an https URL (the Graph bearer token is never sent over plain http)`,
    );
  const p = u.pathname.replace(/\/+$/, '');
  if (p !== '' && p !== `/${VERSION}`)
    throw new Error(
      `--graph-endpoint ${endpoint}: expected the Graph root (like https://graph.microsoft.com), not a path`,
    );
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
    if (method !== 'GET')
      throw new Error(
        `btg check is read-only: refusing ${method} ${String(typeof context.request === 'string' ? context.request : context.request.url)}`,
      );
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (new URL(url).origin !== this.origin)
      throw new TokenOriginError(new URL(url).origin, [this.origin], 'Microsoft Graph');
    const token = await this.credential.getToken(this.scope);
    if (!token) throw new Error(`no access token for ${this.scope}`);
    const headers = options.headers;
    if (headers && typeof (headers as Headers).set === 'function')
      (headers as Headers).set('Authorization', `Bearer ${token.token}`);
    else
      options.headers = {
        ...((headers as Record<string, string> | undefined) ?? {}),
        Authorization: `Bearer ${token.token}`,
      };
    if (!this.next) throw new Error('ReadOnlyBearer: no next middleware');
    return this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * The transport: node:https (not fetch), so that an https-only origin check sits at the wire, a test server's CA can
 * be trusted without touching the process, and redirects are never followed (fetch would follow them).
 */
class HttpsHandler implements Middleware {
  constructor(
    private readonly origin: string,
    private readonly ca: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  async execute(context: Context): Promise<void> {
    const req = context.request;
    const url = typeof req === 'string' ? req : req.url;
    const u = new URL(url);
    const options = context.options ?? {};
    if (u.protocol !== 'https:' || u.origin !== this.origin)
      throw new TokenOriginError(u.origin, [this.origin], 'Microsoft Graph');
    const headers: Record<string, string> = {};
    const h = options.headers as unknown;
    if (h && typeof (h as Headers).forEach === 'function') (h as Headers).forEach((v, k) => (headers[k] = v));
    else if (Array.isArray(h)) for (const [k, v] of h as [string, string][]) headers[k] = v;
    else if (h) Object.assign(headers, h as Record<string, string>);
    const method = (options.method ?? 'GET').toUpperCase();
    const { status, statusText, head, body } = await new Promise<{
      status: number;
      statusText: string;
      head: [string, string][];
      body: Buffer;
    }>((resolve, reject) => {
      const r = https.request(
        u,
        { method, headers, ca: this.ca, timeout: this.timeoutMs, signal: options.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const pairs: [string, string][] = [];
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
              pairs.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              head: pairs,
              body: Buffer.concat(chunks),
            });
          });
        },
      );
      r.on('timeout', () => r.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      r.on('error', reject);
      r.end();
    });
    const empty = status === 204 || status === 205 || status === 304 || method === 'HEAD';
    context.response = new Response(empty ? null : body, { status, statusText, headers: head });
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
    chain.push(new HttpsHandler(this.origin, opts.ca, opts.timeoutMs ?? 60_000));
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
    if (!isSafeRequestPath(req.path))
      return { kind: 'error', reason: `unsafe request path ${JSON.stringify(req.path)}` };
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
        if (rel === undefined)
          return {
            kind: 'error',
            reason: `GET /${req.path}: refusing to follow @odata.nextLink to ${next} (not under ${this.origin}/${VERSION}/)`,
          };
        if (++pages > this.maxPages)
          return { kind: 'error', reason: `GET /${req.path}: more than ${this.maxPages} pages, giving up` };
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
    if (status === 401 || status === 403)
      return {
        kind: 'denied',
        reason: `GET /${reqPath} was denied (${detail}); needs ${permissionFor(reqPath)}`,
        body,
      };
    return { kind: 'error', status, reason: `GET /${reqPath} failed (${detail})`, body };
  }
}
