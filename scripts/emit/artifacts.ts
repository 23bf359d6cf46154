/** Emitted files, their manifest, and the atomic write of `out/`. */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { stableStringify, WorkspaceResource } from './resources';

export interface Artifact {
  /** path relative to the output directory, with forward slashes */
  path: string;
  /** what the file is: rule-yaml, rule-arm, pack-arm, hunting-yaml, ... */
  kind: string;
  content: string;
  templateId?: string;
  /** content id / resource name */
  id?: string;
  name?: string;
}

export interface ManifestEntry {
  path: string;
  kind: string;
  templateId?: string;
  id?: string;
  name?: string;
  /** sha256 of the sorted-key JSON for JSON files, of the text otherwise */
  sha256: string;
  bytes: number;
}

export interface Manifest {
  generator: string;
  packVersion: string;
  accountSource: string;
  accounts: string[];
  workspaces: string[];
  counts: Record<string, number>;
  skipped: { templateId: string; reason: string }[];
  artifacts: ManifestEntry[];
  resources: { kind: string; templateId: string; name: string; apiVersion: string; type: string; scope: string; hash: string }[];
}

export function contentHash(a: Pick<Artifact, 'path' | 'content'>): string {
  const h = createHash('sha256');
  if (a.path.endsWith('.json')) h.update(stableStringify(JSON.parse(a.content)));
  else h.update(a.content);
  return h.digest('hex');
}

export function manifestFor(artifacts: Artifact[], resources: WorkspaceResource[], meta: Omit<Manifest, 'artifacts' | 'resources' | 'counts'>): Manifest {
  const counts: Record<string, number> = {};
  for (const a of artifacts) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return {
    ...meta,
    counts,
    artifacts: artifacts.map((a) => ({ path: a.path, kind: a.kind, templateId: a.templateId, id: a.id, name: a.name, sha256: contentHash(a), bytes: Buffer.byteLength(a.content) })),
    resources: resources.map((r) => ({ kind: r.kind, templateId: r.templateId, name: r.name, apiVersion: r.apiVersion, type: r.type, scope: r.scope, hash: r.hash })),
  };
}

/**
 * Write every artifact into a temp directory next to `outDir`, then swap it in with renames, so a
 * failed build never leaves a half-written `out/` (the previous output stays until the swap).
 */
export function writeAtomically(outDir: string, artifacts: Artifact[]): void {
  const abs = path.resolve(outDir);
  const parent = path.dirname(abs);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(abs)}-tmp-`));
  try {
    for (const a of artifacts) {
      if (a.path.includes('..') || path.isAbsolute(a.path)) throw new Error(`refusing to write outside the output directory: ${a.path}`);
      const file = path.join(tmp, a.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, a.content);
    }
    let old: string | undefined;
    if (fs.existsSync(abs)) {
      old = `${tmp}-old`;
      fs.renameSync(abs, old);
    }
    fs.renameSync(tmp, abs);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
