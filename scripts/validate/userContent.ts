/**
 * A user's own Azure-Sentinel content file, classified by its shape: an analytic rule (Scheduled, NRT, or
 * another kind checked for its common fields only), a hunting query (a query, no kind, no schedule), or a
 * "moved" stub left after a content migration (no query). Hostile files (too large, not UTF-8, YAML alias
 * bombs, anything that throws) become one diagnostic for that file; nothing here throws.
 */
import * as fs from 'fs';
import { z } from 'zod';
import { HuntingItem, QueryText, RuleItem } from '../content/items';
import { zodDiagnostics } from '../content/load';
import { identityRendered } from '../content/render';
import { SentinelRule, UserHuntingQuery } from '../content/ruleSchema';
import { parseYamlSource, rangeOfPath, lineText, scalarOrigin, YamlSource } from '../core/yamlSource';
import { Diagnostic, DiagnosticCode } from '../core/diagnostic';

/** Files above this size are not parsed (published rules are a few KB; 5 MB is far above any real one). */
export const MAX_CONTENT_FILE_BYTES = 5 * 1024 * 1024;

/** Kinds of Microsoft.SecurityInsights/alertRules the service knows besides Scheduled and NRT. */
export const OTHER_RULE_KINDS = [
  'Fusion',
  'MicrosoftSecurityIncidentCreation',
  'ThreatIntelligence',
  'MLBehaviorAnalytics',
  'Anomaly',
] as const;
const QUERY_KINDS = ['Scheduled', 'NRT'] as const;
const SCHEDULE_KEYS = ['queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold'];

export type ContentShape = 'rule' | 'other-rule' | 'hunting' | 'moved' | 'unknown';

export interface LoadedContent {
  shape: ContentShape;
  rules: RuleItem[];
  hunting: HuntingItem[];
  diagnostics: Diagnostic[];
  /** for cross-file checks (ids unique among rules, among hunting queries) */
  id?: { value: string; range?: Diagnostic['range']; line?: string };
  name?: { value: string; range?: Diagnostic['range']; line?: string };
}

/** Read a file as UTF-8 text with a size cap; a BOM is dropped. Never throws. */
export function readContentText(file: string): { text?: string; diagnostic?: Diagnostic } {
  const fail = (code: DiagnosticCode, message: string) => ({
    diagnostic: { code, severity: 'error' as const, file, message },
  });
  try {
    const st = fs.statSync(file);
    if (st.isDirectory())
      return fail('file-read', `${file} is a directory (pass it as an argument to have it walked for *.yaml / *.yml)`);
    if (st.size > MAX_CONTENT_FILE_BYTES)
      return fail(
        'file-size',
        `${file} is ${(st.size / 1024 / 1024).toFixed(1)} MB, over the ${MAX_CONTENT_FILE_BYTES / 1024 / 1024} MB limit for one content file; not read`,
      );
    // a device or pipe has no size (`/dev/zero` never ends): read at most one byte over the cap
    const buf = st.isFile() ? fs.readFileSync(file) : readAtMost(file, MAX_CONTENT_FILE_BYTES + 1);
    if (buf.length > MAX_CONTENT_FILE_BYTES)
      return fail(
        'file-size',
        `${file} is over the ${MAX_CONTENT_FILE_BYTES / 1024 / 1024} MB limit for one content file; not read`,
      );
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      const at = firstInvalidUtf8(buf);
      return fail('file-encoding', `${file} is not valid UTF-8 (first bad byte at offset ${at}); save it as UTF-8`);
    }
    return { text: text.replace(/^\uFEFF/, '') };
  } catch (e) {
    return fail('file-read', `cannot read ${file}: ${(e as Error).message}`);
  }
}

/** The first `max` bytes of a file (all of it when shorter). */
function readAtMost(file: string, max: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let n = 0;
    while (n < max) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, max - n));
      const got = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      n += got;
    }
    return Buffer.concat(chunks);
  } finally {
    fs.closeSync(fd);
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (!n || i + n > buf.length) return i;
    for (let k = 1; k < n; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    if (n > 1) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(i, i + n));
      } catch {
        return i; // overlong or surrogate forms
      }
    }
    i += n;
  }
  return buf.length;
}

function at(src: YamlSource, p: (string | number)[]): { range?: Diagnostic['range']; line?: string } {
  const range = rangeOfPath(src, p);
  return { range, line: range ? lineText(src, range.start.line) : undefined };
}

