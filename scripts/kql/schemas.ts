/** Table schemas: the bundled Log Analytics tables plus user-supplied ones in Azure-Sentinel's custom-table JSON format. */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { packPath } from '../paths';
import type { KqlFunctionDecl } from './analyzer';

export interface Column {
  name: string;
  type: string;
}
export type TableSchemas = Record<string, Column[]>;

const KUSTO_TYPES: Record<string, string> = {
  string: 'string',
  dynamic: 'dynamic',
  datetime: 'datetime',
  bool: 'bool',
  boolean: 'bool',
  long: 'long',
  int: 'int',
  real: 'real',
  double: 'real',
  guid: 'guid',
  timespan: 'timespan',
  decimal: 'decimal',
  // .NET / SQL spellings found in Azure-Sentinel's CustomTables (Kusto stores bool as SByte)
  sbyte: 'bool',
  int32: 'int',
  integer: 'int',
  int64: 'long',
  bigint: 'long',
  single: 'real',
  float: 'real',
  object: 'dynamic',
  'date/time': 'datetime',
  date: 'datetime',
  time: 'timespan',
  uniqueidentifier: 'guid',
};

/** A column type in any case and the .NET spellings (`String`, `Double`, `Int32`, `SByte`...), surrounding spaces ignored. */
export function normaliseType(t: string): string | undefined {
  return KUSTO_TYPES[t.trim().toLowerCase()];
}

let bundled: TableSchemas | undefined;
/** SigninLogs, AADNonInteractiveUserSignInLogs, AuditLogs, AADServicePrincipalSignInLogs, SecurityIncident, SecurityAlert. */
export function bundledSchemas(): TableSchemas {
  if (!bundled)
    bundled = JSON.parse(fs.readFileSync(packPath('scripts', 'kql', 'table-schemas.json'), 'utf8')) as TableSchemas;
  return bundled;
}

export class SchemaLoadError extends Error {}

/** A problem with one schema file (the shape of validate's Diagnostic, which kql may not import). */
export interface SchemaDiagnostic {
  code: 'schema-file';
  severity: 'error' | 'warning' | 'info';
  file: string;
  message: string;
}
type Diagnostic = SchemaDiagnostic;

/** Tables and functions declared by `--schemas` sources, and what was wrong with them (per file, never thrown). */
export interface SchemaSet {
  tables: TableSchemas;
  functions: KqlFunctionDecl[];
  diagnostics: Diagnostic[];
  /** files that declared something */
  files: number;
}

const MAX_SCHEMA_FILE = 5 * 1024 * 1024;

/**
 * JSON as Newtonsoft reads it (Azure-Sentinel's loaders): comments and trailing commas are tolerated, a BOM is ignored.
 * Strict JSON first; the tolerant pass only strips comments/trailing commas outside strings.
 */
export function parseLenientJson(text: string): unknown {
  const t = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(t);
  } catch (strictError) {
    // pass 1: comments out, strings kept; pass 2: commas followed (after white space) by ] or } out
    const scan = (src: string, onOther: (c: string, i: number) => number | undefined): string => {
      let o = '';
      let i = 0;
      while (i < src.length) {
        if (src[i] === '"') {
          let j = i + 1;
          while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
          o += src.slice(i, j + 1);
          i = j + 1;
          continue;
        }
        const skip = onOther(src[i], i);
        if (skip !== undefined) i = skip;
        else o += src[i++];
      }
      return o;
    };
    const noComments = scan(t, (c, i) => {
      if (c === '/' && t[i + 1] === '/') {
        const e = t.indexOf('\n', i);
        return e < 0 ? t.length : e;
      }
      if (c === '/' && t[i + 1] === '*') {
        const e = t.indexOf('*/', i + 2);
        return e < 0 ? t.length : e + 2;
      }
      return undefined;
    });
    const out = scan(noComments, (c, i) =>
      c === ',' && /^\s*[\]}]/.test(noComments.slice(i + 1, i + 200)) ? i + 1 : undefined,
    );
    try {
      return JSON.parse(out);
    } catch {
      throw strictError;
    }
  }
}

const key = (o: Record<string, unknown>, name: string): unknown =>
  o[name] ?? o[name[0].toLowerCase() + name.slice(1)] ?? o[name[0].toUpperCase() + name.slice(1)];

function walk(p: string, out: string[]): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    for (const n of fs.readdirSync(p).sort())
      if (n !== 'node_modules' && !n.startsWith('.')) walk(path.join(p, n), out);
  } else if (/\.(json|ya?ml|txt|kql)$/i.test(p)) out.push(p);
}

