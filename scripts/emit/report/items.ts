/** One section per detection and per hunting query: facts, description, highlighted KQL, mappings, status. */
import * as path from 'path';
import type { HuntingItem, RuleItem } from '../../content/items';
import type { Diagnostic } from '../../core/diagnostic';
import type { Artifact } from '../artifacts';
import { attackUrl, MappedItem, techniqueName } from './coverage';
import { esc, humanize, paragraphs, plural, relHref, table } from './html';
import { KqlClassifier, kqlBlock } from './kql';
import { TACTICS } from '../../content/attack';
import { kindLabel } from './words';

export const ruleAnchor = (templateId: string) => `rule-${templateId}`;
export const huntingAnchor = (templateId: string) => `hunting-${templateId}`;

const TRIGGER_OPS: Record<string, string> = {
  gt: '>',
  lt: '<',
  eq: '=',
  ne: '≠',
  GreaterThan: '>',
  LessThan: '<',
  Equal: '=',
  NotEqual: '≠',
};

/** Diagnostics about one item: named by template id, or pointing into its file. */
export function diagnosticsFor(
  item: { templateId: string; file: string },
  diagnostics: readonly Diagnostic[],
): Diagnostic[] {
  const file = path.resolve(item.file);
  return diagnostics.filter(
    (d) => d.item === item.templateId || (d.file !== undefined && path.resolve(d.file) === file),
  );
}

/** 'valid' (+ warnings) after a build; the list of problems when given diagnostics with errors; 'not validated' without. */
export function statusHtml(diags: readonly Diagnostic[] | undefined): string {
  if (!diags) return `<span class="status unknown" data-status="unknown">not validated</span>`;
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags.filter((d) => d.severity === 'warning');
  const head = errors.length
    ? `<span class="status invalid" data-status="invalid" data-warnings="${warnings.length}">${plural(errors.length, 'error')}</span>`
    : `<span class="status valid" data-status="valid" data-warnings="${warnings.length}">valid</span>`;
  const shown = [...errors, ...warnings];
  const list = shown.length
    ? `<ul class="problems">${shown
        .map(
          (d) =>
            `<li class="${d.severity}"><code>${esc(d.code)}</code> ${esc(d.message)}${d.file ? ` <span class="loc">${esc(d.file)}${d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : ''}</span>` : ''}</li>`,
        )
        .join('')}</ul>`
    : '';
  return `${head}${warnings.length ? ` · ${plural(warnings.length, 'warning')}` : errors.length ? '' : ' · no warnings'}${list}`;
}

function chips(values: readonly string[], cls: string, show: (v: string) => string = (v) => v): string {
  return values.map((v) => `<span class="chip ${cls}">${esc(show(v))}</span>`).join(' ');
}

function techniquesHtml(ids: readonly string[]): string {
  return ids
    .map(
      (t) =>
        `<a class="chip technique" href="${esc(attackUrl(t))}">${esc(t)}${techniqueName(t) ? ` ${esc(techniqueName(t))}` : ''}</a>`,
    )
    .join(' ');
}

function filesHtml(templateId: string, artifacts: readonly Artifact[]): string {
  const own = artifacts.filter((a) => a.templateId === templateId);
  return own.map((a) => `${esc(kindLabel(a.kind))}: <a href="${esc(relHref(a.path))}">${esc(a.path)}</a>`).join(' · ');
}

function entityTable(mappings: RuleItem['rule']['entityMappings']): string {
  const rows = (mappings ?? []).flatMap((m) =>
    m.fieldMappings.map((f, i) => [
      i === 0 ? esc(m.entityType) : '',
      esc(f.identifier),
      `<code>${esc(f.columnName)}</code>`,
    ]),
  );
  return rows.length ? `<h4>Entity mappings</h4>${table(['Entity', 'Identifier', 'Column'], rows, 'mappings')}` : '';
}

function fact(label: string, html: string): string {
  return html ? `<dt>${esc(label)}</dt><dd>${html}</dd>` : '';
}

export function schedule(rule: RuleItem['rule']): string {
  if (rule.kind === 'NRT') return 'near-real-time (runs every minute over the last minute of data)';
  const op = TRIGGER_OPS[rule.triggerOperator] ?? rule.triggerOperator;
  return `every ${rule.queryFrequency} over the last ${rule.queryPeriod}; alert when result count ${op} ${rule.triggerThreshold}`;
}

export function mappedRule(item: RuleItem): MappedItem {
  return {
    anchor: ruleAnchor(item.templateId),
    name: item.rule.name,
    kind: 'rule',
    tactics: item.rule.tactics,
    techniques: item.rule.relevantTechniques,
  };
}

export function mappedHunting(item: HuntingItem): MappedItem {
  return {
    anchor: huntingAnchor(item.templateId),
    name: item.hunting.name,
    kind: 'hunting',
    tactics: item.hunting.tactics,
    techniques: item.hunting.relevantTechniques,
  };
}

export interface SectionContext {
  artifacts: readonly Artifact[];
  diagnostics?: readonly Diagnostic[];
  classify: KqlClassifier;
  tests?: Readonly<Record<string, RuleTests>>;
}

/** A rule's test cases executed offline, and how many query mutants they kill (btg test --mutate). */
export interface RuleTests {
  cases: number;
  passed: number;
  mutation?: { killed: number; total: number; score: number };
}

