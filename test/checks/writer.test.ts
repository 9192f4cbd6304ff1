import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckWriter } from '../../src/checks/writer.js';
import type { CheckRecord } from '../../src/checks/types.js';
import { createDb, type Db } from '../../src/db/knex.js';
import { createLogger } from '../../src/log.js';
import { createOrg } from '../../src/orgs/orgs.js';
import { testDatabaseUrl } from '../helpers/database.js';

let db: Db;
let writer: CheckWriter;
let orgId: string;

beforeAll(async () => {
  const url = await testDatabaseUrl();
  db = createDb(url, 2);
  orgId = (await createOrg(db, `writer-${randomUUID()}`)).id;
  // One batch at a time, so rows written together share one statement.
  writer = new CheckWriter(url, createLogger('silent'), { maxBatch: 500, maxConcurrent: 1 });
});
afterAll(async () => {
  await writer?.drain();
  await db?.destroy();
});

function record(org: string, agent: string): CheckRecord {
  const now = new Date();
  return {
    id: randomUUID(), org_id: org, agent_id: agent, tool_name: 'db_query', arguments: { sql: 'SELECT 1' }, arguments_sha256: 'ab'.repeat(32), context: {},
    category: 'database', signals: [], signals_omitted: 0, anomaly_score: 0, anomaly_features: [], anomaly_event: false, decision: 'allow', status: 'decided',
    policy_name: 'default', risk_level: 'LOW', reason: null, counterfactual: null, shadow_violations: [], credential_id: 'api_key:test',
    created_at: now, expires_at: null, decided_at: now, decided_by: 'policy', decided_credential: null, decision_reason: null,
  };
}

describe('the check writer', () => {
  it('writes the rows of a batch the server refuses one by one: only the refused row fails', async () => {
    const good = [record(orgId, 'a'), record(orgId, 'b'), record(orgId, 'c')];
    const bad = record(randomUUID(), 'no-such-org'); // foreign key violation (23503)
    const results = await Promise.allSettled([writer.write(good[0]!), writer.write(bad), writer.write(good[1]!), writer.write(good[2]!)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const stored = await db('checks').whereIn('id', [...good, bad].map((r) => r.id)).pluck('id');
    expect(stored.sort()).toEqual(good.map((r) => r.id).sort());
    // Their transparency-log entries were queued with them (and only theirs).
    const queued = await db('tlog_queue').whereIn('ref_id', [...good, bad].map((r) => r.id)).pluck('ref_id');
    const leaves = await db('tlog_leaves').whereIn('ref_id', [...good, bad].map((r) => r.id)).pluck('ref_id');
    expect([...queued, ...leaves].sort()).toEqual(good.map((r) => r.id).sort());
  });
});