/** Declared parameters (optional unless required / without a default); undefined when one is not a named scalar. */
function parameters(params: { name: string; type: string; optional: boolean }[]): KqlFunctionDecl['parameters'] {
  const out: NonNullable<KqlFunctionDecl['parameters']> = [];
  for (const p of params) {
    const type = normaliseType(p.type);
    if (!type || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) return undefined;
    out.push({ name: p.name, type, optional: p.optional });
  }
  return out;
}

/** The built-in names of an ASIM parser: imAuthentication -> _Im_Authentication, vimAuthenticationOktaSSO -> _Im_Authentication_OktaSSO, ASimDnsAzureFirewall -> _ASim_Dns_AzureFirewall. */
export function asimBuiltInNames(parserName: string, schema: string | undefined): string[] {
  const m = /^(v?im|ASim)(.+)$/.exec(parserName);
  if (!m) return [];
  const prefix = m[1] === 'ASim' ? '_ASim_' : '_Im_';
  let rest = m[2];
  if (schema && rest.length > schema.length && rest.toLowerCase().startsWith(schema.toLowerCase()))
    rest = `${rest.slice(0, schema.length)}_${rest.slice(schema.length)}`;
  return [prefix + rest];
}

/**
 * Read `--schemas` sources (files or folders, walked for *.json / *.yaml / *.yml) in the forms Azure-Sentinel writes:
 * - custom tables (`.script/tests/KqlvalidationsTests/CustomTables`): `{"Name": "T", "Properties": [{"Name": "c", "Type": "String"}]}`,
 *   keys in either case, type names in any case and in their .NET spellings; a repeated column is a warning;
 * - function signatures (`CustomFunctions`): `{"FunctionName", "FunctionParameters": [{Name, Type, IsRequired}], "FunctionResultColumns": [{Name, Type}]}`;
 * - ASIM parser YAML (`Parsers/ASim<Schema>/Parsers/*.yaml`): `ParserName` (and `EquivalentBuiltInParser`, e.g. `_Im_Authentication`)
 *   with `ParserParams`; the result columns are those of the schema's sample function (`_Im_<Schema>` in CustomFunctions),
 *   as the repository's ParsersCustomJsonDirectoryFunctionsLoader does, or open (any column) when there is no sample;
 * - this pack's own `{"T": [{"name", "type"}]}` shape.
 * A file that cannot be read is one diagnostic for that file; the others still load.
 */
