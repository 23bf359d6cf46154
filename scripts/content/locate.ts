/** Turn offsets inside a rendered query into file positions of its template. */
import { QueryText } from './items';
import { toTemplateOffset } from './render';
import { Diagnostic, DiagnosticCode, DiagnosticSeverity, Range } from '../core/diagnostic';

function lineCol(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let last = 0;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text[i] === '\n') (line++, (last = i + 1));
  return { line, character: offset - last };
}

/** File range of `length` characters at template offset `tplOffset`. */
export function templateRange(q: QueryText, tplOffset: number, length: number): Range | undefined {
  const a = lineCol(q.template, tplOffset);
  const b = lineCol(q.template, tplOffset + Math.max(1, length));
  const map = (p: { line: number; character: number }) => {
    if (q.origin) {
      if (q.origin.block) return { line: q.origin.line + p.line, character: q.origin.indent + p.character };
      return { line: q.origin.line + p.line, character: (p.line === 0 ? q.origin.indent : 0) + p.character };
    }
    if (q.jsonOrigin) return q.jsonOrigin; // a query inside a JSON string: point at the string
    return p;
  };
  return { start: map(a), end: map(b) };
}

export function queryDiagnosticAt(
  q: QueryText,
  tplOffset: number,
  length: number,
  code: DiagnosticCode,
  severity: DiagnosticSeverity,
  message: string,
  item?: string,
): Diagnostic {
  const range = templateRange(q, tplOffset, length);
  const fileLines = (q.fileText ?? q.template).split(/\r?\n/);
  return {
    code,
    severity,
    message,
    file: q.file,
    range,
    item,
    sourceLine: range ? fileLines[range.start.line] : undefined,
  };
}

/** Same, from an offset in the rendered query text. */
export function renderedDiagnosticAt(
  q: QueryText,
  outOffset: number,
  length: number,
  code: DiagnosticCode,
  severity: DiagnosticSeverity,
  message: string,
  item?: string,
): Diagnostic {
  const tpl = toTemplateOffset(q.rendered, outOffset);
  // a whole helper output maps to its `{{`; keep length inside static text only
  return queryDiagnosticAt(q, tpl, length, code, severity, message, item);
}
