/** In-memory ARM resource store of the emulator: one entry per resource id, matched case-insensitively as ARM does. */
import * as crypto from 'crypto';

export type Json = Record<string, unknown>;

export interface StoredResource {
  /** resource id with the casing it was created with */
  id: string;
  /** lower-case `namespace/type[/childType…]`, the key of the contract table */
  typeKey: string;
  /** the resource exactly as a GET returns it (id, name, type, etag, properties, …) */
  body: Json;
  etag: string;
}

/** A GUID derived from a string, so ids, etags and principal ids are stable from run to run. */
export function stableGuid(seed: string): string {
  const h = crypto.createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const normalizePath = (p: string): string => p.replace(/\/+$/, '').toLowerCase();

export class ResourceStore {
  private readonly items = new Map<string, StoredResource>();
  private generation = 0;

  get size(): number {
    return this.items.size;
  }

  get(path: string): StoredResource | undefined {
    return this.items.get(normalizePath(path));
  }

  has(path: string): boolean {
    return this.items.has(normalizePath(path));
  }

  /** Insert or replace; keeps insertion order (list order) for updates, like ARM's stable listing. */
  put(resource: Omit<StoredResource, 'etag'> & { etag?: string }): StoredResource {
    const key = normalizePath(resource.id);
    const existing = this.items.get(key);
    const id = existing?.id ?? resource.id.replace(/\/+$/, '');
    const etag = resource.etag ?? `"${stableGuid(`${key}#${++this.generation}`)}"`;
    const stored: StoredResource = { id, typeKey: resource.typeKey, etag, body: { ...resource.body, id, etag } };
    this.items.set(key, stored);
    return stored;
  }

  /** Delete a resource and everything below it (child and extension resources). Returns how many were removed. */
  deleteTree(path: string): number {
    const key = normalizePath(path);
    let n = 0;
    for (const k of [...this.items.keys()]) {
      if (k === key || k.startsWith(`${key}/`)) {
        this.items.delete(k);
        n++;
      }
    }
    return n;
  }

  /** Every stored resource, oldest first; optionally only those under a path prefix and/or of one type. */
  list(filter: { under?: string; typeKey?: string } = {}): StoredResource[] {
    const prefix = filter.under ? `${normalizePath(filter.under)}/` : undefined;
    return [...this.items.entries()]
      .filter(([k, r]) => (!prefix || k.startsWith(prefix)) && (!filter.typeKey || r.typeKey === filter.typeKey))
      .map(([, r]) => r);
  }

  clear(): void {
    this.items.clear();
  }
}
