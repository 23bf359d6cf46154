import { sortDiagnostics } from '../../core/diagnostic';
import { jsonTerminalSafe } from '../../security/terminal';
import { Formatter } from './types';

/** Machine output: 1-based line/column, as editors and CI expect. */
/** C1 controls and direction overrides escaped (jsonTerminalSafe): the same JSON, safe to read in a terminal. */
export const json: Formatter = (diags, opts) =>
  jsonTerminalSafe(
    JSON.stringify(
      {
        ok: !diags.some((d) => d.severity === 'error'),
        errors: diags.filter((d) => d.severity === 'error').length,
        warnings: diags.filter((d) => d.severity === 'warning').length,
        ...(opts.extra ?? {}),
        diagnostics: sortDiagnostics(diags).map((d) => ({
          code: d.code,
          severity: d.severity,
          message: d.message,
          file: d.file,
          line: d.range ? d.range.start.line + 1 : undefined,
          column: d.range ? d.range.start.character + 1 : undefined,
          endLine: d.range ? d.range.end.line + 1 : undefined,
          endColumn: d.range ? d.range.end.character + 1 : undefined,
          path: d.path,
          item: d.item,
          ...(d.related
            ? {
                related: d.related.map((r) => ({
                  message: r.message,
                  file: r.file,
                  line: r.range ? r.range.start.line + 1 : undefined,
                  column: r.range ? r.range.start.character + 1 : undefined,
                })),
              }
            : {}),
        })),
      },
      null,
      2,
    ),
  ) + '\n';
