/** One section per detection and per hunting query: facts, description, highlighted KQL, mappings, status. */
import * as path from 'path';
import type { HuntingItem, RuleItem } from '../../content/items';
import type { Diagnostic } from '../../core/diagnostic';
import type { Artifact } from '../artifacts';
import { attackUrl, MappedItem, techniqueName } from './coverage';
import { html, HtmlValue, humanize, isEmptyHtml, joinHtml, paragraphs, plural, relHref, SafeHtml, table } from './html';
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
export function statusHtml(diags: readonly Diagnostic[] | undefined): SafeHtml {
  if (!diags) return html`<span class="status unknown" data-status="unknown">not validated</span>`;
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags.filter((d) => d.severity === 'warning');
  const head = errors.length
    ? html`<span class="status invalid" data-status="invalid" data-warnings="${warnings.length}">${plural(errors.length, 'error')}</span>`
    : html`<span class="status valid" data-status="valid" data-warnings="${warnings.length}">valid</span>`;
  const shown = [...errors, ...warnings];
  const list = shown.length
    ? html`<ul class="problems">${shown.map(
        (d) =>
          html`<li class="${d.severity}"><code>${d.code}</code> ${d.message}${d.file ? html` <span class="loc">${d.file}${d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : ''}</span>` : ''}</li>`,
      )}</ul>`
    : '';
  return html`${head}${warnings.length ? ` · ${plural(warnings.length, 'warning')}` : errors.length ? '' : ' · no warnings'}${list}`;
}

function chips(values: readonly string[], cls: string, show: (v: string) => string = (v) => v): SafeHtml {
  return joinHtml(
    values.map((v) => html`<span class="chip ${cls}">${show(v)}</span>`),
    ' ',
  );
}

function techniquesHtml(ids: readonly string[]): SafeHtml {
  return joinHtml(
    ids.map(
      (t) =>
        html`<a class="chip technique" href="${attackUrl(t)}">${t}${techniqueName(t) ? ` ${techniqueName(t)}` : ''}</a>`,
    ),
    ' ',
  );
}

function filesHtml(templateId: string, artifacts: readonly Artifact[]): SafeHtml {
  const own = artifacts.filter((a) => a.templateId === templateId);
  return joinHtml(
    own.map((a) => html`${kindLabel(a.kind)}: <a href="${relHref(a.path)}">${a.path}</a>`),
    ' · ',
  );
}

function entityTable(mappings: RuleItem['rule']['entityMappings']): HtmlValue {
  const rows = (mappings ?? []).flatMap((m) =>
    m.fieldMappings.map((f, i) => [i === 0 ? m.entityType : '', f.identifier, html`<code>${f.columnName}</code>`]),
  );
  return rows.length
    ? html`<h4>Entity mappings</h4>${table(['Entity', 'Identifier', 'Column'], rows, 'mappings')}`
    : '';
}

