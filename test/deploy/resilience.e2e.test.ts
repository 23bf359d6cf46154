/**
 * Deploy under faults: transient errors, throttling, dropped connections, timeouts, a permanent error on one artifact,
 * and Ctrl-C. Real SDK clients over real HTTPS to the ARM emulator, faults injected by the emulator.
 */
import { applyDeployment, planDeployment } from '../../scripts/deploy/session';
import { formatApplyText } from '../../scripts/deploy/report';
import { WorkspaceResource } from '../../scripts/emit/resources';
import { Emulator, startEmulator } from '../support/emulator';
import {
  actions,
  deploy,
  packIdFor,
  packResources,
  rgPath,
  session,
  storeState,
  workspace,
  writeRequests,
} from './helpers';

jest.setTimeout(120_000);

const WS = workspace(2);
let pack: WorkspaceResource[];
let reference: Record<string, unknown>;

beforeAll(async () => {
  pack = packResources();
  // the exact desired state: the pack deployed once without faults
  const ref = await startEmulator({ workspaces: [WS] });
  try {
    const r = await deploy(ref, pack, [WS]);
    if (!r.result.ok) throw new Error('reference deploy failed');
    reference = storeState(ref, rgPath(WS));
  } finally {
    await ref.close();
  }
});

async function withEmulator<T>(opts: Parameters<typeof startEmulator>[0], fn: (e: Emulator) => Promise<T>): Promise<T> {
  const e = await startEmulator({ workspaces: [WS], ...opts });
  try {
    return await fn(e);
  } finally {
    await e.close();
  }
}

test('with 20% injected transient faults (seeded) the deploy still converges to the exact desired state', () =>
  withEmulator(
    {
      faults: {
        seed: 42,
        rules: [
          { fault: 'error', status: 503, fraction: 0.07 },
          { fault: 'error', status: 500, fraction: 0.03 },
          { fault: 'throttle', retryAfterSeconds: 0, fraction: 0.04 },
          // 429 without Retry-After: the SDK alone would not retry it
          { fault: 'error', status: 429, fraction: 0.03 },
          { fault: 'drop', fraction: 0.04 },
        ],
      },
    },
    async (emu) => {
      // concurrency 1: the requests, and so the seeded fault draws, come in the same order on every run
      const { result, session: s } = await deploy(emu, pack, [WS], {
        settings: { concurrency: 1, retry: { maxRetries: 8, retryDelayInMs: 2, maxRetryDelayInMs: 20 } },
      });
      const log = emu.requests();
      const faulted = log.filter((r) => r.fault);
      // the faults really happened, of every kind (seed 42 in this order: 10 of 70 calls)
      expect(faulted.length).toBeGreaterThanOrEqual(8);
      expect(new Set(faulted.map((r) => (r.fault === 'drop' ? 'drop' : r.status)))).toEqual(
        new Set(['drop', 429, 500, 503]),
      );
      expect(s.stats.retries).toBeGreaterThanOrEqual(faulted.length);
      expect(result.ok).toBe(true);
      expect(storeState(emu, rgPath(WS))).toEqual(reference);
      // and nothing is left to do
      emu.clearFaults();
      emu.clearRequests();
      const again = await deploy(emu, pack, [WS]);
      expect(Object.values(actions(again.plan)).every((a) => a === 'unchanged')).toBe(true);
      expect(writeRequests(emu)).toEqual([]);
    },
  ));

