import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { pendingCheck, requireReview } from '../helpers/pending.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let replica: TestGateway;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  // Two replicas of one deployment: same database, same task queue.
  const env = { AEGIS_TASK_QUEUE: `ks-${randomUUID()}` };
  [gw, replica] = await Promise.all([startTestGateway(env), startTestGateway(env, { worker: false })]);
  [org, other] = await Promise.all([newOrg(gw), newOrg(gw)]);
  await requireReview(gw, org);
});
afterAll(async () => Promise.all([gw?.shutdown(), replica?.shutdown()]));

const check = (g: TestGateway, o: TestOrg, agent: string, tool = 'read_docs') => call(g.url, 'POST', '/api/v1/check', { key: o.adminKey, body: { agent_id: agent, tool_name: tool, arguments: {} } });

describe('kill switches', () => {
  it('block an agent at once on every replica, resolve its pending checks, and lift when released', async () => {
    const waiting = [await pendingCheck(gw.url, org.adminKey, 'rogue-bot'), await pendingCheck(gw.url, org.adminKey, 'rogue-bot')];
    const bystander = await pendingCheck(gw.url, org.adminKey, 'good-bot');
    expect((await check(replica, org, 'rogue-bot')).body.decision).toBe('allow');

    const engaged = await call(gw.url, 'POST', '/api/v1/kill-switches', { key: org.adminKey, body: { scope: 'agent', target: 'rogue-bot', reason: 'exfiltration suspected' } });
    expect(engaged.status, engaged.text).toBe(201);
    expect(engaged.body).toMatchObject({ scope: 'agent', target: 'rogue-bot', active: true, reason: 'exfiltration suspected', resolved_pending: 2, unresolved_pending: 0 });

    await eventually(async () => {
      const res = await check(replica, org, 'rogue-bot');
      expect(res.body).toMatchObject({ decision: 'block', policy_name: 'kill-switch', risk_level: 'CRITICAL' });
      expect(res.body.reason).toMatch(/exfiltration suspected/);
    }, 1_000, 20);
    expect((await check(gw, org, 'good-bot')).body.decision).toBe('allow');
    expect((await check(gw, other, 'rogue-bot')).body.decision).toBe('allow');

    for (const id of waiting) {
      const v = await call(gw.url, 'GET', `/api/v1/check/${id}/decision`, { key: org.adminKey });
      expect(v.body).toMatchObject({ decision: 'block', status: 'decided', decided_by: 'kill-switch' });
    }
    expect((await call(gw.url, 'GET', `/api/v1/check/${bystander}/decision`, { key: org.adminKey })).body.status).toBe('pending');

    const listed = await call(gw.url, 'GET', '/api/v1/kill-switches?active=true', { key: await org.keyFor('viewer') });
    expect(listed.body.data.map((s: { id: string }) => s.id)).toContain(engaged.body.id);
    expect((await call(gw.url, 'DELETE', `/api/v1/kill-switches/${engaged.body.id}`, { key: other.adminKey })).status).toBe(404);
    expect((await call(gw.url, 'DELETE', `/api/v1/kill-switches/${engaged.body.id}`, { key: await org.keyFor('reviewer') })).status).toBe(403);
    expect((await call(gw.url, 'DELETE', `/api/v1/kill-switches/${engaged.body.id}`, { key: org.adminKey })).status).toBe(204);
    await eventually(async () => expect((await check(replica, org, 'rogue-bot')).body.decision).toBe('allow'), 1_000, 20);

    // active=true the engaged ones, active=false the released ones, neither all of them.
    const ids = async (q: string) => (await call(gw.url, 'GET', `/api/v1/kill-switches${q}`, { key: org.adminKey })).body.data.map((s: { id: string }) => s.id);
    expect(await ids('?active=false')).toContain(engaged.body.id);
    expect(await ids('?active=true')).not.toContain(engaged.body.id);
    expect(await ids('')).toContain(engaged.body.id);

    const audit = await call(gw.url, 'GET', '/api/v1/audit-log?resource_type=kill_switch', { key: org.adminKey });
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['kill_switch.release', 'kill_switch.engage']);
    expect(audit.body.data[0]).toMatchObject({ before: { active: true }, after: { active: false } });
  });

  it('cover a whole org or a tool (globs)', async () => {
    const o = await newOrg(gw);
    const tool = await call(gw.url, 'POST', '/api/v1/kill-switches', { key: o.adminKey, body: { scope: 'tool', target: 'payments_*', reason: 'incident 42' } });
    expect(tool.status).toBe(201);
    expect((await check(gw, o, 'any', 'payments_refund')).body.policy_name).toBe('kill-switch');
    expect((await check(gw, o, 'any', 'read_docs')).body.decision).toBe('allow');
    const all = await call(gw.url, 'POST', '/api/v1/kill-switches', { key: o.adminKey, body: { scope: 'org', reason: 'stop everything' } });
    expect(all.status).toBe(201);
    expect((await check(gw, o, 'any', 'read_docs')).body).toMatchObject({ decision: 'block', policy_name: 'kill-switch' });
  });

  it('stop a tool under any spelling of its name: case, blanks, separators, camelCase, a namespace, invisible and look-alike letters', async () => {
    const o = await newOrg(gw);
    const review = await call(gw.url, 'POST', '/api/v1/policies', { key: o.adminKey, body: { id: 'review-shell', name: 'Review shell', risk_level: 'HIGH', match: { tool_names: ['Run-Shell'] }, policy_schema: { not: {} } } });
    expect(review.status, review.text).toBe(201);
    const waiting = await pendingCheck(gw.url, o.adminKey, 'ops-bot', 'Run-Shell');
    const engaged = await call(gw.url, 'POST', '/api/v1/kill-switches', { key: o.adminKey, body: { scope: 'tool', target: 'run_shell', reason: 'stop shell' } });
    expect(engaged.status, engaged.text).toBe(201);
    expect(engaged.body.resolved_pending).toBe(1);
    expect((await call(gw.url, 'GET', `/api/v1/check/${waiting}/decision`, { key: o.adminKey })).body).toMatchObject({ decision: 'block', decided_by: 'kill-switch' });
    for (const tool of ['run_shell', 'Run_Shell', 'RUN-SHELL', 'run shell', ' run_shell ', 'run__shell', 'runShell', 'run.shell', 'functions.run_shell', 'run_shell\u200b', 'run_shell\u00ad', 'ｒｕｎ_ｓｈｅｌｌ', 'run_sh\u0435ll']) {
      expect((await check(gw, o, 'ops-bot', tool)).body, tool).toMatchObject({ decision: 'block', policy_name: 'kill-switch' });
    }
    expect((await check(gw, o, 'ops-bot', 'runshell')).body.decision).toBe('allow');
    const glob = await call(gw.url, 'POST', '/api/v1/kill-switches', { key: o.adminKey, body: { scope: 'tool', target: 'Payments-*', reason: 'incident' } });
    expect(glob.status).toBe(201);
    expect((await check(gw, o, 'any', 'payments_refund')).body.policy_name).toBe('kill-switch');
  });

  it('block a stopped agent without classifying its calls, and store them with their secrets masked', async () => {
    const o = await newOrg(gw);
    expect((await call(gw.url, 'POST', '/api/v1/kill-switches', { key: o.adminKey, body: { scope: 'agent', target: 'stopped-bot', reason: 'incident' } })).status).toBe(201);
    const token = `ghp_${'R4t5Y6u7I8o9P0a1S2d3'}F4g5H6j7K8l9Z0x1`;
    const res = await call(gw.url, 'POST', '/api/v1/check', { key: o.adminKey, body: { agent_id: 'stopped-bot', tool_name: 'db_query', arguments: { sql: "SELECT * FROM users WHERE name = 'x' OR '1'='1'", note: `token ${token}` } } });
    expect(res.body).toMatchObject({ decision: 'block', policy_name: 'kill-switch', classification: { category: 'database', signals: [] } });
    const stored = await call(gw.url, 'GET', `/api/v1/check/${res.body.check_id}`, { key: o.adminKey });
    expect(JSON.stringify(stored.body)).not.toContain(token);
    expect(stored.body.arguments.note).toMatch(/^token ghp_\*+$/);
  });

  it('validate their input', async () => {
    for (const body of [{ scope: 'agent', reason: 'x' }, { scope: 'org', target: 'a', reason: 'x' }, { scope: 'planet', reason: 'x' }, { scope: 'org' }]) {
      const res = await call(gw.url, 'POST', '/api/v1/kill-switches', { key: org.adminKey, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});
