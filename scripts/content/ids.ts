/** Deterministic resource names: UUID v5 of the pack namespace and a template id, so redeploys update instead of duplicating. */
import { v5 as uuidv5 } from 'uuid';

/** The pack's UUID namespace (fixed forever: changing it would orphan every deployed resource). */
export const PACK_NAMESPACE = '6f1c3b0e-6c2d-5b8a-9d41-b7e3a0c5f2a9';
export const PACK_SOURCE_NAME = 'breakglass-sentinel';

export function contentId(kind: string, templateId: string): string {
  return uuidv5(`${kind}:${templateId}`, PACK_NAMESPACE);
}