export function loadSchemaSources(sources: string[]): SchemaSet {
  const set: SchemaSet = { tables: {}, functions: [], diagnostics: [], files: 0 };
  const err = (file: string, message: string, severity: Diagnostic['severity'] = 'error') =>
    set.diagnostics.push({ code: 'schema-file', severity, file, message });
  const files: { file: string; explicit: boolean }[] = [];
  for (const src of sources) {
    if (!fs.existsSync(src)) {
      err(src, `--schemas ${src}: no such file or directory`);
      continue;
    }
    const found: string[] = [];
    walk(src, found);
    const explicit = !fs.statSync(src).isDirectory();
    if (explicit && !found.length)
      err(src, `--schemas ${src}: expected a .json, .yaml, .txt or .kql file or a folder of them`);
    for (const f of found) files.push({ file: f, explicit });
  }
  const parsers: { file: string; names: string[]; params: KqlFunctionDecl['parameters']; schema?: string }[] = [];
  const samples = new Map<string, KqlFunctionDecl>();
  const textParsers: { file: string; name: string }[] = [];
  for (const { file, explicit } of files) {
    try {
      const st = fs.statSync(file);
      // a device or pipe (a link to /dev/zero) has no size and may never end
      if (!st.isFile()) {
        err(file, 'not a regular file; not read');
        continue;
      }
      if (st.size > MAX_SCHEMA_FILE) {
        err(file, `larger than ${MAX_SCHEMA_FILE / 1024 / 1024} MB; not read`);
        continue;
      }
      const text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(file));
      if (/\.(txt|kql)$/i.test(file)) {
        // a solution parser saved as a workspace function (Solutions/*/Parsers/*.txt|.kql): "... function name and alias as X"
        const alias = /alias\s*(?:as\s+|is\s+|:\s*|\(e\.g\.\s*)?['"]?([A-Za-z_][A-Za-z0-9_]*)/i.exec(
          text
            .split('\n')
            .slice(0, 40)
            .filter((l) => l.trim().startsWith('//'))
            .join('\n'),
        )?.[1];
        const name = alias ?? path.basename(file).replace(/\.(txt|kql)$/i, '');
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !/\|/.test(text)) {
          if (explicit)
            err(
              file,
              'expected a KQL parser function (a query, with "alias as <Name>" in its header comment or named by its file)',
            );
          continue;
        }
        textParsers.push({ file, name });
        set.files++;
      } else if (/\.json$/i.test(file)) {
        let data: unknown;
        try {
          data = parseLenientJson(text);
        } catch (e) {
          err(file, `not valid JSON (${(e as Error).message})`);
          continue;
        }
        const before = set.diagnostics.length;
        const kind = jsonSchema(file, data, set);
        if (kind === 'function') {
          const f = set.functions[set.functions.length - 1];
          samples.set(f.name, f);
        }
        if (kind) set.files++;
        else if (set.diagnostics.length === before)
          err(
            file,
            'expected an Azure-Sentinel custom table {"Name", "Properties": [{"Name", "Type"}]} or function {"FunctionName", "FunctionResultColumns"}',
            explicit ? 'error' : 'warning',
          );
      } else {
        let data: Record<string, unknown> | undefined;
        try {
          const doc = parseDocument(text, { uniqueKeys: false });
          data = doc.errors.length ? undefined : (doc.toJS({ maxAliasCount: 50 }) as Record<string, unknown>);
        } catch {
          data = undefined;
        }
        if (!data || typeof data !== 'object' || typeof data.ParserName !== 'string') {
          if (explicit) err(file, 'expected an ASIM parser YAML (ParserName, ParserParams, ParserQuery)');
          continue;
        }
        const rawParams = Array.isArray(data.ParserParams) ? (data.ParserParams as Record<string, unknown>[]) : [];
        const params = parameters(
          rawParams.map((p) => ({
            name: String(p?.Name ?? ''),
            type: String(p?.Type ?? ''),
            optional: p?.Default !== undefined,
          })),
        );
        if (params === undefined && rawParams.length)
          err(
            file,
            'ParserParams: a parameter with no name or a non-scalar type; declared without parameter checks',
            'warning',
          );
        const norm = data.Normalization as Record<string, unknown> | undefined;
        const folder = path.basename(path.dirname(path.dirname(file)));
        const schema =
          typeof norm?.Schema === 'string'
            ? norm.Schema
            : /^ASim/i.test(folder)
              ? folder.replace(/^ASim/i, '')
              : undefined;
        const parserName = data.ParserName as string;
        const names = [
          parserName,
          ...(typeof data.EquivalentBuiltInParser === 'string' ? [data.EquivalentBuiltInParser] : []),
          ...asimBuiltInNames(parserName, schema),
        ];
        parsers.push({ file, names, params, schema });
        set.files++;
      }
    } catch (e) {
      err(file, `cannot read: ${(e as Error).message}`);
    }
  }
  const declared = new Set([
    ...set.functions.map((f) => f.name.toLowerCase()),
    ...Object.keys(set.tables).map((t) => t.toLowerCase()),
  ]);
  // KQL parser files: open result (their columns are whatever the query projects), no parameters
  for (const p of textParsers) {
    if (declared.has(p.name.toLowerCase())) continue;
    declared.add(p.name.toLowerCase());
    set.functions.push({ name: p.name, columns: [], open: true });
  }
  for (const p of parsers) {
    const sample = p.schema ? samples.get(`_Im_${p.schema}`) : undefined;
    for (const name of p.names) {
      if (declared.has(name.toLowerCase())) {
        // a function both in CustomFunctions and as a parser: the parser's own ParserParams are its real parameters
        // (the repository's sample JSON types every _Im_Dns parameter as datetime)
        const f = set.functions.find((x) => x.name.toLowerCase() === name.toLowerCase());
        if (f && p.params) f.parameters = p.params;
        continue;
      }
      declared.add(name.toLowerCase());
      set.functions.push({ name, parameters: p.params, columns: sample ? sample.columns : [], open: !sample });
    }
  }
  return set;
}

/**
 * Standard columns every Log Analytics table has (Azure Monitor "Standard columns in Azure Monitor Logs"); custom tables
 * written by the HTTP Data Collector API (`*_CL`) also carry SourceSystem, Computer, MG, ManagementGroupName and RawData.
 * Azure-Sentinel's CustomTables files often leave them out; a declared column of the same name keeps its declared type.
 */
