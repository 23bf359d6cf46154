/**
 * Playbook checks. The first is a security invariant of the pack: no playbook action disables, blocks, resets or
 * deletes a user, or otherwise locks a break-glass account out.
 */
import { KqlAnalysis } from '../../kql/analyzer';
import { DATETIME_BINDING, PlaybookContent, PlaybookQuery, walkActions } from '../../content/playbooks';
import { PlaybookTemplate } from '../../content/playbookSchema';
import { defineChecks, Finding } from './types';

export interface PlaybookFinding extends Finding {
  /** set with `query`: the offsets are inside this query's rendered text */
  queryOf?: PlaybookQuery;
}
export interface PlaybookCheckContext {
  /** analysis of each query the playbook uses, by query name */
  analyses: ReadonlyMap<string, KqlAnalysis>;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------------------
// lock-out safety

/**
 * URL/path fragments of requests that lock a user out. revokeSignInSessions is included on purpose: it does not
 * disable the account, but these playbooks run automatically on every break-glass sign-in, including a real
 * emergency, where cutting the responder's sessions (and, with it, the tenant's last working admin session) is the
 * outage the account exists to end. Revoking sessions stays a human decision in the break-glass procedure.
 */
const LOCKOUT_TARGETS: { re: RegExp; what: string }[] = [
  { re: /revokesigninsessions|invalidateallrefreshtokens/i, what: "revokes the user's sign-in sessions" },
  { re: /resetpassword|\/password\/reset|passwordreset/i, what: 'resets a password' },
  {
    re: /confirmcompromised/i,
    what: 'confirms the user compromised (risk-based Conditional Access can then block the account)',
  },
  { re: /(disable|block|suspend|lock)[-_ ]?(user|account|sign-?in)/i, what: 'disables or blocks a user' },
];
/** A DELETE on these removes the user or its sign-in methods. */
const DELETE_TARGETS =
  /\/(users|me|directoryobjects|deleteditems)\b|\/authentication\b|\/(fido2|passkey|microsoftauthenticator|windowshelloforbusiness|phone|email|softwareoath|temporaryaccesspass|x509certificate)methods\b/i;
/** Action types that run code the check cannot see into. */
const OPAQUE_TYPES = new Set([
  'workflow',
  'function',
  'apimanagement',
  'javascriptcode',
  'powershellcode',
  'csharpscriptcode',
]);
/** Connectors whose operations run arbitrary scripts (an Automation runbook can disable anyone). */
const OPAQUE_CONNECTORS = /\['(azureautomation|azurefunctions|azurevm)'\]/i;

/** Problems with one request (method, URL or connector path, body); Graph $batch bodies are opened up. */
export function requestProblems(method: unknown, target: unknown, body: unknown): string[] {
  const out: string[] = [];
  const m = typeof method === 'string' ? method.toUpperCase() : '';
  const t = typeof target === 'string' ? target : '';
  for (const { re, what } of LOCKOUT_TARGETS) if (re.test(t)) out.push(`${what} (${m || 'call'} ${t})`);
  if (m === 'DELETE' && DELETE_TARGETS.test(t)) out.push(`deletes a user or its authentication methods (DELETE ${t})`);
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isObj(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (/^accountEnabled$/i.test(k) && x !== true)
        out.push(`sets accountEnabled to ${JSON.stringify(x)} (only a literal true is allowed)`);
      else if (/^passwordProfile$/i.test(k)) out.push('sets passwordProfile (a password reset)');
      else if (/^requests$/i.test(k) && Array.isArray(x)) {
        for (const r of x)
          if (isObj(r)) out.push(...requestProblems(r.method, r.url, r.body).map((s) => `in a $batch request: ${s}`));
      } else walk(x);
    }
  };
  walk(body);
  if (typeof body === 'string') {
    if (/"accountEnabled"\s*:\s*(?!true\b)/i.test(body)) out.push('sets accountEnabled in a text body');
    if (/"passwordProfile"/i.test(body)) out.push('sets passwordProfile in a text body');
  }
  return out;
}

