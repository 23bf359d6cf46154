/**
 * The Azure SDK clients of one deploy run, built once per subscription with the same pipeline options (credential,
 * endpoint, token audience, retry settings, deploy's policies), plus the raw path through the same pipelines:
 * `send` (client.sendRequest(createPipelineRequest(...))), paged `list`, and `waitForOperation` for long-running
 * operations (Azure-AsyncOperation / Location).
 */
import type { TokenCredential } from '@azure/identity';
import pLimit from 'p-limit';
import { ApplicationInsightsManagementClient } from '@azure/arm-appinsights';
import { LogicManagementClient } from '@azure/arm-logic';
import { MonitorClient } from '@azure/arm-monitor';
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import { SecurityInsights } from '@azure/arm-securityinsight';
import { FullOperationResponse, OperationOptions, ServiceClient, ServiceClientOptions } from '@azure/core-client';
import { createHttpPoller, LroResponse, OperationState } from '@azure/core-lro';
import { createHttpHeaders, createPipelineRequest, isRestError, PipelinePolicy } from '@azure/core-rest-pipeline';
import {
  attemptPolicy,
  CallStats,
  EXPECT_HEADER,
  InterruptedError,
  ReadOnlyViolation,
  readOnlyPolicy,
  requestLimitPolicy,
  RetrySettings,
  RunControl,
  TypedExpectations,
  TypedSerializationMismatch,
  typedWritePolicy,
} from './policies';
import { Target } from './target';
import { tokenOriginPolicy, TokenOriginError } from '../security/tokenOrigin';
import { redactText } from '../security/redact';

export type Json = Record<string, unknown>;