const STANDARD_COLUMNS: Column[] = [
  { name: 'TenantId', type: 'string' },
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'Type', type: 'string' },
  { name: '_ResourceId', type: 'string' },
  { name: '_SubscriptionId', type: 'string' },
  { name: '_ItemId', type: 'string' },
  { name: '_IsBillable', type: 'string' },
  { name: '_BilledSize', type: 'real' },
];
const CUSTOM_LOG_COLUMNS: Column[] = ['SourceSystem', 'Computer', 'MG', 'ManagementGroupName', 'RawData'].map(
  (name) => ({ name, type: 'string' }),
);

export function withStandardColumns(table: string, cols: Column[]): Column[] {
  const have = new Set(cols.map((c) => c.name));
  const extra = [...STANDARD_COLUMNS, ...(/_CL$/i.test(table) ? CUSTOM_LOG_COLUMNS : [])].filter(
    (c) => !have.has(c.name),
  );
  return [...cols, ...extra];
}

/** One JSON schema file into `set`; returns what it declared, or undefined (with a diagnostic when the shape was recognised but wrong). */
function jsonSchema(file: string, data: unknown, set: SchemaSet): 'table' | 'function' | 'pack' | undefined {
  const err = (message: string, severity: Diagnostic['severity'] = 'error') =>
    set.diagnostics.push({ code: 'schema-file', severity, file, message });
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  const columnsOf = (list: unknown, where: string): Column[] | undefined => {
    if (!Array.isArray(list)) {
      err(`${where}: expected a list of {"Name", "Type"}`);
      return undefined;
    }
    const cols: Column[] = [];
    const seen = new Set<string>();
    list.forEach((p, i) => {
      const o = (p && typeof p === 'object' ? p : {}) as Record<string, unknown>;
      const name = key(o, 'Name');
      const rawType = key(o, 'Type');
      if (typeof name !== 'string' || !name.trim())
        return err(`${where}[${i}]: expected {"Name": string, "Type": string}`);
      let type = typeof rawType === 'string' ? normaliseType(rawType) : undefined;
      if (!type) {
        err(
          `${where}[${i}] ${name}: unknown type ${JSON.stringify(rawType)} (expected string, dynamic, datetime, bool, long, int, real, guid, timespan, decimal, in any case); read as dynamic`,
          'warning',
        );
        type = 'dynamic';
      }
      // Kusto column names are case-sensitive: clientIP_s and clientIp_s are two columns
      if (seen.has(name)) return err(`${where}[${i}]: column "${name}" is listed twice; the first is kept`, 'warning');
      seen.add(name);
      cols.push({ name, type });
    });
    return cols;
  };
  const fnName = key(d, 'FunctionName');
  if (typeof fnName === 'string') {
    const cols = columnsOf(key(d, 'FunctionResultColumns') ?? [], 'FunctionResultColumns');
    if (!cols) return undefined;
    const rawParams = key(d, 'FunctionParameters');
    const params = Array.isArray(rawParams)
      ? rawParams.map((p: Record<string, unknown>) => ({
          name: String(key(p ?? {}, 'Name') ?? ''),
          type: String(key(p ?? {}, 'Type') ?? ''),
          optional: key(p ?? {}, 'IsRequired') !== true,
        }))
      : [];
    const list = parameters(params);
    if (list === undefined && params.length)
      err(
        'FunctionParameters: a parameter with no name or a non-scalar type; declared without parameter checks',
        'warning',
      );
    set.functions.push({ name: fnName, parameters: list, columns: cols, open: false });
    return 'function';
  }
  const name = key(d, 'Name');
  const props = key(d, 'Properties');
  if (typeof name === 'string' && props !== undefined) {
    const cols = columnsOf(props, 'Properties');
    if (!cols) return undefined;
    if (set.tables[name]) err(`table ${name} is declared again; this file's columns replace the earlier ones`, 'info');
    set.tables[name] = withStandardColumns(name, cols);
    return 'table';
  }
  // this pack's own {"T": [{name, type}]}
  const entries = Object.entries(d);
  if (entries.length && entries.every(([, v]) => Array.isArray(v))) {
    for (const [table, cols] of entries) {
      const c = columnsOf(cols, table);
      if (c) set.tables[table] = withStandardColumns(table, c);
    }
    return 'pack';
  }
  return undefined;
}

/**
 * Read a folder of schema files (see loadSchemaSources) and return its tables; any error is thrown
 * (for the pack's own `--schemas`, where a broken schema is a usage error).
 */
export function loadSchemaDir(dir: string): TableSchemas {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new SchemaLoadError(`--schemas ${dir}: not a directory`);
  const set = loadSchemaSources([dir]);
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new SchemaLoadError(errors.map((d) => `${d.file}: ${d.message}`).join('\n'));
  return set.tables;
}
