/**
 * The subset of the Notebook/1.0 workbook format the pack writes, as one zod schema. Item content
 * is `passthrough`: grid, tile and chart settings are free-form; what the pack relies on is typed here.
 */
import { z } from 'zod';
import { GUID_RE } from '../core/definitions';

export const LA_RESOURCE_TYPE = 'microsoft.operationalinsights/workspaces';
/** Workbook parameter type codes: 1 text, 2 drop-down, 4 time range, 5 resource, 6 subscription. */
export const PARAMETER_TYPES = { text: 1, dropdown: 2, timeRange: 4, resource: 5, subscription: 6 } as const;
export const PARAMETER_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const Visibility = z
  .object({
    parameterName: z.string().min(1),
    comparison: z.enum(['isEqualTo', 'isNotEqualTo']),
    value: z.unknown().optional(),
  })
  .strict();

export const WorkbookParameter = z
  .object({
    id: z.string().regex(GUID_RE, { message: 'expected a GUID' }),
    version: z.literal('KqlParameterItem/1.0'),
    name: z.string().regex(PARAMETER_NAME_RE, { message: 'expected a parameter name (letters, digits, underscore)' }),
    type: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(5), z.literal(6)], {
      errorMap: () => ({
        message: 'expected a parameter type 1 (text), 2 (drop-down), 4 (time range), 5 (resource) or 6 (subscription)',
      }),
    }),
    label: z.string().optional(),
    isRequired: z.boolean().optional(),
    multiSelect: z.boolean().optional(),
    quote: z.string().max(1).optional(),
    delimiter: z.string().optional(),
    query: z.string().optional(),
    queryType: z.literal(0).optional(),
    resourceType: z.literal(LA_RESOURCE_TYPE).optional(),
    value: z.unknown().optional(),
    typeSettings: z.record(z.unknown()).optional(),
    timeContext: z.object({ durationMs: z.number().int().positive() }).strict().optional(),
    timeContextFromParameter: z.string().optional(),
  })
  .passthrough();
export type WorkbookParameter = z.infer<typeof WorkbookParameter>;

const base = {
  name: z.string().min(1, { message: 'every item needs a unique name' }),
  customWidth: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional(),
  conditionalVisibility: Visibility.optional(),
  conditionalVisibilities: z.array(Visibility).optional(),
};

const TextItem = z
  .object({ type: z.literal(1), ...base, content: z.object({ json: z.string() }).passthrough() })
  .strict();

const QueryItem = z
  .object({
    type: z.literal(3),
    ...base,
    content: z
      .object({
        version: z.literal('KqlItem/1.0'),
        query: z.string().min(1),
        // the pack analyses every tile as Log Analytics KQL against the workspace
        queryType: z.literal(0, { errorMap: () => ({ message: 'expected queryType 0 (Log Analytics)' }) }),
        resourceType: z.literal(LA_RESOURCE_TYPE),
        title: z.string().optional(),
        size: z.number().int().optional(),
        visualization: z
          .enum([
            'table',
            'tiles',
            'timechart',
            'barchart',
            'piechart',
            'areachart',
            'linechart',
            'scatterchart',
            'categoricalbar',
            'map',
            'graph',
            'card',
          ])
          .optional(),
        timeContext: z.object({ durationMs: z.number().int().positive() }).strict().optional(),
        timeContextFromParameter: z.string().optional(),
      })
      .passthrough(),
  })
  .strict();

const ParametersItem = z
  .object({
    type: z.literal(9),
    ...base,
    content: z
      .object({ version: z.literal('KqlParameterItem/1.0'), parameters: z.array(WorkbookParameter).min(1) })
      .passthrough(),
  })
  .strict();

const LinksItem = z
  .object({
    type: z.literal(11),
    ...base,
    content: z.object({ version: z.literal('LinkItem/1.0'), links: z.array(z.record(z.unknown())) }).passthrough(),
  })
  .strict();

export type WorkbookItemJson =
  | z.infer<typeof TextItem>
  | z.infer<typeof QueryItem>
  | z.infer<typeof ParametersItem>
  | z.infer<typeof LinksItem>
  | {
      type: 12;
      name: string;
      customWidth?: string;
      conditionalVisibility?: z.infer<typeof Visibility>;
      content: { version: 'NotebookGroup/1.0'; groupType: string; items: WorkbookItemJson[]; [k: string]: unknown };
    };

const GroupItem = z
  .object({
    type: z.literal(12),
    ...base,
    content: z
      .object({
        version: z.literal('NotebookGroup/1.0'),
        groupType: z.string(),
        items: z.array(z.lazy((): z.ZodTypeAny => WorkbookItem)),
      })
      .passthrough(),
  })
  .strict();

/** Discriminated on `type`, so a wrong field reports against its own item kind, not "no union member matched". */
export const WorkbookItem = z.discriminatedUnion('type', [TextItem, QueryItem, ParametersItem, LinksItem, GroupItem]);
export const ITEM_TYPES = [1, 3, 9, 11, 12] as const;

/** Pack metadata carried in the template and stripped from what ships. */
export const WorkbookMeta = z
  .object({ displayName: z.string().min(1).max(256), description: z.string().min(1) })
  .strict();

export const WorkbookTemplate = z
  .object({
    $schema: z.string().optional(),
    version: z.literal('Notebook/1.0'),
    $btg: WorkbookMeta,
    items: z.array(WorkbookItem).min(1),
    isLocked: z.boolean().optional(),
    fallbackResourceIds: z.array(z.string()).optional(),
    fromTemplateId: z.string().optional(),
  })
  .strict();
export type WorkbookTemplate = z.infer<typeof WorkbookTemplate>;
