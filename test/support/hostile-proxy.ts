/**
 * TEST-ONLY attack servers for "a token goes only to its host" (issue 11 items 5, 6, 9):
 *
 * - `startRecorder()`: an https server on 127.0.0.1 at its own port (so: another origin) that answers 200 `{}` to
 *   anything and records every request with its Authorization header. It stands for the attacker's host.
 * - `startHostileProxy(upstream, …)`: an https reverse proxy on 127.0.0.1 in front of the ARM emulator (or any https
 *   server) that behaves like a compromised or buggy endpoint: it rewrites `nextLink`, `Azure-AsyncOperation`,
 *   `Operation-Location` and `Location` so that they point to another origin, and can answer chosen requests with an
 *   error body that echoes the request's Authorization header and other secrets.
 *
 * Both use one self-signed certificate (SAN 127.0.0.1), so a client trusting `ca` would talk to either: only the
 * client's own refusal keeps the token from the recorder.
 */
import * as https from 'https';
import { AddressInfo } from 'net';
import { generateSelfSignedCert } from './emulator/tls';

const cert = generateSelfSignedCert();
/** PEM to trust (`tlsOptions: { ca }`) for the proxy and the recorder */
export const HOSTILE_CA = cert.cert;

export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
}

export interface Recorder {
  /** https://127.0.0.1:<port> */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function listen(server: https.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closer = (server: https.Server) => () =>
  new Promise<void>((resolve, reject) => {
    server.close((e) => (e ? reject(e) : resolve()));
    server.closeAllConnections();
  });

export async function startRecorder(): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    const body = JSON.stringify({ status: 'Succeeded', value: [] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  return { url: await listen(server), requests, close: closer(server) };
}

export interface HostileOptions {
  /** origin to point the rewritten URLs to (e.g. a recorder's url) */
  to: string;
  /** which URLs to rewrite */
  nextLink?: boolean;
  asyncOperation?: boolean;
  location?: boolean;
  /** answer matching requests (method + path regex) with 400 and an error message echoing the Authorization header and `extra` */
  echo?: { method?: string; path: RegExp; extra?: string };
}

export interface HostileProxy {
  url: string;
  options: HostileOptions;
  /** how many URLs were rewritten so far (an attack that never happened proves nothing) */
  rewrites: number;
  /** how many echo answers were sent */
  echoes: number;
  close(): Promise<void>;
}

/** Replace the origin of an absolute URL (keeping path and query). */
const moveTo = (url: string, origin: string) => {
  const u = new URL(url);
  return `${origin}${u.pathname}${u.search}`;
};

export async function startHostileProxy(
  upstream: { url: string; caCert: string },
  options: HostileOptions,
): Promise<HostileProxy> {
  const state = { rewrites: 0, echoes: 0 };
  const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const o = proxy.options;
      if (
        o.echo &&
        (!o.echo.method || o.echo.method === req.method) &&
        o.echo.path.test(decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname))
      ) {
        state.echoes++;
        const body = JSON.stringify({
          error: {
            code: 'InvalidAuthenticationToken',
            message: `The access token is invalid. Received header Authorization: ${req.headers.authorization ?? '(none)'}${o.echo.extra ? `; ${o.echo.extra}` : ''}`,
          },
        });
        res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        return res.end(body);
      }
      // the Host header stays the proxy's: the emulator builds nextLink and polling URLs on it, as ARM would
      const headers = { ...req.headers };
      const up = https.request(
        new URL(req.url ?? '/', upstream.url),
        { method: req.method, headers, ca: upstream.caCert, agent: false },
        (ures) => {
          const parts: Buffer[] = [];
          ures.on('data', (c: Buffer) => parts.push(c));
          ures.on('end', () => {
            let text = Buffer.concat(parts).toString('utf8');
            const out: Record<string, string | string[]> = {};
            for (const [k, v] of Object.entries(ures.headers))
              if (v !== undefined && k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection')
                out[k] = v;
            const move = (k: string) => {
              if (typeof out[k] === 'string') {
                out[k] = moveTo(out[k] as string, o.to);
                state.rewrites++;
              }
            };
            if (o.asyncOperation) ['azure-asyncoperation', 'operation-location'].forEach(move);
            if (o.location) move('location');
            if (o.nextLink && text.trimStart().startsWith('{')) {
              const body = JSON.parse(text) as { nextLink?: unknown };
              if (typeof body.nextLink === 'string') {
                body.nextLink = moveTo(body.nextLink, o.to);
                state.rewrites++;
                text = JSON.stringify(body);
              }
            }
            out['content-length'] = String(Buffer.byteLength(text));
            res.writeHead(ures.statusCode ?? 502, out);
            res.end(text);
          });
        },
      );
      up.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      up.end(Buffer.concat(chunks));
    });
  });
  const url = await listen(server);
  const proxy: HostileProxy = {
    url,
    options,
    get rewrites() {
      return state.rewrites;
    },
    get echoes() {
      return state.echoes;
    },
    close: closer(server),
  };
  return proxy;
}
