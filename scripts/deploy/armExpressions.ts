/**
 * A tiny evaluator for the ARM template expressions that name resources (`[parameters('x')]`,
 * `[concat(variables('prefix'), '-o365')]`, `[format('{0}-teams', parameters('name'))]`), so post-deploy steps can
 * name the API connections a playbook deployment creates. Anything else (resourceGroup(), reference(), …) is
 * "not known here" (undefined), never a guess.
 */
export interface ArmEvalContext {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
}

class Unsupported extends Error {}

type Token = { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'p'; v: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) throw new Unsupported('unterminated string');
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += s[i++];
      }
      out.push({ t: 'str', v });
    } else if (/[0-9-]/.test(ch)) {
      const m = /^-?\d+/.exec(s.slice(i))!;
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))!;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if ('(),.[]'.includes(ch)) {
      out.push({ t: 'p', v: ch });
      i++;
    } else {
      throw new Unsupported(`unexpected ${ch}`);
    }
  }
  return out;
}

function resolveValue(v: unknown, ctx: ArmEvalContext, depth: number): unknown {
  return typeof v === 'string' && isExpression(v) ? evaluate(v, ctx, depth + 1) : v;
}

const isExpression = (s: string) => s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');

function evaluate(text: string, ctx: ArmEvalContext, depth: number): unknown {
  if (depth > 10) throw new Unsupported('too deep');
  const tokens = tokenize(text.slice(1, -1));
  let pos = 0;
  const peek = () => tokens[pos];
  const expectP = (v: string) => {
    const t = tokens[pos++];
    if (!t || t.t !== 'p' || t.v !== v) throw new Unsupported(`expected ${v}`);
  };
  const expr = (): unknown => {
    const t = tokens[pos++];
    if (!t) throw new Unsupported('unexpected end');
    let value: unknown;
    if (t.t === 'str' || t.t === 'num') value = t.v;
    else if (t.t === 'id') {
      expectP('(');
      const args: unknown[] = [];
      if (!(peek()?.t === 'p' && peek()!.v === ')')) {
        args.push(expr());
        while (peek()?.t === 'p' && peek()!.v === ',') {
          pos++;
          args.push(expr());
        }
      }
      expectP(')');
      value = call(t.v.toLowerCase(), args);
    } else throw new Unsupported(`unexpected ${t.v}`);
    // property access: .name or ['name']
    for (;;) {
      const n = peek();
      if (n?.t === 'p' && n.v === '.') {
        pos++;
        const id = tokens[pos++];
        if (id?.t !== 'id') throw new Unsupported('expected a property name');
        value = (value as Record<string, unknown> | undefined)?.[id.v];
      } else if (n?.t === 'p' && n.v === '[') {
        pos++;
        const key = expr();
        expectP(']');
        value = (value as Record<string, unknown> | undefined)?.[String(key)];
      } else break;
    }
    return value;
  };
  const call = (fn: string, args: unknown[]): unknown => {
    switch (fn) {
      case 'parameters': {
        const name = String(args[0]);
        if (!(name in ctx.parameters)) throw new Unsupported(`parameter ${name}`);
        return resolveValue(ctx.parameters[name], ctx, depth);
      }
      case 'variables': {
        const name = String(args[0]);
        if (!(name in ctx.variables)) throw new Unsupported(`variable ${name}`);
        return resolveValue(ctx.variables[name], ctx, depth);
      }
      case 'concat':
        if (args.every((a) => typeof a === 'string' || typeof a === 'number')) return args.join('');
        throw new Unsupported('concat of non-strings');
      case 'format':
        return String(args[0]).replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i) + 1]));
      case 'tolower':
        return String(args[0]).toLowerCase();
      case 'toupper':
        return String(args[0]).toUpperCase();
      default:
        throw new Unsupported(fn);
    }
  };
  const v = expr();
  if (pos !== tokens.length) throw new Unsupported('trailing tokens');
  return v;
}

/** The value of an ARM template string (a literal, or an expression built from the supported functions), or undefined. */
export function evalArmString(value: unknown, ctx: ArmEvalContext): string | undefined {
  if (typeof value !== 'string') return undefined;
  // ARM's escape: "[[x]" reads as "[x]"; a string that does not end with "]" is a literal as written ("[[x" stays "[[x")
  if (!isExpression(value)) return value.startsWith('[[') && value.endsWith(']') ? value.slice(1) : value;
  try {
    const v = evaluate(value, ctx, 0);
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

/** Parameter values of a deployment: `properties.parameters.<name>.value` over the template's `defaultValue`s. */
export function deploymentContext(deploymentProperties: Record<string, unknown>): ArmEvalContext {
  const template = (deploymentProperties.template ?? {}) as {
    parameters?: Record<string, { defaultValue?: unknown }>;
    variables?: Record<string, unknown>;
  };
  const given = (deploymentProperties.parameters ?? {}) as Record<string, { value?: unknown }>;
  const parameters: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(template.parameters ?? {}))
    if (p && 'defaultValue' in p) parameters[k] = p.defaultValue;
  for (const [k, p] of Object.entries(given)) if (p && 'value' in p) parameters[k] = p.value;
  return { parameters, variables: template.variables ?? {} };
}
