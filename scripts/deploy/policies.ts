/**
 * Pipeline policies added to every Azure SDK client deploy builds (one set, shared by all clients of a run):
 *
 * - `attemptPolicy` (perRetry: runs once per HTTP attempt, inside the SDK's retry loop, after authentication):
 *   per-request timeout (a timed-out attempt becomes a retryable `ETIMEDOUT`; the SDK would otherwise surface the
 *   AbortError without retrying), a back-off for 429 answers that carry no Retry-After (the SDK's throttling strategy
 *   retries 429 only with that header: we add `retry-after-ms` so the same retry loop and budget
 *   apply), no retry once a graceful stop was requested, and call counting.
 * - `requestLimitPolicy` (perRetry): at most `--concurrency` HTTP requests in flight over the whole run. It bounds
 *   requests, not artifacts, so an artifact waiting for a long-running operation holds no slot. After a graceful stop a
 *   queued write is not sent (it is a new request); reads already queued (operation polls) still go.
 * - `readOnlyPolicy` (perCall): refuses any non-GET request while the run is read-only (plan, --dry-run, the read
 *   phase of deploy). An invariant, not a convention: a bug cannot make `btg plan` write.
 * - `typedWritePolicy` (perRetry, so it sees the final URL after a client's api-version policy): checks that a typed
 *   SDK write serialized exactly the body and api-version the pack wants. The SDK's models silently drop properties they do not know; when that would
 *   happen the request is not sent and the caller sends the exact body raw through the same pipeline instead.
 */
import { PipelinePolicy, PipelineRequest, PipelineResponse, RestError, SendRequest } from '@azure/core-rest-pipeline';
import { setMaxListeners } from 'events';
import type pLimit from 'p-limit';
import { deepDiff } from './diff';

export interface CallStats {
  /** HTTP attempts sent (each retry counts) */
  total: number;
  byMethod: Record<string, number>;
  /** attempts that were retries of an earlier attempt */
  retries: number;
  /** 429/503 answers seen */
  throttled: number;
  /** typed SDK writes sent, and writes that fell back to a raw request because the SDK would have changed the body */
  typedWrites: number;
  rawFallbacks: number;
}

export const newStats = (): CallStats => ({
  total: 0,
  byMethod: {},
  retries: 0,
  throttled: 0,
  typedWrites: 0,
  rawFallbacks: 0,
});

export const writesOf = (s: CallStats): number =>
  Object.entries(s.byMethod).reduce((n, [m, c]) => (m === 'GET' ? n : n + c), 0);

/** Shared state of one run: read-only mode, graceful stop (Ctrl-C once) and hard abort (twice). */
export class RunControl {
  readOnly = true;
  stopRequested = false;
  readonly abortController = new AbortController();
  constructor() {
    // every request in flight listens on this one signal (Ctrl-C twice aborts them all): no listener limit
    setMaxListeners(0, this.abortController.signal);
  }
  get signal(): AbortSignal {
    return this.abortController.signal;
  }
  requestStop(): void {
    this.stopRequested = true;
  }
  abort(): void {
    this.stopRequested = true;
    this.abortController.abort();
  }
}

/** Thrown instead of sending a write while the run is read-only. */
export class ReadOnlyViolation extends Error {
  constructor(method: string, url: string) {
    super(`refused ${method} ${new URL(url).pathname}: this run is read-only (plan / --dry-run)`);
  }
}

/** Thrown instead of retrying once a graceful stop was requested. */
export class InterruptedError extends Error {
  constructor() {
    super('interrupted: not retried after Ctrl-C');
  }
}

export interface RetrySettings {
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxRetries: 5, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000 };

const RETRY_AFTER_HEADERS = ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms'];

/** Exponential back-off with jitter (half to full), like the SDK's own strategy. */
export function backoffMs(
  attempt: number,
  r: Pick<RetrySettings, 'retryDelayInMs' | 'maxRetryDelayInMs'>,
  random: () => number = Math.random,
): number {
  const full = Math.min(r.maxRetryDelayInMs, r.retryDelayInMs * 2 ** attempt);
  return Math.round(full / 2 + (random() * full) / 2);
}

/**
 * One attempt of `request` with a deadline of `ms` (0: none), its timer always cleared. Not `request.timeout`: the
 * SDK's Node HTTP client clears that timer only when an answer arrives, so a refused or reset connection left a live
 * timer that held the process open for the whole timeout (a `btg deploy` that met one dropped connection sat 60 s
 * after its last line). The deadline also covers reading the body. A user abort (the request's own signal) stays an
 * abort; the deadline throws `onTimeout()`.
 */
