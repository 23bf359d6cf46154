/**
 * Logic App workflows read out of emitted playbook artifacts, and the flow graph of one definition:
 * a node per trigger and per action (nested ones included), edges from `runAfter`, and from a container
 * action (If, Switch, Foreach, Until, Scope) to the first actions of each of its branches.
 */
import { stableStringify } from '../resources';
import type { Artifact } from '../artifacts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Workflow {
  /** stable key: artifact path, plus `#n` for the n-th workflow when a file holds several */
  key: string;
  /** display name: the playbook's own (the artifact's name), else the Logic App name */
  name: string;
  /** the Logic App resource name (ARM parameter default or literal name), when it differs from the display name */
  resourceName?: string;
  artifact: Artifact;
  definition: Json;
}

export interface FlowNode {
  id: string;
  /** the trigger or action name as written in the definition */
  name: string;
  role: 'trigger' | 'action';
  /** Logic App type: Request, Recurrence, ApiConnection, If, Foreach ... */
  type: string;
  /** short extra: the connector of an ApiConnection, the method of an Http action ... */
  detail?: string;
  /** the loop (Foreach / Until) or Scope whose body holds this action, innermost: drawn inside its group */
  group?: string;
}

export interface FlowEdge {
  from: string;
  to: string;
  /** branch (`true`, `false`, `case "x"`, `for each` ...) or non-default run-after statuses */
  label?: string;
}

/** A loop or scope body, drawn as a box around its actions (`parent`: the enclosing group, for nested loops). */
export interface FlowGroup {
  id: string;
  /** the container action's node id */
  owner: string;
  label: string;
  parent?: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  groups?: FlowGroup[];
}

const isWorkflowResource = (o: Json) =>
  typeof o.type === 'string' &&
  o.type.toLowerCase() === 'microsoft.logic/workflows' &&
  isObj(o.properties) &&
  isObj((o.properties as Json).definition);
const isDefinition = (o: Json) =>
  typeof o.$schema === 'string' && /workflowdefinition/i.test(o.$schema) && (isObj(o.triggers) || isObj(o.actions));

/** ARM names are often expressions (`[parameters('PlaybookName')]`): show the parameter's default or the plain text inside. */
function displayName(resource: Json, doc: Json, fallback: string): string {
  const name = typeof resource.name === 'string' ? resource.name : '';
  if (!name) return fallback;
  const param = /^\[parameters\('([^']+)'\)\]$/.exec(name);
  if (param) {
    const def =
      isObj(doc.parameters) && isObj((doc.parameters as Json)[param[1]])
        ? ((doc.parameters as Json)[param[1]] as Json).defaultValue
        : undefined;
    return typeof def === 'string' && def ? def : fallback;
  }
  return name.startsWith('[') ? fallback : name;
}

/** Every Logic App definition in the playbook artifacts (ARM templates or bare workflow files), once each. */
export function findWorkflows(artifacts: readonly Artifact[]): Workflow[] {
  const out: Workflow[] = [];
  const seen = new Set<string>();
  for (const artifact of artifacts) {
    if (!artifact.kind.toLowerCase().includes('playbook') || !artifact.path.endsWith('.json')) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(artifact.content);
    } catch {
      continue; // not JSON: nothing to draw
    }
    const found: { name: string; resourceName?: string; definition: Json }[] = [];
    const fallback = artifact.name ?? artifact.templateId ?? artifact.path;
    const walk = (v: unknown) => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!isObj(v)) return;
      if (isWorkflowResource(v)) {
        const resourceName = displayName(v, isObj(doc) ? doc : {}, fallback);
        found.push({
          name: artifact.name ?? resourceName,
          resourceName: resourceName !== (artifact.name ?? resourceName) ? resourceName : undefined,
          definition: (v.properties as Json).definition as Json,
        });
      } else if (isDefinition(v)) found.push({ name: fallback, definition: v });
      else Object.values(v).forEach(walk);
    };
    walk(doc);
    found.forEach((f, i) => {
      const hash = stableStringify(f.definition);
      if (seen.has(hash)) return; // the same playbook emitted twice (bare + ARM) is drawn once
      seen.add(hash);
      out.push({
        key: found.length > 1 ? `${artifact.path}#${i}` : artifact.path,
        name: f.name,
        resourceName: f.resourceName,
        artifact,
        definition: f.definition,
      });
    });
  }
  return out;
}

