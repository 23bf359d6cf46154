/** Validate a workbook: every query analysed (parameter references stood in for), then the structure checks. */
import { QueryText } from '../content/items';
import { remapToJsonString } from '../core/jsonSource';
import { WorkbookContent, WorkbookQuery } from '../content/workbook';
import { lineText, rangeOfPath } from '../core/yamlSource';
import { KqlAnalyzer } from '../kql/analyzer';
import { workbookChecks, WorkbookFinding } from './checks/workbook';
import { Check } from './checks/types';
import { Diagnostic } from '../core/diagnostic';
import { renderedDiagnosticAt } from '../content/locate';
import { kqlDiagnostics } from './run';
import { analysisRendered, FORMATS, ParameterRef, parameterRefs, parameterScopes, visibleAt } from './workbookParams';

/** A diagnostic about a query of the workbook, at its position in the template file and naming the item. */
function atQuery(wb: WorkbookContent, q: WorkbookQuery, d: Diagnostic): Diagnostic {
  const named = { ...d, item: `${wb.templateId}:${q.itemName}`, message: `item "${q.itemName}": ${d.message}` };
  if (q.map) return remapToJsonString(named, q.query.template, wb.source, q.map);
  return { ...named, file: wb.file, range: rangeOfPath(wb.source, q.path) };
}

export function analyzeWorkbookQuery(
  wb: WorkbookContent,
  q: WorkbookQuery,
  analyzer: KqlAnalyzer,
  visible: ReturnType<typeof visibleAt>,
): Diagnostic[] {
  // an undeclared {Name} or an unsupported {Name:format} is reported by workbook-parameters; the KQL errors it
  // causes would only repeat it
  const broken = (r: ParameterRef) =>
    !visible.has(r.name) || !(FORMATS[visible.get(r.name)!.type] ?? ['']).includes(r.format);
  if (parameterRefs(q.query.text).some(broken)) return [];
  const rendered = analysisRendered(q.query.rendered, visible);
  const aq: QueryText = { ...q.query, text: rendered.text, rendered, origin: undefined, jsonOrigin: undefined };
  return kqlDiagnostics(aq, analyzer.analyze(rendered.text)).map((d) => atQuery(wb, q, d));
}

function findingDiagnostic(wb: WorkbookContent, code: string, check: Check<unknown>, f: WorkbookFinding): Diagnostic {
  const severity = f.severity ?? check.severity;
  if (f.query && f.queryOf) {
    const q = f.queryOf;
    const plain: QueryText = { ...q.query, origin: undefined, jsonOrigin: undefined };
    return atQuery(wb, q, {
      ...renderedDiagnosticAt(plain, f.query.start, f.query.length, code, severity, f.message),
      message: f.message,
    });
  }
  const range = rangeOfPath(wb.source, f.path ?? []);
  const msg = f.item ? `item "${f.item}": ${f.message}` : f.message;
  return {
    code,
    severity,
    message: msg,
    file: wb.file,
    path: f.path,
    range,
    item: f.item ? `${wb.templateId}:${f.item}` : wb.templateId,
    sourceLine: range ? lineText(wb.source, range.start.line) : undefined,
  };
}

export function validateWorkbook(wb: WorkbookContent, analyzer: KqlAnalyzer): Diagnostic[] {
  const out: Diagnostic[] = [];
  const scopes = parameterScopes(wb.data);
  for (const q of wb.queries) out.push(...analyzeWorkbookQuery(wb, q, analyzer, visibleAt(scopes, q.path)));
  for (const [code, check] of Object.entries(workbookChecks)) {
    for (const f of check.fn(wb)) out.push(findingDiagnostic(wb, code, check as Check<unknown>, f));
  }
  return out;
}
