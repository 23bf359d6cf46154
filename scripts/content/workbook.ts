/**
 * Workbook templates (`workbooks/*.json`, Notebook/1.0): every query string is a Handlebars KQL template rendered
 * like a rule query; markdown and titles are rendered as plain text. Workbook parameter references (`{TimeRange}`)
 * are left in place: the workbook resolves them at view time.
 */
import { zodDiagnostics } from '../core/zodIssues';
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { Diagnostic, formatPath } from '../core/diagnostic';
import { queryDiagnosticAt } from './locate';
import { contentId } from './ids';
import { QueryText } from './items';
import { jsonStringMap, JsonStringMap, loadJsonFile, remapToJsonString } from '../core/jsonSource';
import { PackContext } from './context';
import { identityRendered, queryEnvironment, renderQuery, renderText, TemplateError } from './render';
import { WorkbookTemplate, ITEM_TYPES } from './workbookSchema';
import { lineText, rangeOfPath, YamlSource } from '../core/yamlSource';
import { Config } from '../config/schema';

/** One KQL query of a workbook: a tile's query or a parameter's query. */
export interface WorkbookQuery {
  /** the item's name; for a parameter query `<item>.<parameter>` */
  itemName: string;
  /** JSON path of the query string in the template */
  path: (string | number)[];
  /** rendered KQL, workbook parameter references still in it */
  query: QueryText;
  /** where the query string's characters are in the file */
  map?: JsonStringMap;
}