/** The branches of a container action: [label, actions] pairs, in definition order. */
export function branches(action: Json): [string, Json][] {
  const type = String(action.type ?? '').toLowerCase();
  const out: [string, Json][] = [];
  const acts = (o: unknown) => (isObj(o) && isObj(o.actions) ? (o.actions as Json) : undefined);
  if (type === 'if') {
    if (isObj(action.actions)) out.push(['true', action.actions as Json]);
    const e = acts(action.else);
    if (e) out.push(['false', e]);
  } else if (type === 'switch') {
    if (isObj(action.cases)) {
      for (const [name, c] of Object.entries(action.cases as Json)) {
        const a = acts(c);
        if (a) out.push([isObj(c) && c.case !== undefined ? `case ${JSON.stringify(c.case)}` : name, a]);
      }
    }
    const d = acts(action.default);
    if (d) out.push(['default', d]);
  } else if (isObj(action.actions)) {
    out.push([
      type === 'foreach' ? 'for each' : type === 'until' ? 'until' : type === 'scope' ? 'scope' : type,
      action.actions as Json,
    ]);
  }
  return out;
}

/** Count every action of a definition, nested ones included. */
export function countActions(definition: Json): number {
  const count = (actions: Json): number =>
    Object.values(actions).reduce<number>(
      (n, a) => n + 1 + (isObj(a) ? branches(a).reduce((m, [, sub]) => m + count(sub), 0) : 0),
      0,
    );
  return isObj(definition.actions) ? count(definition.actions as Json) : 0;
}

function detailOf(a: Json): string | undefined {
  const inputs = isObj(a.inputs) ? a.inputs : undefined;
  const type = String(a.type ?? '');
  if (type === 'ApiConnection' || type === 'ApiConnectionWebhook') {
    const conn =
      isObj(inputs?.host) && isObj((inputs!.host as Json).connection)
        ? String(((inputs!.host as Json).connection as Json).name ?? '')
        : '';
    // "@parameters('$connections')['office365']['connectionId']" → office365
    const m = /\['([^']+)'\]\['connectionId'\]/.exec(conn);
    const method = typeof inputs?.method === 'string' ? inputs.method.toUpperCase() : '';
    return [m?.[1] ?? '', method].filter(Boolean).join(' ') || undefined;
  }
  if (type === 'Http' && typeof inputs?.method === 'string') return inputs.method.toUpperCase();
  if (type === 'Recurrence' && isObj(a.recurrence))
    return `every ${a.recurrence.interval ?? 1} ${String(a.recurrence.frequency ?? '').toLowerCase()}`;
  if (typeof a.kind === 'string') return a.kind;
  return undefined;
}

const runAfterLabel = (statuses: unknown): string | undefined => {
  if (!Array.isArray(statuses) || !statuses.length) return undefined;
  const s = statuses.map(String);
  return s.length === 1 && s[0].toLowerCase() === 'succeeded' ? undefined : s.join(' / ');
};

export function flowGraph(definition: Json): FlowGraph {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const triggers = isObj(definition.triggers) ? Object.entries(definition.triggers as Json) : [];
  for (const [name, t] of triggers)
    nodes.push({
      id: `t:${name}`,
      name,
      role: 'trigger',
      type: String(isObj(t) ? (t.type ?? '') : ''),
      detail: isObj(t) ? detailOf(t) : undefined,
    });
  // one scope = the actions map of the workflow or of one branch, entered from `parents` with `label`
  const groups: FlowGroup[] = [];
  const scope = (actions: Json, parents: string[], label?: string, group?: string) => {
    for (const [name, a] of Object.entries(actions)) {
      const action = isObj(a) ? a : {};
      const id = `a:${name}`;
      const type = String(action.type ?? '');
      nodes.push({ id, name, role: 'action', type, detail: detailOf(action), ...(group ? { group } : {}) });
      const deps = isObj(action.runAfter)
        ? Object.entries(action.runAfter as Json).filter(([dep]) => dep in actions)
        : [];
      if (deps.length)
        for (const [dep, statuses] of deps) edges.push({ from: `a:${dep}`, to: id, label: runAfterLabel(statuses) });
      else for (const p of parents) edges.push({ from: p, to: id, label });
      // a loop's (or scope's) body is grouped in a box; condition and switch branches stay in the main flow
      const boxed = ['foreach', 'until', 'scope'].includes(type.toLowerCase());
      const inner = boxed ? `g:${name}` : group;
      if (boxed)
        groups.push({
          id: inner!,
          owner: id,
          label: `${type.toLowerCase() === 'foreach' ? 'for each' : type.toLowerCase()}: ${name.replace(/_/g, ' ')}`,
          ...(group ? { parent: group } : {}),
        });
      for (const [branch, sub] of branches(action)) scope(sub, [id], branch, inner);
    }
  };
  if (isObj(definition.actions))
    scope(
      definition.actions as Json,
      triggers.map(([n]) => `t:${n}`),
    );
  return { nodes, edges, groups };
}
