import { proxyActivities } from '@temporalio/workflow';
import type { GatewayActivities } from '../activities/index.js';

const { probeDatabase } = proxyActivities<GatewayActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/**
 * probe proves the whole path an operator depends on: server → worker → activity → PostgreSQL and
 * back. `aegis probe` and the smoke test run it.
 */
export async function probe(nonce: string): Promise<{ nonce: string; database_time: string }> {
  const { now } = await probeDatabase();
  return { nonce, database_time: now };
}
