/**
 * A local Azure Resource Manager emulator for tests (TEST SUPPORT, not a product feature).
 *
 * One TCP port on 127.0.0.1 serves both https (for the Azure SDK clients: their bearer policy refuses http) and plain
 * http (curl, the admin endpoints, the `listening on http://…` contract of `npm run emulator`): the first byte of each
 * connection says which (0x16 = TLS handshake). The https side uses a self-signed certificate generated at start.
 */
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import { randomUUID } from 'crypto';
import { ZodError } from 'zod';
import type { WorkspaceRef } from '../../../scripts/config/schema';
import { ArmHandler, ArmResponse } from './arm';
import { RESOURCE_TYPES } from './contract';
import { FaultConfig, FaultEngine } from './faults';
import { Json, ResourceStore, StoredResource, normalizePath, stableGuid } from './store';
import { generateSelfSignedCert } from './tls';

/** A workspace to pre-create; `onboarded: false` leaves Sentinel off (no onboardingStates/default). */
export type EmulatorWorkspace = Pick<
  WorkspaceRef,
  'subscriptionId' | 'resourceGroup' | 'workspaceName' | 'location'
> & { onboarded?: boolean };

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one */
  port?: number;
  /** workspaces that exist from the start (resource group + workspace, Sentinel onboarded unless `onboarded: false`) */
  workspaces?: EmulatorWorkspace[];
  /** initial fault configuration (see faults.ts); can be replaced at runtime */
  faults?: FaultConfig;
  /** items per page of a collection GET; small by default so that paging is always exercised (default 5) */
  pageSize?: number;
  /**
   * base latency added to every ARM call, in ms (e.g. 100 for the benchmark). It is a default for `latencyMs` of every
   * fault configuration (start-up and runtime), so clearing the faults keeps it; a config with `latencyMs` overrides it.
   */
  latencyMs?: number;
  /** polls of a long-running operation that answer InProgress before Succeeded (default 1) */
  lroPolls?: number;
}

export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  /** decoded path as received */
  path: string;
  /** query parameters, including `api-version` */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** parsed JSON body, the raw text if it was not JSON, or undefined */
  body?: unknown;
  /** status sent (undefined for a dropped connection) */
  status?: number;
  /** the injected fault, if any */
  fault?: 'drop' | 'status';
  /** added latency, if any (ms) */
  latencyMs?: number;
}

export interface Emulator {
  /** https base URL for the Azure SDK clients (`endpoint`); pair it with `caCert` (see emulatorClientOptions) */
  url: string;
  /** the same port over plain http: admin endpoints, curl */
  httpUrl: string;
  port: number;
  /** PEM of the self-signed certificate to trust (`tlsOptions.ca`, or NODE_EXTRA_CA_CERTS for a child process) */
  caCert: string;
  store: ResourceStore;
  /** plant a resource directly (no contract checks): e.g. a "foreign" rule someone else created */
  seed(path: string, body: Json): StoredResource;
  /** create a resource group + workspace (+ Sentinel onboarding unless `onboarded: false`) */
  addWorkspace(ws: EmulatorWorkspace): void;
  /** every ARM request received, oldest first (admin calls are not logged) */
  requests(): RequestLogEntry[];
  clearRequests(): void;
  /** replace the fault configuration (and reseed its PRNG); throws on a malformed config */
  setFaults(config: FaultConfig): void;
  clearFaults(): void;
  /** empty the store and the request log, then recreate the start-up workspaces */
  reset(): void;
  close(): Promise<void>;
}

export const ADMIN_PREFIX = '/_emulator';

export function workspacePath(ws: Pick<WorkspaceRef, 'subscriptionId' | 'resourceGroup' | 'workspaceName'>): string {
  return `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${ws.workspaceName}`;
}

