/**
 * `btg check --export <dir>`: record every Graph response the check reads and write them as a folder that
 * `btg check --from <dir>` reads back: one raw Graph v1.0 response body per request path (collections with all
 * pages merged into one `{"value":[...]}`), error responses as Graph's error body plus `@btg.httpStatus`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Config } from '../config/schema';
import { HTTP_STATUS_KEY } from './folder-source';
import { loadPostureData, PostureData } from './load';
import {
  EXPORT_MANIFEST,
  ExportManifest,
  exportFileOf,
  GraphGet,
  GraphResult,
  GraphSource,
  isSafeRequestPath,
} from './source';

/** Passes requests through and remembers the last result per request path. */
export class RecordingGraphSource implements GraphSource {
  readonly records = new Map<string, GraphResult>();
  readonly description: string;

  constructor(private readonly inner: GraphSource) {
    this.description = inner.description;
  }

  async get(req: GraphGet): Promise<GraphResult> {
    const r = await this.inner.get(req);
    this.records.set(req.path, r);
    return r;
  }
}

function bodyOf(r: GraphResult): unknown | undefined {
  switch (r.kind) {
    case 'ok':
      return r.body;
    case 'not-exported':
      return undefined;
    default: {
      const status = r.kind === 'not-found' ? 404 : r.kind === 'denied' ? 403 : (r.status ?? 500);
      const body =
        r.body && typeof r.body === 'object' && 'error' in r.body
          ? r.body
          : { error: { code: r.kind, message: r.reason } };
      return { ...(body as object), [HTTP_STATUS_KEY]: status };
    }
  }
}

/** Make `dir` ready: create it, or clear a previous export (only the files its manifest lists). Refuses other non-empty folders. */
function prepareDir(dir: string): void {
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    return;
  }
  if (!fs.statSync(dir).isDirectory()) throw new Error(`--export ${dir}: exists and is not a directory`);
  const entries = fs.readdirSync(dir);
  if (entries.length === 0) return;
  const manifestFile = path.join(dir, EXPORT_MANIFEST);
  if (!fs.existsSync(manifestFile))
    throw new Error(
      `--export ${dir}: the folder is not empty and was not written by btg check --export; choose an empty or new folder`,
    );
  let old: ExportManifest;
  try {
    old = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as ExportManifest;
  } catch (e) {
    throw new Error(`--export ${dir}: cannot read the previous ${EXPORT_MANIFEST}: ${(e as Error).message}`);
  }
  for (const f of Array.isArray(old.files) ? old.files : []) {
    if (typeof f !== 'string' || !f.endsWith('.json') || !isSafeRequestPath(f.slice(0, -'.json'.length))) continue;
    // through a symbolic link inside the folder the listed file may be anywhere: only a file really in it goes
    if (linkOnTheWay(dir, f) === undefined) fs.rmSync(path.join(dir, ...f.split('/')), { force: true });
  }
  fs.rmSync(manifestFile, { force: true });
}

/** The first existing folder on the way to `rel` inside `dir` that is a symbolic link (or not a folder), if any. */
function linkOnTheWay(dir: string, rel: string): string | undefined {
  const segs = rel.split('/').slice(0, -1);
  for (let i = 1; i <= segs.length; i++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(dir, ...segs.slice(0, i)));
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink() || !st.isDirectory()) return segs.slice(0, i).join('/');
  }
  return undefined;
}

export function writeExport(
  dir: string,
  records: ReadonlyMap<string, GraphResult>,
  meta: { exportedAt: Date; endpoint?: string },
): ExportManifest {
  prepareDir(dir);
  const files: string[] = [];
  for (const [reqPath, r] of [...records].sort(([a], [b]) => a.localeCompare(b))) {
    const body = bodyOf(r);
    if (body === undefined || !isSafeRequestPath(reqPath)) continue;
    const rel = exportFileOf(reqPath);
    const via = linkOnTheWay(dir, rel);
    if (via !== undefined)
      throw new Error(`--export ${dir}: ${via} is a symbolic link or a file, and ${rel} would be written through it`);
    const file = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    files.push(rel);
  }
  const manifest: ExportManifest = {
    tool: 'breakglass-sentinel',
    kind: 'btg-check-export',
    exportedAt: meta.exportedAt.toISOString(),
    endpoint: meta.endpoint,
    files,
  };
  fs.writeFileSync(path.join(dir, EXPORT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Read everything the check needs from `source` and write it to `dir`. Returns the loaded data, so the caller can check it without reading twice. */
export async function exportPosture(
  source: GraphSource,
  config: Config,
  dir: string,
  meta: { exportedAt: Date; endpoint?: string },
): Promise<{ data: PostureData; manifest: ExportManifest }> {
  const recorder = new RecordingGraphSource(source);
  const data = await loadPostureData(recorder, config);
  const manifest = writeExport(dir, recorder.records, meta);
  return { data, manifest };
}
