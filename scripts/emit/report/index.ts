/**
 * `out/report.html`: one self-contained page describing the built pack, rendered from the in-memory Pack
 * and the emitted artifacts (so new content kinds show up as their emitters land). Pure: input → HTML.
 * Sections with nothing to show are left out.
 */
import type { Pack } from '../../content/pack';
import type { Diagnostic } from '../../core/diagnostic';
import type { Artifact } from '../artifacts';
import { renderCoverage } from './coverage';
import { html, joinHtml, SafeHtml, trusted } from './html';
import { huntingSection, mappedHunting, mappedRule, ruleSection, RuleTests } from './items';
import { KqlClassifier } from './kql';
import { renderPlaybooks } from './playbooks';
import { renderRoutines } from './routines';
import { STYLES } from './styles';
import { manifestOf, renderSummary } from './summary';
import { findNotebooks, renderWorkbooks } from './workbook';

export type { KqlClassifier } from './kql';

export interface ReportInput {
  pack: Pack;
  /** everything emitted for the pack, the manifest included */
  artifacts: readonly Artifact[];
  /** the build's diagnostics; each item's validation status comes from them (absent: "not validated") */
  diagnostics?: readonly Diagnostic[];
  /** KQL token classifier for highlighting (the analyzer's `classify`) */
  classify: KqlClassifier;
  /** per rule: its test cases executed offline and its mutation score (livetest ruleTestSummaries) */
  tests?: Readonly<Record<string, RuleTests>>;
}

export const REPORT_PATH = 'report.html';

/** The core alarm: any interactive sign-in by a break-glass account (shown first among its severity). */
export const CORE_ALARM = 'btg-interactive-signin';
const SEVERITY_RANK: Record<string, number> = { High: 0, Medium: 1, Low: 2, Informational: 3 };

/**
 * A top-level section as an open `<details>`: its heading is the summary, so the reader can fold it away. It only
 * moves the section's own tags (the `<h2>` and `</section>`) of markup that is SafeHtml already.
 */
function collapsible(section: SafeHtml): SafeHtml {
  const markup = section.toString();
  const h = /<h2>[\s\S]*?<\/h2>/.exec(markup);
  const end = markup.lastIndexOf('</section>');
  if (!h || end < h.index) return section;
  return trusted(
    `${markup.slice(0, h.index)}<details class="section" open><summary>${h[0]}</summary>${markup.slice(h.index + h[0].length, end)}</details>${markup.slice(end)}`,
  );
}

/**
 * No network at all: the policy blocks every fetch (scripts, fonts, images, frames), so the page
 * behaves the same on a closed network; inline styles and data: images are all it may use.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderReport(input: ReportInput): string {
  const { pack, artifacts, diagnostics, classify, tests } = input;
  const ctx = { artifacts, diagnostics, classify, tests };
  // what matters first: severity, then the core alarm, then by name
  const rules = [...pack.rules].sort(
    (a, b) =>
      SEVERITY_RANK[a.rule.severity] - SEVERITY_RANK[b.rule.severity] ||
      Number(b.templateId === CORE_ALARM) - Number(a.templateId === CORE_ALARM) ||
      a.rule.name.localeCompare(b.rule.name),
  );
  const hunting = [...pack.hunting].sort((a, b) => a.hunting.name.localeCompare(b.hunting.name));
  const manifest = manifestOf(artifacts);

  const sections = [
    { id: 'summary', title: 'Summary', html: renderSummary(pack, artifacts, diagnostics) },
    {
      id: 'detections',
      title: `Detections (${rules.length})`,
      html: rules.length
        ? html`<section id="detections"><h2>Detections (${rules.length})</h2>\n<p class="meta">Highest severity first, the core alarm (any interactive sign-in) at the top; each line opens to its description, query, mappings and tests.</p>\n${joinHtml(
            rules.map((r) => ruleSection(r, ctx)),
            '\n',
          )}\n</section>`
        : undefined,
    },
    {
      id: 'hunting',
      title: `Hunting (${hunting.length})`,
      html: hunting.length
        ? html`<section id="hunting"><h2>Hunting queries (${hunting.length})</h2>\n${joinHtml(
            hunting.map((h) => huntingSection(h, ctx)),
            '\n',
          )}\n</section>`
        : undefined,
    },
    {
      id: 'coverage',
      title: 'ATT&CK coverage',
      html: renderCoverage([...rules.map(mappedRule), ...hunting.map(mappedHunting)]),
    },
    { id: 'playbooks', title: 'Playbooks', html: renderPlaybooks(artifacts) },
    { id: 'workbooks', title: 'Workbook', html: renderWorkbooks(findNotebooks(artifacts), classify) },
    { id: 'routines', title: 'Routines', html: renderRoutines(artifacts) },
  ]
    .filter((s): s is { id: string; title: string; html: SafeHtml } => s.html !== undefined)
    .map((s) => ({ ...s, html: collapsible(s.html) }));

  const title = `breakglass-sentinel — ${pack.config.tenantName}`;
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="breakglass-sentinel${manifest.packVersion ? ` ${manifest.packVersion}` : ''}">
<title>${title}</title>
<style>${trusted(STYLES)}</style>
</head>
<body>
<header class="top"><h1>${title}</h1><p>Break-glass account monitoring pack for Microsoft Sentinel: what <code>btg build</code> produced from <code>${pack.configFile}</code>.</p></header>
<nav class="toc">${sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`)}</nav>
<main>
${joinHtml(
  sections.map((s) => s.html),
  '\n',
)}
</main>
<footer>Generated by breakglass-sentinel${manifest.packVersion ? ` ${manifest.packVersion}` : ''}. Self-contained: no scripts, no external requests.</footer>
</body>
</html>
`.toString();
}
