import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { testDatabaseUrl } from '../helpers/database.js';
import { pendingCheck, requireReview } from '../helpers/pending.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let org: TestOrg;
let listener: pg.Client;
const heard: string[] = [];

beforeAll(async () => {
  gw = await startTestGateway();
  org = await newOrg(gw, 'outbox');
  await requireReview(gw, org);
  listener = new pg.Client({ connectionString: await testDatabaseUrl() });
  await listener.connect();
  listener.on('notification', (n) => heard.push(n.channel));
  await listener.query('listen aegis_outbox');
  await listener.query('listen aegis_tlog');
});
afterAll(async () => {
  await listener?.end();
  await gw?.shutdown();
});

describe('the outbox wakes dispatchers only for pending checks', () => {
  it('is silent for checks decided at once, and notifies for a pending one', async () => {
    // Decided checks: their batch statement also inserts into the outbox, zero rows.
    for (let i = 0; i < 5; i++) {
      const res = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'quiet', tool_name: 'db_query', arguments: { sql: `SELECT ${i}` } } });
      expect(res.body.decision).toBe('allow');
    }
    // Their leaves were queued (that channel heard them), the outbox's did not.
    await eventually(async () => expect(heard).toContain('aegis_tlog'), 5_000, 50);
    expect(heard).not.toContain('aegis_outbox');

    await pendingCheck(gw.url, org.adminKey);
    await eventually(async () => expect(heard).toContain('aegis_outbox'), 5_000, 50);
  });
});
