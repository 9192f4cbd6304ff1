import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { pendingCheck, requireReview } from '../helpers/pending.js';
import { scimFor } from '../scim/client.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let org: TestOrg;
let other: TestOrg;
let connection: Connection;
const finished: string[] = [];

beforeAll(async () => {
  gw = await startTestGateway({ AEGIS_WEBHOOK_ALLOW_PRIVATE: 'true', AEGIS_RECONCILE_INTERVAL_MS: '500' });
  [org, other] = await Promise.all([newOrg(gw), newOrg(gw)]);
  await requireReview(gw, org);
  connection = await Connection.connect({ address: inject('temporalAddress') });
});
afterAll(async () => {
  await connection?.close();
  await gw?.shutdown();
});

/** terminateWorkflow ends a check's workflow without a decision, as an operator would, once the dispatcher has started it. */
async function terminateWorkflow(id: string): Promise<void> {
  const handle = new Client({ connection }).workflow.getHandle(id);
  await eventually(async () => {
    await handle.describe();
  }, 10_000, 100);
  await handle.terminate('operator');
}

const decide = (id: string, body: unknown, key = org.adminKey) => call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key, body });

describe('a pending check left behind', () => {
  it('covered by a kill switch that could not block it: a reviewer may not allow it, and the next pass blocks it', async () => {
    const o = await newOrg(gw);
    await requireReview(gw, o);
    const id = await pendingCheck(gw.url, o.adminKey, 'ks-agent');
    // Engaged while Temporal was unreachable: the switch exists, the check is still pending.
    const [ks] = await gw.db('kill_switches').insert({ org_id: o.orgId, scope: 'agent', target: 'ks-*', reason: 'incident', engaged_by: 'api_key:test' }).returning('id');
    const allow = await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: o.adminKey, body: { decision: 'allow', decided_by: 'alice@acme.com' } });
    expect(allow.status).toBe(409);
    expect(allow.body.error).toMatchObject({ code: 'CONFLICT', kill_switch: ks.id, message: expect.stringMatching(/can only be blocked/) });
    await eventually(async () => {
      const verdict = await call(gw.url, 'GET', `/api/v1/check/${id}/decision`, { key: o.adminKey });
      expect(verdict.body).toMatchObject({ decision: 'block', status: 'decided', decided_by: 'kill-switch' });
    }, 10_000, 200);
    finished.push(id);
  });

  it('whose workflow ended without a decision: a PATCH decides it in PostgreSQL, with its log entry', async () => {
    const id = await pendingCheck(gw.url, org.adminKey);
    await terminateWorkflow(id);
    const res = await decide(id, { decision: 'block', decided_by: 'alice@acme.com', reason: 'workflow gone' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ check_id: id, decision: 'block', status: 'decided', decided_by: 'alice@acme.com', log: null });
    expect((await decide(id, { decision: 'allow', decided_by: 'bob@acme.com' })).status).toBe(409);
    await eventually(async () => {
      const check = await call(gw.url, 'GET', `/api/v1/check/${id}`, { key: org.adminKey });
      expect(check.body.log).toMatchObject({ leaf_index: expect.any(Number) });
    }, 10_000, 200);
  });

  it('past its deadline with its workflow ended: the next pass records the timeout decision', async () => {
    const o = await newOrg(gw);
    await requireReview(gw, o);
    await call(gw.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { pending_timeout_seconds: 2, timeout_decision: 'block' } });
    const id = await pendingCheck(gw.url, o.adminKey);
    await terminateWorkflow(id);
    const verdict = await call(gw.url, 'GET', `/api/v1/check/${id}/decision?wait=15`, { key: o.adminKey });
    expect(verdict.body).toMatchObject({ decision: 'block', status: 'decided', decided_by: 'timeout', reason: expect.stringMatching(/workflow had ended/) });
  });
});