function queryText(src: YamlSource, file: string, text: string): QueryText {
  return {
    text,
    rendered: identityRendered(text),
    template: text,
    file,
    origin: scalarOrigin(src, ['query']),
    fileText: src.text,
  };
}

/** Parse YAML, turning any throw (alias bombs exceed maxAliasCount and throw in toJS) into a diagnostic. */
function parseSafely(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  try {
    return parseYamlSource(file, text);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    const why = /alias/i.test(msg)
      ? `too many YAML alias expansions (${msg}); a file that expands aliases this much is refused`
      : msg;
    return { diagnostics: [{ code: 'yaml-syntax', severity: 'error', file, message: why }] };
  }
}

/** Fields that mean "none" when left empty (`entityMappings:` with no value): Azure-Sentinel CI (Newtonsoft) reads null as absent. */
const OPTIONAL_KEYS = [
  'entityMappings',
  'customDetails',
  'alertDetailsOverride',
  'incidentConfiguration',
  'eventGroupingSettings',
  'tactics',
  'relevantTechniques',
  'requiredDataConnectors',
  'tags',
  'metadata',
  'version',
  'status',
  'suppressionEnabled',
  'suppressionDuration',
];

/** Optional keys with a null value are dropped (required ones stay, and are reported as missing); empty list items too. */
function dropNulls(data: Record<string, unknown>): void {
  for (const k of OPTIONAL_KEYS) if (data[k] === null) delete data[k];
  const ado = data.alertDetailsOverride;
  if (ado && typeof ado === 'object' && !Array.isArray(ado))
    for (const [k, v] of Object.entries(ado)) if (v === null) delete (ado as Record<string, unknown>)[k];
  for (const k of ['tactics', 'relevantTechniques'])
    if (Array.isArray(data[k])) data[k] = (data[k] as unknown[]).filter((v) => v !== null);
}

const KindOnly = z.object({ kind: z.string() }).passthrough();
const OtherRule = z
  .object({
    id: z.string(),
    kind: z.string(),
    name: z.string().optional(),
    description: z.string().optional(),
    tactics: z.array(z.string()).optional(),
    relevantTechniques: z.array(z.string()).optional(),
  })
  .passthrough();

