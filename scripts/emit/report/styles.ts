/** The report's only stylesheet, inlined: no fonts, images or scripts are fetched, so it opens offline. */
export const STYLES = `
:root { --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --bg:#fff; --panel:#f6f8fa; --accent:#0b5cad;
  --high:#b42318; --medium:#b54708; --low:#1f6f43; --info:#475467; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--fg); background:var(--bg); }
header.top { padding:20px 32px; background:#0f2a4a; color:#fff; }
header.top h1 { margin:0 0 4px; font-size:22px; }
header.top p { margin:0; color:#c9d6e5; }
nav.toc { padding:8px 32px; border-bottom:1px solid var(--line); background:var(--panel); position:sticky; top:0; z-index:1; }
nav.toc a { margin-right:16px; color:var(--accent); text-decoration:none; white-space:nowrap; }
main { padding:8px 32px 48px; max-width:1400px; }
h2 { margin:32px 0 12px; padding-bottom:4px; border-bottom:2px solid var(--line); font-size:19px; }
h3 { font-size:16px; margin:16px 0 8px; } h4 { font-size:14px; margin:16px 0 6px; }
a { color:var(--accent); }
code, pre { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace; font-size:12.5px; }
pre { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px 12px; overflow-x:auto; line-height:1.45; }
/* queries wrap instead of scrolling sideways; a wrapped line is indented under its start */
pre.kql { white-space:pre-wrap; overflow-wrap:anywhere; word-break:normal; overflow-x:visible; }
/* collapsible sections and items: the heading is the handle */
details > summary { cursor:pointer; list-style:none; } details > summary::-webkit-details-marker { display:none; }
details > summary > h2, details > summary > h3 { display:inline; }
details.section > summary::before, details.item-body > summary::before { content:"▸"; display:inline-block; width:1.1em; color:var(--muted); transition:transform .1s; }
details[open].section > summary::before, details[open].item-body > summary::before { transform:rotate(90deg); }
details.section > summary { margin:32px 0 12px; padding-bottom:4px; border-bottom:2px solid var(--line); }
details.section > summary > h2 { border:0; margin:0; padding:0; }
details.item-body > summary { padding:10px 0 6px; } details.item-body > summary > h3 { margin:0; }
details.files > summary { color:var(--accent); margin:10px 0; } details.files > summary::before { content:"▸ "; }
.oneline { display:block; margin:2px 0 0 1.1em; color:var(--muted); font-size:13px; }
details[open].item-body > summary .oneline { display:none; }
table { border-collapse:collapse; margin:4px 0 8px; } th, td { border:1px solid var(--line); padding:4px 8px; text-align:left; vertical-align:top; }
th { background:var(--panel); font-weight:600; }
.cards { display:flex; flex-wrap:wrap; gap:16px; } .card { border:1px solid var(--line); border-radius:8px; padding:4px 14px 10px; }
.meta, .count { color:var(--muted); margin:2px 0 8px; }
.item { border:1px solid var(--line); border-radius:8px; padding:2px 18px 6px; margin:10px 0; }
.item h3 { font-size:17px; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:8px 0; } dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; }
.chip { display:inline-block; padding:0 8px; border-radius:10px; background:#eaeef2; font-size:12px; text-decoration:none; color:var(--fg); margin:1px 0; }
.chip.technique { background:#e7f0fb; } .chip.disabled { background:#fde2e1; } .chip.expect-fire { background:#fde2e1; } .chip.expect-no-fire { background:#dff3e4; }
.sev { font-size:12px; padding:1px 8px; border-radius:10px; color:#fff; vertical-align:middle; background:var(--info); }
.sev-high { background:var(--high); } .sev-medium { background:var(--medium); } .sev-low { background:var(--low); } .sev-informational { background:var(--info); }
.status { font-weight:600; } .status.valid { color:var(--low); } .status.invalid { color:var(--high); } .status.unknown { color:var(--muted); }
ul.problems { margin:4px 0; padding-left:18px; } ul.problems li.error { color:var(--high); } ul.problems li.warning { color:var(--medium); } .loc { color:var(--muted); }
/* KQL classes: Kusto.Language ClassificationKind names */
.kql .k-comment { color:#6a737d; font-style:italic; } .kql .k-keyword, .kql .k-queryoperator { color:#0033b3; font-weight:600; }
.kql .k-table { color:#871094; font-weight:600; } .kql .k-column { color:#1750a8; } .kql .k-function { color:#6f42c1; }
.kql .k-stringliteral { color:#0a7c2f; } .kql .k-literal { color:#b45309; } .kql .k-variable, .kql .k-parameter { color:#9a3412; }
.kql .k-scalaroperator, .kql .k-mathoperator { color:#0033b3; } .kql .k-type { color:#0e7490; } .kql .k-punctuation { color:#57606a; }
.kql .k-database, .kql .k-materializedview { color:#871094; } .kql .k-identifier { color:var(--fg); }
.kql .k-clientparameter, .kql .k-queryparameter { color:#9a3412; background:#fff4e5; }
/* coverage matrix */
.matrix { display:grid; grid-template-columns:repeat(auto-fill,minmax(150px,1fr)); gap:6px; margin-bottom:12px; }
.tactic { border:1px solid var(--line); border-radius:6px; padding:6px 8px; background:#fafbfc; }
.tactic h3 { font-size:13px; margin:0; } .tactic .count { margin:0 0 4px; font-size:12px; } .tactic.uncovered { color:var(--muted); }
.tactic.heat-1 { background:#eef6ff; border-color:#b6d4f5; } .tactic.heat-2 { background:#dcebfd; border-color:#9ec5f2; }
.tactic.heat-3 { background:#c5defb; border-color:#7fb0ea; } .tactic.heat-4 { background:#a9cdf7; border-color:#5d98dd; }
.tchip { display:inline-block; font:11.5px ui-monospace,Menlo,Consolas,monospace; background:#fff; border:1px solid #9ec5f2; border-radius:4px; padding:0 4px; margin:1px 0; text-decoration:none; color:var(--fg); }
.tchip .n { color:var(--muted); } .tchip.none { font-family:inherit; border-style:dashed; }
table.techniques td:first-child { white-space:nowrap; } table.techniques a.hunting { font-style:italic; } .tid { font-weight:600; }
/* playbook diagrams */
.diagram { overflow-x:auto; border:1px solid var(--line); border-radius:8px; padding:8px; background:#fcfcfd; }
svg.flow .node rect { fill:#fff; stroke:#8c959f; stroke-width:1.2; }
svg.flow .node.condition rect { fill:#fff8e1; stroke:#b54708; }
svg.flow .node.loop rect { fill:#f3e8ff; stroke:#6f42c1; } svg.flow .node.connector rect { fill:#e7f0fb; stroke:#0b5cad; }
svg.flow .node.trigger rect { fill:#e6f4ea; stroke:#1f6f43; }
svg.flow .node.terminate rect { fill:#fde2e1; stroke:#b42318; }
svg.flow text { font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif; fill:var(--fg); } svg.flow text.type { fill:var(--muted); font-size:10.5px; }
svg.flow { display:block; height:auto; margin:0 auto; }
svg.flow .group rect { fill:#f6f0ff; stroke:#b8a1e3; stroke-dasharray:4 3; } svg.flow .group-label { font-size:11px; fill:#6f42c1; font-weight:600; }
svg.flow .edge path { fill:none; stroke:#8c959f; stroke-width:1.3; } svg.flow marker path { fill:#8c959f; }
svg.flow .edge-label rect { fill:#fff; stroke:#d0d7de; } svg.flow .edge-label text { font-size:10.5px; fill:var(--muted); }
/* workbook outline */
ol.tiles { padding-left:22px; } li.tile { margin:6px 0; } .tile-kind { display:inline-block; min-width:76px; font-size:11px; text-transform:uppercase; color:var(--muted); }
.md h3, .md h4, .md h5, .md h6 { margin:10px 0 4px; } li.task { list-style:none; margin-left:-18px; }
footer { color:var(--muted); padding:16px 32px; border-top:1px solid var(--line); }
@media print { nav.toc { position:static; } .item, article { break-inside:avoid; } }
`;