describe('a pending check', () => {
  it("gives its anomaly event the final decision once decided", async () => {
    const o = await newOrg(gw);
    await requireReview(gw, o);
    // Every check is an anomaly event at threshold 0.
    await call(gw.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { anomaly_threshold: 0, anomaly_escalate_threshold: 1 } });
    const id = await pendingCheck(gw.url, o.adminKey);
    const before = await call(gw.url, 'GET', '/api/v1/anomalies?decision=pending', { key: o.adminKey });
    expect(before.body.data.map((e: { check_id: string }) => e.check_id)).toContain(id);
    expect((await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: o.adminKey, body: { decision: 'block', decided_by: 'alice@acme.com' } })).status).toBe(200);
    const after = await call(gw.url, 'GET', '/api/v1/anomalies?decision=block', { key: o.adminKey });
    expect(after.body.data.map((e: { check_id: string }) => e.check_id)).toContain(id);
  });

  it('takes its id in any letter case, and refuses a decided_by the gateway reserves', async () => {
    const id = await pendingCheck(gw.url, org.adminKey);
    for (const decided_by of ['timeout', 'Kill-Switch', 'policy', 'system:auto-kill']) {
      const res = await decide(id, { decision: 'allow', decided_by });
      expect(res.status, decided_by).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
    const res = await decide(id.toUpperCase(), { decision: 'block', decided_by: 'alice@acme.com' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ check_id: id, decision: 'block' });
    finished.push(id);
  });

  it('is decided by a reviewer PATCH: 200 with the final record, then 409 for a second decision', async () => {
    const id = await pendingCheck(gw.url, org.adminKey);
    const polled = await call(gw.url, 'GET', `/api/v1/check/${id}/decision`, { key: org.adminKey });
    expect(polled.body).toMatchObject({ check_id: id, decision: 'pending', status: 'pending', decided_by: null, decided_at: null, expires_at: expect.any(String) });

    const res = await decide(id, { decision: 'allow', decided_by: 'alice@acme.com', reason: 'planned release' }, await org.keyFor('reviewer'));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ check_id: id, decision: 'allow', status: 'decided', decided_by: 'alice@acme.com', decision_reason: 'planned release', decided_at: expect.any(String) });

    const verdict = await call(gw.url, 'GET', `/api/v1/check/${id}/decision`, { key: org.adminKey });
    expect(verdict.body).toMatchObject({ decision: 'allow', status: 'decided', decided_by: 'alice@acme.com', reason: 'planned release' });

    const again = await decide(id, { decision: 'block', decided_by: 'bob@acme.com' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', decided_by: 'alice@acme.com', decision: 'allow' });
    const row = await gw.db('checks').where({ id }).first();
    expect(row.decided_credential).toMatch(/^api_key:/);
    finished.push(id);
  });

  it('applies the timeout decision when nobody decides in time, and a late PATCH is 409', async () => {
    const o = await newOrg(gw);
    await requireReview(gw, o);
    const cfg = await call(gw.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { pending_timeout_seconds: 2, timeout_decision: 'block' } });
    expect(cfg.status).toBe(200);
    expect(cfg.body).toMatchObject({ pending_timeout_seconds: 2, timeout_decision: 'block' });
    const id = await pendingCheck(gw.url, o.adminKey);
    const verdict = await call(gw.url, 'GET', `/api/v1/check/${id}/decision?wait=15`, { key: o.adminKey });
    expect(verdict.body).toMatchObject({ decision: 'block', status: 'decided', decided_by: 'timeout' });
    const late = await decide(id, { decision: 'allow', decided_by: 'alice@acme.com' }, o.adminKey);
    expect(late.status).toBe(409);
    expect(late.body.error.decided_by).toBe('timeout');
    finished.push(id);
  });

  it('wakes a long-poll within 1 s of the PATCH', async () => {
    const id = await pendingCheck(gw.url, org.adminKey);
    const started = Date.now();
    const poll = call(gw.url, 'GET', `/api/v1/check/${id}/decision?wait=30`, { key: org.adminKey });
    await new Promise((r) => setTimeout(r, 500));
    const patchedAt = Date.now();
    expect((await decide(id, { decision: 'block', decided_by: 'carol@acme.com' })).status).toBe(200);
    const res = await poll;
    const wokeAt = Date.now();
    expect(res.body).toMatchObject({ decision: 'block', decided_by: 'carol@acme.com' });
    expect(wokeAt - patchedAt).toBeLessThan(1_000);
    expect(wokeAt - started).toBeGreaterThanOrEqual(500);
    finished.push(id);
  });

  it('answers open long-polls at once (still pending) when a replica shuts down', async () => {
    const replica = await startTestGateway({ AEGIS_WEBHOOK_ALLOW_PRIVATE: 'true' }, { worker: false });
    const id = await pendingCheck(gw.url, org.adminKey);
    const poll = call(replica.url, 'GET', `/api/v1/check/${id}/decision?wait=30`, { key: org.adminKey });
    await new Promise((r) => setTimeout(r, 300));
    const stopping = Date.now();
    await replica.shutdown();
    const res = await poll;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ check_id: id, status: 'pending' });
    // Without releasing it, shutdown would wait for the long-poll (or for the 10 s force-close).
    expect(Date.now() - stopping).toBeLessThan(5_000);
    // The check itself is untouched: the other replica still decides it.
    expect((await decide(id, { decision: 'allow', decided_by: 'dave@acme.com' })).status).toBe(200);
    finished.push(id);
  });

  it('answers 404 for unknown and foreign checks, 400 for one never pending, 403 for viewers', async () => {
    const id = await pendingCheck(gw.url, org.adminKey);
    expect((await decide('5d0e7a38-5d6a-4c41-9b7e-2f1f0c8f7a11', { decision: 'allow', decided_by: 'a' })).status).toBe(404);
    expect((await decide(id, { decision: 'allow', decided_by: 'a' }, other.adminKey)).status).toBe(404);
    expect((await call(gw.url, 'GET', `/api/v1/check/${id}/decision`, { key: other.adminKey })).status).toBe(404);
    expect((await decide(id, { decision: 'allow', decided_by: 'a' }, await org.keyFor('viewer'))).status).toBe(403);
    expect((await decide(id, { decision: 'maybe', decided_by: 'a' })).status).toBe(400);
    expect((await decide(id, { decision: 'allow' })).status).toBe(400);
    const allowed = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'a', tool_name: 'read_docs', arguments: {} } });
    const never = await decide(allowed.body.check_id, { decision: 'block', decided_by: 'a' });
    expect(never.status).toBe(400);
    expect(never.body.error.message).toMatch(/never pending/);
  });

  it('is listed for reviewers, newest first, filtered by status and agent', async () => {
    const a = await pendingCheck(gw.url, org.adminKey, 'lister');
    const b = await pendingCheck(gw.url, org.adminKey, 'lister');
    const res = await call(gw.url, 'GET', '/api/v1/checks?status=pending&agent_id=lister', { key: await org.keyFor('reviewer') });
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { check_id: string }) => c.check_id)).toEqual([b, a]);
    expect(res.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect((await call(gw.url, 'GET', '/api/v1/checks?status=pending&agent_id=lister', { key: other.adminKey })).body.total).toBe(0);
  });

  it("refuses an Update sent past the API that decides under the gateway's own names", async () => {
    const id = await pendingCheck(gw.url, org.adminKey, 'direct-update');
    const handle = new Client({ connection }).workflow.getHandle(id);
    await eventually(async () => {
      await handle.describe();
    }, 10_000, 100);
    for (const input of [
      { decision: 'allow', decided_by: 'policy' },
      { decision: 'allow', decided_by: 'timeout' },
      { decision: 'allow', decided_by: 'system:reconcile' },
      { decision: 'allow', decided_by: 'kill-switch' },
    ]) {
      const err = await handle.executeUpdate('decide', { args: [input] }).then(() => undefined, (e: Error & { cause?: Error }) => e);
      expect(err?.cause?.message, JSON.stringify(input)).toMatch(/reserved for the gateway/);
    }
    // Still pending, and a reviewer decides it normally.
    expect((await call(gw.url, 'GET', `/api/v1/check/${id}`, { key: org.adminKey })).body.status).toBe('pending');
    expect((await decide(id, { decision: 'block', decided_by: 'alice@example.com' })).status).toBe(200);
  });

  it("records a provisioned user named like one of the gateway's deciders as a person", async () => {
    const o = await newOrg(gw);
    await requireReview(gw, o);
    const scim = await scimFor(gw, o);
    expect((await scim('POST', '/Users', { userName: 'timeout', emails: [{ value: 't@corp.example', primary: true }] })).status).toBe(201);
    const id = await pendingCheck(gw.url, o.adminKey, 'named-timeout');
    const res = await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: await o.keyFor('reviewer'), body: { decision: 'block', decided_by: 't@corp.example' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.decided_by).toBe('user:timeout');
  });

  it('can be found in Temporal by its search attributes while it waits', async () => {
    const id = await pendingCheck(gw.url, org.adminKey, 'sa-agent');
    const client = new Client({ connection });
    await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query: `AgentId="sa-agent" AND ExecutionStatus="Running"` })) ids.push(wf.workflowId);
      expect(ids).toContain(id);
    }, 10_000, 250);
    const description = await client.workflow.getHandle(id).describe();
    expect(description.typedSearchAttributes.getAll().map((p) => p.key.name)).toEqual(expect.arrayContaining(['AgentId', 'ToolName', 'RiskLevel', 'CheckStatus', 'AegisOrgId']));
  });
});

