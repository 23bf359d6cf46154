/** Workbook structure checks: unique names, and every parameter a query, text or setting uses is declared before it. */
import { WorkbookContent, WorkbookQuery, walkItems } from '../../content/workbook';
import { PARAMETER_TYPES } from '../../content/workbookSchema';
import { FORMATS, parameterRefs, parameterScopes, visibleAt } from '../workbookParams';
import { duplicates } from '../../core/duplicates';
import { defineChecks, Finding } from './types';

export interface WorkbookFinding extends Finding {
  /** the workbook item the finding is about */
  item?: string;
  /** set with `query`: the offsets are inside this query's rendered text */
  queryOf?: WorkbookQuery;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const TYPE_NAMES: Record<number, string> = {
  1: 'text',
  2: 'drop-down',
  4: 'time range',
  5: 'resource',
  6: 'subscription',
};

export const workbookChecks = defineChecks<WorkbookContent, unknown, WorkbookFinding>()({
  'workbook-unique-names': {
    fn: (wb) => {
      // items and parameters, in document order; names are case-sensitive where the workbook uses them ({Name})
      const named: { kind: 'item' | 'parameter'; name: string; path: (string | number)[]; item: string }[] = [];
      walkItems(wb.data, (it, p) => {
        if (typeof it.name === 'string') named.push({ kind: 'item', name: it.name, path: p, item: it.name });
        const content = it.content;
        if (it.type !== 9 || !isObj(content) || !Array.isArray(content.parameters)) return;
        content.parameters.forEach((param, i) => {
          if (isObj(param) && typeof param.name === 'string')
            named.push({
              kind: 'parameter',
              name: param.name,
              path: [...p, 'content', 'parameters', i],
              item: String(it.name),
            });
        });
      });
      return duplicates(named, (n) => n.name, { exact: true, group: (n) => n.kind }).map(({ item: n, first }) => ({
        item: n.item,
        path: [...n.path, 'name'],
        message:
          n.kind === 'item'
            ? `duplicate item name "${n.name}": also used at ${first.path.join('.')}`
            : `duplicate parameter name "${n.name}": also declared at ${first.path.join('.')}`,
      }));
    },
  },
  'workbook-parameters': {
    fn: (wb) => {
      const f: WorkbookFinding[] = [];
      const scopes = parameterScopes(wb.data);
      const describe = (name: string, visible: Map<string, unknown>) => {
        const later = scopes.all.get(name);
        if (later)
          return `parameter "${name}" is declared only after this item (at ${later[0].path.join('.')}); declare it in an earlier parameters item`;
        const known = [...visible.keys()];
        return `parameter "${name}" is not declared${known.length ? ` (declared so far: ${known.join(', ')})` : ' (no parameters are declared before this item)'}`;
      };
      for (const q of wb.queries) {
        const visible = visibleAt(scopes, q.path);
        for (const ref of parameterRefs(q.query.text)) {
          const param = visible.get(ref.name);
          const at = { queryOf: q, item: q.itemName, query: { start: ref.start, length: ref.end - ref.start } };
          if (!param)
            f.push({
              ...at,
              message: `{${ref.name}${ref.format ? `:${ref.format}` : ''}}: ${describe(ref.name, visible)}`,
            });
          else if (!(FORMATS[param.type] ?? ['']).includes(ref.format)) {
            f.push({
              ...at,
              message: `{${ref.name}:${ref.format}}: a ${TYPE_NAMES[param.type] ?? `type ${param.type}`} parameter supports ${(FORMATS[param.type] ?? ['']).map((x) => (x ? `{${ref.name}:${x}}` : `{${ref.name}}`)).join(', ')}`,
            });
          }
        }
      }
      walkItems(wb.notebook, (it, p) => {
        const name = String(it.name);
        const visible = visibleAt(scopes, p);
        const content = isObj(it.content) ? it.content : {};
        if (it.type === 1 && typeof content.json === 'string') {
          for (const ref of parameterRefs(content.json))
            if (!visible.has(ref.name))
              f.push({
                item: name,
                path: [...p, 'content', 'json'],
                message: `text uses {${ref.name}}: ${describe(ref.name, visible)}`,
              });
        }
        const tc = content.timeContextFromParameter;
        if (typeof tc === 'string') {
          const param = visible.get(tc);
          if (!param)
            f.push({
              item: name,
              path: [...p, 'content', 'timeContextFromParameter'],
              message: `timeContextFromParameter "${tc}": ${describe(tc, visible)}`,
            });
          else if (param.type !== PARAMETER_TYPES.timeRange)
            f.push({
              item: name,
              path: [...p, 'content', 'timeContextFromParameter'],
              message: `timeContextFromParameter "${tc}" is a ${TYPE_NAMES[param.type] ?? 'non-time-range'} parameter; expected a time range (type 4)`,
            });
        }
        const vis = [
          ...(isObj(it.conditionalVisibility) ? [it.conditionalVisibility] : []),
          ...(Array.isArray(it.conditionalVisibilities) ? it.conditionalVisibilities : []),
        ];
        for (const v of vis) {
          const pn = isObj(v) ? v.parameterName : undefined;
          if (typeof pn === 'string' && !scopes.all.has(pn))
            f.push({
              item: name,
              path: [...p, 'conditionalVisibility', 'parameterName'],
              message: `conditional visibility uses parameter "${pn}", which is not declared`,
            });
        }
      });
      return f;
    },
  },
});
export type WorkbookCheckId = keyof typeof workbookChecks;