/** A failed ARM call, reduced to what the report needs. The message is redacted: a server may echo headers or URLs with keys. */
export class ArmCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(redactText(message));
  }
  /** worth another run: throttling, server errors, network (the SDK already retried these) */
  get transient(): boolean {
    return this.status === undefined || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

const errorBody = (body: unknown): { code?: string; message?: string } => {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return {
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' ? e.message : undefined,
  };
};

/** Any error thrown by a client call, as an ArmCallError (interrupts, aborts and read-only refusals pass through). */
export function toArmError(e: unknown): Error {
  if (
    e instanceof ArmCallError ||
    e instanceof InterruptedError ||
    e instanceof ReadOnlyViolation ||
    e instanceof TokenOriginError
  )
    return e;
  if (isRestError(e)) {
    const parsed = errorBody(e.response?.bodyAsText ? safeJson(e.response.bodyAsText) : undefined);
    const status = e.statusCode;
    const code = parsed.code ?? e.code;
    const message = parsed.message ?? e.message;
    return new ArmCallError(
      status ? `${status}${code ? ` ${code}` : ''}: ${message}` : `${code ?? 'network error'}: ${message}`,
      status,
      code,
    );
  }
  return e instanceof Error ? e : new Error(String(e));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The wire JSON of a typed call's response. `parsedBody` of a FullOperationResponse is the SDK's deserialized
 * (flattened, typed) model, not what the service sent: compare only the text.
 */
export function wireBody(raw: FullOperationResponse | undefined): unknown {
  return raw?.bodyAsText ? safeJson(raw.bodyAsText) : undefined;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface ClientSettings {
  target: Target;
  credential: TokenCredential;
  retry: RetrySettings;
  /** per-request timeout (ms); 0 = none */
  timeoutMs: number;
  /** poll interval of long-running operations when the service sends no Retry-After (ms) */
  pollIntervalMs: number;
  /** give up waiting for one long-running operation after this long (ms) */
  operationTimeoutMs: number;
  control: RunControl;
  stats: CallStats;
  /** HTTP requests in flight at once over the run (default: unbounded) */
  concurrency?: number;
  /** extra core-client options, e.g. `tlsOptions` to trust a test server's certificate */
  clientOptions?: Partial<ServiceClientOptions> & { tlsOptions?: { ca?: string } };
}

export class ArmClients {
  private readonly cache = new Map<string, ServiceClient>();
  private readonly expectations = new TypedExpectations();
  private readonly policies: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[];

  constructor(readonly settings: ClientSettings) {
    const { control, stats, timeoutMs, retry } = settings;
    this.policies = [
      { policy: readOnlyPolicy(control), position: 'perCall' },
      // before the others: a typed write that is refused (and sent raw instead) takes no slot and is not counted
      { policy: typedWritePolicy(this.expectations, stats), position: 'perRetry' },
      // before attemptPolicy: the per-request timeout starts when the request leaves the queue
      {
        policy: requestLimitPolicy(pLimit(settings.concurrency ?? Number.MAX_SAFE_INTEGER), control),
        position: 'perRetry',
      },
      { policy: attemptPolicy({ control, stats, timeoutMs, retry }), position: 'perRetry' },
      // last, after the bearer policy (perRetry = after the Sign phase) and on every hop: the ARM token goes to the
      // ARM endpoint of the run only, never to a nextLink / Azure-AsyncOperation / Location on another origin
      { policy: tokenOriginPolicy([settings.target.armEndpoint], 'Azure Resource Manager'), position: 'perRetry' },
    ];
  }

  get control(): RunControl {
    return this.settings.control;
  }

  private options(extra: Json = {}): ServiceClientOptions & Json {
    const s = this.settings;
    return {
      ...s.clientOptions,
      endpoint: s.target.armEndpoint,
      credentialScopes: [s.target.armScope],
      retryOptions: s.retry,
      additionalPolicies: this.policies,
      ...extra,
    };
  }

  private memo<T extends ServiceClient>(key: string, make: () => T): T {
    let c = this.cache.get(key);
    if (!c) {
      c = make();
      this.cache.set(key, c);
    }
    return c as T;
  }

  /** SecurityInsights with its api-version set to the one the resource uses (the SDK rewrites api-version on every request of the client). */
  securityInsights(sub: string, apiVersion: string): SecurityInsights {
    return this.memo(
      `si|${sub}|${apiVersion}`,
      () => new SecurityInsights(this.settings.credential, sub, this.options({ apiVersion })),
    );
  }
  operationalInsights(sub: string): OperationalInsightsManagementClient {
    return this.memo(
      `oi|${sub}`,
      () => new OperationalInsightsManagementClient(this.settings.credential, sub, this.options()),
    );
  }
  appInsights(sub: string): ApplicationInsightsManagementClient {
    return this.memo(
      `ai|${sub}`,
      () => new ApplicationInsightsManagementClient(this.settings.credential, sub, this.options()),
    );
  }
  monitor(sub: string): MonitorClient {
    return this.memo(`mon|${sub}`, () => new MonitorClient(this.settings.credential, sub, this.options()));
  }
  logic(sub: string): LogicManagementClient {
    return this.memo(`logic|${sub}`, () => new LogicManagementClient(this.settings.credential, sub, this.options()));
  }
  /** A plain core-client ServiceClient (same pipeline) for resource types without an installed SDK (deployments, role assignments). */
  generic(): ServiceClient {
    return this.memo('generic', () => new ServiceClient({ ...this.options(), credential: this.settings.credential }));
  }

  url(id: string, apiVersion: string, query: Record<string, string> = {}): string {
    const q = new URLSearchParams({ ...query, 'api-version': apiVersion });
    return `${this.settings.target.armEndpoint}${encodeURI(id)}?${q.toString()}`;
  }

  /** Options for a typed SDK call: the run's abort signal and a capture of the raw (wire) response. */
  callOptions(extra: OperationOptions & Json = {}): {
    options: OperationOptions & Json;
    raw: () => FullOperationResponse | undefined;
  } {
    let captured: FullOperationResponse | undefined;
    const options = {
      ...extra,
      abortSignal: this.control.signal,
      onResponse: (raw: FullOperationResponse) => {
        captured = raw;
      },
    };
    return { options, raw: () => captured };
  }

  /**
   * Run a typed SDK write whose serialized request must equal `body` at `apiVersion`. Returns the raw response, or
   * undefined when the SDK would have changed the body (then nothing was sent, and the caller sends it raw).
   */
  async typedWrite(
    body: unknown,
    apiVersion: string,
    call: (options: OperationOptions) => Promise<unknown>,
  ): Promise<RawResponse | undefined> {
    const reg = this.expectations.register({ body, apiVersion });
    let captured: FullOperationResponse | undefined;
    try {
      await call({
        abortSignal: this.control.signal,
        requestOptions: { customHeaders: { [EXPECT_HEADER]: reg.id } },
        onResponse: (raw) => {
          captured = raw;
        },
      });
    } catch (e) {
      // The SDK would change the body, or its serializer refused it before sending (a client-side constraint of its
      // older model, e.g. a format check): either way nothing was sent, and the exact body goes raw instead.
      const unsent =
        !isRestError(e) &&
        !(e instanceof InterruptedError) &&
        !(e instanceof ReadOnlyViolation) &&
        (e as Error).name !== 'AbortError' &&
        !captured;
      if (e instanceof TypedSerializationMismatch || unsent) {
        this.settings.stats.rawFallbacks++;
        return undefined;
      }
      throw toArmError(e);
    } finally {
      reg.release();
    }
    if (!captured) throw new Error('typed SDK call returned without a response');
    return { status: captured.status, headers: captured.headers.toJSON(), body: wireBody(captured) };
  }

  /** One request through `client`'s pipeline; an ARM error status throws ArmCallError. */
  async send(
    client: ServiceClient,
    method: 'GET' | 'PUT' | 'DELETE' | 'PATCH' | 'POST',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
    abortSignal: AbortSignal = this.control.signal,
  ): Promise<RawResponse> {
    const request = createPipelineRequest({
      url,
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: createHttpHeaders({
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        ...headers,
      }),
      abortSignal,
    });
    let res;
    try {
      res = await client.sendRequest(request);
    } catch (e) {
      throw toArmError(e);
    }
    const parsed = res.bodyAsText ? safeJson(res.bodyAsText) : undefined;
    if (res.status >= 400) {
      const { code, message } = errorBody(parsed);
      throw new ArmCallError(
        `${res.status}${code ? ` ${code}` : ''}: ${message ?? (typeof parsed === 'string' ? parsed.slice(0, 300) : 'no error message')}`,
        res.status,
        code,
      );
    }
    return { status: res.status, headers: res.headers.toJSON(), body: parsed };
  }

  /** GET a collection and follow `nextLink` to the end; returns the wire items. */
  async list(client: ServiceClient, url: string): Promise<Json[]> {
    const items: Json[] = [];
    let next: string | undefined = url;
    for (let pages = 0; next; pages++) {
      if (pages > 10_000) throw new Error(`paging did not end: ${new URL(url).pathname}`);
      const res = await this.send(client, 'GET', next);
      const body = (res.body ?? {}) as { value?: unknown; nextLink?: unknown };
      if (Array.isArray(body.value)) items.push(...(body.value as Json[]));
      next = typeof body.nextLink === 'string' && body.nextLink ? body.nextLink : undefined;
    }
    return items;
  }

  /**
   * Wait for a long-running operation started by `request` whose answer was `res` (201/202 with Azure-AsyncOperation,
   * Operation-Location or Location): @azure/core-lro polls through `client`'s pipeline (so the token-origin, retry and
   * limit policies apply to every poll), honours Retry-After between polls and, for a PUT, reads the resource at the
   * end as the SDK's own pollers do. Returns at once for a plain answer.
   */
  async waitForOperation(
    client: ServiceClient,
    res: RawResponse,
    request: { method: 'PUT' | 'DELETE' | 'PATCH' | 'POST'; url: string },
  ): Promise<void> {
    const h = res.headers;
    if (
      (res.status !== 201 && res.status !== 202) ||
      !(h['azure-asyncoperation'] ?? h['operation-location'] ?? h.location)
    )
      return;
    const lroResponse = (r: RawResponse): LroResponse<unknown> => ({
      flatResponse: r.body,
      rawResponse: { statusCode: r.status, headers: r.headers, body: r.body },
    });
    let last = res;
    const timeout = AbortSignal.timeout(this.settings.operationTimeoutMs);
    const poller = await createHttpPoller<unknown, OperationState<unknown>>(
      {
        requestMethod: request.method,
        requestPath: request.url,
        sendInitialRequest: async () => lroResponse(res),
        sendPollRequest: async (path, options) => {
          last = await this.send(client, 'GET', path, undefined, {}, options?.abortSignal as AbortSignal | undefined);
          return lroResponse(last);
        },
      },
      { intervalInMs: this.settings.pollIntervalMs, resolveOnUnsuccessful: true },
    );
    try {
      await poller.pollUntilDone({ abortSignal: AbortSignal.any([this.control.signal, timeout]) });
    } catch (e) {
      if (this.control.signal.aborted) throw new InterruptedError();
      if (timeout.aborted)
        throw new ArmCallError(
          `long-running operation did not finish within ${Math.round(this.settings.operationTimeoutMs / 1000)} s`,
          undefined,
          'OperationTimeout',
        );
      throw toArmError(e);
    }
    const status = poller.getOperationState().status;
    if (status === 'failed' || status === 'canceled') {
      const { code, message } = errorBody(last.body);
      throw new ArmCallError(
        `long-running operation ${status}${code ? ` (${code})` : ''}: ${message ?? 'no error message'}`,
        undefined,
        code ?? 'OperationFailed',
      );
    }
  }
}
