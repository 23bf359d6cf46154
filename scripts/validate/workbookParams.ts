/**
 * Workbook parameter references (`{TimeRange}`, `{TimeRange:start}`, `{Account}`) inside queries: which parameters a
 * query may use, and a KQL stand-in for each reference so the analyzer can check the rest of the query.
 *
 * The workbook substitutes references textually at view time (`{TimeRange}` becomes e.g. `> ago(1d)`, a multi-select
 * drop-down becomes `'a','b'`). For analysis only, each reference is replaced by a value of the same shape; the
 * source map is composed so analyzer offsets still land on the template.
 */
import { Rendered, Segment, toTemplateOffset } from '../content/render';
import { walkItems } from '../content/workbook';
import { PARAMETER_NAME_RE, PARAMETER_TYPES } from '../content/workbookSchema';

export interface DeclaredParameter {
  name: string;
  type: number;
  multiSelect: boolean;
  quote: string;
  /** default value, used as the stand-in for raw (unquoted) references */
  value: unknown;
  path: (string | number)[];
}

export interface ParameterRef {
  name: string;
  format: string;
  /** offsets in the rendered query */
  start: number;
  end: number;
}

const REF_RE = /\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+))?\}/g;

export function parameterRefs(text: string): ParameterRef[] {
  const out: ParameterRef[] = [];
  for (const m of text.matchAll(REF_RE))
    out.push({ name: m[1], format: m[2] ?? '', start: m.index!, end: m.index! + m[0].length });
  return out;
}

/** Formats each parameter type accepts (`{P:format}`); '' is the bare reference. */
export const FORMATS: Record<number, readonly string[]> = {
  [PARAMETER_TYPES.text]: ['', 'label', 'value'],
  [PARAMETER_TYPES.dropdown]: ['', 'label', 'value'],
  [PARAMETER_TYPES.timeRange]: ['', 'start', 'end', 'grain', 'label'],
  [PARAMETER_TYPES.resource]: ['', 'id', 'name', 'label', 'value', 'resourceGroup', 'subscription'],
  [PARAMETER_TYPES.subscription]: ['', 'id', 'name', 'label', 'value'],
};

/** Parameters declared anywhere in the workbook, and those visible at each item/parameter (declared before it). */
export interface ParameterScopes {
  all: Map<string, DeclaredParameter[]>;
  /** parameters declared before the item or parameter at `path` (the key is JSON.stringify(path)) */
  before: Map<string, Map<string, DeclaredParameter>>;
}

export function parameterScopes(data: unknown): ParameterScopes {
  const all = new Map<string, DeclaredParameter[]>();
  const before = new Map<string, Map<string, DeclaredParameter>>();
  const running = new Map<string, DeclaredParameter>();
  walkItems(data, (it, p) => {
    before.set(JSON.stringify(p), new Map(running));
    const content = it.content as Record<string, unknown> | undefined;
    if (it.type !== 9 || !content || !Array.isArray(content.parameters)) return;
    content.parameters.forEach((raw, i) => {
      const pp = [...p, 'content', 'parameters', i];
      before.set(JSON.stringify(pp), new Map(running));
      const param = raw as Record<string, unknown>;
      if (typeof param?.name !== 'string' || !PARAMETER_NAME_RE.test(param.name)) return;
      const d: DeclaredParameter = {
        name: param.name,
        type: typeof param.type === 'number' ? param.type : 0,
        multiSelect: param.multiSelect === true,
        quote: typeof param.quote === 'string' ? param.quote : "'",
        value: param.value,
        path: pp,
      };
      all.set(d.name, [...(all.get(d.name) ?? []), d]);
      running.set(d.name, d);
    });
  });
  return { all, before };
}

/** The parameters visible from a query at `queryPath` (the longest recorded prefix of it). */
export function visibleAt(
  scopes: ParameterScopes,
  queryPath: readonly (string | number)[],
): Map<string, DeclaredParameter> {
  for (let n = queryPath.length; n >= 0; n--) {
    const hit = scopes.before.get(JSON.stringify(queryPath.slice(0, n)));
    if (hit) return hit;
  }
  return new Map();
}

/** KQL stand-in for one reference, of the shape the workbook would insert. */
export function standIn(ref: ParameterRef, param: DeclaredParameter | undefined): string {
  const raw = (fallback: string) => (typeof param?.value === 'string' && param.value !== '' ? param.value : fallback);
  if (!param) return 'x';
  if (param.type === PARAMETER_TYPES.timeRange) {
    return { '': '> ago(1d)', start: 'ago(1d)', end: 'now()', grain: '1h', label: 'Last 24 hours' }[ref.format] ?? 'x';
  }
  if (param.type === PARAMETER_TYPES.dropdown && ref.format === '' && param.multiSelect)
    return `${param.quote}x${param.quote}`;
  return raw('x');
}

/** `r` with the given ranges replaced, and a source map that sends the replacements to the reference in the template. */
export function substituteRendered(r: Rendered, reps: { start: number; end: number; text: string }[]): Rendered {
  const sorted = [...reps].sort((a, b) => a.start - b.start);
  const segments: Segment[] = [];
  let text = '';
  const copy = (from: number, to: number) => {
    for (const s of r.segments) {
      const a = Math.max(from, s.outStart);
      const b = Math.min(to, s.outEnd);
      if (a >= b) continue;
      segments.push({
        outStart: text.length,
        outEnd: text.length + (b - a),
        tplStart: s.exact ? s.tplStart + (a - s.outStart) : s.tplStart,
        exact: s.exact,
      });
      text += r.text.slice(a, b);
    }
  };
  let pos = 0;
  for (const rep of sorted) {
    copy(pos, rep.start);
    segments.push({
      outStart: text.length,
      outEnd: text.length + rep.text.length,
      tplStart: toTemplateOffset(r, rep.start),
      exact: false,
    });
    text += rep.text;
    pos = rep.end;
  }
  copy(pos, r.text.length);
  return { text, segments };
}

/** The rendered query as the analyzer should see it: every reference replaced by its stand-in. */
export function analysisRendered(r: Rendered, visible: Map<string, DeclaredParameter>): Rendered {
  const reps = parameterRefs(r.text).map((ref) => ({
    start: ref.start,
    end: ref.end,
    text: standIn(ref, visible.get(ref.name)),
  }));
  return reps.length ? substituteRendered(r, reps) : r;
}