/** Load and classify one file. */
export function loadUserContentFile(file: string): LoadedContent {
  const out: LoadedContent = { shape: 'unknown', rules: [], hunting: [], diagnostics: [] };
  const read = readContentText(file);
  if (read.diagnostic) {
    out.diagnostics.push(read.diagnostic);
    return out;
  }
  const { source, diagnostics } = parseSafely(file, read.text!);
  out.diagnostics.push(...diagnostics);
  if (!source) return out;
  const data = source.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    out.diagnostics.push({
      code: 'rule-schema',
      severity: 'error',
      file,
      message: 'expected an Azure-Sentinel analytic rule or hunting query (a YAML mapping)',
    });
    return out;
  }
  dropNulls(data);
  if (typeof data.id === 'string') out.id = { value: data.id, ...at(source, ['id']) };
  if (typeof data.name === 'string') out.name = { value: data.name, ...at(source, ['name']) };
  const kind = data.kind;
  const hasQuery = 'query' in data;

  // a stub left behind when content moved into a solution: id, name, description and nothing to run
  if (
    !hasQuery &&
    (kind === undefined || (QUERY_KINDS as readonly unknown[]).includes(kind) === false) &&
    !SCHEDULE_KEYS.some((k) => k in data)
  ) {
    if (kind === undefined) {
      out.shape = 'moved';
      const desc = typeof data.description === 'string' ? data.description : '';
      const where = /https?:\/\/\S+/.exec(desc)?.[0]?.replace(/['")]+$/, '');
      out.diagnostics.push({
        code: 'content-moved',
        severity: 'info',
        file,
        path: [],
        ...(out.name ? { range: out.name.range, sourceLine: out.name.line } : {}),
        message: `no query: a stub left after a content migration${where ? ` (moved to ${where})` : ''}; nothing to validate`,
      });
      out.id = undefined; // a stub keeps the id of the content it points to
      return out;
    }
  }

  // Azure-Sentinel sorts content by folder: a file under "Hunting Queries" is a hunting query even when it carries a
  // rule's kind or schedule (copied from a rule); those keys do nothing there and are reported as a warning
  const inHuntingFolder = /(^|[\\/])hunting queries[\\/]/i.test(file);
  if (inHuntingFolder && hasQuery && (kind !== undefined || SCHEDULE_KEYS.some((k) => k in data))) {
    const keys = ['kind', ...SCHEDULE_KEYS].filter((k) => k in data);
    const where = at(source, [keys[0]]);
    out.diagnostics.push({
      code: 'hunting-fields',
      severity: 'warning',
      file,
      path: [keys[0]],
      range: where.range,
      sourceLine: where.line,
      message: `${keys.join(', ')}: rule fields in a hunting query (a file under "Hunting Queries"); they are ignored, and the file is validated as a hunting query`,
    });
  } else if (kind !== undefined || SCHEDULE_KEYS.some((k) => k in data)) {
    if (kind === undefined) {
      out.shape = 'rule';
      out.diagnostics.push({
        code: 'rule-schema',
        severity: 'error',
        file,
        message: `(top level): kind is required on an analytic rule (it has ${SCHEDULE_KEYS.filter((k) => k in data).join(', ')}); expected kind: Scheduled or NRT`,
        ...(out.id ? { range: out.id.range, sourceLine: out.id.line } : {}),
      });
      return out;
    }
    const k = KindOnly.safeParse(data);
    if (!k.success) {
      out.diagnostics.push(...zodDiagnostics(k.error, source, 'rule-schema'));
      return out;
    }
    const kindValue = k.data.kind;
    if ((QUERY_KINDS as readonly string[]).includes(kindValue)) {
      out.shape = 'rule';
      const parsed = SentinelRule.safeParse(data);
      if (!parsed.success) {
        out.diagnostics.push(...zodDiagnostics(parsed.error, source, 'rule-schema'));
        return out;
      }
      const rule = parsed.data;
      out.rules.push({
        itemKind: 'rule',
        templateId: file,
        file,
        source,
        fromPack: false,
        rule,
        query: queryText(source, file, rule.query),
        enabled: true,
        tests: [],
      });
      return out;
    }
    const kindAt = at(source, ['kind']);
    const known = [...QUERY_KINDS, ...OTHER_RULE_KINDS] as readonly string[];
    const caseMatch = known.find((x) => x.toLowerCase() === kindValue.toLowerCase());
    if (!(OTHER_RULE_KINDS as readonly string[]).includes(kindValue)) {
      out.shape = 'rule';
      out.diagnostics.push({
        code: 'rule-kind',
        severity: 'error',
        file,
        path: ['kind'],
        range: kindAt.range,
        sourceLine: kindAt.line,
        message: caseMatch
          ? `kind: "${kindValue}" must be spelled "${caseMatch}" (kinds are case-sensitive)`
          : `kind: "${kindValue}" is not a rule kind (expected one of ${known.join(', ')})`,
      });
      return out;
    }
    out.shape = 'other-rule';
    const parsed = OtherRule.safeParse(data);
    if (!parsed.success) out.diagnostics.push(...zodDiagnostics(parsed.error, source, 'rule-schema'));
    else if (!/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/.test(parsed.data.id))
      out.diagnostics.push({
        code: 'rule-id',
        severity: 'error',
        file,
        path: ['id'],
        ...at(source, ['id']),
        sourceLine: at(source, ['id']).line,
        message: `id: expected a GUID, got "${parsed.data.id}"`,
      });
    out.diagnostics.push({
      code: 'rule-kind',
      severity: 'info',
      file,
      path: ['kind'],
      range: kindAt.range,
      sourceLine: kindAt.line,
      message: `kind ${kindValue}: a built-in rule (no query of its own); only id (GUID), kind and the field types were checked — no KQL, schedule, entity or MITRE checks apply`,
    });
    return out;
  }

  // no kind and no schedule: a hunting query
  out.shape = 'hunting';
  const parsed = UserHuntingQuery.safeParse(data);
  if (!parsed.success) {
    out.diagnostics.push(...zodDiagnostics(parsed.error, source, 'hunting-schema'));
    return out;
  }
  const h = parsed.data;
  out.hunting.push({
    itemKind: 'hunting',
    templateId: file,
    file,
    source,
    fromPack: false,
    id: h.id ?? '',
    hunting: h,
    query: queryText(source, file, h.query),
  });
  return out;
}