export interface WorkbookContent {
  itemKind: 'workbook';
  templateId: string;
  file: string;
  source: YamlSource;
  /** deterministic resource name (a GUID, as every Sentinel workbook uses) */
  id: string;
  displayName: string;
  description: string;
  /** the template data as written (checks walk this: paths in it are paths in the file) */
  data: unknown;
  /** the Notebook/1.0 document that ships: queries and text rendered, pack metadata removed */
  notebook: Record<string, unknown>;
  queries: WorkbookQuery[];
  /** false when the template failed the schema or a template did not render */
  ok: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Every item of the document with its JSON path, groups included, in document order. */
export function walkItems(data: unknown, visit: (item: Record<string, unknown>, p: (string | number)[]) => void): void {
  const walk = (items: unknown, at: (string | number)[]) => {
    if (!Array.isArray(items)) return;
    items.forEach((it, i) => {
      if (!isObj(it)) return;
      const p = [...at, i];
      visit(it, p);
      if (it.type === 12 && isObj(it.content)) walk(it.content.items, [...p, 'content', 'items']);
    });
  };
  if (isObj(data)) walk(data.items, ['items']);
}

/** zod issues → diagnostics that name the item and the field. */
function schemaDiagnostics(err: z.ZodError, src: YamlSource): Diagnostic[] {
  return zodDiagnostics(err, src, 'workbook-schema', {
    item: (p) => itemNameAt(src.data, p),
    discriminator: () => `expected type to be one of ${ITEM_TYPES.join(', ')} (text, query, parameters, links, group)`,
  });
}

/** Name of the innermost item on `p`, if any. */
export function itemNameAt(data: unknown, p: readonly (string | number)[]): string | undefined {
  let node: unknown = data;
  let name: string | undefined;
  for (const seg of p) {
    if (!node || typeof node !== 'object') break;
    node = (node as Record<string | number, unknown>)[seg];
    if (isObj(node) && typeof node.name === 'string' && typeof node.type === 'number') name = node.name;
  }
  return name;
}

function setAt(root: unknown, p: readonly (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const seg of p.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  node[p[p.length - 1]] = value;
}

function renderQueryString(
  src: YamlSource,
  p: (string | number)[],
  template: string,
  itemName: string,
  ctx: PackContext,
  env: ReturnType<typeof queryEnvironment>,
): { q?: WorkbookQuery; diagnostics: Diagnostic[] } {
  const map = jsonStringMap(src, p);
  const base = { template, file: src.file };
  try {
    const rendered = renderQuery(template, ctx, env);
    return { q: { itemName, path: p, map, query: { ...base, text: rendered.text, rendered } }, diagnostics: [] };
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const q: QueryText = { ...base, text: template, rendered: identityRendered(template) };
    return {
      diagnostics: e.problems.map((pr) => {
        const d = {
          ...queryDiagnosticAt(
            q,
            pr.offset,
            pr.length,
            'template-render',
            'error',
            `item "${itemName}": ${pr.message}`,
          ),
          item: itemName,
        };
        return map ? remapToJsonString(d, template, src, map) : d;
      }),
    };
  }
}

/**
 * Config values in workbook text (markdown, titles) are data: HTML-encoded, and `{` `}` as entities so a value can
 * never become a workbook parameter reference (`{Account}`).
 */
export function workbookText(value: string): string {
  return value.replace(/[&<>"'{}]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function workbookTextContext<T>(ctx: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return workbookText(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(ctx) as T;
}

/** Load and render one workbook template. */
export function loadWorkbook(
  file: string,
  ctx: PackContext,
  config: Config,
): { item?: WorkbookContent; diagnostics: Diagnostic[] } {
  const templateId = path.basename(file).replace(/\.json$/i, '');
  const { source, diagnostics } = loadJsonFile(file);
  if (!source) return { diagnostics };
  const parsed = WorkbookTemplate.safeParse(source.data);
  const out: Diagnostic[] = parsed.success ? [] : schemaDiagnostics(parsed.error, source);
  const env = queryEnvironment(config, { workbook: true });
  const textCtx = workbookTextContext(ctx);
  const notebook = JSON.parse(JSON.stringify(source.data)) as Record<string, unknown>;
  const meta = isObj(notebook.$btg) ? notebook.$btg : {};
  delete notebook.$btg;
  const queries: WorkbookQuery[] = [];
  let rendersOk = true;
  const text = (p: (string | number)[], s: unknown, itemName: string) => {
    if (typeof s !== 'string') return;
    try {
      setAt(notebook, p, renderText(s, textCtx));
    } catch (e) {
      rendersOk = false;
      const range = rangeOfPath(source, p);
      out.push({
        code: 'template-render',
        severity: 'error',
        file,
        path: p,
        range,
        item: itemName,
        sourceLine: range ? lineText(source, range.start.line) : undefined,
        message: `item "${itemName}": ${formatPath(p)}: ${(e as Error).message.split('\n')[0]}`,
      });
    }
  };
  const kql = (p: (string | number)[], s: unknown, itemName: string) => {
    if (typeof s !== 'string') return;
    const r = renderQueryString(source, p, s, itemName, ctx, env);
    out.push(...r.diagnostics);
    if (!r.q) return void (rendersOk = false);
    queries.push(r.q);
    setAt(notebook, p, r.q.query.text);
  };
  walkItems(source.data, (it, p) => {
    const name = typeof it.name === 'string' ? it.name : `#${p[p.length - 1]}`;
    const content = isObj(it.content) ? it.content : {};
    if (it.type === 1) text([...p, 'content', 'json'], content.json, name);
    if (it.type === 3) {
      text([...p, 'content', 'title'], content.title, name);
      kql([...p, 'content', 'query'], content.query, name);
    }
    if (it.type === 9 && Array.isArray(content.parameters)) {
      content.parameters.forEach((param, i) => {
        if (isObj(param) && typeof param.query === 'string')
          kql([...p, 'content', 'parameters', i, 'query'], param.query, `${name}.${String(param.name)}`);
      });
    }
  });
  let displayName = typeof meta.displayName === 'string' ? meta.displayName : templateId;
  let description = typeof meta.description === 'string' ? meta.description : '';
  try {
    displayName = renderText(displayName, ctx);
    description = renderText(description, ctx).trim();
  } catch (e) {
    rendersOk = false;
    out.push({
      code: 'template-render',
      severity: 'error',
      file,
      path: ['$btg'],
      range: rangeOfPath(source, ['$btg']),
      message: `$btg: ${(e as Error).message.split('\n')[0]}`,
    });
  }
  return {
    item: {
      itemKind: 'workbook',
      templateId,
      file,
      source,
      id: contentId('workbook', templateId),
      displayName,
      description,
      data: source.data,
      notebook,
      queries,
      ok: parsed.success && rendersOk,
    },
    diagnostics: out,
  };
}

/** Every `*.json` directly in `dir`, sorted. */
export function loadWorkbooks(
  dir: string,
  ctx: PackContext,
  config: Config,
): { items: WorkbookContent[]; diagnostics: Diagnostic[] } {
  const items: WorkbookContent[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!fs.existsSync(dir)) return { items, diagnostics };
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.toLowerCase().endsWith('.json'))
    .sort()) {
    const r = loadWorkbook(path.join(dir, f), ctx, config);
    diagnostics.push(...r.diagnostics);
    if (r.item) items.push(r.item);
  }
  return { items, diagnostics };
}
