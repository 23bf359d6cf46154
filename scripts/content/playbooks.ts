/**
 * Playbook templates (Logic App workflow definitions) and their KQL (`playbooks/queries/*.kql`), loaded and
 * resolved for one config: queries rendered and inlined, actions the config cannot use left out, and the values
 * of the workflow parameters computed.
 */
import { API_VERSIONS } from '../core/definitions';
import * as fs from 'fs';
import * as path from 'path';
import { Config } from '../config/schema';
import { Diagnostic, DiagnosticCode, formatPath } from '../core/diagnostic';
import { queryDiagnosticAt } from './locate';
import { PackContext } from './context';
import { contentId } from './ids';
import { QueryText } from './items';
import { loadJsonFile } from '../core/jsonSource';
import { zodDiagnostics } from './load';
import { Feature, ParameterName, PlaybookMeta, PlaybookTemplate, QueryMarker } from './playbookSchema';
import { fillSubject, identityRendered, queryEnvironment, renderQuery, TemplateError } from './render';
import { lineText, rangeOfPath, YamlSource } from '../core/yamlSource';

// ---------------------------------------------------------------------------------------------------------------
// queries

export interface PlaybookQuery {
  /** file name without `.kql` */
  name: string;
  file: string;
  query: QueryText;
  /** `declare query_parameters(...)` of the query: values the playbook binds at run time */
  declared: { name: string; type: string }[];
}

const DECLARE_RE = /declare\s+query_parameters\s*\(([^)]*)\)\s*;[ \t]*\n?/;

/** The query's `declare query_parameters(...)` statement and its parameters. */
export function declaredParameters(
  text: string,
): { start: number; end: number; params: { name: string; type: string }[] } | undefined {
  const m = DECLARE_RE.exec(text);
  if (!m) return undefined;
  const params = m[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, type] = s.split(':').map((x) => x.trim());
      return { name, type: (type ?? '').split('=')[0].trim() };
    });
  return { start: m.index, end: m.index + m[0].length, params };
}

/**
 * Run-time values enter a playbook query only as datetimes formatted by Logic Apps itself: the output of
 * formatDateTime with this format is digits, '-', ':', 'T' and 'Z', so it cannot end the datetime() literal.
 */
export const DATETIME_BINDING = /^@\{formatDateTime\((.+), 'yyyy-MM-ddTHH:mm:ssZ'\)\}$/;

/**
 * A literal string inside a Logic App definition: the workflow language reads a string that starts with `@` as an
 * expression and `@{…}` anywhere as an interpolation. `@{` becomes `@@{` and a leading `@` becomes `@@`, which the
 * engine reads back as the literal text.
 */
