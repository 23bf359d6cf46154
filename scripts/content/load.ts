/** Load rule and hunting templates (or a user's own rule files) and render them for one config. */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { Config } from '../config/schema';
import { Diagnostic, DiagnosticCode } from '../core/diagnostic';
import { zodDiagnostics } from '../core/zodIssues';
import { formatShortDuration, parseYamlDuration, UNIT_MS } from '../core/duration';
import { contentId } from './ids';
import { HuntingItem, QueryText, RuleItem } from './items';
import { identityRendered, queryEnvironment, renderQuery, renderText, TemplateError } from './render';
import { HuntingTemplate, RuleTemplate, SentinelRule } from './ruleSchema';
import { loadYamlFile, scalarOrigin, YamlSource } from '../core/yamlSource';
import { queryDiagnosticAt } from './locate';
import { durationMinutes } from '../kql/literals';
import { packPath } from '../paths';

export interface Loaded<T> {
  items: T[];
  diagnostics: Diagnostic[];
  /** templates not emitted for this config, with the reason (e.g. a rule that needs expectedLocations) */
  skipped: { templateId: string; reason: string }[];
}

/** `*.yaml` / `*.yml` files directly in `dir`, sorted, so output order is stable. */
export function listYaml(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** zod issues as diagnostics (core/zodIssues.ts), re-exported for the content loaders. */
export { zodDiagnostics };

export interface RenderContext {
  tenantName: string;
  accountSource: string;
  watchlistAlias: string;
  accounts: { objectId: string; userPrincipalName: string; displayName: string; custodians: string[] }[];
  options: {
    testIntervalDays: number;
    failedSignInThreshold: number;
    exclusionGroupIds: string[];
    caPolicyAllowList: string[];
    ingestionDelay: string;
    /** options.dataSilence (btg-data-silence) */
    dataSilence: string;
    allowedAuthMethods: string[];
    expectedLocations: { countries: string[]; ipRanges: string[] };
    hasExpectedLocations: boolean;
  };
  /** resource names (UUID v5) of the pack's rule templates that this config deploys enabled: btg-pack-rule-tampered */
  packRuleIds: string[];
}

export function renderContext(config: Config): RenderContext {
  const el = config.options.expectedLocations;
  return {
    tenantName: config.tenantName,
    accountSource: config.accountSource,
    watchlistAlias: config.watchlist.alias,
    accounts: config.accounts.map((a) => ({
      objectId: a.objectId.toLowerCase(),
      userPrincipalName: a.userPrincipalName,
      displayName: a.displayName ?? a.userPrincipalName,
      custodians: a.custodians,
    })),
    options: {
      testIntervalDays: config.options.testIntervalDays,
      failedSignInThreshold: config.options.failedSignInThreshold,
      exclusionGroupIds: config.options.exclusionGroupIds.map((g) => g.toLowerCase()),
      caPolicyAllowList: config.options.caPolicyAllowList.map((g) => g.toLowerCase()),
      ingestionDelay: config.options.ingestionDelay,
      dataSilence: config.options.dataSilence,
      allowedAuthMethods: config.options.allowedAuthMethods,
      expectedLocations: { countries: el?.countries ?? [], ipRanges: el?.ipRanges ?? [] },
      hasExpectedLocations: !!el && (el.countries.length > 0 || el.ipRanges.length > 0),
    },
    packRuleIds: packRuleIds(config),
  };
}

function renderQueryField(
  src: YamlSource,
  queryPath: (string | number)[],
  template: string,
  ctx: RenderContext,
  env: ReturnType<typeof queryEnvironment>,
): { query?: QueryText; diagnostics: Diagnostic[] } {
  const origin = scalarOrigin(src, queryPath);
  const base = { template, file: src.file, origin, fileText: src.text };
  try {
    const rendered = renderQuery(template, ctx, env);
    return { query: { ...base, text: rendered.text, rendered }, diagnostics: [] };
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const q: QueryText = { ...base, text: template, rendered: identityRendered(template) };
    return {
      diagnostics: e.problems.map((p) =>
        queryDiagnosticAt(q, p.offset, p.length, 'template-render', 'error', p.message),
      ),
    };
  }
}

function requirementMet(req: string, ctx: RenderContext): string | undefined {
  if (req === 'expectedLocations' && !ctx.options.hasExpectedLocations)
    return 'options.expectedLocations is not configured (countries or ipRanges)';
  if (req === 'exclusionGroupIds' && !ctx.options.exclusionGroupIds.length)
    return 'options.exclusionGroupIds is not configured (no exclusion group to watch)';
  if (req === 'watchlist' && ctx.accountSource !== 'watchlist')
    return 'accountSource is inline (no account watchlist to watch)';
  return undefined;
}

/** Each YAML template in `dir`, parsed and checked against `schema`; problems go to `out.diagnostics`. */
function eachTemplate<S extends z.ZodTypeAny, T>(
  dir: string,
  schema: S,
  code: DiagnosticCode,
  out: Loaded<T>,
  fn: (t: { templateId: string; file: string; source: YamlSource; data: z.infer<S> }) => void,
): void {
  for (const file of listYaml(dir)) {
    const { source, diagnostics } = loadYamlFile(file);
    out.diagnostics.push(...diagnostics);
    if (!source) continue;
    const parsed = schema.safeParse(source.data);
    if (!parsed.success) {
      out.diagnostics.push(...zodDiagnostics(parsed.error, source, code));
      continue;
    }
    fn({ templateId: path.basename(file).replace(/\.ya?ml$/i, ''), file, source, data: parsed.data });
  }
}

/** name and description are text templates (not KQL); a failure is a diagnostic, the raw text is kept. */
function renderTitles(
  t: { name: string; description: string },
  ctx: RenderContext,
  file: string,
  out: Loaded<unknown>,
): { name: string; description: string } {
  try {
    return { name: renderText(t.name, ctx), description: renderText(t.description, ctx) };
  } catch (e) {
    out.diagnostics.push({
      code: 'template-render',
      severity: 'error',
      file,
      message: `name/description: ${(e as Error).message.split('\n')[0]}`,
    });
    return { name: t.name, description: t.description };
  }
}

/** A duration in minutes in the Azure-Sentinel YAML spelling, in the largest unit that divides it (90m, 2h, 1d). */
export function yamlDuration(minutes: number): string {
  return formatShortDuration(minutes * UNIT_MS.m, ['d', 'h', 'm']);
}

/** queryPeriod of a Scheduled template: queryFrequency + the ingestion delay; undefined when the frequency is unreadable. */
export function scheduledPeriod(frequency: string | undefined, ingestionDelay: string): string | undefined {
  if (frequency === undefined || parseYamlDuration(frequency) === undefined) return undefined;
  return yamlDuration(durationMinutes(frequency) + durationMinutes(ingestionDelay));
}

/** Rule resource names of the shipped rule templates, minus those the config disables (their writes are expected). */
function packRuleIds(config: Config): string[] {
  return listYaml(packPath('detections'))
    .map((f) => path.basename(f).replace(/\.ya?ml$/i, ''))
    .filter((id) => config.options.rules[id]?.enabled !== false)
    .map((id) => contentId('rule', id));
}

/** Load every rule template in `dir` and render it for `config`. */
export function loadRuleTemplates(dir: string, config: Config): Loaded<RuleItem> {
  const out: Loaded<RuleItem> = { items: [], diagnostics: [], skipped: [] };
  const ctx = renderContext(config);
  const env = queryEnvironment(config);
  eachTemplate(dir, RuleTemplate, 'rule-schema', out, ({ templateId, file, source, data: t }) => {
    const unmet = (t.requires ?? []).map((r) => requirementMet(r, ctx)).filter((r): r is string => !!r);
    if (unmet.length) {
      out.skipped.push({ templateId, reason: unmet.join('; ') });
      return;
    }
    const override = config.options.rules[templateId] ?? {};
    const { query, diagnostics: qd } = renderQueryField(source, ['query'], t.query, ctx, env);
    out.diagnostics.push(...qd);
    if (!query) return;
    const { requires: _r, tests, scope, evaluation, ...fields } = t;
    void _r;
    // ingestion delay (Microsoft's "Handle ingestion delay in scheduled analytics rules"): a Scheduled template names its
    // frequency; its look-back is frequency + options.ingestionDelay unless the template sets a longer one
    // an absence rule (evaluation: absence) looks back options.dataSilence + the ingestion delay: it looks for the last arrival
    const period =
      t.kind === 'Scheduled' && evaluation === 'absence'
        ? yamlDuration(durationMinutes(config.options.dataSilence) + durationMinutes(config.options.ingestionDelay))
        : t.kind === 'Scheduled' && t.queryPeriod === undefined
          ? scheduledPeriod(t.queryFrequency, config.options.ingestionDelay)
          : t.queryPeriod;
    const rule = {
      ...fields,
      ...(period !== undefined ? { queryPeriod: period } : {}),
      ...renderTitles(t, ctx, file, out),
      id: contentId('rule', templateId),
      query: query.text,
      severity: override.severity ?? t.severity,
    } as SentinelRule;
    out.items.push({
      itemKind: 'rule',
      templateId,
      file,
      source,
      fromPack: true,
      rule,
      query,
      enabled: override.enabled ?? true,
      tests,
      ingestionDelay: config.options.ingestionDelay,
      ...(scope ? { scope } : {}),
      ...(evaluation ? { evaluation } : {}),
    });
  });
  return out;
}

/** Load hunting query templates. */
export function loadHuntingTemplates(dir: string, config: Config): Loaded<HuntingItem> {
  const out: Loaded<HuntingItem> = { items: [], diagnostics: [], skipped: [] };
  const ctx = renderContext(config);
  const env = queryEnvironment(config);
  eachTemplate(dir, HuntingTemplate, 'hunting-schema', out, ({ templateId, file, source, data }) => {
    const { query, diagnostics: qd } = renderQueryField(source, ['query'], data.query, ctx, env);
    out.diagnostics.push(...qd);
    if (!query) return;
    const hunting = { ...data, ...renderTitles(data, ctx, file, out), query: query.text };
    out.items.push({
      itemKind: 'hunting',
      templateId,
      file,
      source,
      fromPack: true,
      id: contentId('hunting', templateId),
      hunting,
      query,
    });
  });
  return out;
}

/** A user's own Azure-Sentinel rule file (not a template): validated as it stands. */
export function loadUserRuleFile(file: string): Loaded<RuleItem> {
  const out: Loaded<RuleItem> = { items: [], diagnostics: [], skipped: [] };
  const { source, diagnostics } = loadYamlFile(file);
  out.diagnostics.push(...diagnostics);
  if (!source) return out;
  const data = source.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object') {
    out.diagnostics.push({
      code: 'rule-schema',
      severity: 'error',
      file,
      message: 'expected an Azure-Sentinel analytic rule (a YAML mapping)',
    });
    return out;
  }
  // Azure-Sentinel tolerates keys its model does not declare; so do we, for user files.
  const parsed = SentinelRule.safeParse(data);
  if (!parsed.success) {
    out.diagnostics.push(...zodDiagnostics(parsed.error, source, 'rule-schema'));
    return out;
  }
  const rule = parsed.data;
  const origin = scalarOrigin(source, ['query']);
  const query: QueryText = {
    text: rule.query,
    rendered: identityRendered(rule.query),
    template: rule.query,
    file,
    origin,
    fileText: source.text,
  };
  out.items.push({
    itemKind: 'rule',
    templateId: file,
    file,
    source,
    fromPack: false,
    rule,
    query,
    enabled: true,
    tests: [],
  });
  return out;
}
