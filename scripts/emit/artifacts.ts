/** Emitted files and their manifest (`output.ts` writes them into `out/`). */
import { createHash } from 'crypto';
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
  skipped: readonly { templateId: string; reason: string }[];
  artifacts: ManifestEntry[];
  resources: {
    kind: string;
    templateId: string;
    name: string;
    apiVersion: string;
    type: string;
    scope: string;
    hash: string;
  }[];
}

export function contentHash(a: Pick<Artifact, 'path' | 'content'>): string {
  const h = createHash('sha256');
  if (a.path.endsWith('.json')) h.update(stableStringify(JSON.parse(a.content)));
  else h.update(a.content);
  return h.digest('hex');
}

export function manifestFor(
  artifacts: Artifact[],
  resources: WorkspaceResource[],
  meta: Omit<Manifest, 'artifacts' | 'resources' | 'counts'>,
): Manifest {
  const counts: Record<string, number> = {};
  for (const a of artifacts) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return {
    ...meta,
    counts,
    artifacts: artifacts.map((a) => ({
      path: a.path,
      kind: a.kind,
      templateId: a.templateId,
      id: a.id,
      name: a.name,
      sha256: contentHash(a),
      bytes: Buffer.byteLength(a.content),
    })),
    resources: resources.map((r) => ({
      kind: r.kind,
      templateId: r.templateId,
      name: r.name,
      apiVersion: r.apiVersion,
      type: r.type,
      scope: r.scope,
      hash: r.hash,
    })),
  };
}