function testsHtml(t: RuleTests | undefined): string {
  if (!t) return '';
  const cases = `${t.passed}/${t.cases} cases pass offline`;
  if (!t.mutation) return esc(cases);
  const pct = Math.round(t.mutation.score * 100);
  return `${esc(cases)} · <span class="mutation-score${pct < 80 ? ' low' : ''}" data-mutation-score="${pct}" title="query mutants (a negated or dropped where, == / !=, has / !has, in / !in, a threshold ±1, a union leg dropped) that the rows tell apart from the rule">mutation score ${pct}% (${t.mutation.killed}/${t.mutation.total} mutants killed)</span>`;
}

/** Tactics in kill-chain order (Reconnaissance … Impact), unknown ones after, as the coverage view shows them. */
export function killChainOrder(tactics: readonly string[]): string[] {
  const rank = (t: string) => {
    const i = (TACTICS as readonly string[]).indexOf(t);
    return i < 0 ? TACTICS.length : i;
  };
  return [...tactics].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function ruleSection(item: RuleItem, ctx: SectionContext, opts: { open?: boolean } = {}): string {
  const r = item.rule;
  const sev = r.severity.toLowerCase();
  const custom = Object.entries(r.customDetails ?? {}).map(([k, v]) => [esc(k), `<code>${esc(v)}</code>`]);
  const ado = r.alertDetailsOverride;
  const overrides = [
    ado?.alertDisplayNameFormat ? ['Alert name', esc(ado.alertDisplayNameFormat)] : undefined,
    ado?.alertDescriptionFormat ? ['Alert description', esc(ado.alertDescriptionFormat)] : undefined,
    ado?.alertSeverityColumnName ? ['Severity column', `<code>${esc(ado.alertSeverityColumnName)}</code>`] : undefined,
    ado?.alertTacticsColumnName ? ['Tactics column', `<code>${esc(ado.alertTacticsColumnName)}</code>`] : undefined,
  ].filter((x): x is string[] => !!x);
  const incident = r.incidentConfiguration
    ? r.incidentConfiguration.createIncident
      ? `creates an incident${r.incidentConfiguration.groupingConfiguration?.enabled ? `; groups alerts (${esc(r.incidentConfiguration.groupingConfiguration.matchingMethod)}${r.incidentConfiguration.groupingConfiguration.groupByEntities.length ? ` by ${esc(r.incidentConfiguration.groupingConfiguration.groupByEntities.join(', '))}` : ''}) over ${esc(r.incidentConfiguration.groupingConfiguration.lookbackDuration)}` : ''}`
      : 'alerts only (no incident)'
    : '';
  const tests = item.tests.length
    ? `<h4>Tests</h4><ul class="tests">${item.tests.map((t) => `<li><span class="chip expect-${esc(t.expect)}">${esc(t.expect)}</span> ${esc(t.name)}</li>`).join('')}</ul>`
    : '';
  return `<section class="item detection" id="${esc(ruleAnchor(item.templateId))}" data-detection="${esc(item.templateId)}">
<details class="item-body"${opts.open ? ' open' : ''}><summary><h3>${esc(r.name)} <span class="sev sev-${esc(sev)}">${esc(r.severity)}</span> <span class="chip kind" title="${r.kind === 'NRT' ? 'near-real-time rule' : 'scheduled rule'}">${esc(r.kind)}</span>${item.enabled ? '' : ' <span class="chip disabled">disabled</span>'}</h3><span class="oneline">${esc(schedule(r))}</span></summary>
<dl class="facts">
${fact('Schedule', esc(schedule(r)))}
${fact('Tactics', chips(killChainOrder(r.tactics), 'tactic-chip', humanize))}
${fact('Techniques', techniquesHtml(r.relevantTechniques))}
${fact('Incident', incident)}
${fact('Validation', statusHtml(ctx.diagnostics ? diagnosticsFor(item, ctx.diagnostics) : undefined))}
${fact('Tests', testsHtml(ctx.tests?.[item.templateId]))}
${fact('Template', `<code>${esc(item.templateId)}</code> · id <code>${esc(r.id)}</code>${r.version ? ` · version ${esc(r.version)}` : ''}`)}
${fact('Files', filesHtml(item.templateId, ctx.artifacts))}
</dl>
<div class="description">${paragraphs(r.description)}</div>
<h4>Query</h4>
${kqlBlock(item.query.text, ctx.classify)}
${entityTable(r.entityMappings)}
${custom.length ? `<h4>Custom details</h4>${table(['Detail', 'Column'], custom, 'mappings')}` : ''}
${overrides.length ? `<h4>Alert details</h4>${table(['Field', 'Format'], overrides, 'mappings')}` : ''}
${tests}
</details>
</section>`;
}

export function huntingSection(item: HuntingItem, ctx: SectionContext): string {
  const h = item.hunting;
  return `<section class="item hunting" id="${esc(huntingAnchor(item.templateId))}" data-hunting="${esc(item.templateId)}">
<details class="item-body"><summary><h3>${esc(h.name)} <span class="chip kind">hunting</span></h3></summary>
<dl class="facts">
${fact('Tactics', chips(killChainOrder(h.tactics), 'tactic-chip', humanize))}
${fact('Techniques', techniquesHtml(h.relevantTechniques))}
${fact('Validation', statusHtml(ctx.diagnostics ? diagnosticsFor(item, ctx.diagnostics) : undefined))}
${fact('Template', `<code>${esc(item.templateId)}</code> · id <code>${esc(item.id)}</code>`)}
${fact('Files', filesHtml(item.templateId, ctx.artifacts))}
</dl>
<div class="description">${paragraphs(h.description)}</div>
<h4>Query</h4>
${kqlBlock(item.query.text, ctx.classify)}
${entityTable(h.entityMappings)}
</details>
</section>`;
}
