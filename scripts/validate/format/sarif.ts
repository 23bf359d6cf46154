/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per check id (from the catalogue the caller passes), one
 * result per diagnostic, located in the template or config file (1-based line/column, relative to
 * %SRCROOT%), so findings show on the pull request's lines.
 */
import { pathToFileURL } from 'url';
import type * as Sarif from 'sarif';
import { Diagnostic, formatPath, sortDiagnostics } from '../../core/diagnostic';
import { jsonTerminalSafe } from '../../security/terminal';
import { Formatter } from './types';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Diagnostic['severity'], Sarif.Result.level> = { error: 'error', warning: 'warning', info: 'note' };

/** `rule-entity-column` → `RuleEntityColumn` (SARIF's rule `name` is an identifier-like string). */
const pascal = (id: string) => id.replace(/(^|[-_])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** A file path as a SARIF URI: relative paths stay relative (to %SRCROOT%), absolute ones become file: URIs. */
export function artifactLocation(file: string): Sarif.ArtifactLocation {
  const posix = file.replace(/\\/g, '/');
  if (/^([a-zA-Z]:)?\//.test(posix)) return { uri: pathToFileURL(file).href };
  return { uri: posix.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function location(d: Diagnostic): Sarif.Location {
  if (!d.file) return { logicalLocations: [{ fullyQualifiedName: d.item ?? 'pack', kind: 'module' }] };
  const physicalLocation: Sarif.PhysicalLocation = { artifactLocation: artifactLocation(d.file) };
  if (d.range) {
    physicalLocation.region = {
      startLine: d.range.start.line + 1,
      startColumn: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      ...(d.sourceLine !== undefined && d.range.start.line === d.range.end.line
        ? { snippet: { text: d.sourceLine } }
        : {}),
    };
  }
  return {
    physicalLocation,
    ...(d.item ? { logicalLocations: [{ fullyQualifiedName: d.item, kind: 'module' }] } : {}),
  };
}

export const sarif: Formatter = (diags, opts) => {
  const catalogue = opts.checks ?? {};
  const ids = [...new Set([...Object.keys(catalogue), ...diags.map((d) => d.code)])];
  const rules: Sarif.ReportingDescriptor[] = ids.map((id) => {
    const c = catalogue[id];
    const helpUri = opts.docsUri ? `${opts.docsUri}#${id}` : undefined;
    return {
      id,
      name: pascal(id),
      shortDescription: { text: c?.description ?? id },
      fullDescription: { text: c?.help ?? c?.description ?? id },
      help: {
        text: c?.help ?? id,
        markdown: `${c?.help ?? id}\n\nSee [docs/checks.md#${id}](${helpUri ?? `docs/checks.md#${id}`}).`,
      },
      ...(helpUri ? { helpUri } : {}),
    };
  });
  const index = new Map(ids.map((id, i) => [id, i]));
  const results: Sarif.Result[] = sortDiagnostics(diags).map((d) => ({
    ruleId: d.code,
    ruleIndex: index.get(d.code)!,
    level: LEVEL[d.severity],
    message: {
      text:
        d.path?.length && !d.message.startsWith(formatPath(d.path)) ? `${formatPath(d.path)}: ${d.message}` : d.message,
    },
    locations: [location(d)],
    ...(d.related?.length
      ? {
          relatedLocations: d.related.map((r, i) => ({
            id: i,
            message: { text: r.message },
            ...location({ ...d, file: r.file, range: r.range, sourceLine: undefined, item: undefined }),
          })),
        }
      : {}),
  }));
  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'btg',
            fullName: 'breakglass-sentinel validate',
            ...(opts.version ? { version: opts.version, semanticVersion: opts.version } : {}),
            ...(opts.docsUri ? { informationUri: opts.docsUri } : {}),
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  // C1 controls and direction overrides escaped: the same JSON, safe to read in a terminal
  return jsonTerminalSafe(JSON.stringify(log, null, 2)) + '\n';
};
