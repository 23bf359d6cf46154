/**
 * A local Graph-shaped HTTPS server on 127.0.0.1 (self-signed certificate made in memory, `ca` for the client: the
 * Graph token is never sent over plain http, not even in tests) for the live path of `btg check`: serves a posture export folder
 * by request path (`GET /v1.0/<path>` → `<dir>/<path>.json`), honours `$select` loosely, pages collections with
 * `@odata.nextLink`, answers 404 with a Graph error body for missing files, requires a bearer token, refuses
 * anything but GET (405), and logs every request so tests can assert the check is read-only.
 */
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as path from 'path';
import { generateSelfSignedCert } from './emulator/tls';

export interface GraphRequestLog {
  method: string;
  /** path and query as received, e.g. /v1.0/users/…?$select=id */
  url: string;
  /** request path relative to /v1.0/, without the query */
  path: string;
  authorization?: string;
}

export interface GraphServerOptions {
  /** folder in the `btg check --export` layout */
  dir: string;
  /** items per page for collections; a function can page only some paths. Default: no paging. */
  pageSize?: number | ((path: string) => number | undefined);
  /** bearer token to require (default: any `Bearer …`) */
  token?: string;
  /** answer a request yourself (status + JSON body), e.g. to inject 403s; return undefined to fall through */
  override?: (req: { path: string; query: URLSearchParams }) => { status: number; body: unknown } | undefined;
}

export interface GraphServer {
  /** Graph root for `--graph-endpoint`, e.g. https://127.0.0.1:53211 */
  url: string;
  /** PEM of the server certificate (LiveGraphSource `ca`, checkDeps.graphCa) */
  ca: string;
  requests: GraphRequestLog[];
  close(): Promise<void>;
}

const STATUS_KEY = '@btg.httpStatus';
const graphError = (code: string, message: string) => ({
  error: {
    code,
    message,
    innerError: { date: new Date().toISOString(), 'request-id': '00000000-0000-4000-8000-000000000000' },
  },
});

/** Keep selected properties (and `@odata.*` annotations and `id`) of one entity. */
function selectProps(entity: unknown, select: string[] | undefined): unknown {
  if (!select || !entity || typeof entity !== 'object' || Array.isArray(entity)) return entity;
  const keep = new Set(select.map((s) => s.toLowerCase()));
  return Object.fromEntries(
    Object.entries(entity as Record<string, unknown>).filter(
      ([k]) => k.startsWith('@odata.') || k === 'id' || keep.has(k.toLowerCase()),
    ),
  );
}

export async function startGraphServer(opts: GraphServerOptions): Promise<GraphServer> {
  const requests: GraphRequestLog[] = [];
  let base = '';
  const tls = generateSelfSignedCert();
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; odata.metadata=minimal; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    const url = new URL(req.url ?? '/', base);
    const rel = url.pathname.startsWith('/v1.0/') ? decodeURIComponent(url.pathname.slice('/v1.0/'.length)) : '';
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      path: rel,
      authorization: req.headers.authorization,
    });
    req.resume();

    if (req.method !== 'GET')
      return send(405, graphError('Request_BadRequest', `${req.method} is not allowed by this test server`));
    const auth = req.headers.authorization ?? '';
    if (!/^Bearer \S+$/.test(auth) || (opts.token !== undefined && auth !== `Bearer ${opts.token}`)) {
      return send(401, graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.'));
    }
    if (!rel || rel.split('/').some((s) => s === '' || s === '.' || s === '..'))
      return send(400, graphError('BadRequest', `Invalid request path ${url.pathname}`));

    const overridden = opts.override?.({ path: rel, query: url.searchParams });
    if (overridden) return send(overridden.status, overridden.body);

    const file = path.join(opts.dir, ...rel.split('/')) + '.json';
    if (!fs.existsSync(file))
      return send(
        404,
        graphError(
          'Request_ResourceNotFound',
          `Resource '${rel}' does not exist or one of its queried reference-property objects are not present.`,
        ),
      );
    const body = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (typeof body[STATUS_KEY] === 'number') {
      const { [STATUS_KEY]: status, ...rest } = body;
      return send(status as number, rest);
    }
    const select = url.searchParams.get('$select')?.split(',').filter(Boolean);
    if (!Array.isArray(body.value)) return send(200, selectProps(body, select));

    const all = (body.value as unknown[]).map((v) => selectProps(v, select));
    const size = typeof opts.pageSize === 'function' ? opts.pageSize(rel) : opts.pageSize;
    const skip = Number(
      url.searchParams.get('$skiptoken')
        ? Buffer.from(url.searchParams.get('$skiptoken')!, 'base64url')
            .toString()
            .replace(/^skip:/, '')
        : 0,
    );
    const page: Record<string, unknown> = { ...body };
    delete page['@odata.nextLink'];
    if (size && size > 0) {
      page.value = all.slice(skip, skip + size);
      if (skip + size < all.length) {
        const next = new URLSearchParams(url.searchParams);
        next.set('$skiptoken', Buffer.from(`skip:${skip + size}`).toString('base64url'));
        page['@odata.nextLink'] = `${base}/v1.0/${rel}?${next.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
      }
    } else page.value = all;
    return send(200, page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    ca: tls.cert,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
