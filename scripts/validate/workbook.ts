/** Validate a workbook: every query analysed (parameter references stood in for), then the structure checks. */
import { QueryText } from '../content/items';
import { remapToJsonString } from '../core/jsonSource';
import { WorkbookContent, WorkbookQuery } from '../content/workbook';
import { rangeOfPath } from '../core/yamlSource';
import { KqlAnalyzer } from '../kql/analyzer';
import { workbookChecks, WorkbookFinding } from './checks/workbook';
import { Diagnostic } from '../core/diagnostic';
import { kqlDiagnostics } from './run';
import { runChecks, Target } from './runner';
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

/** Where a workbook finding lands: in a query (its offsets, mapped into the JSON string), else at its path. */
function findingTarget(wb: WorkbookContent, f: WorkbookFinding): Target {
  if (f.query && f.queryOf) {
    const q = f.queryOf;
    return {
      item: wb.templateId,
      file: wb.file,
      query: { ...q.query, origin: undefined, jsonOrigin: undefined },
      remap: (d) => atQuery(wb, q, d),
    };
  }
  return {
    item: f.item ? `${wb.templateId}:${f.item}` : wb.templateId,
    file: wb.file,
    source: wb.source,
    prefix: f.item ? `item "${f.item}": ` : undefined,
  };
}

export function validateWorkbook(wb: WorkbookContent, analyzer: KqlAnalyzer): Diagnostic[] {
  const out: Diagnostic[] = [];
  const scopes = parameterScopes(wb.data);
  for (const q of wb.queries) out.push(...analyzeWorkbookQuery(wb, q, analyzer, visibleAt(scopes, q.path)));
  out.push(...runChecks(workbookChecks, wb, undefined, (f) => findingTarget(wb, f)));
  return out;
}
