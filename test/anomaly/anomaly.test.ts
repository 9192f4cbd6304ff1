import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgAnomalyModel } from '../../src/anomaly/model.js';
import { testDatabaseUrl } from '../helpers/database.js';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let org: TestOrg;
let other: TestOrg;
const env = { AEGIS_TASK_QUEUE: `anomaly-${randomUUID()}` };

/** A day of a support bot's steady behaviour (a call every 2 s, around the clock), as the model would have learnt it. */
function steadyHistory(): OrgAnomalyModel {
  const model = new OrgAnomalyModel();
  const start = Date.now() - 86_400_000;
  let n = 0;
  let seed = 42;
  const coin = (): boolean => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) & 1024) === 0;
  for (let t = start; t < Date.now() - 60_000; t += 2_000) {
    n++;
    const at = new Date(t);
    if (coin()) model.observe({ agentId: 'support-bot', toolName: 'lookup_order', arguments: { order_id: `ORD-${100000 + (n % 5000)}` }, category: 'general', at });
    else model.observe({ agentId: 'support-bot', toolName: 'send_email', arguments: { to: `customer${n % 40}@acme-customers.com`, subject: `Your order ORD-${100000 + (n % 5000)}`, body: 'Hello, your order has shipped and will arrive in 2-3 days. Kind regards, Acme support' }, category: 'email', at });
  }
  return model;
}

beforeAll(async () => {
  gw = await startTestGateway(env);
  [org, other] = await Promise.all([newOrg(gw), newOrg(gw)]);
  // Restored the way a restart restores it: from the org's snapshot.
  await gw.db('anomaly_models').insert({ org_id: org.orgId, state: JSON.stringify(steadyHistory().toJSON()) });
});
afterAll(async () => gw?.shutdown());

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const check = (g: TestGateway, tool: string, args: Record<string, unknown>, agent = 'support-bot', o = org) =>
  call(g.url, 'POST', '/api/v1/check', { key: o.adminKey, body: { agent_id: agent, tool_name: tool, arguments: args } });

describe('anomaly scores', () => {
  it('stay below 0.7 for a steady agent’s usual calls', async () => {
    // At the agent's usual pace (one call every 2 s): pausing between them is the point.
    for (let i = 0; i < 6; i++) {
      await pause(2_000);
      const a = await check(gw, 'lookup_order', { order_id: `ORD-${100100 + i}` });
      await pause(2_000);
      const b = await check(gw, 'send_email', { to: `customer${i}@acme-customers.com`, subject: `Your order ORD-${100100 + i}`, body: 'Hello, your order has shipped and will arrive in 2-3 days. Kind regards, Acme support' });
      expect(a.body.anomaly_score, JSON.stringify(a.body.anomaly_features)).toBeLessThan(0.7);
      expect(b.body.anomaly_score, JSON.stringify(b.body.anomaly_features)).toBeLessThan(0.7);
      expect(b.body.decision).toBe('allow');
    }
  });

  it('reach 0.7 for a never-seen tool, explain why, and list the event within 1 s', async () => {
    await pause(2_000);
    const res = await check(gw, 'export_all_customers', { format: 'csv' });
    expect(res.body.anomaly_score).toBeGreaterThanOrEqual(0.7);
    expect(res.body.anomaly_features[0]).toMatchObject({ name: 'tool', detail: expect.stringMatching(/export_all_customers/) });
    await eventually(async () => {
      const events = await call(gw.url, 'GET', `/api/v1/anomalies?agent_id=support-bot&min_score=0.7`, { key: await org.keyFor('viewer') });
      expect(events.body.data.map((e: { check_id: string }) => e.check_id)).toContain(res.body.check_id);
      const e = events.body.data.find((x: { check_id: string }) => x.check_id === res.body.check_id);
      expect(e).toMatchObject({ agent_id: 'support-bot', tool_name: 'export_all_customers', score: res.body.anomaly_score, decision: res.body.decision, features: expect.any(Array), created_at: expect.any(String) });
    }, 1_000, 50);
  });

  it('reach 0.7 for a new exfiltration destination', async () => {
    await pause(2_000);
    const res = await check(gw, 'send_email', { to: 'dropbox@exfil-collector.net', subject: 'Your order ORD-100200', body: 'Hello, your order has shipped and will arrive in 2-3 days. Kind regards, Acme support' });
    expect(res.body.anomaly_score).toBeGreaterThanOrEqual(0.7);
    expect(res.body.anomaly_features.map((f: { name: string }) => f.name)).toContain('destination');
  });

  it('escalate an allowed call to pending above the escalation threshold, saying why', async () => {
    await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { anomaly_escalate_threshold: 0.7 } });
    const res = await check(gw, 'wire_transfer_tool', { iban: 'none', note: 'x' });
    expect(res.body.anomaly_score).toBeGreaterThanOrEqual(0.7);
    expect(res.body).toMatchObject({ decision: 'pending', policy_name: 'anomaly', risk_level: 'HIGH' });
    expect(res.body.reason).toMatch(/^anomaly: score [01]\.\d\d ≥ 0\.7: /);
    await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { anomaly_escalate_threshold: null } });
  });

  it('refuses an event threshold above the escalation threshold (an escalated check would leave no event)', async () => {
    const res = await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { anomaly_threshold: 0.95 } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'anomaly_threshold' }] });
    expect((await call(gw.url, 'GET', '/api/v1/config', { key: org.adminKey })).body.anomaly_threshold).toBe(0.7);
  });

  it('scores a cold-start agent conservatively', async () => {
    for (const tool of ['a_tool', 'b_tool', 'c_tool', 'd_tool']) {
      const res = await check(gw, tool, { x: 1 }, `newcomer-${randomUUID()}`);
      expect(res.body.anomaly_score).toBeLessThan(0.7);
    }
  });

  it('survives a restart', async () => {
    const second = await startTestGateway(env, { worker: false });
    await gw.shutdown(); // persists the model
    try {
      await pause(2_000);
      const res = await check(second, 'lookup_order', { order_id: 'ORD-100500' });
      expect(res.body.anomaly_score).toBeLessThan(0.7);
      await pause(2_000);
      const known = await check(second, 'export_all_customers', { format: 'csv' });
      // Seen once before the restart: no longer a never-seen tool.
      expect(known.body.anomaly_features.find((f: { name: string; detail: string }) => f.name === 'tool')?.detail ?? '').not.toMatch(/never used/);
    } finally {
      gw = second;
    }
  });
  it('reach 0.7 in a burst against the agent’s own baseline', async () => {
    let max = 0;
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const res = await check(gw, 'lookup_order', { order_id: `ORD-${101000 + i}` });
        max = Math.max(max, res.body.anomaly_score);
      }),
    );
    expect(max).toBeGreaterThanOrEqual(0.7);
    const events = await call(gw.url, 'GET', '/api/v1/anomalies?min_score=0.7&limit=200', { key: org.adminKey });
    expect(events.body.data.some((e: { features: Array<{ name: string }> }) => e.features[0]?.name === 'burst')).toBe(true);
  });

  it("keeps events to the org and validates the filters", async () => {
    expect((await call(gw.url, 'GET', '/api/v1/anomalies', { key: other.adminKey })).body.total).toBe(0);
    expect((await call(gw.url, 'GET', '/api/v1/anomalies?min_score=2', { key: org.adminKey })).status).toBe(400);
    expect((await call(gw.url, 'GET', '/api/v1/anomalies?decision=maybe', { key: org.adminKey })).status).toBe(400);
  });
});

