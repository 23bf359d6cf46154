/** The pack summary: accounts (UPN and display name only), workspaces, what was emitted, what was skipped. */
import type { Pack } from '../../content/pack';
import type { Diagnostic } from '../../core/diagnostic';
import type { Artifact, Manifest } from '../artifacts';
import { esc, plural, table } from './html';
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
    .map(([k, n]) => [esc(kindLabel(k)), String(n)]);
}

export function renderSummary(
  pack: Pack,
  artifacts: readonly Artifact[],
  diagnostics: readonly Diagnostic[] | undefined,
): string {
  const cfg = pack.config;
  const manifest = manifestOf(artifacts);
  const accounts = table(
    ['Account (UPN)', 'Display name', 'Role'],
    cfg.accounts.map((a) => [`<code>${esc(a.userPrincipalName)}</code>`, esc(a.displayName ?? ''), esc(a.role)]),
    'accounts',
  );
  const workspaces = table(
    ['Name', 'Workspace', 'Resource group', 'Location'],
    cfg.workspaces.map((w) => [
      esc(w.name ?? w.workspaceName),
      `<code>${esc(w.workspaceName)}</code>`,
      esc(w.resourceGroup),
      esc(w.location),
    ]),
    'workspaces',
  );
  const resourceCounts: Record<string, number> = {};
  for (const r of manifest.resources ?? []) resourceCounts[r.kind] = (resourceCounts[r.kind] ?? 0) + 1;
  const skipped = table(
    ['Template', 'Why not emitted'],
    pack.skipped.map((s) => [`<code>${esc(s.templateId)}</code>`, esc(s.reason)]),
  );
  const packLevel = (diagnostics ?? []).filter((d) => !d.item && d.severity !== 'info');
  const errors = (diagnostics ?? []).filter((d) => d.severity === 'error').length;
  const warnings = (diagnostics ?? []).filter((d) => d.severity === 'warning').length;
  const validation = diagnostics
    ? `<p>Validation: ${errors ? `<span class="status invalid">${plural(errors, 'error')}</span>` : '<span class="status valid">valid</span>'} · ${plural(warnings, 'warning')}.</p>` +
      (packLevel.length
        ? `<ul class="problems">${packLevel.map((d) => `<li class="${d.severity}"><code>${esc(d.code)}</code> ${esc(d.message)}${d.file ? ` <span class="loc">${esc(d.file)}${d.range ? `:${d.range.start.line + 1}` : ''}</span>` : ''}</li>`).join('')}</ul>`
        : '')
    : '';
  const source =
    cfg.accountSource === 'watchlist'
      ? `read from the watchlist <code>${esc(cfg.watchlist.alias)}</code> at query time`
      : 'rendered inline into every query';
  return `<section id="summary"><h2>Pack summary</h2>
<p>Tenant <strong>${esc(cfg.tenantName)}</strong>${manifest.packVersion ? ` · pack version ${esc(manifest.packVersion)}` : ''} · accounts ${source}.</p>
${validation}
<div class="cards">
${accounts ? `<div class="card"><h3>Break-glass accounts</h3>${accounts}</div>` : ''}
${workspaces ? `<div class="card"><h3>Workspaces</h3>${workspaces}</div>` : ''}
</div>
<details class="files"><summary>What was written: ${plural(
    Object.values(manifest.counts).reduce((a, b) => a + b, 0),
    'file',
  )}${(manifest.resources ?? []).length ? `, ${plural((manifest.resources ?? []).length, 'resource')} per workspace` : ''}</summary>
<div class="cards">
<div class="card"><h3>Emitted files</h3>${table(['What', 'Files'], countRows(manifest.counts), 'counts')}</div>
${Object.keys(resourceCounts).length ? `<div class="card"><h3>Resources per workspace</h3>${table(['What', 'Count'], countRows(resourceCounts), 'counts')}</div>` : ''}
</div>
</details>
${skipped ? `<h3>Not emitted for this config</h3>${skipped}` : ''}
</section>`;
}