export function escapeWorkflowString(s: string): string {
  const t = s.replace(/@\{/g, '@@{');
  return s.startsWith('@') && !s.startsWith('@{') ? `@${t}` : t;
}

/**
 * The query text that ships: the declaration replaced by `let` statements bound to Logic App expressions. The
 * query itself (config values included) is escaped for the workflow language; only the bindings are expressions.
 */
export function bindQuery(text: string, bind: Record<string, string>): string {
  const decl = declaredParameters(text);
  if (!decl) return escapeWorkflowString(text);
  const lets = decl.params.map((p) => `let ${p.name} = datetime(${bind[p.name]});\n`).join('');
  const before = text.slice(0, decl.start);
  // a query that starts with the declaration would start with a binding's "let", never with "@"
  return (before ? escapeWorkflowString(before) : '') + lets + text.slice(decl.end).replace(/@\{/g, '@@{');
}

export function loadPlaybookQueries(
  dir: string,
  ctx: PackContext,
  config: Config,
): { queries: Map<string, PlaybookQuery>; diagnostics: Diagnostic[] } {
  const queries = new Map<string, PlaybookQuery>();
  const diagnostics: Diagnostic[] = [];
  if (!fs.existsSync(dir)) return { queries, diagnostics };
  const env = queryEnvironment(config);
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.kql'))
    .sort()) {
    const file = path.join(dir, f);
    const template = fs.readFileSync(file, 'utf8');
    const base = { template, file, fileText: template, origin: { line: 0, indent: 0, block: true } };
    try {
      const rendered = renderQuery(template, ctx, env);
      const query: QueryText = { ...base, text: rendered.text, rendered };
      queries.set(f.replace(/\.kql$/, ''), {
        name: f.replace(/\.kql$/, ''),
        file,
        query,
        declared: declaredParameters(rendered.text)?.params ?? [],
      });
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      const q: QueryText = { ...base, text: template, rendered: identityRendered(template) };
      diagnostics.push(
        ...e.problems.map((p) => queryDiagnosticAt(q, p.offset, p.length, 'template-render', 'error', p.message)),
      );
    }
  }
  return { queries, diagnostics };
}

// ---------------------------------------------------------------------------------------------------------------
// workflow walking

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Every place a workflow action can hold further actions (Scope, Foreach, Until, If, Switch). */
export function childContainers(action: Json): { actions: Json; path: string[] }[] {
  const out: { actions: Json; path: string[] }[] = [];
  if (isObj(action.actions)) out.push({ actions: action.actions, path: ['actions'] });
  if (isObj(action.else) && isObj(action.else.actions))
    out.push({ actions: action.else.actions, path: ['else', 'actions'] });
  if (isObj(action.cases)) {
    for (const [k, c] of Object.entries(action.cases))
      if (isObj(c) && isObj(c.actions)) out.push({ actions: c.actions, path: ['cases', k, 'actions'] });
  }
  if (isObj(action.default) && isObj(action.default.actions))
    out.push({ actions: action.default.actions, path: ['default', 'actions'] });
  return out;
}

/** Visit every action, nested ones included, with its path and the container (siblings) it sits in. */
export function walkActions(
  actions: unknown,
  base: (string | number)[],
  visit: (name: string, action: Json, p: (string | number)[], siblings: Json) => void,
): void {
  if (!isObj(actions)) return;
  for (const [name, action] of Object.entries(actions)) {
    if (!isObj(action)) continue;
    const p = [...base, name];
    visit(name, action, p, actions);
    for (const c of childContainers(action)) walkActions(c.actions, [...p, ...c.path], visit);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// parameters

export interface ParameterSpec {
  /** ARM / workflow parameter type */
  type: 'string' | 'int' | 'object' | 'array';
  description: string;
  /** value from the config (an ARM template parameter with this default) */
  value?: (config: Config, ctx: PackContext) => unknown;
  /** fixed ARM expression (not a template parameter: it is derived from the target workspace) */
  expression?: string;
}

const WS_ID = "resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspace'))";

/** Every workflow parameter a playbook template may use, and where its value comes from. */
export const PLAYBOOK_PARAMETERS: Record<ParameterName, ParameterSpec> = {
  NotifyEmails: {
    type: 'string',
    description: 'Recipients of notifications, separated by semicolons (notify.emails).',
    value: (c) => c.notify.emails.join(';'),
  },
  EmailSubjectTemplate: {
    type: 'string',
    description: 'Mail subject (notify.emailSubject); {alertName} is replaced by the incident title at run time.',
    // the one run-time value is written {alertName} and replaced by the workflow with replace(): a parameter value is
    // never evaluated as a Logic Apps expression, so nothing in the configured subject can become one
    value: (c, ctx) => fillSubject(c.notify.emailSubject, { alertName: '{alertName}', tenantName: ctx.tenantName }),
  },
  TeamsGroupId: {
    type: 'string',
    description: 'Microsoft Teams team (group) id (notify.teams.groupId).',
    value: (c) => c.notify.teams?.groupId ?? '',
  },
  TeamsChannelId: {
    type: 'string',
    description: 'Microsoft Teams channel id (notify.teams.channelId).',
    value: (c) => c.notify.teams?.channelId ?? '',
  },
  IncidentOwner: {
    type: 'string',
    description: 'User the incident is assigned to (notify.incidentOwner).',
    value: (c) => c.notify.incidentOwner ?? '',
  },
  Custodians: {
    type: 'object',
    description:
      'Per break-glass account object id (lower case): its UPN and the custodians who may use it, separated by semicolons.',
    value: (_c, ctx) =>
      Object.fromEntries(
        ctx.accounts.map((a) => [
          a.objectId,
          { upn: a.userPrincipalName, displayName: a.displayName, custodians: a.custodians.join(';') },
        ]),
      ),
  },
  IdentityOwners: {
    type: 'string',
    description:
      'Who confirms change incidents (account, role, method, Conditional Access, group, federation), separated by semicolons (notify.identityOwners).',
    value: (c) => c.notify.identityOwners.join(';'),
  },
  BreakGlassUpns: {
    type: 'array',
    description: 'UPNs of the break-glass accounts (lower case): an approval answered by one of them never counts.',
    value: (_c, ctx) => ctx.accounts.map((a) => a.userPrincipalName.toLowerCase()),
  },
  BreakGlassObjectIds: {
    type: 'array',
    description:
      "Object ids of the break-glass accounts (lower case): an approval whose responder (the connector's UserId) is one of them never counts, whatever address it came from.",
    value: (_c, ctx) => ctx.accounts.map((a) => a.objectId.toLowerCase()),
  },
  SignInRuleIds: {
    type: 'array',
    description:
      'Ids (lower case) of the rules whose incidents are a use of an account (sign-in or activity): their incidents ask the custodians; any other pack incident is a change and asks the identity owners.',
    value: () => USE_RULE_TEMPLATES.map((t) => contentId('rule', t).toLowerCase()),
  },
  TestIntervalDays: {
    type: 'int',
    description: 'Days within which every break-glass account must have been tested (options.testIntervalDays).',
    value: (_c, ctx) => ctx.options.testIntervalDays,
  },
  ReminderTitlePrefix: {
    type: 'string',
    description: 'Title prefix of test-reminder incidents (the reminder query looks for open ones).',
    value: (_c, ctx) => ctx.reminderTitlePrefix,
  },
  TenantName: { type: 'string', description: 'Tenant name used in messages.', value: (_c, ctx) => ctx.tenantName },
  WorkspaceResourceId: { type: 'string', description: 'ARM id of the Sentinel workspace.', expression: `[${WS_ID}]` },
  WorkspaceId: {
    type: 'string',
    description: 'Workspace (customer) id for the Log Analytics query API.',
    expression: `[reference(${WS_ID}, '${API_VERSIONS.workspaces}').customerId]`,
  },
};

/**
 * Rules whose incidents are a use of a break-glass account (a sign-in, or what the account did while signed in): the
 * custodians, who hold the credentials, are asked about them. Every other pack rule reports a change to an account
 * or to what protects it; its incidents go to the identity owners (notify.identityOwners).
 */
export const USE_RULE_TEMPLATES = [
  'btg-interactive-signin',
  'btg-noninteractive-signin',
  'btg-failed-signins',
  'btg-signin-not-phishing-resistant',
  'btg-signin-conditional-access-applied',
  'btg-signin-unexpected-location',
  'btg-admin-activity',
  'btg-azure-activity',
  'btg-graph-activity',
] as const;

export function features(config: Config): Record<Feature, boolean> {
  const custodians = config.accounts.some((a) => a.custodians.length > 0);
  const identityOwners = config.notify.identityOwners.length > 0;
  return {
    identityOwners,
    noIdentityOwners: !identityOwners,
    approvers: custodians || identityOwners,
    teams: !!config.notify.teams,
    notifyEmails: config.notify.emails.length > 0,
    incidentOwner: !!config.notify.incidentOwner,
    custodians: config.accounts.some((a) => a.custodians.length > 0),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// HTML bodies

const HTML_TAG = /<\/?[a-z][a-z0-9]*(\s[^<>]*)?>/i;

/** A workflow expression whose value is HTML-encoded (there is no htmlEncode function in the workflow language). */
export function htmlEncodedExpression(expr: string): string {
  let e = `string(coalesce(${expr}, ''))`;
  for (const [ch, entity] of [
    ['&', '&amp;'],
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['"', '&quot;'],
    ["''", '&#39;'],
  ])
    e = `replace(${e}, '${ch}', '${entity}')`;
  return e;
}

/** The `@{…}` interpolations of a workflow string (not the escaped `@@{`), with their offsets. */
export function interpolations(s: string): { start: number; end: number; expr: string }[] {
  const out: { start: number; end: number; expr: string }[] = [];
  for (let i = 0; i < s.length - 1; i++) {
    if (s[i] !== '@' || s[i + 1] !== '{') continue;
    if (i > 0 && s[i - 1] === '@') continue;
    let j = i + 2;
    let quoted = false;
    for (; j < s.length; j++) {
      if (s[j] === "'") quoted = !quoted;
      else if (s[j] === '}' && !quoted) break;
    }
    if (j >= s.length) break;
    out.push({ start: i, end: j + 1, expr: s.slice(i + 2, j) });
    i = j;
  }
  return out;
}

/**
 * In every string of the definition that holds HTML, each interpolated value is HTML-encoded, so an incident title
 * carrying a group name like `<img src=x onerror=…>` (or a tenant name with `&`) is shown as text. The output of a
 * Create HTML table action is HTML already (the action encodes its cells) and is left as it is; so are the inlined
 * queries (`skip`: their paths in the definition), which are KQL, not HTML.
 */
export function encodeHtmlInterpolations(definition: Json, skip: readonly (readonly (string | number)[])[] = []): void {
  const skipped = new Set(skip.map((p) => JSON.stringify(p)));
  const tables = new Set<string>();
  walkActions(definition.actions, [], (name, action) => {
    if (action.type === 'Table') tables.add(name);
  });
  const isTableOutput = (expr: string) => {
    const m = /^\s*body\('([^']+)'\)\s*$/.exec(expr);
    return !!m && tables.has(m[1]);
  };
  const rewrite = (s: string): string => {
    if (!HTML_TAG.test(s)) return s;
    let out = '';
    let last = 0;
    for (const it of interpolations(s)) {
      out +=
        s.slice(last, it.start) +
        (isTableOutput(it.expr) ? s.slice(it.start, it.end) : `@{${htmlEncodedExpression(it.expr)}}`);
      last = it.end;
    }
    return out + s.slice(last);
  };
  const walk = (v: unknown, p: (string | number)[]): unknown => {
    if (skipped.has(JSON.stringify(p))) return v;
    if (typeof v === 'string') return rewrite(v);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...p, i]));
    if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) v[k] = walk(x, [...p, k]);
      return v;
    }
    return v;
  };
  definition.actions = walk(definition.actions, ['actions']) as Json;
}

