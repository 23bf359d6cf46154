/**
 * ARM template evaluation for the emulator's deployments: a deployment creates its template's resources (in
 * template order, `condition` honoured) and lists them in `outputResources`, as ARM does — so a prune that deletes a
 * deployment's inner resources can be tested end to end. Independent of scripts/ (test support must not reuse the
 * code it tests). Supported: parameters, variables, concat, format, resourceGroup(), subscription(), resourceId,
 * subscriptionResourceId, guid, reference(id, version, 'full'), not, empty, equals, if, toLower, toUpper, property
 * access; `[[` escapes a literal `[`. Anything else fails the deployment with InvalidTemplate.
 */
import { ArmError } from './contract';
import { Json, ResourceStore, stableGuid } from './store';

export interface TemplateScope {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  store: ResourceStore;
}

export interface PlannedResource {
  /** full resource id */
  id: string;
  type: string;
  apiVersion: string;
  body: Json;
}

const invalid = (msg: string) => new ArmError(400, 'InvalidTemplate', `Deployment template validation failed: ${msg}`);

type Tok = { t: 's' | 'n' | 'id' | 'p'; v: string };

function tokens(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let v = '';
      i++;
      while (i < s.length && !(s[i] === "'" && s[i + 1] !== "'")) {
        if (s[i] === "'") i++;
        v += s[i++];
      }
      if (i >= s.length) throw invalid(`unterminated string in '${s}'`);
      i++;
      out.push({ t: 's', v });
    } else if (/[0-9]/.test(c)) {
      const m = /^\d+/.exec(s.slice(i))![0];
      out.push({ t: 'n', v: m });
      i += m.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))![0];
      out.push({ t: 'id', v: m });
      i += m.length;
    } else if ('(),.[]'.includes(c)) {
      out.push({ t: 'p', v: c });
      i++;
    } else throw invalid(`unexpected '${c}' in '${s}'`);
  }
  return out;
}

export class TemplateEngine {
  private readonly params: Record<string, unknown> = {};
  private readonly vars: Record<string, unknown>;
  private readonly rgId: string;

