import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let connection: Connection;

beforeAll(async () => {
  gw = await startTestGateway();
  connection = await Connection.connect({ address: inject('temporalAddress') });
});
afterAll(async () => {
  await connection?.close();
  await gw?.shutdown();
});

describe('the gateway worker', () => {
  it('runs a workflow and its activity against PostgreSQL (server ↔ worker round trip)', async () => {
    const client = new Client({ connection });
    const nonce = randomUUID();
    const before = Date.now();
    const result = await client.workflow.execute('probe', {
      taskQueue: gw.taskQueue,
      workflowId: `probe-${nonce}`,
      args: [nonce],
      workflowExecutionTimeout: '20 seconds',
    });
    expect(result.nonce).toBe(nonce);
    const dbTime = Date.parse(result.database_time);
    expect(dbTime).toBeGreaterThanOrEqual(before - 5_000);
    expect(dbTime).toBeLessThanOrEqual(Date.now() + 5_000);
    const history = await client.workflow.getHandle(`probe-${nonce}`).fetchHistory();
    const types = (history.events ?? []).map((e) => e.eventType);
    // An activity was scheduled and completed through the worker.
    expect(types).toContain(10); // ACTIVITY_TASK_SCHEDULED
    expect(types).toContain(12); // ACTIVITY_TASK_COMPLETED
  });

  it('registered the search attributes the workflows use', async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const name of ['AegisOrgId', 'AgentId', 'ToolName', 'RiskLevel', 'CheckStatus']) expect(Object.keys(customAttributes ?? {})).toContain(name);
  });
});
