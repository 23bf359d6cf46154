/**
 * Long-running operations (ArmClients.waitForOperation, @azure/core-lro) inside a real SDK client pipeline with an
 * in-process `httpClient`: Azure-AsyncOperation and Location polling, Retry-After between polls, failure, the
 * operation timeout and Ctrl-C.
 */
import { createHttpHeaders, HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { ArmCallError, RawResponse } from '../../scripts/deploy/clients';
import { InterruptedError } from '../../scripts/deploy/policies';
import { armClientsOver } from './fakeArm';

type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

const ARM = 'https://management.azure.com';
const RES = `${ARM}/subscriptions/s/resourceGroups/rg/providers/Microsoft.Resources/deployments/d?api-version=2025-03-01`;
const OP = `${ARM}/subscriptions/s/providers/Microsoft.Resources/operations/op1?api-version=2025-03-01`;

function clients(answers: Answer[], opts: { pollIntervalMs?: number; operationTimeoutMs?: number } = {}) {
  const seen: PipelineRequest[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request): Promise<PipelineResponse> {
      seen.push(request);
      const a = answers.shift() ?? { status: 200, body: { status: 'InProgress' } };
      return {
        request,
        status: a.status,
        headers: createHttpHeaders(a.headers ?? {}),
        bodyAsText: a.body === undefined ? undefined : JSON.stringify(a.body),
      };
    },
  };
  const { c, control, stats } = armClientsOver(httpClient, {
    retry: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 5 },
    pollIntervalMs: opts.pollIntervalMs ?? 1,
    operationTimeoutMs: opts.operationTimeoutMs ?? 2000,
  });
  return { c, seen, control, stats };
}

const started = (headers: Record<string, string>, status = 201): RawResponse => ({ status, headers, body: {} });
const urls = (seen: PipelineRequest[]) => seen.map((r) => `${r.method} ${r.url}`);

test('Azure-AsyncOperation: polled until Succeeded through the pipeline, then the resource of the PUT is read', async () => {
  const { c, seen, stats } = clients([
    { status: 200, body: { status: 'InProgress' } },
    { status: 200, body: { status: 'Running' } },
    { status: 200, body: { status: 'Succeeded' } },
    { status: 200, body: { id: 'd', properties: { provisioningState: 'Succeeded' } } },
  ]);
  await c.waitForOperation(c.generic(), started({ 'azure-asyncoperation': OP }), { method: 'PUT', url: RES });
  expect(urls(seen)).toEqual([`GET ${OP}`, `GET ${OP}`, `GET ${OP}`, `GET ${RES}`]);
  // every poll went through deploy's policies (counted, bearer token attached)
  expect(stats.byMethod.GET).toBe(4);
  expect(seen.every((r) => r.headers.get('authorization') === 'Bearer t0ken-for-tests')).toBe(true);
});

test('Location: polled while 202, done at the first other answer; a DELETE reads nothing more', async () => {
  const { c, seen } = clients([{ status: 202 }, { status: 202 }, { status: 204 }]);
  await c.waitForOperation(c.generic(), started({ location: OP }, 202), { method: 'DELETE', url: RES });
  expect(urls(seen)).toEqual([`GET ${OP}`, `GET ${OP}`, `GET ${OP}`]);
});

test('a plain answer (200, or 201 without an operation header) is not polled', async () => {
  const { c, seen } = clients([]);
  await c.waitForOperation(
    c.generic(),
    { status: 200, headers: { location: OP }, body: {} },
    { method: 'PUT', url: RES },
  );
  await c.waitForOperation(c.generic(), started({}), { method: 'PUT', url: RES });
  expect(seen).toEqual([]);
});

test('Retry-After on a poll answer sets the wait before the next poll (instead of the 30 s default)', async () => {
  const { c, seen } = clients(
    [
      { status: 200, headers: { 'retry-after': '1' }, body: { status: 'InProgress' } },
      { status: 200, body: { status: 'Succeeded' } },
    ],
    { pollIntervalMs: 30_000 },
  );
  const t0 = Date.now();
  await c.waitForOperation(c.generic(), started({ 'azure-asyncoperation': OP }, 202), { method: 'DELETE', url: RES });
  const ms = Date.now() - t0;
  expect(seen).toHaveLength(2);
  expect(ms).toBeGreaterThanOrEqual(900);
  expect(ms).toBeLessThan(10_000);
});

test('a Failed operation throws its ARM error code and message', async () => {
  const { c } = clients([
    { status: 200, body: { status: 'Failed', error: { code: 'InvalidTemplate', message: 'the template is invalid' } } },
  ]);
  const err = await c
    .waitForOperation(c.generic(), started({ 'azure-asyncoperation': OP }), { method: 'PUT', url: RES })
    .catch((e) => e);
  expect(err).toBeInstanceOf(ArmCallError);
  expect(err.code).toBe('InvalidTemplate');
  expect(err.message).toBe('long-running operation failed (InvalidTemplate): the template is invalid');
});

test('a Canceled operation throws', async () => {
  const { c } = clients([{ status: 200, body: { status: 'Canceled' } }]);
  await expect(
    c.waitForOperation(c.generic(), started({ 'azure-asyncoperation': OP }), { method: 'PUT', url: RES }),
  ).rejects.toThrow('long-running operation canceled: no error message');
});

test('an operation that never ends fails after the operation timeout', async () => {
  const { c, seen } = clients([], { pollIntervalMs: 20, operationTimeoutMs: 150 });
  const err = await c
    .waitForOperation(c.generic(), started({ 'azure-asyncoperation': OP }), { method: 'PUT', url: RES })
    .catch((e) => e);
  expect(err).toBeInstanceOf(ArmCallError);
  expect(err.code).toBe('OperationTimeout');
  expect(seen.length).toBeGreaterThan(1);
});

test('Ctrl-C twice (abort) stops the wait between polls at once', async () => {
  const { c, control, seen } = clients([], { pollIntervalMs: 60_000 });
  const t0 = Date.now();
  const wait = c.waitForOperation(c.generic(), started({ 'azure-asyncoperation': OP }), { method: 'PUT', url: RES });
  setTimeout(() => control.abort(), 50);
  await expect(wait).rejects.toBeInstanceOf(InterruptedError);
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(seen).toHaveLength(1);
});
