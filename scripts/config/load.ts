/** Load and check `btg.config.yaml`. Every problem becomes a Diagnostic naming the path and the expected form. */
import * as fs from 'fs';
import { z } from 'zod';
import { Diagnostic, escapeControls, formatPath, rangeAt } from '../core/diagnostic';
import { zodIssueMessage } from '../core/zodIssues';
import { duplicates } from '../core/duplicates';
import { lineText, offsetsToRange, parseYamlSource, rangeOfPath, YamlSource } from '../core/yamlSource';
import { isMap, isScalar } from 'yaml';
import { nearest } from './nearest';
import { Config, ConfigSchema } from './schema';
import { AUTH_METHODS, EMERGENCY_ACCESS_GUIDANCE_URL, RECOMMENDED_AUTH_METHODS } from '../core/definitions';

export interface LoadedConfig {
  config?: Config;
  source?: YamlSource;
  diagnostics: Diagnostic[];
}

/** The config's wording of a zod issue: the value found, the real minimum of accounts, the nearest valid name. */
function issueMessage(issue: z.ZodIssue, data: unknown): string {
  return zodIssueMessage(issue, {
    data,
    nearest,
    suggestions: suggestionSet,
    special: (i, actual) => {
      // the real minimum: 2 accounts, or 1 with allowSingleAccount
      if (i.code !== 'too_small' || i.type !== 'array' || i.path.length !== 1 || i.path[0] !== 'accounts')
        return undefined;
      const single = (data as { allowSingleAccount?: unknown }).allowSingleAccount === true;
      return `expected at least ${single ? '1 break-glass account (allowSingleAccount: true)' : '2 break-glass accounts (or 1 with allowSingleAccount: true)'}, got ${Array.isArray(actual) ? actual.length : 0}`;
    },
  });
}

/** The schema at a path of the config (through optional / default / refinement wrappers, list items, records). */
function schemaAt(path: readonly (string | number)[]): z.ZodTypeAny | undefined {
  const unwrap = (t: z.ZodTypeAny): z.ZodTypeAny => {
    for (;;) {
      if (t instanceof z.ZodOptional || t instanceof z.ZodNullable) t = t.unwrap();
      else if (t instanceof z.ZodDefault) t = t._def.innerType;
      else if (t instanceof z.ZodEffects) t = t.innerType();
      else return t;
    }
  };
  let t: z.ZodTypeAny | undefined = unwrap(ConfigSchema);
  for (const p of path) {
    if (t instanceof z.ZodObject) t = (t.shape as Record<string, z.ZodTypeAny>)[String(p)];
    else if (t instanceof z.ZodArray) t = t.element;
    else if (t instanceof z.ZodRecord) t = t.valueSchema;
    else return undefined;
    if (!t) return undefined;
    t = unwrap(t);
  }
  return t;
}

/** The keys a mapping at `path` may have. */
export function knownKeys(path: readonly (string | number)[]): string[] {
  const t = schemaAt(path);
  return t instanceof z.ZodObject ? Object.keys(t.shape) : [];
}

/** Values to suggest from for a refinement failure at `path` (the list a string should have come from). */
function suggestionSet(path: readonly (string | number)[]): string[] | undefined {
  const p = path.filter((x) => typeof x === 'string').join('.');
  if (p === 'options.allowedAuthMethods') return [...AUTH_METHODS];
  return undefined;
}

/** The range of the key `key` of the mapping at `path` (the key itself, not its value). */
function keyRange(source: YamlSource, path: readonly (string | number)[], key: string) {
  const node = path.length ? source.doc.getIn(path, true) : source.doc.contents;
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range)
      return offsetsToRange(source.lines, pair.key.range[0], pair.key.range[1]);
  }
  return undefined;
}

