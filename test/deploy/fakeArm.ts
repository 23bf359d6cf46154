/** ArmClients over an in-process `httpClient` (no sockets): the deploy pipeline with every answer under the test's control. */
import { HttpClient } from '@azure/core-rest-pipeline';
import { ArmClients, ClientSettings } from '../../scripts/deploy/clients';
import { newStats, RunControl } from '../../scripts/deploy/policies';
import { resolveTarget, staticTokenCredential } from '../../scripts/deploy/target';

export const TEST_TOKEN = 't0ken-for-tests';

export function armClientsOver(
  httpClient: HttpClient,
  over: Partial<Omit<ClientSettings, 'control' | 'stats' | 'clientOptions'>> = {},
): { c: ArmClients; control: RunControl; stats: ReturnType<typeof newStats> } {
  const control = new RunControl();
  control.readOnly = false;
  const stats = newStats();
  const c = new ArmClients({
    target: resolveTarget(),
    credential: staticTokenCredential(TEST_TOKEN),
    retry: { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 5 },
    timeoutMs: 1000,
    pollIntervalMs: 1,
    operationTimeoutMs: 1000,
    ...over,
    control,
    stats,
    clientOptions: { httpClient },
  });
  return { c, control, stats };
}
