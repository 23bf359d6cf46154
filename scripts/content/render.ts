/**
 * Handlebars rendering of KQL templates, strict and without HTML escaping, with a source map from
 * every rendered character back to the template, so analyzer errors point at the template line.
 */
import { remember } from '../core/memo';
import Handlebars from 'handlebars';
import { Config } from '../config/schema';
import { KQL_HELPERS, kqlDynamicStrings, kqlGuidString, kqlString } from '../kql/literals';

type Node = hbs.AST.Node;
type Statement = hbs.AST.Statement;

export interface Segment {
  outStart: number;
  outEnd: number;
  tplStart: number;
  /** true when output maps char-for-char (static template text) */
  exact: boolean;
}

export interface Rendered {
  text: string;
  segments: Segment[];
}

export interface TemplateProblem {
  message: string;
  /** offset into the template text */
  offset: number;
  length: number;
}

export class TemplateError extends Error {
  constructor(public readonly problems: TemplateProblem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/** Names of the account-set symbols the `btgAccounts` partial declares. Rules filter on these. */
export const ACCOUNT_SET_SYMBOLS = ['BtgAccountIds', 'BtgAccountUpns'] as const;

/**
 * KQL that declares the BTG account set as two dynamic arrays (lower-case object ids and UPNs), from
 * inline literals or from the watchlist; the same type in both modes so `in (...)` and set functions work alike.
 */
export function accountSetKql(config: Config): string {
  if (config.accountSource === 'watchlist') {
    const alias = kqlString(config.watchlist.alias);
    return [
      `let BtgAccountIds = toscalar(_GetWatchlist(${alias}) | summarize make_set(tolower(tostring(AccountObjectId))));`,
      `let BtgAccountUpns = toscalar(_GetWatchlist(${alias}) | summarize make_set(tolower(tostring(AccountUPN))));`,
    ].join('\n');
  }
  return [
    `let BtgAccountIds = ${kqlDynamicStrings(config.accounts.map((a) => JSON.parse(kqlGuidString(a.objectId)) as string))};`,
    `let BtgAccountUpns = ${kqlDynamicStrings(config.accounts.map((a) => a.userPrincipalName.toLowerCase()))};`,
  ].join('\n');
}

/**
 * `{` and `}` inside the double-quoted string literals of KQL text become `\u007b` / `\u007d` (Kusto reads them back
 * as the same characters). A workbook replaces `{Name}` in query text with a parameter's value before Kusto sees
 * the query, so a config value inside a workbook query must not hold a brace; the query's own `{TimeRange}` outside
 * string literals is untouched.
 */
export function escapeWorkbookBraces(kql: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < kql.length; i++) {
    const ch = kql[i];
    if (inString) {
      if (ch === '\\') {
        out += ch + (kql[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === '"') inString = false;
      out += ch === '{' ? '\\u007b' : ch === '}' ? '\\u007d' : ch;
    } else {
      if (ch === '"') inString = true;
      out += ch;
    }
  }
  return out;
}

/**
 * The Handlebars environment for query templates: KQL helpers + the account-set partial. `workbook`: every value
 * is also escaped for the workbook's parameter substitution (escapeWorkbookBraces).
 */
export function queryEnvironment(config: Config, opts: { workbook?: boolean } = {}): typeof Handlebars {
  const env = Handlebars.create();
  const finish = opts.workbook ? escapeWorkbookBraces : (s: string) => s;
  for (const [name, fn] of Object.entries(KQL_HELPERS)) {
    env.registerHelper(name, (...args: unknown[]) => finish((fn as (v: unknown) => string)(args[0])));
  }
  // a standalone `{{> btgAccounts}}` line swallows its newline, so the partial supplies one
  env.registerPartial('btgAccounts', finish(accountSetKql(config)) + '\n');
  return env;
}

const HB_OPTIONS = { strict: true, noEscape: true, knownHelpersOnly: false } as const;
const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);

function lineOffsets(text: string): number[] {
  const offs = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') offs.push(i + 1);
  return offs;
}

function locOffset(offs: number[], loc: { line: number; column: number }): number {
  return (offs[loc.line - 1] ?? 0) + loc.column;
}

/**
 * Security lint for query templates: every `{{...}}` must be a KQL literal helper call (or a partial,
 * or a block helper whose body obeys the same rule). A bare `{{value}}` would splice raw text into KQL.
 */
export function lintQueryTemplate(template: string): readonly TemplateProblem[] {
  const hit = lintedTemplates.get(template);
  if (hit) return hit;
  return remember(lintedTemplates, template, Object.freeze(lintUncached(template)), MEMO_MAX);
}

/**
 * The lint of a template and the compiled form of a text template depend on the template text alone, and a process
 * that builds more than once (`btg test`, the test suite) meets the same templates every time.
 */
const lintedTemplates = new Map<string, readonly TemplateProblem[]>();
const compiledTexts = new Map<string, HandlebarsTemplateDelegate>();
const MEMO_MAX = 1024;

function lintUncached(template: string): TemplateProblem[] {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(template);
  } catch (e) {
    return [{ message: `template syntax: ${(e as Error).message.split('\n')[0]}`, offset: 0, length: 1 }];
  }
  const offs = lineOffsets(template);
  const problems: TemplateProblem[] = [];
  const visit = (node: Node | undefined | null): void => {
    if (!node) return;
    const n = node as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    switch (node.type) {
      case 'Program':
        (n.body as Statement[]).forEach(visit);
        return;
      case 'MustacheStatement': {
        const name = n.path?.original;
        const isHelper = typeof name === 'string' && name in KQL_HELPERS && n.params.length === 1;
        if (!isHelper) {
          problems.push({
            message: `raw interpolation {{${typeof name === 'string' ? name : '…'}}} would put text into KQL unescaped; use a KQL helper such as {{kqlString …}}, {{kqlDynamic …}}, {{kqlTimespan …}} (${Object.keys(KQL_HELPERS).join(', ')})`,
            offset: locOffset(offs, n.loc.start),
            length: Math.max(1, locOffset(offs, n.loc.end) - locOffset(offs, n.loc.start)),
          });
        }
        return;
      }
      case 'BlockStatement':
        if (!BLOCK_HELPERS.has(n.path?.original)) {
          problems.push({
            message: `block helper {{#${n.path?.original}}} is not allowed in a query template (use if, unless, each, with)`,
            offset: locOffset(offs, n.loc.start),
            length: 3,
          });
        }
        visit(n.program);
        visit(n.inverse);
        return;
      case 'PartialStatement':
        if (n.name?.original !== 'btgAccounts')
          problems.push({
            message: `unknown partial {{> ${n.name?.original}}}; available: btgAccounts`,
            offset: locOffset(offs, n.loc.start),
            length: 3,
          });
        return;
      case 'PartialBlockStatement':
      case 'DecoratorBlock':
      case 'Decorator':
        problems.push({
          message: `${node.type} is not allowed in a query template`,
          offset: locOffset(offs, n.loc.start),
          length: 3,
        });
        return;
      default:
        return; // ContentStatement, CommentStatement
    }
  };
  visit(ast);
  return problems;
}

/**
 * Render a query template statement by statement so each output range knows its template origin.
 * Static text maps exactly; a helper's output maps to the `{{` that produced it.
 */
export function renderQuery(template: string, context: object, env: typeof Handlebars): Rendered {
  const problems = lintQueryTemplate(template);
  if (problems.length) throw new TemplateError([...problems]);
  const ast = env.parse(template);
  const offs = lineOffsets(template);
  const segments: Segment[] = [];
  let text = '';
  for (const stmt of ast.body as any[]) {
    // eslint-disable-line @typescript-eslint/no-explicit-any
    const tplStart = locOffset(offs, stmt.loc.start);
    let out: string;
    if (stmt.type === 'ContentStatement') {
      out = stmt.value as string;
      const lead = out.length ? (stmt.original as string).indexOf(out) : 0;
      segments.push({
        outStart: text.length,
        outEnd: text.length + out.length,
        tplStart: tplStart + Math.max(0, lead),
        exact: true,
      });
      text += out;
      continue;
    }
    if (stmt.type === 'CommentStatement') continue;
    try {
      const program = { type: 'Program', body: [stmt], strip: {}, loc: stmt.loc } as unknown as hbs.AST.Program;
      out = env.compile(program, HB_OPTIONS)(context);
    } catch (e) {
      const end = locOffset(offs, stmt.loc.end);
      const msg = (e as Error).message.split('\n')[0].replace(/ - \d+:\d+$/, '');
      const snippet = template.slice(tplStart, Math.min(end, tplStart + 80)).split('\n')[0];
      throw new TemplateError([
        { message: `${snippet}: ${msg}`, offset: tplStart, length: Math.max(1, end - tplStart) },
      ]);
    }
    segments.push({ outStart: text.length, outEnd: text.length + out.length, tplStart, exact: false });
    text += out;
  }
  return { text, segments };
}

/** Map an offset in rendered output back to an offset in the template. */
export function toTemplateOffset(r: Rendered, outOffset: number): number {
  for (const s of r.segments) {
    if (outOffset >= s.outStart && outOffset < s.outEnd)
      return s.exact ? s.tplStart + (outOffset - s.outStart) : s.tplStart;
  }
  const last = r.segments[r.segments.length - 1];
  return last ? (last.exact ? last.tplStart + (last.outEnd - last.outStart) : last.tplStart) : 0;
}

/** Identity map, for queries that are not templates (a user's own rule files). */
export function identityRendered(text: string): Rendered {
  return { text, segments: [{ outStart: 0, outEnd: text.length, tplStart: 0, exact: true }] };
}

/**
 * notify.emailSubject is data, never a template: only `{{alertName}}` and `{{tenantName}}` are filled in, in one pass
 * (a value is never scanned again), and any other `{{…}}` stays as written.
 */
export function fillSubject(subject: string, values: { alertName: string; tenantName: string }): string {
  return subject.replace(/\{\{\s*(alertName|tenantName)\s*\}\}/g, (_m, k: 'alertName' | 'tenantName') => values[k]);
}

/** Non-KQL text (names, descriptions, runbooks): strict, no HTML escaping. */
export function renderText(template: string, context: object): string {
  const compiled =
    compiledTexts.get(template) ??
    remember(compiledTexts, template, Handlebars.compile(template, HB_OPTIONS), MEMO_MAX);
  return compiled(context);
}