export function checkConfigData(data: unknown, file: string, source?: YamlSource): LoadedConfig {
  const diagnostics: Diagnostic[] = [];
  const at = (path: (string | number)[]) => {
    const range = source ? rangeOfPath(source, path) : undefined;
    return { file, path, range, sourceLine: source && range ? lineText(source, range.start.line) : undefined };
  };
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    return {
      diagnostics: [
        {
          code: 'config-schema',
          severity: 'error',
          file,
          message: `${file}: expected a mapping with at least "accounts"`,
        },
      ],
    };
  }
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        // one diagnostic per unknown key, at the key's own line, with the nearest valid key
        const path = issue.path as (string | number)[];
        const known = knownKeys(path);
        for (const k of issue.keys) {
          const near = nearest(k, known);
          const range = source ? keyRange(source, path, k) : undefined;
          diagnostics.push({
            code: 'config-schema',
            severity: 'error',
            message: `${formatPath([...path, k])}: unknown key "${escapeControls(k)}"${near ? ` (did you mean ${near}?)` : ''}; valid keys${path.length ? ` in ${formatPath(path)}` : ''}: ${known.join(', ')}`,
            ...at(path),
            path: [...path, k],
            ...(range ? { range, sourceLine: lineText(source!, range.start.line) } : {}),
          });
        }
        continue;
      }
      const p = formatPath(issue.path);
      diagnostics.push({
        code: 'config-schema',
        severity: 'error',
        message: `${p || '(top level)'}: ${issueMessage(issue, data)}`,
        ...at(issue.path as (string | number)[]),
      });
    }
    return { diagnostics, source };
  }
  const config = parsed.data;
  const accounts = config.accounts.map((a, i) => ({ ...a, i }));
  for (const key of ['objectId', 'userPrincipalName'] as const)
    for (const { item, first } of duplicates(accounts, (a) => a[key]))
      diagnostics.push({
        code: 'config-duplicate-account',
        severity: 'error',
        message: `accounts[${item.i}].${key}: duplicate of accounts[${first.i}].${key} (${item[key]})`,
        ...at(['accounts', item.i, key]),
      });
  const upns = new Set(config.accounts.map((a) => a.userPrincipalName.toLowerCase()));
  // an approval must never come from the account it is about: no BTG account may be a custodian or identity owner
  config.accounts.forEach((a, i) =>
    a.custodians.forEach((c, j) => {
      if (upns.has(c.toLowerCase()))
        diagnostics.push({
          code: 'config-approver-is-account',
          severity: 'error',
          message: `accounts[${i}].custodians[${j}]: ${c} is a break-glass account; custodians confirm a use of the account, so they must be people with their own accounts`,
          ...at(['accounts', i, 'custodians', j]),
        });
    }),
  );
  config.notify.identityOwners.forEach((c, j) => {
    if (upns.has(c.toLowerCase()))
      diagnostics.push({
        code: 'config-approver-is-account',
        severity: 'error',
        message: `notify.identityOwners[${j}]: ${c} is a break-glass account; the identity owner confirms changes of these accounts and must not be one of them`,
        ...at(['notify', 'identityOwners', j]),
      });
  });
  if (config.accounts.length < 2) {
    diagnostics.push({
      code: 'config-account-count',
      severity: config.allowSingleAccount ? 'warning' : 'error',
      message: `accounts: Microsoft recommends at least two break-glass accounts, got ${config.accounts.length}${config.allowSingleAccount ? ' (allowed by allowSingleAccount: true)' : '; add another or set allowSingleAccount: true'}`,
      ...at(['accounts']),
    });
  }
  // Microsoft's guidance: FIDO2 security keys or certificate-based authentication, not a method bound to one person's device
  config.options.allowedAuthMethods.forEach((m, i) => {
    if (
      [...RECOMMENDED_AUTH_METHODS, 'Certificate-based authentication'].some((r) => r.toLowerCase() === m.toLowerCase())
    )
      return;
    diagnostics.push({
      code: 'config-auth-methods',
      severity: 'warning',
      message: `options.allowedAuthMethods[${i}]: "${m}" is not one of the methods Microsoft recommends for emergency access accounts (${RECOMMENDED_AUTH_METHODS.join(', ')}; "Manage emergency access accounts in Microsoft Entra ID", ${EMERGENCY_ACCESS_GUIDANCE_URL}): passkeys in Microsoft Authenticator and Windows Hello are bound to one person's device`,
      ...at(['options', 'allowedAuthMethods', i]),
    });
  });
  const workspaces = config.workspaces.map((w, i) => ({ ...w, i }));
  for (const { item, first } of duplicates(
    workspaces,
    (w) => `${w.subscriptionId}/${w.resourceGroup}/${w.workspaceName}`,
  ))
    diagnostics.push({
      code: 'config-duplicate-workspace',
      severity: 'error',
      message: `workspaces[${item.i}]: same workspace as workspaces[${first.i}]`,
      ...at(['workspaces', item.i]),
    });
  return { config: diagnostics.some((d) => d.severity === 'error') ? undefined : config, source, diagnostics };
}

export function parseConfigText(text: string, file = 'btg.config.yaml'): LoadedConfig {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) return { diagnostics: [tooLarge(file, Buffer.byteLength(text))] };
  let parsed: ReturnType<typeof parseYamlSource>;
  try {
    parsed = parseYamlSource(file, text);
  } catch (e) {
    // the yaml library throws when expanding aliases exceeds its budget (a "billion laughs" alias bomb)
    return {
      diagnostics: [
        {
          code: 'yaml-syntax',
          severity: 'error',
          file,
          message: `${file}: ${(e as Error).message.split('\n')[0]} (YAML aliases expand to too much data)`,
        },
      ],
    };
  }
  const { source, diagnostics } = parsed;
  // a YAML syntax error: its first cause, not the cascade of errors that follow from it
  if (!source) return { diagnostics: diagnostics.slice(0, 1).map((d) => atUnclosedBracket(text, d)) };
  return checkConfigData(source.data, file, source);
}

