/**
 * The retry/timeout/interrupt/read-only/typed-write policies inside a real SDK client pipeline. Transport: an
 * in-process `httpClient` (the pipeline's own transport option), so no sockets and exact control of each answer.
 */
import * as net from 'net';
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  HttpClient,
  PipelineRequest,
  PipelineResponse,
} from '@azure/core-rest-pipeline';
import { ArmClients } from '../../scripts/deploy/clients';
import { backoffMs, deadlinePolicy, InterruptedError, ReadOnlyViolation } from '../../scripts/deploy/policies';
import { armClientsOver } from './fakeArm';

type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';

function fakeHttp(answers: Answer[]) {
  const seen: PipelineRequest[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request): Promise<PipelineResponse> {
      seen.push(request);
      const a = answers.shift() ?? { status: 200, body: {} };
      if (a === 'hang') {
        return new Promise((_, reject) => {
          const onAbort = () => reject(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }));
          // core's node client aborts on request.timeout; emulate that here
          const t = setTimeout(onAbort, request.timeout || 10_000);
          request.abortSignal?.addEventListener('abort', () => {
            clearTimeout(t);
            onAbort();
          });
        });
      }
      return {
        request,
        status: a.status,
        headers: createHttpHeaders(a.headers ?? {}),
        bodyAsText: a.body === undefined ? undefined : JSON.stringify(a.body),
      };
    },
  };
  return { httpClient, seen };
}

function clients(answers: Answer[], opts: { timeoutMs?: number } = {}) {
  const { httpClient, seen } = fakeHttp(answers);
  const { c, control, stats } = armClientsOver(httpClient, { timeoutMs: opts.timeoutMs ?? 1000 });
  return { c, seen, control, stats };
}

const URL_ =
  'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/workbooks/w?api-version=2023-06-01';

test('a 429 without Retry-After is retried with back-off (the SDK alone would give up)', async () => {
  const { c, seen, stats } = clients([
    { status: 429, body: { error: { code: 'TooManyRequests', message: 'slow down' } } },
    { status: 200, body: { id: 'w' } },
  ]);
  const res = await c.send(c.generic(), 'GET', URL_);
  expect(res.status).toBe(200);
  expect(seen).toHaveLength(2);
  expect(stats).toMatchObject({ total: 2, retries: 1, throttled: 1 });
});

test('a 429 with Retry-After waits what the service asked', async () => {
  const { c, seen } = clients([
    { status: 429, headers: { 'retry-after': '0' } },
    { status: 200, body: {} },
  ]);
  await c.send(c.generic(), 'GET', URL_);
  expect(seen).toHaveLength(2);
});

test('an attempt that gets no answer within the timeout is retried', async () => {
  const { c, seen, stats } = clients(['hang', { status: 200, body: { ok: true } }], { timeoutMs: 30 });
  const res = await c.send(c.generic(), 'GET', URL_);
  expect(res.body).toEqual({ ok: true });
  expect(seen).toHaveLength(2);
  expect(stats.retries).toBe(1);
});

test('a timeout on every attempt fails with a message that names the timeout', async () => {
  const { c } = clients(['hang', 'hang', 'hang', 'hang'], { timeoutMs: 20 });
  await expect(c.send(c.generic(), 'GET', URL_)).rejects.toThrow(/no answer within 20 ms/);
});

test('a permanent 400 is not retried and surfaces the ARM error code and message', async () => {
  const { c, seen } = clients([
    { status: 400, body: { error: { code: 'BadRequest', message: 'Property x is invalid' } } },
  ]);
  await expect(c.send(c.generic(), 'PUT', URL_, { properties: {} })).rejects.toMatchObject({
    status: 400,
    code: 'BadRequest',
    message: '400 BadRequest: Property x is invalid',
  });
  expect(seen).toHaveLength(1);
});

test('after a stop request a failed attempt is not retried', async () => {
  const { c, seen, control } = clients([{ status: 503 }, { status: 200 }]);
  control.requestStop();
  await expect(c.send(c.generic(), 'GET', URL_)).rejects.toBeInstanceOf(InterruptedError);
  expect(seen).toHaveLength(1);
});

