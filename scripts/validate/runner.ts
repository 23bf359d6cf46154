/**
 * The one runner: runs checks and turns their findings into diagnostics. A check names a path or query offsets; the
 * runner attaches the code, the severity (the finding's, else the registry's default), the file, the range and the
 * source line, and the item, from the target the validator of each kind describes.
 */
import { checkInfo } from '../core/checks';
import { Diagnostic, DiagnosticCode, Range } from '../core/diagnostic';
import { isMap, isScalar } from 'yaml';
import { lineText, offsetsToRange, rangeOfPath, YamlSource } from '../core/yamlSource';
import { QueryText } from '../content/items';
import { renderedDiagnosticAt } from '../content/locate';
import { Checks, Finding } from './checks/types';

/** Where a finding lands. */
export interface Target {
  /** the content item the diagnostic is about */
  item: string;
  file: string;
  /** the document a finding's path is in (no source: a diagnostic without range) */
  source?: YamlSource;
  /** the query a finding's offsets are in */
  query?: QueryText;
  /** a path is located at its last key (a test row's column name) rather than at its value */
  atKey?: boolean;
  /** put before the message (the workbook item or playbook the finding is about) */
  prefix?: string;
  /** applied last (a workbook query's position mapped into its JSON string) */
  remap?: (d: Diagnostic) => Diagnostic;
}

/** Range of the key at `path` (the column name in a test row), else of the nearest node on the path. */
export function keyRange(src: YamlSource, path: readonly (string | number)[]): Range | undefined {
  const last = path[path.length - 1];
  const parent = src.doc.getIn(path.slice(0, -1), true);
  if (typeof last === 'string' && isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    const key = pair?.key as { range?: [number, number, number] } | undefined;
    if (key?.range) return offsetsToRange(src.lines, key.range[0], key.range[1]);
  }
  return rangeOfPath(src, path);
}

export function findingDiagnostic(code: DiagnosticCode, f: Finding, t: Target): Diagnostic {
  const severity = f.severity ?? checkInfo(code).severity;
  const message = (t.prefix ?? '') + f.message;
  let d: Diagnostic;
  if (f.query && t.query)
    d = renderedDiagnosticAt(t.query, f.query.start, f.query.length, code, severity, message, t.item);
  else {
    const range = t.source ? (t.atKey ? keyRange : rangeOfPath)(t.source, f.path ?? []) : undefined;
    d = {
      code,
      severity,
      message,
      file: t.file,
      path: f.path,
      range,
      item: t.item,
      sourceLine: t.source && range ? lineText(t.source, range.start.line) : undefined,
    };
  }
  return t.remap ? t.remap(d) : d;
}

/** Run `checks` (or only the ids in `only`) on one item; `target` says where each finding lands. */
export function runChecks<T, C, F extends Finding>(
  checks: Checks<T, C, F>,
  item: T,
  ctx: C,
  target: (f: F) => Target,
  only?: readonly DiagnosticCode[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const code of only ?? (Object.keys(checks) as DiagnosticCode[])) {
    const check = checks[code];
    if (!check) continue;
    for (const f of check.fn(item, ctx)) out.push(findingDiagnostic(code, f, target(f)));
  }
  return out;
}