/**
 * The parser reports an unclosed `[` or `{` where it gave up (the next key, lines below); point at the bracket that is
 * not closed instead. Brackets inside quoted scalars and comments are not counted.
 */
export function atUnclosedBracket(text: string, d: Diagnostic): Diagnostic {
  const m = /end with an? ([\]}])/.exec(d.message);
  if (!m || !d.range) return d;
  const open = m[1] === ']' ? '[' : '{';
  const lines = text.split(/\r?\n/);
  const stack: { ch: string; line: number; col: number }[] = [];
  for (let l = 0; l <= d.range.start.line && l < lines.length; l++) {
    const s = lines[l];
    const end = l === d.range.start.line ? d.range.start.character : s.length;
    let quote: string | undefined;
    for (let c = 0; c < end; c++) {
      const ch = s[c];
      const prev = c === 0 ? ' ' : s[c - 1];
      if (quote) {
        if (ch === quote) quote = undefined;
      } else if ((ch === '"' || ch === "'") && /[\s[{,:]/.test(prev)) quote = ch;
      else if (ch === '#' && /\s/.test(prev)) break;
      else if (ch === '[' || ch === '{') stack.push({ ch, line: l, col: c });
      else if (ch === ']' || ch === '}') stack.pop();
    }
  }
  const at = [...stack].reverse().find((b) => b.ch === open);
  if (!at) return d;
  return {
    ...d,
    message: `this ${open} is not closed: a flow ${open === '[' ? 'sequence' : 'mapping'} ends with ${m[1]} (on the same line, or on lines indented more than its key)`,
    range: rangeAt(at.line, at.col),
    sourceLine: lines[at.line],
  };
}

/** A config is a few kilobytes; anything over this is refused before parsing. */
export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;

function tooLarge(file: string, bytes: number): Diagnostic {
  return {
    code: 'config-too-large',
    severity: 'error',
    file,
    message: `${bytes} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes (5 MB)`,
  };
}

/** Offset of the first byte that is not valid UTF-8 (the buffer is known to hold one). */
function firstInvalidUtf8(buf: Buffer): number {
  let ok = 0;
  let bad = buf.length;
  // the longest prefix a streaming strict decoder accepts (an incomplete last character is not an error in a stream)
  while (bad - ok > 1) {
    const mid = (ok + bad) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      ok = mid;
    } catch {
      bad = mid;
    }
  }
  // the prefix may end in the first bytes of the offending character: point at its lead byte
  let lead = ok - 1;
  while (lead >= 0 && ok - lead < 4 && (buf[lead] & 0xc0) === 0x80) lead--;
  if (lead >= 0) {
    const b = buf[lead];
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (lead + len > ok) return lead;
  }
  return ok;
}

/** The config's text, or a diagnostic: too large, unreadable, or not UTF-8. */
function readConfigText(file: string): { text?: string; diagnostic?: Diagnostic } {
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_CONFIG_BYTES) return { diagnostic: tooLarge(file, size) };
    const buf = fs.readFileSync(file);
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf) };
    } catch {
      const at = firstInvalidUtf8(buf);
      let line = 0;
      let lineStart = 0;
      for (let i = 0; i < at; i++) if (buf[i] === 0x0a) (line++, (lineStart = i + 1));
      return {
        diagnostic: {
          code: 'config-encoding',
          severity: 'error',
          file,
          range: { start: { line, character: at - lineStart }, end: { line, character: at - lineStart + 1 } },
          message: `not valid UTF-8 (byte 0x${buf[at].toString(16).padStart(2, '0')} at offset ${at}, line ${line + 1}); save the config as UTF-8`,
        },
      };
    }
  } catch (e) {
    return {
      diagnostic: {
        code: 'file-read',
        severity: 'error',
        file,
        message: `cannot read ${file}: ${(e as Error).message}`,
      },
    };
  }
}

/** The one message for a config file that is not there (every command: exit 2). */
export function missingConfigMessage(file: string): string {
  return `config file ${file} not found. Start from the example: cp examples/btg.config.yaml btg.config.yaml (then put in your accounts' object IDs and UPNs), run btg init, or pass --config examples/btg.config.yaml`;
}

export function loadConfig(file: string): LoadedConfig {
  if (!fs.existsSync(file)) {
    return {
      diagnostics: [
        {
          code: 'config-missing',
          severity: 'error',
          file,
          message: missingConfigMessage(file),
        },
      ],
    };
  }
  const read = readConfigText(file);
  if (read.diagnostic) return { diagnostics: [read.diagnostic] };
  return parseConfigText(read.text!, file);
}
