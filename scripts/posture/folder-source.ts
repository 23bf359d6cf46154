/** A GraphSource over an exported folder: `<dir>/<request path>.json` holds the raw Graph v1.0 response body. */
import * as fs from 'fs';
import * as path from 'path';
import {
  EXPORT_MANIFEST,
  ExportManifest,
  exportFileOf,
  GraphGet,
  GraphResult,
  GraphSource,
  isSafeRequestPath,
  permissionFor,
} from './source';

/** Key an export adds to an error body so the HTTP status survives the round trip (not part of Graph's body). */
export const HTTP_STATUS_KEY = '@btg.httpStatus';

const NOT_FOUND_CODES = new Set(['request_resourcenotfound', 'resourcenotfound', 'itemnotfound', 'notfound']);
const DENIED_CODES = new Set([
  'authorization_requestdenied',
  'forbidden',
  'accessdenied',
  'unauthorized',
  'invalidauthenticationtoken',
  'aadpremiumlicenserequired',
]);

/** Classify a Graph error body (exported from a failed live call) the way the live source classified the response. */
export function classifyErrorBody(reqPath: string, body: Record<string, unknown>): GraphResult {
  const err = (body.error ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : 'unknown';
  const message = typeof err.message === 'string' ? err.message : '';
  const status = typeof body[HTTP_STATUS_KEY] === 'number' ? (body[HTTP_STATUS_KEY] as number) : undefined;
  const detail = `${status ?? ''}${status ? ' ' : ''}${code}${message ? `: ${message}` : ''}`;
  if (status === 404 || (status === undefined && NOT_FOUND_CODES.has(code.toLowerCase()))) {
    return { kind: 'not-found', reason: `GET /${reqPath} returned ${detail}`, body };
  }
  if (status === 401 || status === 403 || (status === undefined && DENIED_CODES.has(code.toLowerCase()))) {
    return { kind: 'denied', reason: `GET /${reqPath} was denied (${detail}); needs ${permissionFor(reqPath)}`, body };
  }
  return { kind: 'error', status, reason: `GET /${reqPath} failed (${detail})`, body };
}

export class FolderGraphSource implements GraphSource {
  readonly description: string;

  constructor(readonly dir: string) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`--from ${dir}: not a directory`);
    this.description = `export ${dir}`;
  }

  /** The export manifest, when the folder was written by `btg check --export`. */
  manifest(): ExportManifest | undefined {
    const file = path.join(this.dir, EXPORT_MANIFEST);
    if (!fs.existsSync(file)) return undefined;
    try {
      const m = JSON.parse(fs.readFileSync(file, 'utf8')) as ExportManifest;
      return m && typeof m.exportedAt === 'string' && !Number.isNaN(Date.parse(m.exportedAt)) ? m : undefined;
    } catch {
      return undefined;
    }
  }

  async get(req: GraphGet): Promise<GraphResult> {
    if (!isSafeRequestPath(req.path))
      return { kind: 'error', reason: `unsafe request path ${JSON.stringify(req.path)}` };
    const rel = exportFileOf(req.path);
    const file = path.join(this.dir, ...rel.split('/'));
    if (!fs.existsSync(file)) return { kind: 'not-exported', reason: `not exported: ${rel}` };
    let body: unknown;
    try {
      body = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      return { kind: 'error', reason: `${rel}: not valid JSON (${(e as Error).message})` };
    }
    if (body && typeof body === 'object' && !Array.isArray(body) && 'error' in body)
      return classifyErrorBody(req.path, body as Record<string, unknown>);
    return { kind: 'ok', body };
  }
}
