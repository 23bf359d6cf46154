/**
 * zod issues in the pack's words, written once: config, rule/hunting templates, workbooks and Graph responses all
 * say `path: required, expected string`, `unknown key "x"`, `expected one of ...`. With the parsed data at hand a
 * message quotes the value found (`got "abc"`) and may suggest the nearest valid one.
 */
import { z } from 'zod';
import { escapeControlChars } from './controls';
import { Diagnostic, escapeControls, formatPath } from './diagnostic';
import { lineText, rangeOfPath, YamlSource } from './yamlSource';

export type IssuePath = (string | number)[];

export interface IssueWording {
  /** the parsed data: messages quote the value at the issue's path instead of naming its type */
  data?: unknown;
  /** the message of a failed discriminated union (default: the discriminator values) */
  discriminator?: (issue: z.ZodInvalidUnionDiscriminatorIssue) => string;
  /** the caller's own message for an issue, or undefined for the common wording */
  special?: (issue: z.ZodIssue, actual: unknown) => string | undefined;
  /** the nearest of `candidates` to a bad string (a "did you mean"), or undefined */
  nearest?: (value: string, candidates: readonly string[]) => string | undefined;
  /** the set a refined string at `path` should come from, to suggest the nearest member */
  suggestions?: (path: IssuePath) => readonly string[] | undefined;
}

/** A value as it appears in a message: strings quoted (long ones cut), lists and mappings named. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string')
    // JSON escapes C0 controls; DEL, C1 controls and direction overrides are escaped too, so a quoted value can
    // neither recolour nor reorder the line it is printed in
    return escapeControlChars(JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v), { c0: false });
  return `${typeof v} ${String(v)}`;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

const unknownKeys = (keys: readonly string[]) =>
  `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${escapeControls(k)}"`).join(', ')}`;

/** The message of one issue (without its path). */
export function zodIssueMessage(issue: z.ZodIssue, w: IssueWording = {}): string {
  const withData = 'data' in w;
  const actual = withData ? valueAt(w.data, issue.path) : undefined;
  const special = w.special?.(issue, actual);
  if (special !== undefined) return special;
  const got = withData ? `, got ${describeValue(actual)}` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return unknownKeys(issue.keys);
    case 'invalid_type':
      if (withData ? actual === undefined : issue.received === 'undefined')
        return `required, expected ${issue.expected}`;
      return `expected ${issue.expected}, got ${withData ? describeValue(actual) : issue.received}`;
    case 'invalid_union_discriminator':
      return w.discriminator
        ? w.discriminator(issue)
        : `expected ${String(issue.path[issue.path.length - 1] ?? 'the kind')} to be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'invalid_enum_value': {
      if (!withData) return issue.message;
      const near = typeof actual === 'string' && w.nearest ? w.nearest(actual, issue.options.map(String)) : undefined;
      return `expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}${got}${near ? ` (did you mean ${near}?)` : ''}`;
    }
    case 'too_small':
      if (withData && issue.type === 'array')
        return `expected at least ${issue.minimum} item(s), got ${Array.isArray(actual) ? actual.length : 0}`;
      return `${issue.message}${got}`;
    case 'custom': {
      const set = withData && typeof actual === 'string' ? w.suggestions?.(issue.path) : undefined;
      const near = set && w.nearest ? w.nearest(actual as string, set) : undefined;
      return `${issue.message}${got}${near && near !== actual ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`;
    }
    default:
      return `${issue.message}${withData && actual !== undefined ? got : ''}`;
  }
}

/** `path: message`, `(top level)` for the root. */
export function zodIssueLine(issue: z.ZodIssue, w: IssueWording = {}): string {
  return `${formatPath(issue.path) || '(top level)'}: ${zodIssueMessage(issue, w)}`;
}

/** One diagnostic per issue, at the issue's place in the source file. */
export function zodDiagnostics(
  err: z.ZodError,
  src: YamlSource,
  code: Diagnostic['code'],
  w: IssueWording & { item?: (path: IssuePath) => string | undefined } = {},
): Diagnostic[] {
  return err.issues.map((issue) => {
    const path = issue.path as IssuePath;
    const range = rangeOfPath(src, path);
    const item = w.item?.(path);
    return {
      code,
      severity: 'error' as const,
      file: src.file,
      path,
      range,
      ...(item ? { item } : {}),
      sourceLine: range ? lineText(src, range.start.line) : undefined,
      message: `${item ? `item "${item}": ` : ''}${zodIssueLine(issue, w)}`,
    };
  });
}
