/**
 * Queries against one Log Analytics workspace through `@azure/monitor-query-logs` (`LogsQueryClient.queryWorkspace`,
 * i.e. `POST {endpoint}/v1/workspaces/{workspaceId}/query` with `{query, timespan}`). Read-only: the query API
 * cannot write. The rest of livetest sees only the `WorkspaceQuery` function type, so tests and other callers can
 * supply their own.
 */
import type { TokenCredential } from '@azure/identity';
import type { LogsQueryClientOptions } from '@azure/monitor-query-logs';
import { GUID_RE } from '../core/definitions';
import { tokenOriginPolicy } from '../security/tokenOrigin';

/** One result table as the query API returns it (rows as JSON values; datetimes as ISO strings). */
export interface QueryTable {
  name: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

export type WorkspaceQuery = (query: string, timespan: { startTime: Date; endTime: Date }) => Promise<QueryTable>;

/** A query that did not return a result. `fatal`: nothing else will work either (auth, network, workspace). */
export class WorkspaceQueryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly fatal: boolean,
  ) {
    super(message);
  }
}

export const DEFAULT_LOGS_ENDPOINT = 'https://api.loganalytics.io';

/** Normalise `--endpoint`: the origin of the query API (sovereign clouds: api.loganalytics.us, api.loganalytics.azure.cn). */
export function logsOrigin(endpoint: string): string {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new Error(`--endpoint ${endpoint}: not a URL`);
  }
  if (u.protocol !== 'https:')
    throw new Error(
      `--endpoint ${endpoint}: expected an https URL (the query API needs a bearer token, which is never sent over http)`,
    );
  const p = u.pathname.replace(/\/+$/, '');
  if (p !== '' && p !== '/v1')
    throw new Error(
      `--endpoint ${endpoint}: expected the query API root (like https://api.loganalytics.io), not a path`,
    );
  return u.origin;
}

export interface LogsClientOptions {
  credential: TokenCredential;
  workspaceId: string;
  /** query API root; default https://api.loganalytics.io */
  endpoint?: string;
  /** extra client options (TLS trust for a local test server, retry options) */
  clientOptions?: LogsQueryClientOptions;
  /** server-side timeout per query */
  serverTimeoutInSeconds?: number;
}

function errorDetail(e: unknown): { status?: number; code?: string; message: string } {
  const err = e as {
    statusCode?: number;
    code?: string;
    message?: string;
    details?: {
      error?: {
        code?: string;
        message?: string;
        innererror?: { message?: string; code?: string; innererror?: { message?: string } };
      };
    };
  };
  const inner = err.details?.error?.innererror;
  const deepest = inner?.innererror?.message ?? inner?.message;
  const message = [
    err.details?.error?.message ?? err.message ?? String(e),
    deepest && deepest !== err.details?.error?.message ? deepest : '',
  ]
    .filter(Boolean)
    .join(': ');
  return {
    status: typeof err.statusCode === 'number' ? err.statusCode : undefined,
    code: err.details?.error?.code ?? err.code,
    message,
  };
}

/** What the caller can do about a failed query, by HTTP status. */
export function classifyQueryError(e: unknown, workspaceId: string): WorkspaceQueryError {
  const { status, code, message } = errorDetail(e);
  if (status === 401 || status === 403) {
    return new WorkspaceQueryError(
      `the query API refused access to workspace ${workspaceId} (${status}${code ? ` ${code}` : ''}: ${message}); the identity needs Log Analytics Reader (or Microsoft Sentinel Reader) on the workspace`,
      status,
      code,
      true,
    );
  }
  if (status === 404)
    return new WorkspaceQueryError(
      `workspace ${workspaceId} not found by the query API (404: ${message}); workspaceId must be the workspace's customer id (Workspace ID on its Overview page), not its name or resource id`,
      status,
      code,
      true,
    );
  if (status === undefined) return new WorkspaceQueryError(`query API unreachable: ${message}`, status, code, true);
  // 400 BadArgumentError / SemanticError and the like: this query is the problem, not the connection
  if (status >= 400 && status < 500 && status !== 429)
    return new WorkspaceQueryError(`${status}${code ? ` ${code}` : ''}: ${message}`, status, code, false);
  return new WorkspaceQueryError(`${status}${code ? ` ${code}` : ''}: ${message}`, status, code, true);
}

/** A WorkspaceQuery backed by LogsQueryClient. */
export async function logsWorkspaceQuery(opts: LogsClientOptions): Promise<WorkspaceQuery> {
  if (!GUID_RE.test(opts.workspaceId))
    throw new Error(`workspace id ${JSON.stringify(opts.workspaceId)}: expected the workspace's customer id (a GUID)`);
  const origin = logsOrigin(opts.endpoint ?? DEFAULT_LOGS_ENDPOINT);
  const { LogsQueryClient, LogsQueryResultStatus } = await import('@azure/monitor-query-logs');
  const client = new LogsQueryClient(opts.credential, {
    ...opts.clientOptions,
    // the package uses `endpoint` verbatim as the base URL (no /v1 added) and asks for the public cloud's scope
    // unless told otherwise: both follow the configured origin, so sovereign clouds work.
    endpoint: `${origin}/v1`,
    credentials: { scopes: [`${origin}/.default`] },
    // after the bearer policy, on every hop: the token goes to this origin only
    additionalPolicies: [
      ...(opts.clientOptions?.additionalPolicies ?? []),
      { policy: tokenOriginPolicy([origin], 'Log Analytics'), position: 'perRetry' },
    ],
  });
  return async (query, timespan) => {
    let result;
    try {
      result = await client.queryWorkspace(
        opts.workspaceId,
        query,
        { startTime: timespan.startTime, endTime: timespan.endTime },
        { serverTimeoutInSeconds: opts.serverTimeoutInSeconds ?? 180 },
      );
    } catch (e) {
      throw classifyQueryError(e, opts.workspaceId);
    }
    if (result.status !== LogsQueryResultStatus.Success) {
      const pe = (result as { partialError?: { code?: string; message?: string } }).partialError;
      throw new WorkspaceQueryError(
        `partial result: ${pe?.code ?? ''} ${pe?.message ?? ''}`.trim(),
        200,
        pe?.code,
        false,
      );
    }
    const t = result.tables[0];
    if (!t) throw new WorkspaceQueryError('the query returned no table', 200, undefined, false);
    return {
      name: t.name,
      columns: t.columnDescriptors.map((c) => ({ name: c.name ?? '', type: c.type ?? '' })),
      rows: t.rows as unknown[][],
    };
  };
}