test('a read-only run refuses writes before anything is sent', async () => {
  const { c, seen, control } = clients([]);
  control.readOnly = true;
  await expect(c.send(c.generic(), 'PUT', URL_, {})).rejects.toBeInstanceOf(ReadOnlyViolation);
  await expect(c.send(c.generic(), 'DELETE', URL_)).rejects.toBeInstanceOf(ReadOnlyViolation);
  expect(seen).toHaveLength(0);
});

describe('typed writes are sent only when the SDK serializes the exact body', () => {
  const rule = (extra: Record<string, unknown> = {}) => ({
    kind: 'Scheduled',
    properties: {
      displayName: 'R',
      enabled: true,
      severity: 'High',
      query: 'T',
      queryFrequency: 'PT5M',
      queryPeriod: 'PT5M',
      triggerOperator: 'GreaterThan',
      triggerThreshold: 0,
      suppressionEnabled: false,
      suppressionDuration: 'PT5H',
      ...extra,
    },
  });
  const call = (c: ArmClients, body: ReturnType<typeof rule>) =>
    c.typedWrite(body, '2025-09-01', (o) =>
      c
        .securityInsights('s', '2025-09-01')
        .alertRules.createOrUpdate('rg', 'ws', 'r1', { kind: body.kind, ...body.properties } as never, o),
    );

  test('a body the SDK models fully goes through the typed call', async () => {
    const { c, seen, stats } = clients([{ status: 201, body: { id: 'r1' } }]);
    const res = await call(c, rule());
    expect(res?.status).toBe(201);
    expect(seen).toHaveLength(1);
    expect(seen[0].headers.has('x-btg-expected-body')).toBe(false);
    expect(new URL(seen[0].url).searchParams.get('api-version')).toBe('2025-09-01');
    expect(stats.typedWrites).toBe(1);
  });

  test("a value the SDK's own client-side validation refuses falls back the same way (nothing is sent)", async () => {
    const { c, seen, stats } = clients([]);
    const body = {
      properties: {
        displayName: 'A',
        order: 1,
        triggeringLogic: { isEnabled: true, triggersOn: 'Incidents', triggersWhen: 'Created' },
        actions: [
          {
            order: 1,
            actionType: 'RunPlaybook',
            actionConfiguration: { logicAppResourceId: '/x', tenantId: 'not-a-guid' },
          },
        ],
      },
    };
    const res = await c.typedWrite(body, '2025-09-01', (o) =>
      c
        .securityInsights('s', '2025-09-01')
        .automationRules.createOrUpdate('rg', 'ws', 'a1', { ...o, automationRuleToUpsert: body.properties as never }),
    );
    expect(res).toBeUndefined();
    expect(seen).toHaveLength(0);
    expect(stats.rawFallbacks).toBe(1);
  });

  test('a property the SDK would drop (subTechniques) stops the typed call before sending', async () => {
    const { c, seen, stats } = clients([]);
    expect(await call(c, rule({ subTechniques: ['T1078.004'] }))).toBeUndefined();
    expect(seen).toHaveLength(0);
    expect(stats).toMatchObject({ rawFallbacks: 1, total: 0 });
  });
});

test('backoffMs grows exponentially with jitter and a ceiling', () => {
  const r = { retryDelayInMs: 100, maxRetryDelayInMs: 1000 };
  expect(backoffMs(0, r, () => 0)).toBe(50);
  expect(backoffMs(2, r, () => 1)).toBe(400);
  expect(backoffMs(10, r, () => 1)).toBe(1000);
});