  constructor(
    private readonly scope: TemplateScope,
    template: Json,
    given: Json,
  ) {
    this.rgId = `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
    for (const [k, p] of Object.entries((template.parameters ?? {}) as Record<string, Json>))
      if (p && 'defaultValue' in p) this.params[k] = p.defaultValue;
    for (const [k, p] of Object.entries(given ?? {}))
      if (p && typeof p === 'object' && 'value' in (p as Json)) this.params[k] = (p as Json).value;
    this.vars = (template.variables ?? {}) as Record<string, unknown>;
  }

  /** Evaluate every expression string in a value. */
  value(v: unknown, depth = 0): unknown {
    if (depth > 20) throw invalid('expressions nested too deep');
    if (typeof v === 'string') {
      if (v.startsWith('[[')) return v.slice(1);
      if (v.startsWith('[') && v.endsWith(']')) return this.expr(v.slice(1, -1), depth);
      return v;
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x, depth)]));
    return v;
  }

  private expr(text: string, depth: number): unknown {
    const ts = tokens(text);
    let pos = 0;
    const want = (v: string) => {
      const t = ts[pos++];
      if (!t || t.t !== 'p' || t.v !== v) throw invalid(`expected '${v}' in '${text}'`);
    };
    const parse = (): unknown => {
      const t = ts[pos++];
      if (!t) throw invalid(`unexpected end of '${text}'`);
      let val: unknown;
      if (t.t === 's') val = t.v;
      else if (t.t === 'n') val = Number(t.v);
      else if (t.t === 'id') {
        want('(');
        const args: unknown[] = [];
        if (!(ts[pos]?.t === 'p' && ts[pos].v === ')')) {
          args.push(parse());
          while (ts[pos]?.t === 'p' && ts[pos].v === ',') {
            pos++;
            args.push(parse());
          }
        }
        want(')');
        val = this.call(t.v.toLowerCase(), args, depth);
      } else throw invalid(`unexpected '${t.v}' in '${text}'`);
      for (;;) {
        const n = ts[pos];
        if (n?.t === 'p' && n.v === '.') {
          pos++;
          const id = ts[pos++];
          val = (val as Json | undefined)?.[id.v];
        } else if (n?.t === 'p' && n.v === '[') {
          pos++;
          const k = parse();
          want(']');
          val = (val as Json | undefined)?.[String(k)];
        } else break;
      }
      return val;
    };
    const v = parse();
    if (pos !== ts.length) throw invalid(`trailing tokens in '${text}'`);
    return v;
  }

  private idOf(prefix: string, type: string, names: unknown[]): string {
    const [ns, ...types] = type.split('/');
    if (types.length !== names.length)
      throw invalid(`${type} needs ${types.length} name segment(s), got ${names.length}`);
    return `${prefix}/providers/${ns}/${types.map((t, i) => `${t}/${String(names[i])}`).join('/')}`;
  }

  private call(fn: string, a: unknown[], depth: number): unknown {
    switch (fn) {
      case 'parameters':
        if (!(String(a[0]) in this.params)) throw invalid(`the parameter '${String(a[0])}' has no value`);
        return this.value(this.params[String(a[0])], depth + 1);
      case 'variables':
        if (!(String(a[0]) in this.vars)) throw invalid(`the variable '${String(a[0])}' is not defined`);
        return this.value(this.vars[String(a[0])], depth + 1);
      case 'concat':
        return a.every(Array.isArray) ? (a as unknown[][]).flat() : a.map(String).join('');
      case 'format':
        return String(a[0]).replace(/\{(\d+)\}/g, (_, i) => String(a[Number(i) + 1]));
      case 'resourcegroup':
        return { id: this.rgId, name: this.scope.resourceGroup, location: this.scope.location };
      case 'subscription':
        return {
          id: `/subscriptions/${this.scope.subscriptionId}`,
          subscriptionId: this.scope.subscriptionId,
          tenantId: stableGuid('tenant'),
        };
      case 'resourceid':
        return this.idOf(this.rgId, String(a[0]), a.slice(1));
      case 'subscriptionresourceid':
        return this.idOf(`/subscriptions/${this.scope.subscriptionId}`, String(a[0]), a.slice(1));
      case 'guid':
        return stableGuid(`guid:${a.map(String).join('-')}`);
      case 'reference': {
        const r = this.scope.store.get(String(a[0]));
        if (!r)
          throw new ArmError(404, 'ResourceNotFound', `The Resource '${String(a[0])}' was not found (reference()).`);
        return String(a[2] ?? '').toLowerCase() === 'full' ? r.body : r.body.properties;
      }
      case 'not':
        return !a[0];
      case 'empty':
        return (
          a[0] === undefined ||
          a[0] === null ||
          a[0] === '' ||
          (Array.isArray(a[0]) && a[0].length === 0) ||
          (typeof a[0] === 'object' && a[0] !== null && Object.keys(a[0]).length === 0)
        );
      case 'equals':
        return JSON.stringify(a[0]) === JSON.stringify(a[1]);
      case 'if':
        return a[0] ? a[1] : a[2];
      case 'tolower':
        return String(a[0]).toLowerCase();
      case 'toupper':
        return String(a[0]).toUpperCase();
      default:
        throw invalid(`the template function '${fn}' is not supported by the emulator`);
    }
  }

  /** The next resource of the template, evaluated now (so reference() sees the ones created before it), or undefined when its condition is false. */
  resource(r: Json): PlannedResource | undefined {
    if (r.condition !== undefined && !this.value(r.condition)) return undefined;
    const type = String(r.type);
    const name = String(this.value(r.name));
    const scope = r.scope === undefined ? this.rgId : String(this.value(r.scope));
    const base = scope.startsWith('/') ? scope : `${this.rgId}/providers/${scope}`;
    const { type: _t, name: _n, apiVersion, dependsOn: _d, condition: _c, scope: _s, comments: _m, ...rest } = r;
    const body = this.value(rest) as Json;
    const nameSegs = name.split('/');
    const [ns, ...types] = type.split('/');
    if (types.length !== nameSegs.length) throw invalid(`the name '${name}' does not fit the type '${type}'`);
    return {
      id: `${base}/providers/${ns}/${types.map((t, i) => `${t}/${nameSegs[i]}`).join('/')}`,
      type,
      apiVersion: String(apiVersion),
      body,
    };
  }
}