test('a permanent 400 fails that artifact alone: what depends on it is not applied, everything else is; a re-run converges', () => {
  const playbook = pack.find((r) => r.kind === 'playbook' && r.name.includes('notify'))!;
  // every automation rule that runs this playbook (there may be more than one) depends on it
  const dependents = pack.filter(
    (r) => r.kind === 'automationRule' && r.dependsOn?.includes(`playbook:${playbook.name}`),
  );
  const dependent = dependents[0];
  return withEmulator(
    {
      faults: {
        rules: [
          {
            fault: 'error',
            status: 400,
            method: 'PUT',
            path: `/deployments/${playbook.name}$`,
            code: 'InvalidTemplate',
            message: 'Deployment template validation failed.',
          },
        ],
      },
    },
    async (emu) => {
      const { result } = await deploy(emu, pack, [WS]);
      expect(result.ok).toBe(false);
      const byKey = Object.fromEntries(result.workspaces[0].entries.map((r) => [r.entry.key, r]));
      expect(byKey[`playbook:${playbook.name}`]).toMatchObject({
        status: 'failed',
        message: '400 InvalidTemplate: Deployment template validation failed.',
      });
      // the automation rule that runs this playbook is not applied, nor its metadata
      expect(byKey[`automationRule:${dependent.name}`]).toMatchObject({
        status: 'skipped',
        blockedBy: [`playbook:${playbook.name}`],
      });
      expect(byKey[`metadata:breakglass-sentinel-automationRule-${dependent.name}`]).toMatchObject({
        status: 'skipped',
        blockedBy: [`automationRule:${dependent.name}`],
      });
      const blocked = dependents.flatMap((d) => [
        `automationRule:${d.name}`,
        `metadata:breakglass-sentinel-automationRule-${d.name}`,
      ]);
      for (const k of blocked) expect(byKey[k]?.status).toBe('skipped');
      const others = result.workspaces[0].entries.filter(
        (r) => ![`playbook:${playbook.name}`, ...blocked].includes(r.entry.key),
      );
      expect(others.length).toBeGreaterThan(20);
      expect(others.filter((r) => r.status !== 'applied').map((r) => [r.entry.key, r.status, r.message])).toEqual([]);
      // the 400 was not retried
      expect(
        emu.requests().filter((r) => r.method === 'PUT' && r.path.endsWith(`/deployments/${playbook.name}`)),
      ).toHaveLength(1);
      const text = formatApplyText(result);
      expect(text).toContain(
        `FAILED      ARM deployment ${playbook.displayName} (${playbook.name}): 400 InvalidTemplate: Deployment template validation failed.`,
      );
      expect(text).toContain(
        `not applied automation rule ${dependent.displayName} (${dependent.name}): not applied: depends on playbook:${playbook.name}, which was not applied`,
      );
      expect(text).toMatch(
        new RegExp(
          `Not everything was applied: 1 failed, ${blocked.length} not applied\\. .* re-run \`btg deploy\`: it converges\\.`,
        ),
      );

      // the fault is fixed: the re-run applies exactly what is missing and reaches the desired state
      emu.clearFaults();
      emu.clearRequests();
      const again = await deploy(emu, pack, [WS]);
      expect(again.result.ok).toBe(true);
      expect(
        writeRequests(emu)
          .map((r) => r.path.split('/').slice(-2)[0])
          .sort(),
      ).toEqual([...dependents.flatMap(() => ['automationRules', 'metadata']), 'deployments'].sort());
      expect(storeState(emu, rgPath(WS))).toEqual(reference);
    },
  );
});

test('an attempt that times out is retried (per-request timeout)', () =>
  withEmulator(
    { faults: { rules: [{ fault: 'latency', ms: 1500, method: 'PUT', path: '/alertRules/', times: 2 }] } },
    async (emu) => {
      const { result, session: s } = await deploy(emu, pack, [WS], { settings: { timeoutSeconds: 0.5 } });
      expect(result.ok).toBe(true);
      expect(s.stats.retries).toBeGreaterThanOrEqual(2);
      expect(storeState(emu, rgPath(WS))).toEqual(reference);
    },
  ));

test('Ctrl-C stops cleanly: no new requests, in-flight ones finish, the result says what was applied; a re-run converges', () =>
  withEmulator({ latencyMs: 40 }, async (emu) => {
    const s = session(emu, { concurrency: 2 });
    const plan = await planDeployment(s, { resources: pack, workspaces: [WS], packId: packIdFor() });
    let requestsAtStop = -1;
    const result = await applyDeployment(s, plan, {
      onEvent: (e) => {
        if (e.type === 'end' && requestsAtStop < 0 && e.result.entry.kind === 'alertRule') {
          s.control.requestStop();
          requestsAtStop = emu.requests().length;
        }
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.ok).toBe(false);
    const statuses = result.workspaces[0].entries.map((r) => r.status);
    expect(statuses).toContain('applied');
    expect(statuses).toContain('interrupted');
    expect(statuses.every((st) => st === 'applied' || st === 'interrupted')).toBe(true);
    // only the writes already in flight (at most --concurrency) reached the service after the stop
    expect(
      emu
        .requests()
        .slice(requestsAtStop)
        .filter((r) => r.method !== 'GET').length,
    ).toBeLessThanOrEqual(2);
    // what was applied is really there, what was interrupted is not
    for (const r of result.workspaces[0].entries) expect(emu.store.has(r.entry.id)).toBe(r.status === 'applied');
    expect(formatApplyText(result)).toMatch(/Interrupted: the artifacts above marked "interrupted" were not applied/);

    const again = await deploy(emu, pack, [WS]);
    expect(again.result.ok).toBe(true);
    expect(storeState(emu, rgPath(WS))).toEqual(reference);
  }));
