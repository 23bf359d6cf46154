/**
 * A local Log Analytics query API on 127.0.0.1 for the live paths of `btg test --live` and `btg drill`:
 * `POST /v1/workspaces/{workspaceId}/query` with `{query, timespan}` → `{tables: [{name: 'PrimaryResult', columns,
 * rows}]}`. It cannot run KQL: each test scripts the answer (e.g. by the `// btg-test: "<rule>/<case>"` marker the
 * shadow queries carry). HTTPS with a throwaway self-signed certificate (made by openssl at first use), because
 * the SDK's bearer-token policy refuses plain http: clients trust it
 * with `tlsOptions: { ca }`. Every request is logged for assertions.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

export interface LogsRequest {
  method: string;
  url: string;
  /** the {workspaceId} path segment, when the path is a workspace query */
  workspaceId?: string;
  authorization?: string;
  prefer?: string;
  contentType?: string;
  /** parsed JSON body */
  body?: { query?: string; timespan?: string; [k: string]: unknown };
}

export type LogsAnswer = { status: number; body: unknown; headers?: Record<string, string> };

export interface LogsServerOptions {
  /** the answer to a well-formed, authorised workspace query */
  answer: (req: LogsRequest) => LogsAnswer | Promise<LogsAnswer>;
  /** bearer token to require (default: any `Bearer …`) */
  token?: string;
}

export interface LogsServer {
  /** query API root for `--endpoint`, e.g. https://127.0.0.1:53211 */
  url: string;
  /** PEM of the server certificate, for `tlsOptions: { ca }` */
  ca: string;
  requests: LogsRequest[];
  close(): Promise<void>;
}

/** A query API success body: one PrimaryResult table. */
export function resultTable(columns: [string, string][], rows: unknown[][]): LogsAnswer {
  return {
    status: 200,
    body: { tables: [{ name: 'PrimaryResult', columns: columns.map(([name, type]) => ({ name, type })), rows }] },
  };
}

/** A query API error body (the service's shape: error.code, error.message, error.innererror). */
export function queryError(status: number, code: string, message: string, inner?: string): LogsAnswer {
  return {
    status,
    body: { error: { code, message, ...(inner ? { innererror: { code: 'SemanticError', message: inner } } : {}) } },
  };
}

let certificate: { key: string; cert: string } | undefined;
function selfSigned(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-logs-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'pipe' },
    );
    certificate = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
    return certificate;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startLogsServer(opts: LogsServerOptions): Promise<LogsServer> {
  const { key, cert } = selfSigned();
  const requests: LogsRequest[] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const send = (a: LogsAnswer) => {
          const text = JSON.stringify(a.body);
          res.writeHead(a.status, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(text),
            ...(a.headers ?? {}),
          });
          res.end(text);
        };
        const m = /^\/v1\/workspaces\/([^/?]+)\/query(?:\?.*)?$/.exec(req.url ?? '');
        const entry: LogsRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          workspaceId: m ? decodeURIComponent(m[1]) : undefined,
          authorization: req.headers.authorization,
          prefer: req.headers.prefer as string | undefined,
          contentType: req.headers['content-type'],
        };
        requests.push(entry);
        try {
          entry.body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
        } catch {
          return send(queryError(400, 'BadArgumentError', 'The request body is not valid JSON'));
        }
        if (!m) return send(queryError(404, 'PathNotFoundError', `The requested path does not exist: ${req.url}`));
        if (req.method !== 'POST') return send(queryError(405, 'MethodNotAllowed', `${req.method} is not supported`));
        const auth = req.headers.authorization ?? '';
        if (!/^Bearer \S+$/.test(auth) || (opts.token !== undefined && auth !== `Bearer ${opts.token}`)) {
          return send(queryError(401, 'AuthorizationRequiredError', 'Valid authentication was not provided'));
        }
        if (typeof entry.body?.query !== 'string')
          return send(
            queryError(400, 'BadArgumentError', 'The request had some invalid properties: query is required'),
          );
        try {
          send(await opts.answer(entry));
        } catch (e) {
          send(queryError(500, 'InternalServerError', (e as Error).message));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: cert,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