// ---------------------------------------------------------------------------------------------------------------
// playbooks

export interface PlaybookContent {
  itemKind: 'playbook';
  /** file name without `.json`; also the Logic App name */
  templateId: string;
  file: string;
  source: YamlSource;
  meta: PlaybookMeta;
  /** the template as written (checks walk this: its paths are paths in the file) */
  data: unknown;
  /** the workflow definition that ships: queries inlined, actions of absent features left out */
  definition: Json;
  /** queries used, with the path of their marker */
  queries: { path: (string | number)[]; marker: QueryMarker; query?: PlaybookQuery }[];
  /** parameter values for this config */
  parameterValues: Partial<Record<ParameterName, unknown>>;
  /** false when the config lacks the playbook's `when` feature */
  emitted: boolean;
  ok: boolean;
}

function diag(src: YamlSource, code: DiagnosticCode, p: (string | number)[], message: string): Diagnostic {
  const range = rangeOfPath(src, p);
  return {
    code,
    severity: 'error',
    file: src.file,
    path: p,
    range,
    sourceLine: range ? lineText(src, range.start.line) : undefined,
    message: `${formatPath(p)}: ${message}`,
  };
}

/** Markers `{"$btgQuery": …}` anywhere in the definition, with their paths. */
export function queryMarkers(def: unknown, base: (string | number)[]): { path: (string | number)[]; raw: Json }[] {
  const out: { path: (string | number)[]; raw: Json }[] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (isObj(v)) {
      if ('$btgQuery' in v) out.push({ path: p, raw: v });
      else for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    }
  };
  walk(def, base);
  return out;
}

