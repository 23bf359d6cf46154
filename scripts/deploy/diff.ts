/**
 * Compare what the pack wants with what a service returns (pure).
 *
 * The comparison is one-sided: every field the pack sends must be deployed with an equivalent value; fields only the
 * service has (read-only properties such as lastModifiedUtc, provisioningState, systemData, defaults it fills in)
 * are ignored. A field the pack stopped sending is caught by the recorded pack hash instead (see plan.ts), because
 * from one body alone a server default cannot be told from a leftover.
 *
 * Equivalences, each seen in ARM answers: resource ids and locations compare case-insensitively ("West Europe" =
 * "westeurope"), ISO-8601 durations by length (PT60M = PT1H), JSON carried in a string (a workbook's serializedData) by
 * content, tag names case-insensitively, and an absent field equals null.
 */
import { parseIsoDuration } from '../core/duration';
import { stableStringify } from '../emit/resources';

export interface FieldChange {
  /** dotted path, e.g. `properties.severity` or `properties.entityMappings[0].fieldMappings` */
  path: string;
  /** what is deployed (undefined: missing) */
  from: unknown;
  /** what the pack wants */
  to: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const looksLikeArmId = (s: string) => /^\/subscriptions\//i.test(s);
const normLocation = (s: string) => s.replace(/\s+/g, '').toLowerCase();

function parseJsonText(s: string): unknown {
  const t = s.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function equalStrings(want: string, got: string, path: string): boolean {
  if (looksLikeArmId(want) && looksLikeArmId(got)) return want.toLowerCase() === got.toLowerCase();
  if (path === 'location' || path.endsWith('.location')) return normLocation(want) === normLocation(got);
  const dw = parseIsoDuration(want);
  if (dw !== undefined && dw === parseIsoDuration(got)) return true;
  const jw = parseJsonText(want);
  if (jw !== undefined) {
    const jg = parseJsonText(got);
    return jg !== undefined && stableStringify(jw) === stableStringify(jg);
  }
  return false;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

export interface DeepDiffOptions {
  /** compare only the fields `want` has: fields only `got` has are not changes (default: both ways) */
  oneSided?: boolean;
  /** whether two different strings at `path` are equivalent (default: never) */
  equalStrings?: (want: string, got: string, path: string) => boolean;
  /** whether the keys of the mapping at `path` compare case-insensitively (default: never) */
  caselessKeys?: (path: string) => boolean;
}

const absent = (v: unknown) => v === undefined || v === null;

/**
 * The one deep diff of JSON values: every path where `got` differs from `want`, a list of a different length as one
 * change, an absent field equal to null. Deploy's plan uses it one-sided with ARM's equivalences (diffDesired), the
 * typed-write check two-sided and exact (policies.ts).
 */
export function deepDiff(want: unknown, got: unknown, opts: DeepDiffOptions = {}, path = ''): FieldChange[] {
  if (absent(want)) return opts.oneSided || absent(got) ? [] : [{ path, from: got, to: want }];
  const change = [{ path, from: got, to: want }];
  if (typeof want === 'string')
    return typeof got === 'string' && (want === got || !!opts.equalStrings?.(want, got, path)) ? [] : change;
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return change;
    return want.flatMap((w, i) => deepDiff(w, got[i], opts, `${path}[${i}]`));
  }
  if (isObject(want)) {
    if (!isObject(got)) return change;
    const lookup = opts.caselessKeys?.(path)
      ? (k: string) => Object.entries(got).find(([gk]) => gk.toLowerCase() === k.toLowerCase())?.[1]
      : (k: string) => got[k];
    const keys = opts.oneSided ? Object.keys(want) : [...new Set([...Object.keys(want), ...Object.keys(got)])];
    return keys.flatMap((k) => deepDiff(want[k], lookup(k), opts, join(path, k)));
  }
  return want === got ? [] : change;
}

const ARM_EQUIVALENCES: DeepDiffOptions = {
  oneSided: true,
  equalStrings,
  // tag names are case-insensitive in ARM
  caselessKeys: (path) => path === 'tags',
};

/** Every field of `desired` whose deployed value is missing or not equivalent. */
export function diffDesired(desired: unknown, deployed: unknown, path = ''): FieldChange[] {
  return deepDiff(desired, deployed, ARM_EQUIVALENCES, path);
}

/**
 * Fields a service fills in by itself (read-only or server-managed), by name at any depth: listed only so that a plan
 * can name the fields a pack removed without also naming these.
 */
const SERVER_FIELDS = new Set([
  'id',
  'name',
  'type',
  'etag',
  'systemData',
  'lastModifiedUtc',
  'createdTimeUtc',
  'lastModifiedTimeUtc',
  'createdBy',
  'lastModifiedBy',
  'provisioningState',
  'watchlistId',
  'watchlistAlias',
  'created',
  'updated',
  'updatedBy',
  'tenantId',
  'isDeleted',
  'uploadStatus',
  'timeModified',
  'revision',
  'userId',
  'createdTime',
  'changedTime',
  'accessEndpoint',
  'endpointsConfiguration',
  'templateHash',
  'timestamp',
  'duration',
  'correlationId',
  'outputs',
  'outputResources',
  'isWorkspaceAlertsStorageConfigured',
  'customerId',
  'createdDate',
  'modifiedDate',
  'principalId',
  'identity',
  'statuses',
  'connectionState',
  'alertRuleTemplateName',
  'templateVersion',
]);

const isEmpty = (v: unknown) =>
  v === null ||
  v === undefined ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (isObject(v) && Object.keys(v).length === 0);

/** Top-level and `properties.*` fields deployed but no longer sent by the pack (best effort, for display). */
export function removedFields(desired: Record<string, unknown>, deployed: Record<string, unknown>): string[] {
  const out: string[] = [];
  const scan = (want: Record<string, unknown>, got: Record<string, unknown>, path: string) => {
    for (const [k, v] of Object.entries(got)) {
      if (SERVER_FIELDS.has(k) || isEmpty(v)) continue;
      if (want[k] === undefined) out.push(join(path, k));
    }
  };
  scan(desired, deployed, '');
  if (isObject(desired.properties) && isObject(deployed.properties))
    scan(desired.properties, deployed.properties, 'properties');
  return out.filter((p) => p !== 'properties');
}
