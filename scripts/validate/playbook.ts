/** Validate playbooks: each query they use analysed once, then the playbook checks. */
import { PlaybookContent, PlaybookQuery } from '../content/playbooks';
import { KqlAnalysis, KqlAnalyzer } from '../kql/analyzer';
import { PlaybookCheckContext, playbookChecks, PlaybookFinding } from './checks/playbook';
import { Diagnostic } from '../core/diagnostic';
import { kqlDiagnostics } from './run';
import { runChecks, Target } from './runner';

/** Where a playbook finding lands: in the query it names (offsets), else at its path in the template. */
function findingTarget(pb: PlaybookContent, f: PlaybookFinding): Target {
  if (f.query && f.queryOf)
    return { item: pb.templateId, file: pb.file, query: f.queryOf.query, prefix: `${pb.templateId}: ` };
  return { item: pb.templateId, file: pb.file, source: pb.source };
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
  return runChecks(playbookChecks, pb, ctx, (f) => findingTarget(pb, f));
}
