/**
 * `testCheck(id, cases)`: one registered check run on in-memory items with a canned analysis, through the same runner
 * and locations as `btg validate` (no disk, no analyzer: a case costs well under a millisecond). The items are built
 * from the YAML objects a test writes (a pack template with `{ fromPack: true }`, else a user's rule file), parsed by
 * the same zod schemas the loaders use; the YAML text is kept in memory so findings get their range and source line.
 * End-to-end cases go through the loader and the real analyzer with `validateDetectionTemplates` (rules and hunting
 * queries only: the shipped workbook and playbooks are not validated again for each case).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { Config } from '../../scripts/config/schema';
import { loadHuntingTemplates, loadRuleTemplates } from '../../scripts/content/load';
import { defaultAnalyzer } from '../../scripts/kql/analyzer';
import { exampleConfig } from './pack';
import { tempDir } from './rules';
import { HuntingItem, RuleItem } from '../../scripts/content/items';
import { contentId } from '../../scripts/content/ids';
import { identityRendered } from '../../scripts/content/render';
import { HuntingTemplate, RuleTemplate, SentinelRule } from '../../scripts/content/ruleSchema';
import { Diagnostic, DiagnosticCode } from '../../scripts/core/diagnostic';
import { parseYamlSource, scalarOrigin } from '../../scripts/core/yamlSource';
import { KqlAnalysis } from '../../scripts/kql/analyzer';
import { bundledSchemas, TableSchemas } from '../../scripts/kql/schemas';
import { ciChecks } from '../../scripts/validate/checks/ci';
import { huntingChecks } from '../../scripts/validate/checks/hunting';
import { packChecks } from '../../scripts/validate/checks/pack';
import { ruleChecks } from '../../scripts/validate/checks/rule';
import { itemTarget, validateDetections } from '../../scripts/validate/run';
import { runChecks } from '../../scripts/validate/runner';
import { testRowChecks } from '../../scripts/validate/testRows';

type Item = RuleItem | HuntingItem;

/** A KqlAnalysis with nothing found, plus what the case says the analyzer found. */
export function analysis(found: Partial<KqlAnalysis> = {}): KqlAnalysis {
  return {
    diagnostics: [],
    columns: [],
    open: false,
    unknownTables: [],
    filterVariables: [],
    unboundedScans: [],
    tables: [],
    ingestionTimeFilters: [],
    tableScans: [],
    ...found,
  };
}

/** The YAML of `fields` held in memory as the item's source (what a loader reads from its file). */
function source(file: string, fields: Record<string, unknown>) {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const { source: src, diagnostics } = parseYamlSource(
    file,
    stringify(defined, { lineWidth: 0, blockQuote: 'literal' }),
  );
  if (!src) throw new Error(`test item is not YAML: ${diagnostics.map((d) => d.message).join('; ')}`);
  return src;
}

function queryOf(src: ReturnType<typeof source>, text: string) {
  return {
    text,
    rendered: identityRendered(text),
    template: text,
    file: src.file,
    origin: scalarOrigin(src, ['query']),
    fileText: src.text,
  };
}

export interface ItemOptions {
  /** a pack template (RuleTemplate, held to the pack's invariants) rather than a user's rule file */
  fromPack?: boolean;
  templateId?: string;
  /** the look-back buffer (options.ingestionDelay for pack rules) */
  ingestionDelay?: string;
}

/** A rule item from its YAML fields; the query is taken as written (templates are not rendered). */
export function ruleItem(fields: Record<string, unknown>, opts: ItemOptions = {}): RuleItem {
  const templateId = opts.templateId ?? (opts.fromPack ? 'btg-test' : 'rule.yaml');
  const src = source(opts.fromPack ? `${templateId}.yaml` : templateId, fields);
  if (!opts.fromPack) {
    const rule = SentinelRule.parse(src.data);
    const query = queryOf(src, rule.query);
    return {
      itemKind: 'rule',
      templateId,
      file: src.file,
      source: src,
      fromPack: false,
      rule,
      query,
      enabled: true,
      tests: [],
    };
  }
  const t = RuleTemplate.parse(src.data);
  const { requires: _r, tests, scope, evaluation, ...rest } = t;
  void _r;
  const rule = { ...rest, id: contentId('rule', templateId) } as SentinelRule;
  return {
    itemKind: 'rule',
    templateId,
    file: src.file,
    source: src,
    fromPack: true,
    rule,
    query: queryOf(src, t.query),
    enabled: true,
    tests,
    ingestionDelay: opts.ingestionDelay ?? '30m',
    ...(scope ? { scope } : {}),
    ...(evaluation ? { evaluation } : {}),
  };
}

/** A hunting item from its YAML fields. */
export function huntingItem(fields: Record<string, unknown>, opts: ItemOptions = {}): HuntingItem {
  const templateId = opts.templateId ?? 'btg-hunting';
  const src = source(`${templateId}.yaml`, fields);
  const hunting = HuntingTemplate.parse(src.data);
  return {
    itemKind: 'hunting',
    templateId,
    file: src.file,
    source: src,
    fromPack: opts.fromPack ?? true,
    id: contentId('hunting', templateId),
    hunting,
    query: queryOf(src, hunting.query),
  };
}