function setAt(root: Json, p: readonly (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const seg of p.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  node[p[p.length - 1]] = value;
}

export function loadPlaybook(
  file: string,
  queries: Map<string, PlaybookQuery>,
  ctx: PackContext,
  config: Config,
): { item?: PlaybookContent; diagnostics: Diagnostic[] } {
  const templateId = path.basename(file).replace(/\.json$/i, '');
  const { source, diagnostics } = loadJsonFile(file);
  if (!source) return { diagnostics };
  const parsed = PlaybookTemplate.safeParse(source.data);
  if (!parsed.success) return { diagnostics: zodDiagnostics(parsed.error, source, 'playbook-schema') };
  const t = parsed.data;
  const out: Diagnostic[] = [];
  const feats = features(config);
  const definition = JSON.parse(JSON.stringify(t.definition)) as Json;

  // queries: validate the marker, inline the rendered query with its run-time bindings
  const used: PlaybookContent['queries'] = [];
  for (const m of queryMarkers(t.definition, [])) {
    const p = ['definition', ...m.path];
    const marker = QueryMarker.safeParse(m.raw);
    if (!marker.success) {
      out.push(
        ...zodDiagnostics(marker.error, source, 'playbook-schema').map((d) => ({
          ...d,
          path: [...p, ...(d.path ?? [])],
          range: rangeOfPath(source, [...p, ...(d.path ?? [])]),
        })),
      );
      continue;
    }
    const q = queries.get(marker.data.$btgQuery);
    used.push({ path: p, marker: marker.data, query: q });
    if (!q) {
      out.push(
        diag(
          source,
          'playbook-schema',
          [...p, '$btgQuery'],
          `no query "${marker.data.$btgQuery}" (known: ${[...queries.keys()].join(', ') || 'none'}) in playbooks/queries/`,
        ),
      );
      continue;
    }
    setAt(definition, m.path, bindQuery(q.query.text, marker.data.bind));
  }

  // actions of features this config lacks are left out; nothing that stays may run after them
  const dropped = new Map<string, Feature>();
  walkActions(definition.actions, [], (name, _a, _p, siblings) => {
    const f = t.$btg.requires[name];
    if (f && !feats[f]) {
      delete siblings[name];
      dropped.set(name, f);
    }
  });
  walkActions(definition.actions, ['definition', 'actions'], (name, action, p) => {
    for (const dep of Object.keys(isObj(action.runAfter) ? action.runAfter : {})) {
      const f = dropped.get(dep);
      if (f)
        out.push(
          diag(
            source,
            'playbook-structure',
            [...p, 'runAfter', dep],
            `action "${name}" runs after "${dep}", which is left out when the config has no ${f}; make "${name}" not depend on it`,
          ),
        );
    }
  });

  // values inserted into HTML (mail bodies, Teams messages, incident comments) are HTML-encoded at run time
  encodeHtmlInterpolations(
    definition,
    used.map((u) => u.path.slice(1)),
  );

  const parameterValues: Partial<Record<ParameterName, unknown>> = {};
  for (const name of t.$btg.parameters) {
    const spec = PLAYBOOK_PARAMETERS[name];
    if (!spec.value) continue;
    try {
      parameterValues[name] = spec.value(config, ctx);
    } catch (e) {
      out.push({
        code: 'template-render',
        severity: 'error',
        file: source.file,
        path: ['$btg', 'parameters'],
        message: `parameter ${name}: ${(e as Error).message.split('\n')[0]}`,
      });
    }
  }
  const emitted = !t.$btg.when || feats[t.$btg.when];
  const ok = !out.some((d) => d.severity === 'error');
  return {
    item: {
      itemKind: 'playbook',
      templateId,
      file,
      source,
      meta: t.$btg,
      data: source.data,
      definition,
      queries: used,
      parameterValues,
      emitted,
      ok,
    },
    diagnostics: out,
  };
}

export function loadPlaybooks(
  dir: string,
  ctx: PackContext,
  config: Config,
): { items: PlaybookContent[]; queries: PlaybookQuery[]; diagnostics: Diagnostic[] } {
  const q = loadPlaybookQueries(path.join(dir, 'queries'), ctx, config);
  const items: PlaybookContent[] = [];
  const diagnostics = [...q.diagnostics];
  if (fs.existsSync(dir)) {
    for (const f of fs
      .readdirSync(dir)
      .filter((n) => n.toLowerCase().endsWith('.json'))
      .sort()) {
      const r = loadPlaybook(path.join(dir, f), q.queries, ctx, config);
      diagnostics.push(...r.diagnostics);
      if (r.item) items.push(r.item);
    }
  }
  return { items, queries: [...q.queries.values()], diagnostics };
}
