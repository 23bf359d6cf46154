/**
 * The one diagnostic shape every stage returns (config, YAML, KQL, rule and pack checks).
 * Ranges are 0-based; formatters print them 1-based.
 */
import type { DiagnosticCode, DiagnosticSeverity } from './checks';
import { escapeControlChars } from './controls';

export type { DiagnosticCode, DiagnosticSeverity };

export interface Position {
  /** 0-based line */
  line: number;
  /** 0-based column (UTF-16 code units) */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Another place a diagnostic is about (the first of two duplicates): printed after it, SARIF relatedLocations. */
export interface RelatedLocation {
  /** what the place is, e.g. `also used by` */
  message: string;
  file: string;
  range?: Range;
}

export interface Diagnostic {
  /** Stable kebab-case check id (`kql-semantic`, `rule-entity-column`, `config-schema` …), registered in core/checks.ts. */
  code: DiagnosticCode;
  severity: DiagnosticSeverity;
  message: string;
  /** File the diagnostic points into (the template or user's YAML), relative to cwd when possible. */
  file?: string;
  range?: Range;
  /** Path inside the document, e.g. ['accounts', 1, 'objectId']. */
  path?: (string | number)[];
  /** The content item the diagnostic is about (rule id / slug). */
  item?: string;
  /** The source line, for a caret display. */
  sourceLine?: string;
  /** other places the finding is about, e.g. the file that already uses a duplicate id */
  related?: RelatedLocation[];
}

/** `file:line:col` (1-based) of a location. */
export const formatLocation = (l: { file: string; range?: Range }): string =>
  `${l.file}${l.range ? `:${l.range.start.line + 1}:${l.range.start.character + 1}` : ''}`;

export const pos = (line: number, character: number): Position => ({ line, character });
export const rangeAt = (line: number, character: number, length = 1): Range => ({
  start: pos(line, character),
  end: pos(line, character + Math.max(1, length)),
});

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/**
 * A key or name from a file as it appears in a message: control characters, DEL, C1 and direction overrides as
 * \uXXXX, so a key holding a line break cannot forge a diagnostic line, nor an escape sequence reach a terminal.
 */
export function escapeControls(s: string): string {
  return escapeControlChars(s, { lineSeparators: true });
}

/** `a.b[1].c` from a path. */
export function formatPath(p: readonly (string | number)[] | undefined): string {
  if (!p || p.length === 0) return '';
  return p
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? escapeControls(s) : `.${escapeControls(s)}`))
    .join('');
}

/** Sort by file, then position, so output is stable. */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.range?.start.line ?? -1) - (b.range?.start.line ?? -1) ||
      (a.range?.start.character ?? -1) - (b.range?.start.character ?? -1) ||
      a.message.localeCompare(b.message),
  );
}