describe('the reviewer webhook', () => {
  it('receives a signed summary of each pending check', async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    let failures = 1; // the first delivery fails: Temporal retries it
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failures-- > 0) {
          res.writeHead(503).end();
          return;
        }
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const o = await newOrg(gw);
      await requireReview(gw, o);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/aegis`;
      expect((await call(gw.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { reviewer_webhook_url: url } })).status).toBe(200);
      const { secret } = (await call(gw.url, 'GET', '/api/v1/config/webhook-secret', { key: o.adminKey })).body;
      const id = await pendingCheck(gw.url, o.adminKey);
      await eventually(() => expect(received).toHaveLength(1), 15_000, 100);
      const { headers, body } = received[0]!;
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['x-aegis-signature']));
      expect(m).not.toBeNull();
      expect(createHmac('sha256', secret).update(`${m![1]}.${body}`).digest('hex')).toBe(m![2]);
      expect(Math.abs(Number(m![1]) - Date.now() / 1000)).toBeLessThan(60);
      expect(JSON.parse(body)).toMatchObject({ type: 'check.pending', check: { check_id: id, tool_name: 'deploy', status: 'pending' } });
      const audit = await call(gw.url, 'GET', '/api/v1/audit-log?action=config.update', { key: o.adminKey });
      expect(audit.body.data[0]).toMatchObject({ before: { reviewer_webhook_url: null }, after: { reviewer_webhook_url: url } });
    } finally {
      server.close();
    }
  });
});

describe('the reviewer webhook secret', () => {
  it('is rotated by admins only, audited, and the rotate takes no body but an empty one', async () => {
    const o = await newOrg(gw);
    const first = (await call(gw.url, 'GET', '/api/v1/config/webhook-secret', { key: o.adminKey })).body.secret;
    expect(first).toEqual(expect.any(String));
    expect((await call(gw.url, 'GET', '/api/v1/config/webhook-secret', { key: o.adminKey })).body.secret).toBe(first);
    const rotated = await call(gw.url, 'POST', '/api/v1/config/webhook-secret/rotate', { key: o.adminKey });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(first);
    expect((await call(gw.url, 'GET', '/api/v1/config/webhook-secret', { key: o.adminKey })).body.secret).toBe(rotated.body.secret);
    expect((await call(gw.url, 'POST', '/api/v1/config/webhook-secret/rotate', { key: o.adminKey, body: {} })).status).toBe(200);
    const extra = await call(gw.url, 'POST', '/api/v1/config/webhook-secret/rotate', { key: o.adminKey, body: { secret: 'mine' } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.code).toBe('VALIDATION_ERROR');
    expect((await call(gw.url, 'POST', '/api/v1/config/webhook-secret/rotate', { key: await o.keyFor('reviewer') })).status).toBe(403);
    const audit = await call(gw.url, 'GET', '/api/v1/audit-log?action=config.webhook_secret.rotate', { key: o.adminKey });
    expect(audit.body.total).toBe(2);
    expect(JSON.stringify(audit.body)).not.toContain(rotated.body.secret);
  });
});

describe('pendingCheck workflow', () => {
  it('replays its recorded histories deterministically', async () => {
    expect(finished.length).toBeGreaterThanOrEqual(3);
    const client = new Client({ connection });
    const histories = await Promise.all(finished.map(async (workflowId) => ({ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() })));
    const results = Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories);
    let replayed = 0;
    for await (const r of results) {
      expect(r.error, `${r.workflowId}: ${r.error?.message}`).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(finished.length);
  });
});