describe('requests in flight are bounded over all clients; after a stop, queued writes are not sent', () => {
  function slowClients(concurrency: number) {
    let inFlight = 0;
    let peak = 0;
    const seen: string[] = [];
    let arrived: () => void = () => undefined;
    const firstArrived = new Promise<void>((r) => (arrived = r));
    const httpClient: HttpClient = {
      async sendRequest(request) {
        arrived();
        inFlight++;
        peak = Math.max(peak, inFlight);
        seen.push(request.method);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return { request, status: 200, headers: createHttpHeaders(), bodyAsText: '{}' };
      },
    };
    const { c, control } = armClientsOver(httpClient, {
      retry: { maxRetries: 0, retryDelayInMs: 1, maxRetryDelayInMs: 1 },
      concurrency,
    });
    return { c, control, seen, peak: () => peak, firstArrived };
  }

  test('never more than --concurrency, whichever client sends', async () => {
    const { c, peak } = slowClients(3);
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.send(i % 2 ? c.generic() : c.monitor('s'), 'GET', URL_)));
    expect(peak()).toBe(3);
  });

  test('a graceful stop lets queued reads (operation polls) through and refuses queued writes', async () => {
    const { c, control, seen, firstArrived } = slowClients(1);
    const first = c.send(c.generic(), 'PUT', URL_, {});
    const queuedWrite = c.send(c.generic(), 'PUT', URL_, {});
    const queuedRead = c.send(c.generic(), 'GET', URL_);
    const settled = Promise.allSettled([first, queuedWrite, queuedRead]);
    await firstArrived; // the first write is on the wire, the others wait for its slot
    control.requestStop();
    const [a, b, r] = await settled;
    expect(a).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(b.status === 'rejected' && b.reason).toBeInstanceOf(InterruptedError);
    expect(r).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(seen).toEqual(['PUT', 'GET']);
  });
});

describe('per-attempt deadline over the real Node transport', () => {
  /** a local port nobody listens on: the connection is refused at once */
  async function refusedPort(): Promise<number> {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
  }
  /** the timers armed (through the global setTimeout, as the SDK transport does) and neither fired nor cleared */
  function armedTimers() {
    const realSet = global.setTimeout;
    const realClear = global.clearTimeout;
    const armed = new Set<unknown>();
    const set = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const h = realSet(() => {
        armed.delete(h);
        fn();
      }, ms);
      armed.add(h);
      return h;
    }) as typeof setTimeout);
    const clear = jest.spyOn(global, 'clearTimeout').mockImplementation(((h: NodeJS.Timeout) => {
      armed.delete(h);
      realClear(h);
    }) as typeof clearTimeout);
    return { armed, restore: () => (set.mockRestore(), clear.mockRestore()) };
  }

  it('a refused connection leaves no timer behind (the SDK transport leaks its own request.timeout timer)', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}/`;
    const timers = armedTimers();
    try {
      const pipeline = createEmptyPipeline();
      pipeline.addPolicy(deadlinePolicy(60_000, () => new Error('no answer in time')));
      await expect(
        pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url, allowInsecureConnection: true })),
      ).rejects.toThrow(/ECONNREFUSED/);
      expect(timers.armed.size).toBe(0);

      // why: the transport's own timeout stays armed after the same failure (a 60 s one held `btg deploy` open 60 s)
      const leaky = createPipelineRequest({ url, allowInsecureConnection: true, timeout: 300 });
      await expect(createEmptyPipeline().sendRequest(createDefaultHttpClient(), leaky)).rejects.toThrow(/ECONNREFUSED/);
      expect(timers.armed.size).toBe(1);
      await new Promise((r) => setTimeout(r, 400));
      expect(timers.armed.size).toBe(0);
    } finally {
      timers.restore();
    }
  });

  it('the deadline aborts a request that gets no answer, as its own error; the caller`s abort stays an abort', async () => {
    const srv = net.createServer(() => {
      /* accepts and never answers */
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}/`;
    try {
      const pipeline = createEmptyPipeline();
      pipeline.addPolicy(deadlinePolicy(150, () => new Error('no answer in time')));
      const send = (abortSignal?: AbortSignal) =>
        pipeline.sendRequest(
          createDefaultHttpClient(),
          createPipelineRequest({ url, allowInsecureConnection: true, abortSignal }),
        );
      await expect(send()).rejects.toThrow('no answer in time');
      const user = new AbortController();
      setTimeout(() => user.abort(), 20);
      await expect(send(user.signal)).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      srv.close();
      // the never-answered sockets
      await new Promise((r) => setTimeout(r, 10));
    }
  });
});