export async function sendWithDeadline(
  request: PipelineRequest,
  next: SendRequest,
  ms: number,
  onTimeout: () => Error,
): Promise<PipelineResponse> {
  if (!(ms > 0)) return next(request);
  const user = request.abortSignal;
  const attempt = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, ms);
  const onUserAbort = () => attempt.abort();
  if (user?.aborted) attempt.abort();
  else user?.addEventListener('abort', onUserAbort);
  request.abortSignal = attempt.signal;
  try {
    return await next(request);
  } catch (e) {
    if (timedOut && !user?.aborted) throw onTimeout();
    throw e;
  } finally {
    clearTimeout(timer);
    user?.removeEventListener('abort', onUserAbort);
    // the next attempt (a retry of the same request object) starts from the caller's signal again
    request.abortSignal = user;
  }
}

/** A policy that gives every attempt a deadline (sendWithDeadline); for pipelines without attemptPolicy. */
export function deadlinePolicy(ms: number, onTimeout: (request: PipelineRequest) => Error): PipelinePolicy {
  return {
    name: 'btgDeadlinePolicy',
    sendRequest: (request, next) => sendWithDeadline(request, next, ms, () => onTimeout(request)),
  };
}

export function attemptPolicy(opts: {
  control: RunControl;
  stats: CallStats;
  timeoutMs: number;
  retry: RetrySettings;
}): PipelinePolicy {
  const attempts = new WeakMap<PipelineRequest, number>();
  return {
    name: 'btgAttemptPolicy',
    async sendRequest(request: PipelineRequest, next): Promise<PipelineResponse> {
      const n = attempts.get(request) ?? 0;
      attempts.set(request, n + 1);
      if (n > 0) {
        if (opts.control.stopRequested) throw new InterruptedError();
        opts.stats.retries++;
      }
      opts.stats.total++;
      opts.stats.byMethod[request.method] = (opts.stats.byMethod[request.method] ?? 0) + 1;
      // A timeout aborts the attempt with an AbortError that the SDK does not retry: it becomes a retryable ETIMEDOUT.
      const response = await sendWithDeadline(
        request,
        next,
        opts.timeoutMs,
        () => new RestError(`no answer within ${opts.timeoutMs} ms (--timeout)`, { code: 'ETIMEDOUT', request }),
      );
      if (response.status === 429 || response.status === 503) {
        opts.stats.throttled++;
        if (response.status === 429 && !RETRY_AFTER_HEADERS.some((h) => response.headers.has(h))) {
          response.headers.set('retry-after-ms', String(backoffMs(n, opts.retry)));
        }
      }
      return response;
    },
  };
}

/** At most `limit`'s concurrency requests in flight (one p-limit shared by every client of the run, FIFO). */
export function requestLimitPolicy(limit: pLimit.Limit, control: RunControl): PipelinePolicy {
  return {
    name: 'btgRequestLimitPolicy',
    sendRequest: (request, next) =>
      limit(() => {
        if (control.stopRequested && request.method !== 'GET') throw new InterruptedError();
        return next(request);
      }),
  };
}

export function readOnlyPolicy(control: RunControl): PipelinePolicy {
  return {
    name: 'btgReadOnlyPolicy',
    async sendRequest(request, next) {
      if (control.readOnly && request.method !== 'GET') throw new ReadOnlyViolation(request.method, request.url);
      return next(request);
    },
  };
}

/** What a typed write must serialize to. */
export interface TypedExpectation {
  body: unknown;
  apiVersion: string;
}

export class TypedSerializationMismatch extends Error {
  constructor(readonly detail: string) {
    super(`the SDK model would change the request (${detail}); sending the exact body instead`);
  }
}

export const EXPECT_HEADER = 'x-btg-expected-body';

export class TypedExpectations {
  private seq = 0;
  private readonly byId = new Map<string, TypedExpectation>();
  register(e: TypedExpectation): { id: string; release: () => void } {
    const id = String(++this.seq);
    this.byId.set(id, e);
    return { id, release: () => this.byId.delete(id) };
  }
  get(id: string): TypedExpectation | undefined {
    return this.byId.get(id);
  }
}

/** First difference between two JSON values, as a path (for the fallback message). */
export function firstDifference(want: unknown, got: unknown): string | undefined {
  const [d] = deepDiff(want, got);
  return d && `${d.path || '(body)'} ${d.from === undefined ? 'dropped' : 'changed'}`;
}

export function typedWritePolicy(expectations: TypedExpectations, stats: CallStats): PipelinePolicy {
  return {
    name: 'btgTypedWritePolicy',
    async sendRequest(request, next) {
      const id = request.headers.get(EXPECT_HEADER);
      if (id === undefined) return next(request);
      request.headers.delete(EXPECT_HEADER);
      const want = expectations.get(id);
      if (want) {
        const apiVersion = new URL(request.url).searchParams.get('api-version');
        if (apiVersion !== want.apiVersion)
          throw new TypedSerializationMismatch(`api-version ${apiVersion} instead of ${want.apiVersion}`);
        let got: unknown;
        try {
          got = typeof request.body === 'string' ? JSON.parse(request.body) : undefined;
        } catch {
          got = undefined;
        }
        const diff = firstDifference(want.body, got);
        if (diff) throw new TypedSerializationMismatch(diff);
        stats.typedWrites++;
      }
      return next(request);
    },
  };
}
