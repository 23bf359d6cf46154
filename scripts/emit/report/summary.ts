/** The pack summary: accounts (UPN and display name only), workspaces, what was emitted, what was skipped. */
import type { Pack } from '../../content/pack';
import type { Diagnostic } from '../../core/diagnostic';
import type { Artifact, Manifest } from '../artifacts';
import { html, plural, SafeHtml, table } from './html';
import { kindLabel } from './words';

/** The manifest among the artifacts; counts from the artifacts themselves when there is none. */
export function manifestOf(artifacts: readonly Artifact[]): Pick<Manifest, 'counts' | 'resources'> & Partial<Manifest> {
  const m = artifacts.find((a) => a.kind === 'manifest');
  if (m) return JSON.parse(m.content) as Manifest;
  const counts: Record<string, number> = {};
  for (const a of artifacts) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return { counts, resources: [] };
}

function countRows(counts: Record<string, number>): string[][] {
  return Object.entries(counts)
    .sort(([a], [b]) => kindLabel(a).localeCompare(kindLabel(b)))
    .map(([k, n]) => [kindLabel(k), String(n)]);
}

export function renderSummary(
  pack: Pack,
  artifacts: readonly Artifact[],
  diagnostics: readonly Diagnostic[] | undefined,
): SafeHtml {
  const cfg = pack.config;
  const manifest = manifestOf(artifacts);
  const accounts = table(
    ['Account (UPN)', 'Display name', 'Role'],
    cfg.accounts.map((a) => [html`<code>${a.userPrincipalName}</code>`, a.displayName ?? '', a.role]),
    'accounts',
  );
  const workspaces = table(
    ['Name', 'Workspace', 'Resource group', 'Location'],
    cfg.workspaces.map((w) => [
      w.name ?? w.workspaceName,
      html`<code>${w.workspaceName}</code>`,
      w.resourceGroup,
      w.location,
    ]),
    'workspaces',
  );
  const resourceCounts: Record<string, number> = {};
  for (const r of manifest.resources ?? []) resourceCounts[r.kind] = (resourceCounts[r.kind] ?? 0) + 1;
  const skipped = table(
    ['Template', 'Why not emitted'],
    pack.skipped.map((s) => [html`<code>${s.templateId}</code>`, s.reason]),
  );
  const packLevel = (diagnostics ?? []).filter((d) => !d.item && d.severity !== 'info');
  const errors = (diagnostics ?? []).filter((d) => d.severity === 'error').length;
  const warnings = (diagnostics ?? []).filter((d) => d.severity === 'warning').length;
  const validation = diagnostics
    ? html`<p>Validation: ${errors ? html`<span class="status invalid">${plural(errors, 'error')}</span>` : html`<span class="status valid">valid</span>`} · ${plural(warnings, 'warning')}.</p>${
        packLevel.length
          ? html`<ul class="problems">${packLevel.map(
              (d) =>
                html`<li class="${d.severity}"><code>${d.code}</code> ${d.message}${d.file ? html` <span class="loc">${d.file}${d.range ? `:${d.range.start.line + 1}` : ''}</span>` : ''}</li>`,
            )}</ul>`
          : ''
      }`
    : '';
  const source =
    cfg.accountSource === 'watchlist'
      ? html`read from the watchlist <code>${cfg.watchlist.alias}</code> at query time`
      : 'rendered inline into every query';
  const files = Object.values(manifest.counts).reduce((a, b) => a + b, 0);
  const resources = (manifest.resources ?? []).length;
  return html`<section id="summary"><h2>Pack summary</h2>
<p>Tenant <strong>${cfg.tenantName}</strong>${manifest.packVersion ? ` · pack version ${manifest.packVersion}` : ''} · accounts ${source}.</p>
${validation}
<div class="cards">
${accounts.empty ? '' : html`<div class="card"><h3>Break-glass accounts</h3>${accounts}</div>`}
${workspaces.empty ? '' : html`<div class="card"><h3>Workspaces</h3>${workspaces}</div>`}
</div>
<details class="files"><summary>What was written: ${plural(files, 'file')}${resources ? `, ${plural(resources, 'resource')} per workspace` : ''}</summary>
<div class="cards">
<div class="card"><h3>Emitted files</h3>${table(['What', 'Files'], countRows(manifest.counts), 'counts')}</div>
${Object.keys(resourceCounts).length ? html`<div class="card"><h3>Resources per workspace</h3>${table(['What', 'Count'], countRows(resourceCounts), 'counts')}</div>` : ''}
</div>
</details>
${skipped.empty ? '' : html`<h3>Not emitted for this config</h3>${skipped}`}
</section>`;
}