/** Everything wrong with one workflow action, lock-out-wise. */
export function lockoutProblems(action: Json): string[] {
  const type = typeof action.type === 'string' ? action.type : '';
  const inputs = isObj(action.inputs) ? action.inputs : {};
  if (OPAQUE_TYPES.has(type.toLowerCase()))
    return [`runs a ${type} action, whose effect cannot be inspected; call the API directly instead`];
  const out: string[] = [];
  const conn = isObj(inputs.host) && isObj(inputs.host.connection) ? String(inputs.host.connection.name ?? '') : '';
  if (OPAQUE_CONNECTORS.test(conn))
    out.push(`calls a connector that runs scripts (${conn}); its effect cannot be inspected`);
  if (/^http$/i.test(type)) out.push(...requestProblems(inputs.method, inputs.uri, inputs.body));
  if (/^apiconnection/i.test(type)) out.push(...requestProblems(inputs.method, inputs.path, inputs.body));
  if (/^httpwebhook$/i.test(type)) {
    for (const k of ['subscribe', 'unsubscribe']) {
      const r = isObj(inputs[k]) ? (inputs[k] as Json) : {};
      out.push(...requestProblems(r.method, r.uri, r.body));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// secrets

const SECRET_VALUES: { re: RegExp; what: string }[] = [
  { re: /https:\/\/[^\s"']*\.webhook\.office\.com\//i, what: 'an Office 365 / Teams incoming-webhook URL' },
  { re: /https:\/\/[^\s"']*logic\.azure\.com[^\s"']*[?&]sig=/i, what: 'a signed Logic Apps callback URL' },
  { re: /https:\/\/hooks\.slack\.com\/services\//i, what: 'a Slack webhook URL' },
  { re: /[?&](sig|code)=[A-Za-z0-9%_-]{16,}/, what: 'a URL with a signature or key (sig= / code=)' },
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
  { re: /(AccountKey|SharedAccessKey|SharedAccessSignature)=/i, what: 'a storage or service-bus key' },
  { re: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./, what: 'a bearer token (JWT)' },
];
const SECRET_KEYS = /^(password|passwd|secret|client_?secret|api_?key|access_?token|token|sas|connection_?string)$/i;
/** Logic Apps authentication types that carry a credential in the definition; the pack uses ManagedServiceIdentity. */
const SECRET_AUTH = new Set(['basic', 'clientcertificate', 'activedirectoryoauth', 'raw']);

/** Secrets in any JSON value, with their paths. Expressions (`@…`, `[…]`) are references, not secrets. */
export function secretFindings(value: unknown, base: (string | number)[]): Finding[] {
  const out: Finding[] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    if (typeof v === 'string') {
      for (const { re, what } of SECRET_VALUES)
        if (re.test(v))
          out.push({
            path: p,
            message: `contains ${what}: pass it as a secureString deploy-time parameter, never in the template`,
          });
      return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...p, i]));
    if (!isObj(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (SECRET_KEYS.test(k) && typeof x === 'string' && x !== '' && !/^[@[]/.test(x))
        out.push({
          path: [...p, k],
          message: `"${k}" holds a literal value: a secret belongs in a secureString deploy-time parameter`,
        });
      if (k === 'authentication' && isObj(x) && typeof x.type === 'string' && SECRET_AUTH.has(x.type.toLowerCase()))
        out.push({
          path: [...p, k, 'type'],
          message: `authentication type ${x.type} carries a credential; use ManagedServiceIdentity`,
        });
      walk(x, [...p, k]);
    }
  };
  walk(value, base);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

const definitionOf = (pb: PlaybookContent): Json =>
  isObj(pb.data) && isObj((pb.data as Json).definition) ? ((pb.data as Json).definition as Json) : {};

export const playbookChecks = defineChecks<PlaybookContent, PlaybookCheckContext, PlaybookFinding>()({
  'playbook-lockout-safety': {
    fn: (pb) => {
      const f: PlaybookFinding[] = [];
      const def = definitionOf(pb);
      for (const [k, trig] of Object.entries(isObj(def.triggers) ? def.triggers : {})) {
        if (isObj(trig))
          for (const msg of lockoutProblems(trig))
            f.push({ path: ['definition', 'triggers', k], message: `trigger "${k}" ${msg}` });
      }
      walkActions(def.actions, ['definition', 'actions'], (name, action, p) => {
        for (const msg of lockoutProblems(action)) f.push({ path: p, message: `action "${name}" ${msg}` });
      });
      return f;
    },
  },
  'playbook-no-secrets': {
    fn: (pb) => secretFindings(pb.data, []),
  },
  'playbook-structure': {
    fn: (pb) => {
      const f: PlaybookFinding[] = [];
      const parsed = PlaybookTemplate.safeParse(pb.data);
      if (!parsed.success) return f; // the loader reported the schema errors
      const { $btg: meta, definition: def } = parsed.data;
      const names = new Set<string>();
      walkActions(def.actions, ['definition', 'actions'], (name, action, p, siblings) => {
        names.add(name);
        for (const dep of Object.keys(isObj(action.runAfter) ? action.runAfter : {})) {
          if (!(dep in siblings))
            f.push({
              path: [...p, 'runAfter', dep],
              message: `action "${name}" runs after "${dep}", which is not an action at the same level (${Object.keys(siblings).join(', ')})`,
            });
        }
      });
      for (const name of Object.keys(meta.requires))
        if (!names.has(name))
          f.push({
            path: ['$btg', 'requires', name],
            message: `requires names action "${name}", which is not in the definition`,
          });
      const text = JSON.stringify(def);
      const declared = new Set<string>(['$connections', ...meta.parameters]);
      for (const m of text.matchAll(/parameters\('([^']+)'\)/g)) {
        if (!declared.has(m[1]))
          f.push({
            path: ['$btg', 'parameters'],
            message: `the definition uses parameters('${m[1]}'), which is not declared in $btg.parameters`,
          });
      }
      for (const m of text.matchAll(/\$connections'\)\['([^']+)'\]/g)) {
        if (!['azuresentinel', 'office365', 'teams'].includes(m[1]))
          f.push({
            path: ['definition'],
            message: `unknown connection "${m[1]}" (known: azuresentinel, office365, teams)`,
          });
      }
      const trigger = Object.values(def.triggers)[0] ?? {};
      const isIncident =
        trigger.type === 'ApiConnectionWebhook' &&
        isObj(trigger.inputs) &&
        trigger.inputs.path === '/incident-creation';
      if (meta.trigger === 'incident' && !isIncident)
        f.push({
          path: ['definition', 'triggers'],
          message:
            'an incident playbook needs the Microsoft Sentinel incident trigger (ApiConnectionWebhook, path /incident-creation): automation rules can only run those',
        });
      if (meta.trigger === 'schedule' && trigger.type !== 'Recurrence')
        f.push({ path: ['definition', 'triggers'], message: 'a schedule playbook needs a Recurrence trigger' });
      return [...new Map(f.map((x) => [x.message, x])).values()];
    },
  },
  'playbook-query': {
    fn: (pb, ctx) => {
      const f: PlaybookFinding[] = [];
      for (const u of pb.queries) {
        const q = u.query;
        if (!q) continue;
        const declared = new Map(q.declared.map((d) => [d.name, d.type]));
        for (const [name, type] of declared) {
          if (type !== 'datetime')
            f.push({
              path: u.path,
              message: `query ${q.name}: parameter ${name} is ${type}; only datetime parameters can be bound`,
            });
          else if (!(name in u.marker.bind))
            f.push({
              path: [...u.path, 'bind'],
              message: `query ${q.name} declares ${name} but the marker does not bind it`,
            });
        }
        for (const [name, expr] of Object.entries(u.marker.bind)) {
          if (!declared.has(name))
            f.push({
              path: [...u.path, 'bind', name],
              message: `binds ${name}, which query ${q.name} does not declare (declare query_parameters(${name}: datetime))`,
            });
          else if (!DATETIME_BINDING.test(expr))
            f.push({
              path: [...u.path, 'bind', name],
              message: `binding of ${name} must be @{formatDateTime(<expression>, 'yyyy-MM-ddTHH:mm:ssZ')}, got ${JSON.stringify(expr)}`,
            });
        }
        // the query ships escaped for the workflow language (content/playbooks.ts bindQuery): only the bindings may evaluate
        let shipped: unknown = pb.definition;
        for (const seg of u.path.slice(1)) shipped = (shipped as Record<string | number, unknown> | undefined)?.[seg];
        if (typeof shipped === 'string') {
          const unbound = shipped.replace(
            /datetime\(@\{formatDateTime\((.+?), 'yyyy-MM-ddTHH:mm:ssZ'\)\}\)/g,
            'datetime()',
          );
          if (/(^|[^@])@\{/.test(unbound) || (unbound.startsWith('@') && !unbound.startsWith('@@')))
            f.push({
              path: u.path,
              message: `query ${q.name} ships with an unescaped "@" expression, which Logic Apps would evaluate`,
            });
        }
        const a = ctx.analyses.get(q.name);
        if (a && !a.diagnostics.some((d) => d.severity === 'error')) {
          const cols = a.columns.map((c) => `${c.name}:${c.type}`).join(', ');
          if (a.columns.length !== 1 || a.columns[0].name !== 'Row' || a.columns[0].type !== 'dynamic')
            f.push({
              queryOf: q,
              query: { start: Math.max(0, q.query.text.lastIndexOf('|')), length: 1 },
              message: `query ${q.name} must return one dynamic column Row (end with | project Row = bag_pack(...)); it returns (${cols})`,
            });
        }
      }
      return f;
    },
  },
});
export type PlaybookCheckId = keyof typeof playbookChecks;