function typeKeyOf(path: string): string {
  const segs = path.split('/').filter(Boolean);
  const p = segs.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (p < 0) return segs.length === 4 ? 'microsoft.resources/resourcegroups' : 'unknown';
  const rest = segs.slice(p + 2);
  return `${segs[p + 1]}/${rest.filter((_, i) => i % 2 === 0).join('/')}`.toLowerCase();
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const store = new ResourceStore();
  const arm = new ArmHandler(store, { pageSize: options.pageSize ?? 5, lroPolls: options.lroPolls ?? 1 });
  const faults = new FaultEngine();
  const withLatency = (c: FaultConfig): FaultConfig =>
    options.latencyMs !== undefined && c.latencyMs === undefined ? { ...c, latencyMs: options.latencyMs } : c;
  const setFaults = (c: FaultConfig) => faults.set(withLatency(c));
  setFaults(options.faults ?? {});
  const log: RequestLogEntry[] = [];
  let seq = 0;
  const tls = generateSelfSignedCert();

  const seed = (path: string, body: Json): StoredResource => {
    const segs = path.split('/').filter(Boolean);
    // a seeded resource under a resource group that does not exist yet gets the group too, so ARM calls can reach it
    if (segs.length > 4 && segs[0].toLowerCase() === 'subscriptions' && segs[2].toLowerCase() === 'resourcegroups') {
      const rgPath = `/${segs.slice(0, 4).join('/')}`;
      if (!store.has(rgPath))
        seed(rgPath, { location: body.location ?? 'westeurope', properties: { provisioningState: 'Succeeded' } });
    }
    const clean = `/${segs.join('/')}`;
    const typeKey = typeKeyOf(clean);
    return store.put({
      id: clean,
      typeKey,
      body: { id: clean, name: segs[segs.length - 1], type: RESOURCE_TYPES[typeKey]?.type ?? typeKey, ...body },
    });
  };

  const addWorkspace = (ws: EmulatorWorkspace) => {
    const rg = `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}`;
    if (!store.has(rg)) seed(rg, { location: ws.location, properties: { provisioningState: 'Succeeded' } });
    const wsPath = workspacePath(ws);
    seed(wsPath, {
      location: ws.location,
      properties: {
        customerId: stableGuid(`customer:${wsPath.toLowerCase()}`),
        provisioningState: 'Succeeded',
        sku: { name: 'PerGB2018' },
        retentionInDays: 90,
      },
    });
    if (ws.onboarded !== false)
      seed(`${wsPath}/providers/Microsoft.SecurityInsights/onboardingStates/default`, { properties: {} });
  };

  const init = () => {
    store.clear();
    for (const ws of options.workspaces ?? []) addWorkspace(ws);
  };
  init();

  const send = (res: http.ServerResponse, r: ArmResponse) => {
    const headers: Record<string, string> = {
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id': randomUUID(),
      ...(r.headers ?? {}),
    };
    if (r.body === undefined) {
      res.writeHead(r.status, { ...headers, 'content-length': '0' }).end();
      return;
    }
    const text = JSON.stringify(r.body);
    res
      .writeHead(r.status, {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
      })
      .end(text);
  };

  const admin = async (req: http.IncomingMessage, res: http.ServerResponse, path: string, url: URL) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const body = parseBody(await readBody(req));
    const sub = path.slice(ADMIN_PREFIX.length).replace(/\/+$/, '') || '/';
    try {
      if (sub === '/requests' && method === 'GET') return send(res, { status: 200, body: log });
      if (sub === '/requests' && method === 'DELETE') {
        log.length = 0;
        return send(res, { status: 204 });
      }
      if (sub === '/faults' && method === 'GET') return send(res, { status: 200, body: faults.get() });
      if (sub === '/faults' && (method === 'POST' || method === 'PUT')) {
        setFaults((body ?? {}) as FaultConfig);
        return send(res, { status: 200, body: faults.get() });
      }
      if (sub === '/faults' && method === 'DELETE') {
        setFaults({});
        return send(res, { status: 204 });
      }
      if (sub === '/seed' && (method === 'PUT' || method === 'POST')) {
        const items = Array.isArray(body) ? body : [body];
        const stored = items.map((it) => {
          const o = it as { path?: unknown; body?: unknown };
          if (typeof o?.path !== 'string' || typeof o.body !== 'object' || o.body === null)
            throw new Error('expected {path: string, body: object} or an array of them');
          return seed(o.path, o.body as Json).body;
        });
        return send(res, { status: 200, body: Array.isArray(body) ? stored : stored[0] });
      }
      if (sub === '/store' && method === 'GET') {
        const under = url.searchParams.get('under') ?? undefined;
        return send(res, { status: 200, body: store.list({ under }).map((r) => r.body) });
      }
      if (sub === '/reset' && method === 'POST') {
        init();
        log.length = 0;
        return send(res, { status: 204 });
      }
      if (sub === '/info' && method === 'GET') return send(res, { status: 200, body: info() });
      return send(res, {
        status: 404,
        body: { error: { code: 'NotFound', message: `no emulator admin endpoint ${method} ${path}` } },
      });
    } catch (e) {
      const message =
        e instanceof ZodError
          ? e.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')
          : (e as Error).message;
      return send(res, { status: 400, body: { error: { code: 'InvalidEmulatorRequest', message } } });
    }
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
    const baseUrl = `${secure ? 'https' : 'http'}://${req.headers.host ?? `127.0.0.1:${port}`}`;
    const url = new URL(req.url ?? '/', baseUrl);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    if (normalizePath(path) === ADMIN_PREFIX || normalizePath(path).startsWith(`${ADMIN_PREFIX}/`))
      return admin(req, res, path, url);

    const text = await readBody(req);
    const entry: RequestLogEntry = {
      seq: ++seq,
      time: new Date().toISOString(),
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
      ),
      body: parseBody(text),
    };
    log.push(entry);

    const decision = faults.decide(entry.method, path);
    if (decision.latencyMs > 0) {
      entry.latencyMs = decision.latencyMs;
      await sleep(decision.latencyMs);
    }
    if (decision.action?.kind === 'drop') {
      entry.fault = 'drop';
      req.socket.destroy();
      return;
    }
    let response: ArmResponse;
    if (decision.action?.kind === 'status') {
      const a = decision.action;
      entry.fault = 'status';
      response = {
        status: a.status,
        body: { error: { code: a.code, message: a.message } },
        headers: a.retryAfterSeconds !== undefined ? { 'Retry-After': String(a.retryAfterSeconds) } : {},
      };
    } else if (typeof entry.body === 'string' && entry.method !== 'GET') {
      response = {
        status: 400,
        body: {
          error: {
            code: 'InvalidRequestContent',
            message: 'The request content was invalid and could not be deserialized: it is not JSON.',
          },
        },
      };
    } else {
      response = arm.handle({
        method: entry.method,
        path,
        query: entry.query,
        headers: req.headers,
        body: entry.body,
        baseUrl,
      });
    }
    entry.status = response.status;
    send(res, response);
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handler(req, res).catch((e: Error) => {
      if (!res.headersSent)
        send(res, { status: 500, body: { error: { code: 'EmulatorError', message: e.stack ?? e.message } } });
      else res.destroy();
    });
  };
  const httpServer = http.createServer(onRequest);
  const httpsServer = https.createServer({ key: tls.key, cert: tls.cert }, onRequest);
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first) => {
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? httpsServer : httpServer).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (tcp.address() as net.AddressInfo).port;
  const info = () => ({
    url: `https://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    port,
    caCert: tls.cert,
  });

  return {
    ...info(),
    store,
    seed,
    addWorkspace,
    requests: () => log.map((e) => ({ ...e })),
    clearRequests: () => {
      log.length = 0;
    },
    setFaults,
    clearFaults: () => setFaults({}),
    reset: () => {
      init();
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        tcp.close(() => resolve());
      }),
  };
}
