import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { TraceBuffer, type TraceRow } from '../../src/traces/buffer.js';
import { call, newOrg, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const started: TestGateway[] = [];
afterAll(async () => Promise.all(started.map((g) => g.shutdown())));

async function gateway(env: Record<string, string>): Promise<TestGateway> {
  const gw = await startTestGateway(env, { worker: false });
  started.push(gw);
  return gw;
}

const trace = (i: number) => ({ agent_id: `agent-${i % 7}`, tool_name: 'read_file', arguments: { path: `/srv/${i}` }, started_at: new Date().toISOString(), duration_ms: i });

async function countRows(gw: TestGateway, orgId: string): Promise<number> {
  const [row] = (await gw.db('traces').where({ org_id: orgId }).count({ n: '*' })) as Array<{ n: number }>;
  return Number(row?.n);
}

describe('trace buffer', () => {
  it('writes every acknowledged trace on graceful shutdown', async () => {
    // Batches that never fill and a flush timer that never fires: only the shutdown drain writes.
    const gw = await gateway({ AEGIS_TRACE_FLUSH_MS: '60000', AEGIS_TRACE_BATCH_SIZE: '10000' });
    const org = await newOrg(gw);
    const answers = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey, body: trace(i) })),
      ...Array.from({ length: 5 }, (_, b) => call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey, body: Array.from({ length: 200 }, (_, i) => trace(b * 200 + i)) })),
    ]);
    const acknowledged = answers.filter((a) => a.status === 201).reduce((n, a) => n + (a.body.ids?.length ?? 1), 0);
    expect(acknowledged).toBe(1040);
    expect(await countRows(gw, org.orgId)).toBe(0);
    await gw.shutdown();
    // The gateway's pool is closed now: count through a connection of our own.
    const client = new pg.Client({ connectionString: gw.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('select count(*) as n from traces where org_id = $1', [org.orgId]);
      expect(Number(rows[0]?.n)).toBe(acknowledged);
    } finally {
      await client.end();
    }
  });

  it('answers 429 with Retry-After when full, instead of growing without bound', async () => {
    const gw = await gateway({ AEGIS_TRACE_BUFFER_MAX: '5', AEGIS_TRACE_FLUSH_MS: '60000', AEGIS_TRACE_BATCH_SIZE: '10000' });
    const org = await newOrg(gw);
    const fits = await call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey, body: [trace(1), trace(2), trace(3), trace(4)] });
    expect(fits.status).toBe(201);
    const tooMany = await call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey, body: [trace(5), trace(6)] });
    expect(tooMany.status).toBe(429);
    expect(tooMany.headers.get('retry-after')).toBe('1');
    expect(tooMany.body.error).toMatchObject({ code: 'RATE_LIMITED', retry_after_seconds: 1 });
    expect(tooMany.body.error.message).toMatch(/buffer is full \(4 of 5/);
    expect((await call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey, body: trace(5) })).status).toBe(201);
    expect((await call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey, body: trace(6) })).status).toBe(429);
    // Full: refused before the body is parsed (a malformed one gets the 429, not a 400), on a connection that stays usable…
    const unread = await call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey, raw: '{"not json', headers: { 'content-type': 'application/json' } });
    expect(unread.status).toBe(429);
    expect(unread.headers.get('retry-after')).toBe('1');
    expect(unread.headers.get('connection')).not.toBe('close');
    expect(unread.body.error.message).toMatch(/buffer is full \(5 of 5/);
    // …but only for callers who may send traces: the others still learn they may not.
    expect((await call(gw.url, 'POST', '/api/v1/traces', { key: await org.keyFor('viewer'), body: trace(7) })).status).toBe(403);
    expect((await call(gw.url, 'POST', '/api/v1/traces', { body: trace(7) })).status).toBe(401);
  });

  it("keeps a fifth of the buffer for other orgs: one org's flood is refused before anyone else's traces", async () => {
    const gw = await gateway({ AEGIS_TRACE_BUFFER_MAX: '100', AEGIS_TRACE_FLUSH_MS: '60000', AEGIS_TRACE_BATCH_SIZE: '10000' });
    const [flood, victim] = [await newOrg(gw), await newOrg(gw)];
    const send = (o: typeof flood, from: number, n: number) => call(gw.url, 'POST', '/api/v1/traces', { key: o.adminKey, body: Array.from({ length: n }, (_, i) => trace(from + i)) });
    expect((await send(flood, 0, 40)).status).toBe(201);
    expect((await send(flood, 40, 40)).status).toBe(201);
    const over = await send(flood, 80, 1);
    expect(over.status).toBe(429);
    expect(over.body.error.message).toMatch(/this organisation's traces fill its share of the trace buffer \(80 of 80/);
    // Refused unread too, once the org's share is (nearly) full.
    expect((await call(gw.url, 'POST', '/api/v1/traces', { key: flood.adminKey, raw: '{"not json', headers: { 'content-type': 'application/json' } })).status).toBe(429);
    expect((await send(victim, 100, 15)).status).toBe(201);
    await gw.shutdown();
    const client = new pg.Client({ connectionString: gw.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ org_id: string; n: string }>('select org_id, count(*) as n from traces where org_id = any($1) group by org_id', [[flood.orgId, victim.orgId]]);
      expect(Object.fromEntries(rows.map((r) => [r.org_id, Number(r.n)]))).toEqual({ [flood.orgId]: 80, [victim.orgId]: 15 });
    } finally {
      await client.end();
    }
  });

  it('frees room as batches are written', async () => {
    const gw = await gateway({ AEGIS_TRACE_BUFFER_MAX: '10', AEGIS_TRACE_FLUSH_MS: '10', AEGIS_TRACE_BATCH_SIZE: '10' });
    const org = await newOrg(gw);
    let accepted = 0;
    for (let round = 0; round < 20; round++) {
      const res = await call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey, body: Array.from({ length: 5 }, (_, i) => trace(round * 5 + i)) });
      if (res.status === 201) accepted += 5;
      else expect(res.status).toBe(429);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(accepted).toBeGreaterThanOrEqual(50);
    await new Promise((r) => setTimeout(r, 200));
    expect(await countRows(gw, org.orgId)).toBe(accepted);
  });

  it('drops only the rows PostgreSQL refuses, and skips rows a retried batch already stored', async () => {
    const gw = await gateway({});
    const org = await newOrg(gw);
    const lines: string[] = [];
    const log = createLogger('error', new Writable({ write: (chunk, _enc, done) => done(void lines.push(String(chunk))) }));
    const buffer = new TraceBuffer(gw.databaseUrl, log, { bufferMax: 100, batchSize: 100, flushMs: 5 });
    const row = (over: Partial<TraceRow> = {}): TraceRow => ({
      id: randomUUID(), org_id: org.orgId, agent_id: 'direct', tool_name: 'read_file', arguments: { path: '/srv/x' }, result: undefined, error: undefined,
      started_at: new Date().toISOString(), duration_ms: 1, check_id: null, blocked: false, trace_id: null, span_id: null, metadata: {}, received_at: new Date().toISOString(), ...over,
    });
    const first = row();
    buffer.push([first]);
    await eventuallyCount(gw, org.orgId, 1);
    // The same trace again (a batch retried after it committed), one PostgreSQL refuses, and two good
    // ones — one with COPY's delimiters in a field no request schema would have let through — in one batch.
    const refused = row({ started_at: 'not a time' });
    const awkward = row({ agent_id: 'tab\there\nnewline\rreturn\\N' });
    buffer.push([{ ...first }, row(), refused, awkward]);
    await eventuallyCount(gw, org.orgId, 3);
    await buffer.drain();
    expect(await countRows(gw, org.orgId)).toBe(3);
    expect(await gw.db('traces').where({ id: awkward.id }).first('agent_id')).toEqual({ agent_id: 'tab\there\nnewline\rreturn\\N' });
    const logged = lines.join('');
    expect(logged).toContain(refused.id);
    expect(logged).not.toContain(first.id);
  });
});

async function eventuallyCount(gw: TestGateway, orgId: string, n: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await countRows(gw, orgId)) < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} traces stored after 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