describe('automatic kill switch', () => {
  it('engages after N blocked calls of an agent within the window, audited', async () => {
    const o = await newOrg(gw);
    const cfg = await call(gw.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { auto_kill: { enabled: true, blocked_calls: 3 } } });
    expect(cfg.body.auto_kill).toEqual({ enabled: true, blocked_calls: 3, window_seconds: 60 });
    for (let i = 0; i < 3; i++) {
      const res = await check(gw, 'read_file', { path: `../../../etc/shadow${'/'.repeat(i)}` }, 'intruder', o);
      expect(res.body.decision).toBe('block');
    }
    await eventually(async () => {
      const switches = await call(gw.url, 'GET', '/api/v1/kill-switches?active=true', { key: o.adminKey });
      expect(switches.body.data).toEqual([expect.objectContaining({ scope: 'agent', target: 'intruder', engaged_by: 'system:auto-kill (automatic kill switch)' })]);
    }, 5_000, 100);
    const next = await check(gw, 'read_file', { path: 'README.md' }, 'intruder', o);
    expect(next.body.policy_name).toBe('kill-switch');
    const audit = await call(gw.url, 'GET', '/api/v1/audit-log?action=kill_switch.engage', { key: o.adminKey });
    expect(audit.body.data[0].actor).toBe('system:auto-kill');
  });

  it('never engages for an agent id holding the wildcard: a switch on "*" would stop every agent', async () => {
    const o = await newOrg(gw);
    await call(gw.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { auto_kill: { enabled: true, blocked_calls: 2 } } });
    for (const agent of ['*', '*', 'billing*', 'billing*']) {
      const res = await check(gw, 'read_file', { path: '../../../etc/shadow' }, agent, o);
      expect(res.body.decision).toBe('block');
    }
    // Each call is still blocked on its own; another agent is untouched, and no switch was engaged.
    await new Promise((r) => setTimeout(r, 300));
    const other = await check(gw, 'read_file', { path: 'README.md' }, 'billing-bot', o);
    expect(other.body).toMatchObject({ decision: 'allow' });
    const switches = await call(gw.url, 'GET', '/api/v1/kill-switches?active=true', { key: o.adminKey });
    expect(switches.body.data).toEqual([]);
  });
});

describe('fail_mode', () => {
  it('answers 503 when a check cannot be recorded, or the decision anyway when "open"', async () => {
    const db = new URL(await testDatabaseUrl());
    const proxy = await startTcpProxy(db.hostname, Number(db.port || 5432));
    db.host = `127.0.0.1:${proxy.port}`;
    const viaProxy = await startTestGateway({ ...env, DATABASE_URL: db.toString() }, { worker: false });
    try {
      const o = await newOrg(viaProxy);
      const body = { agent_id: 'a', tool_name: 'read_docs', arguments: {} };
      expect((await call(viaProxy.url, 'POST', '/api/v1/check', { key: o.adminKey, body })).status).toBe(200);
      proxy.cut();
      const closed = await call(viaProxy.url, 'POST', '/api/v1/check', { key: o.adminKey, body });
      expect(closed.status).toBe(503);
      expect(closed.body.error.code).toBe('UNAVAILABLE');
      proxy.resume();
      await eventually(async () => expect((await call(viaProxy.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { fail_mode: 'open' } })).status).toBe(200), 10_000, 200);
      await eventually(async () => expect((await call(viaProxy.url, 'GET', '/api/v1/config', { key: o.adminKey })).body.fail_mode).toBe('open'), 2_000, 50);
      proxy.cut();
      const open = await call(viaProxy.url, 'POST', '/api/v1/check', { key: o.adminKey, body });
      expect(open.status).toBe(200);
      expect(open.body.decision).toBe('allow');
      expect(open.headers.get('x-aegis-degraded')).toBe('not-recorded');
    } finally {
      proxy.resume();
      await viaProxy.shutdown();
      await proxy.close();
    }
  });
});