function fact(label: string, value: HtmlValue): HtmlValue {
  return isEmptyHtml(value) ? '' : html`<dt>${label}</dt><dd>${value}</dd>`;
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

function testsHtml(t: RuleTests | undefined): HtmlValue {
  if (!t) return '';
  const cases = `${t.passed}/${t.cases} cases pass offline`;
  if (!t.mutation) return cases;
  const pct = Math.round(t.mutation.score * 100);
  return html`${cases} · <span class="mutation-score${pct < 80 ? ' low' : ''}" data-mutation-score="${pct}" title="query mutants (a negated or dropped where, == / !=, has / !has, in / !in, a threshold ±1, a union leg dropped) that the rows tell apart from the rule">mutation score ${pct}% (${t.mutation.killed}/${t.mutation.total} mutants killed)</span>`;
}

/** Tactics in kill-chain order (Reconnaissance … Impact), unknown ones after, as the coverage view shows them. */
export function killChainOrder(tactics: readonly string[]): string[] {
  const rank = (t: string) => {
    const i = (TACTICS as readonly string[]).indexOf(t);
    return i < 0 ? TACTICS.length : i;
  };
  return [...tactics].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function ruleSection(item: RuleItem, ctx: SectionContext, opts: { open?: boolean } = {}): SafeHtml {
  const r = item.rule;
  const sev = r.severity.toLowerCase();
  const custom = Object.entries(r.customDetails ?? {}).map(([k, v]) => [k, html`<code>${v}</code>`]);
  const ado = r.alertDetailsOverride;
  const overrides = [
    ado?.alertDisplayNameFormat ? ['Alert name', ado.alertDisplayNameFormat] : undefined,
    ado?.alertDescriptionFormat ? ['Alert description', ado.alertDescriptionFormat] : undefined,
    ado?.alertSeverityColumnName ? ['Severity column', html`<code>${ado.alertSeverityColumnName}</code>`] : undefined,
    ado?.alertTacticsColumnName ? ['Tactics column', html`<code>${ado.alertTacticsColumnName}</code>`] : undefined,
  ].filter((x): x is (string | SafeHtml)[] => !!x);
  const g = r.incidentConfiguration?.groupingConfiguration;
  const incident = r.incidentConfiguration
    ? r.incidentConfiguration.createIncident
      ? `creates an incident${g?.enabled ? `; groups alerts (${g.matchingMethod}${g.groupByEntities.length ? ` by ${g.groupByEntities.join(', ')}` : ''}) over ${g.lookbackDuration}` : ''}`
      : 'alerts only (no incident)'
    : '';
  const tests = item.tests.length
    ? html`<h4>Tests</h4><ul class="tests">${item.tests.map((t) => html`<li><span class="chip expect-${t.expect}">${t.expect}</span> ${t.name}</li>`)}</ul>`
    : '';
  return html`<section class="item detection" id="${ruleAnchor(item.templateId)}" data-detection="${item.templateId}">
<details class="item-body"${opts.open ? html` open` : ''}><summary><h3>${r.name} <span class="sev sev-${sev}">${r.severity}</span> <span class="chip kind" title="${r.kind === 'NRT' ? 'near-real-time rule' : 'scheduled rule'}">${r.kind}</span>${item.enabled ? '' : html` <span class="chip disabled">disabled</span>`}</h3><span class="oneline">${schedule(r)}</span></summary>
<dl class="facts">
${fact('Schedule', schedule(r))}
${fact('Tactics', chips(killChainOrder(r.tactics), 'tactic-chip', humanize))}
${fact('Techniques', techniquesHtml(r.relevantTechniques))}
${fact('Incident', incident)}
${fact('Validation', statusHtml(ctx.diagnostics ? diagnosticsFor(item, ctx.diagnostics) : undefined))}
${fact('Tests', testsHtml(ctx.tests?.[item.templateId]))}
${fact('Template', html`<code>${item.templateId}</code> · id <code>${r.id}</code>${r.version ? ` · version ${r.version}` : ''}`)}
${fact('Files', filesHtml(item.templateId, ctx.artifacts))}
</dl>
<div class="description">${paragraphs(r.description)}</div>
<h4>Query</h4>
${kqlBlock(item.query.text, ctx.classify)}
${entityTable(r.entityMappings)}
${custom.length ? html`<h4>Custom details</h4>${table(['Detail', 'Column'], custom, 'mappings')}` : ''}
${overrides.length ? html`<h4>Alert details</h4>${table(['Field', 'Format'], overrides, 'mappings')}` : ''}
${tests}
</details>
</section>`;
}

export function huntingSection(item: HuntingItem, ctx: SectionContext): SafeHtml {
  const h = item.hunting;
  return html`<section class="item hunting" id="${huntingAnchor(item.templateId)}" data-hunting="${item.templateId}">
<details class="item-body"><summary><h3>${h.name} <span class="chip kind">hunting</span></h3></summary>
<dl class="facts">
${fact('Tactics', chips(killChainOrder(h.tactics), 'tactic-chip', humanize))}
${fact('Techniques', techniquesHtml(h.relevantTechniques))}
${fact('Validation', statusHtml(ctx.diagnostics ? diagnosticsFor(item, ctx.diagnostics) : undefined))}
${fact('Template', html`<code>${item.templateId}</code> · id <code>${item.id}</code>`)}
${fact('Files', filesHtml(item.templateId, ctx.artifacts))}
</dl>
<div class="description">${paragraphs(h.description)}</div>
<h4>Query</h4>
${kqlBlock(item.query.text, ctx.classify)}
${entityTable(h.entityMappings)}
</details>
</section>`;
}
