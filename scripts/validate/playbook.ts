/** Validate playbooks: each query they use analysed once, then the playbook checks. */
import { PlaybookContent, PlaybookQuery } from '../content/playbooks';
import { lineText, rangeOfPath } from '../core/yamlSource';
import { KqlAnalysis, KqlAnalyzer } from '../kql/analyzer';
import { PlaybookCheckContext, playbookChecks, PlaybookFinding } from './checks/playbook';
import { Check } from './checks/types';
import { Diagnostic } from '../core/diagnostic';
import { renderedDiagnosticAt } from '../content/locate';
import { kqlDiagnostics } from './run';

function findingDiagnostic(pb: PlaybookContent, code: string, check: Check<unknown>, f: PlaybookFinding): Diagnostic {
  const severity = f.severity ?? check.severity;
  if (f.query && f.queryOf)
    return renderedDiagnosticAt(
      f.queryOf.query,
      f.query.start,
      f.query.length,
      code,
      severity,
      `${pb.templateId}: ${f.message}`,
      pb.templateId,
    );
  const range = rangeOfPath(pb.source, f.path ?? []);
  return {
    code,
    severity,
    message: f.message,
    file: pb.file,
    path: f.path,
    range,
    item: pb.templateId,
    sourceLine: range ? lineText(pb.source, range.start.line) : undefined,
  };
}

/** Analyse every query once (several playbooks may share one), keyed by query name. */
export function analyzePlaybookQueries(
  queries: PlaybookQuery[],
  analyzer: KqlAnalyzer,
): { analyses: Map<string, KqlAnalysis>; diagnostics: Diagnostic[] } {
  const analyses = new Map<string, KqlAnalysis>();
  const diagnostics: Diagnostic[] = [];
  for (const q of queries) {
    const a = analyzer.analyze(q.query.text);
    analyses.set(q.name, a);
    diagnostics.push(...kqlDiagnostics(q.query, a, q.name));
  }
  return { analyses, diagnostics };
}

export function validatePlaybook(pb: PlaybookContent, ctx: PlaybookCheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [code, check] of Object.entries(playbookChecks)) {
    for (const f of (check as Check<PlaybookContent, PlaybookCheckContext>).fn(pb, ctx) as PlaybookFinding[])
      out.push(findingDiagnostic(pb, code, check as Check<unknown>, f));
  }
  return out;
}