/** One case: the item (or, for a cross-item check, the items), what the analyzer found, and what the check says. */
export interface CheckCase {
  name: string;
  item?: Item;
  /** cross-item checks (pack-*): the items, each with its analysis */
  items?: { item: Item; analysis?: Partial<KqlAnalysis> }[];
  /** what the analyzer found in the item's query (default: nothing) */
  analysis?: Partial<KqlAnalysis>;
  /** table schemas (test rows; default: the bundled ones) */
  schemas?: TableSchemas;
  /** 'pass': no finding; a RegExp: the findings' messages (joined) match it */
  expect: 'pass' | RegExp;
  /** how many findings (with a RegExp) */
  count?: number;
  severity?: Diagnostic['severity'];
  /** the source line of the first matching finding */
  line?: RegExp;
  /** the item the finding is about (cross-item checks) */
  about?: string;
}

/** The diagnostics of check `id` on one case, through the runner. */
export function runCheck(id: DiagnosticCode, c: Omit<CheckCase, 'name' | 'expect'>): Diagnostic[] {
  const only = [id];
  if (id in packChecks) {
    const entries = c.items ?? (c.item ? [{ item: c.item, analysis: c.analysis }] : []);
    const analyses = new Map(entries.map((e) => [e.item, analysis(e.analysis)]));
    return runChecks(
      packChecks,
      entries.map((e) => e.item),
      { analyses },
      (f) => itemTarget(f.item),
      only,
    );
  }
  const item = c.item;
  if (!item) throw new Error(`${id}: a case needs an item`);
  const a = analysis(c.analysis);
  const target = itemTarget(item);
  if (item.itemKind === 'hunting') return runChecks(huntingChecks, item, { analysis: a }, () => target, only);
  if (id in testRowChecks)
    return runChecks(
      testRowChecks,
      item,
      { analysis: a, schemas: c.schemas ?? bundledSchemas() },
      () => ({ ...target, file: item.file, atKey: true }),
      only,
    );
  if (id in ciChecks) return runChecks(ciChecks, item, { analysis: a }, () => target, only);
  if (id in ruleChecks) return runChecks(ruleChecks, item, { analysis: a }, () => target, only);
  throw new Error(`${id}: testCheck runs rule, CI, hunting, test-row and pack checks`);
}

/** A table test of one registered check: `describe(id)` with one `it` per case. */
export function testCheck(id: DiagnosticCode, cases: CheckCase[]): void {
  describe(id, () => {
    for (const c of cases) {
      it(c.name, () => {
        const diags = runCheck(id, c);
        const messages = diags.map((d) => d.message);
        if (c.expect === 'pass') {
          expect(messages).toEqual([]);
          return;
        }
        expect(messages.join('\n')).toMatch(c.expect);
        if (c.count !== undefined) expect(diags).toHaveLength(c.count);
        if (c.severity) expect(diags.map((d) => d.severity)).toEqual(diags.map(() => c.severity));
        if (c.about) expect(diags.map((d) => d.item)).toContain(c.about);
        // every finding points at a line of its file
        for (const d of diags) {
          expect(d.code).toBe(id);
          expect(d.range).toBeDefined();
        }
        if (c.line) {
          const re = c.expect;
          expect(diags.find((d) => re.test(d.message))?.sourceLine ?? '').toMatch(c.line);
        }
      });
    }
  });
}

/**
 * End to end for one check family: rule (and hunting) templates written to a temp folder, loaded and rendered for
 * `config` (default: the example config) and validated with the real analyzer, as `btg build` validates the pack's
 * detections (load problems included). Returns the loaded items and the diagnostics.
 */
export function validateDetectionTemplates(
  rules: Record<string, Record<string, unknown>>,
  opts: { hunting?: Record<string, Record<string, unknown>>; config?: Config } = {},
): { rules: RuleItem[]; hunting: HuntingItem[]; diagnostics: Diagnostic[] } {
  const dir = tempDir('btg-check-');
  const huntingDir = path.join(dir, 'hunting');
  fs.mkdirSync(huntingDir);
  const write = (folder: string, templates: Record<string, Record<string, unknown>>) => {
    for (const [id, t] of Object.entries(templates))
      fs.writeFileSync(path.join(folder, `${id}.yaml`), stringify(t, { lineWidth: 0, blockQuote: 'literal' }));
  };
  try {
    write(dir, rules);
    write(huntingDir, opts.hunting ?? {});
    const config = opts.config ?? exampleConfig();
    const r = loadRuleTemplates(dir, config);
    const h = loadHuntingTemplates(huntingDir, config);
    const validated = validateDetections(r.items, h.items, defaultAnalyzer());
    return {
      rules: r.items,
      hunting: h.items,
      diagnostics: [...r.diagnostics, ...h.diagnostics, ...validated.diagnostics],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
