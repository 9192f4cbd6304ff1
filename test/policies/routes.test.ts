import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let replica: TestGateway;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  // Two replicas of one deployment: same database, same task queue.
  const env = { AEGIS_TASK_QUEUE: `pol-${randomUUID()}` };
  [gw, replica] = await Promise.all([startTestGateway(env), startTestGateway(env, { worker: false })]);
  [org, other] = await Promise.all([newOrg(gw), newOrg(gw)]);
});
afterAll(async () => Promise.all([gw?.shutdown(), replica?.shutdown()]));

const check = (g: TestGateway, key: string, body: unknown) => call(g.url, 'POST', '/api/v1/check', { key, body });
const pay = (amount: number) => ({ agent_id: 'pay-bot', tool_name: 'create_payment', arguments: { amount, currency: 'EUR' } });

describe('GET /api/v1/policies', () => {
  it('lists the platform defaults with source "platform" in the list envelope', async () => {
    const res = await call(gw.url, 'GET', '/api/v1/policies?limit=100', { key: org.adminKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 100, offset: 0 });
    const ids = res.body.data.map((p: { id: string }) => p.id);
    for (const id of ['sql-injection', 'destructive-sql', 'command-injection', 'path-traversal', 'ssrf', 'secret-leak', 'pii-egress', 'prompt-injection']) expect(ids).toContain(id);
    expect(res.body.data.every((p: { source: string }) => p.source === 'platform')).toBe(true);
    expect(res.body.total).toBe(res.body.data.length);
  });

  it('deny and allow tools from the templates under any spelling of their names', async () => {
    const o = await newOrg(gw);
    const deny = await call(gw.url, 'POST', '/api/v1/policies', { key: o.adminKey, body: { id: 'no-shell', name: 'No shell', template: 'tool-denylist', params: { tools: ['run_shell', 'db_*'] } } });
    expect(deny.status, deny.text).toBe(201);
    const decide = async (tool_name: string) => (await call(gw.url, 'POST', '/api/v1/check', { key: o.adminKey, body: { agent_id: 'a', tool_name, arguments: { q: 'status' } } })).body;
    for (const tool of ['run_shell', 'Run-Shell', 'runShell', 'functions.run_shell', 'run_shell\u200b', 'ｒｕｎ_ｓｈｅｌｌ', 'run_sh\u0435ll', 'DB.Query']) {
      expect(await decide(tool), tool).toMatchObject({ decision: 'block', policy_name: 'no-shell' });
    }
    expect((await decide('read_file')).decision).toBe('allow');
    const p = await newOrg(gw);
    const allow = await call(gw.url, 'POST', '/api/v1/policies', { key: p.adminKey, body: { id: 'only-read', name: 'Only reads', template: 'tool-allowlist', params: { tools: ['read_file'] } } });
    expect(allow.status, allow.text).toBe(201);
    const decideP = async (tool_name: string) => (await call(gw.url, 'POST', '/api/v1/check', { key: p.adminKey, body: { agent_id: 'a', tool_name, arguments: { q: 'status' } } })).body.decision;
    expect(await decideP('Read-File')).toBe('allow');
    expect(await decideP('write_file')).not.toBe('allow');
  });

  it('lists the templates', async () => {
    const res = await call(gw.url, 'GET', '/api/v1/policy-templates', { key: await org.keyFor('viewer') });
    expect(res.status).toBe(200);
    const amount = res.body.data.find((t: { id: string }) => t.id === 'amount-limit');
    expect(amount.params).toMatchObject({ type: 'object', properties: { max: expect.any(Object) } });
    // The list envelope's paging, validated like every other list.
    const page = await call(gw.url, 'GET', '/api/v1/policy-templates?limit=2&offset=1', { key: await org.keyFor('viewer') });
    expect(page.body).toMatchObject({ limit: 2, offset: 1, total: res.body.total });
    expect(page.body.data.map((t: { id: string }) => t.id)).toEqual(res.body.data.slice(1, 3).map((t: { id: string }) => t.id));
    for (const q of ['limit=abc', 'limit=0', 'offset=-1']) expect((await call(gw.url, 'GET', `/api/v1/policy-templates?${q}`, { key: await org.keyFor('viewer') })).status, q).toBe(400);
  });
});

describe('policy lifecycle', () => {
  it('creates, reads, replaces and deletes a policy, taking effect on the next check on every replica', async () => {
    expect((await check(replica, org.adminKey, pay(500))).body.decision).toBe('allow');
    const created = await call(gw.url, 'POST', '/api/v1/policies', {
      key: org.adminKey,
      body: { id: 'payment-cap', name: 'Payment cap', description: 'no big payments', risk_level: 'CRITICAL', match: { categories: ['payment'] }, policy_schema: { properties: { arguments: { properties: { amount: { maximum: 100 } } } } } },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/policies/payment-cap');
    expect(created.body).toMatchObject({ id: 'payment-cap', source: 'org', version: 1, enabled: true, mode: 'enforce', risk_level: 'CRITICAL' });

    // The other replica learns of it through NOTIFY, without restarting.
    await eventually(async () => {
      const res = await check(replica, org.adminKey, pay(500));
      expect(res.body).toMatchObject({ decision: 'block', policy_name: 'payment-cap', risk_level: 'CRITICAL', counterfactual: 'would be allowed if /arguments/amount were at most 100' });
      expect(res.body.reason).toMatch(/payment-cap: \/arguments\/amount is 500/);
    }, 1_000, 20);
    expect((await check(gw, org.adminKey, pay(50))).body.decision).toBe('allow');
    // Other orgs are unaffected.
    expect((await check(gw, other.adminKey, pay(500))).body.decision).toBe('allow');

    const got = await call(gw.url, 'GET', '/api/v1/policies/payment-cap', { key: await org.keyFor('reviewer') });
    expect(got.body.policy_schema).toEqual({ properties: { arguments: { properties: { amount: { maximum: 100 } } } } });
    expect((await call(gw.url, 'GET', '/api/v1/policies/payment-cap', { key: other.adminKey })).status).toBe(404);

    const replaced = await call(gw.url, 'PUT', '/api/v1/policies/payment-cap', {
      key: org.adminKey,
      body: { name: 'Payment cap', template: 'amount-limit', params: { max: 1000 }, action: 'pending' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ version: 2, template: 'amount-limit', params: { max: 1000, field: 'amount' }, action: 'pending' });
    await eventually(async () => expect((await check(replica, org.adminKey, pay(5000))).body.decision).toBe('pending'), 1_000, 20);
    expect((await check(gw, org.adminKey, pay(500))).body.decision).toBe('allow');

    expect((await call(gw.url, 'DELETE', '/api/v1/policies/payment-cap', { key: org.adminKey })).status).toBe(204);
    await eventually(async () => expect((await check(replica, org.adminKey, pay(5000))).body.decision).toBe('allow'), 1_000, 20);
    expect((await call(gw.url, 'DELETE', '/api/v1/policies/payment-cap', { key: org.adminKey })).status).toBe(404);
  });

  it('lets an org override a platform default, including switching it off', async () => {
    const body = { agent_id: 'sql-bot', tool_name: 'db_query', arguments: { sql: 'SELECT 1' } };
    const before = await check(gw, org.adminKey, body);
    expect(before.body.policy_name).toBe('sql-injection');
    const off = await call(gw.url, 'PUT', '/api/v1/policies/sql-injection', { key: org.adminKey, body: { name: 'SQL injection (off)', template: 'sql-injection', enabled: false } });
    expect(off.status).toBe(201);
    expect(off.headers.get('location')).toBe('/api/v1/policies/sql-injection');
    expect(off.body).toMatchObject({ source: 'org', overrides_platform: true, enabled: false });
    const list = await call(gw.url, 'GET', '/api/v1/policies?limit=100', { key: org.adminKey });
    const sqli = list.body.data.filter((p: { id: string }) => p.id === 'sql-injection');
    expect(sqli).toHaveLength(1);
    expect(sqli[0].source).toBe('org');
    // Deleting the override restores the platform default; the default itself cannot be deleted.
    expect((await call(gw.url, 'DELETE', '/api/v1/policies/sql-injection', { key: org.adminKey })).status).toBe(204);
    const again = await call(gw.url, 'DELETE', '/api/v1/policies/sql-injection', { key: org.adminKey });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/platform default/);
  });

  it('evaluates shadow policies without letting them decide', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/policies', {
      key: org.adminKey,
      body: { id: 'shadow-no-shell', name: 'No shell (trial)', risk_level: 'CRITICAL', mode: 'shadow', match: { tool_names: ['shell*'] }, policy_schema: { not: {} } },
    });
    expect(res.status).toBe(201);
    const out = await check(gw, org.adminKey, { agent_id: 'ops', tool_name: 'shell', arguments: { command: 'ls -la' } });
    expect(out.body.decision).toBe('allow');
    expect(out.body.shadow_violations).toEqual([expect.objectContaining({ policy_name: 'shadow-no-shell', decision: 'block', risk_level: 'CRITICAL' })]);
  });

  it('accepts a catastrophic-backtracking regex and evaluates it in linear time', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/policies', {
      key: org.adminKey,
      body: { id: 'redos', name: 'ReDoS', risk_level: 'HIGH', match: { tool_names: ['search'] }, policy_schema: { properties: { arguments: { properties: { q: { pattern: '^(a+)+$' } } } } } },
    });
    expect(res.status).toBe(201);
    const start = Date.now();
    const out = await check(gw, org.adminKey, { agent_id: 'a', tool_name: 'search', arguments: { q: `${'a'.repeat(100_000)}!` } });
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ decision: 'pending', policy_name: 'redos' });
    expect(Date.now() - start).toBeLessThan(2_000);
  });

  it('refuses invalid schemas, bad templates and bad ids with VALIDATION_ERROR naming the problem', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ id: 'bad', name: 'x', risk_level: 'LOW', policy_schema: { properties: { a: { maxLenght: 1 } } } }, /unknown keyword: "maxLenght"/],
      [{ id: 'bad', name: 'x', risk_level: 'LOW', policy_schema: { properties: { a: { pattern: '(?<=x)y' } } } }, /policy_schema is invalid/],
      [{ id: 'bad', name: 'x', template: 'no-such-template' }, /unknown template/],
      [{ id: 'bad', name: 'x', template: 'amount-limit', params: { max: 'ten' } }, /params\.max/],
      // Domains the template would escape literally and never match.
      [{ id: 'bad', name: 'x', template: 'domain-allowlist', params: { domains: ['*.example.com'] } }, /params\.domains\.0: must be a host name/],
      [{ id: 'bad', name: 'x', template: 'domain-allowlist', params: { domains: ['https://example.com/'] } }, /params\.domains\.0/],
      [{ id: 'bad', name: 'x', template: 'email-recipient-domains', params: { domains: ['@acme.com'] } }, /params\.domains\.0/],
      [{ id: 'bad', name: 'x', template: 'amount-limit', params: { max: 10, field: '__proto__' } }, /params\.field/],
      [{ id: 'Bad Id', name: 'x', risk_level: 'LOW', policy_schema: {} }, /id/],
      [{ id: 'bad', name: 'x', policy_schema: {} }, /risk_level/],
      [{ id: 'bad', name: 'x', risk_level: 'SEVERE', policy_schema: {} }, /risk_level/],
    ];
    for (const [body, message] of cases) {
      const res = await call(gw.url, 'POST', '/api/v1/policies', { key: org.adminKey, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('refuses a schema too large to compile quickly, naming the bound, and keeps nothing', async () => {
    let deep: Record<string, unknown> = { type: 'object' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep } };
    const patterns = { type: 'object', properties: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, { type: 'string', pattern: `^v${i}$` }])) };
    const wide = { anyOf: Array.from({ length: 600 }, (_, i) => ({ properties: { tool_name: { const: `t${i}` } } })) };
    const huge = { type: 'object', properties: { tool_name: { enum: Array.from({ length: 12_000 }, (_, i) => `tool-${i}`) } } };
    const cases: Array<[unknown, RegExp]> = [
      [deep, /nested more than 32 levels/],
      [patterns, /more than 100 patterns/],
      [wide, /more than 500 objects/],
      [huge, /larger than 64 KB/],
    ];
    for (const [policy_schema, message] of cases) {
      const started = performance.now();
      const res = await call(gw.url, 'POST', '/api/v1/policies', { key: org.adminKey, body: { id: 'too-big', name: 'x', risk_level: 'HIGH', policy_schema } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(message), details: [{ path: 'policy_schema' }] });
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    expect((await call(gw.url, 'GET', '/api/v1/policies/too-big', { key: org.adminKey })).status).toBe(404);
  });

  it('refuses schemas that cannot run or whose references fan out, and keeps working for the org', async () => {
    const fan = (links: number) => {
      const defs: Record<string, unknown> = {};
      for (let i = 0; i < links; i++) defs[`a${i}`] = { allOf: [{ $ref: `#/$defs/a${i + 1}` }, { $ref: `#/$defs/a${i + 1}` }] };
      defs[`a${links}`] = { type: 'object' };
      return { $defs: defs, $ref: '#/$defs/a0' };
    };
    const cases: Array<[unknown, RegExp]> = [
      // AJV's asynchronous schemas return a promise: a violation of one crashed the process.
      [{ $async: true, properties: { arguments: { required: ['zzz'] } } }, /may not be asynchronous/],
      // Applies itself to the same value forever: a stack overflow on every check, even in shadow mode.
      [{ allOf: [{ $ref: '#' }] }, /applies itself to the same value without end/],
      // Each link references the next twice: 2^28 subschemas per check.
      [fan(28), /references that fan out/],
      [{ $ref: '#/$defs/missing' }, /not a subschema/],
    ];
    for (const [policy_schema, message] of cases) {
      for (const mode of ['enforce', 'shadow']) {
        const res = await call(gw.url, 'PUT', '/api/v1/policies/cannot-run', { key: org.adminKey, body: { name: 'x', risk_level: 'CRITICAL', mode, match: { tool_names: ['fan_t'] }, policy_schema } });
        expect(res.status, JSON.stringify(policy_schema).slice(0, 80)).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(message), details: [{ path: 'policy_schema' }] });
      }
    }
    expect((await call(gw.url, 'GET', '/api/v1/policies/cannot-run', { key: org.adminKey })).status).toBe(404);
    // A recursive schema that moves into the value (a tree) is fine, and so is a short fan-out.
    const tree = { $defs: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } } }, properties: { arguments: { $ref: '#/$defs/node' } } };
    for (const [id, policy_schema] of [['tree', tree], ['short-fan', fan(5)]] as const) {
      const res = await call(gw.url, 'PUT', `/api/v1/policies/${id}`, { key: org.adminKey, body: { name: id, risk_level: 'CRITICAL', match: { tool_names: ['fan_t'] }, policy_schema } });
      expect(res.status, id).toBe(201);
    }
    const deep = { children: [{ children: [{ children: 'not an array' }] }] };
    const verdict = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'fan', tool_name: 'fan_t', arguments: deep } });
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatchObject({ decision: 'block', policy_name: 'tree' });
    for (const id of ['tree', 'short-fan']) expect((await call(gw.url, 'DELETE', `/api/v1/policies/${id}`, { key: org.adminKey })).status).toBe(204);
  });

  it('serialises concurrent writes of one policy id: one create, then updates in order, never a 500', async () => {
    const put = (n: number) => call(gw.url, 'PUT', '/api/v1/policies/race', { key: org.adminKey, body: { name: `s${n}`, risk_level: 'LOW', policy_schema: { type: 'object' } } });
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(put));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const current = await call(gw.url, 'GET', '/api/v1/policies/race', { key: org.adminKey });
    expect(current.body.version).toBe(6);
    // The newest audit entry is the write that holds: its after is the current policy.
    const audit = await call(gw.url, 'GET', '/api/v1/audit-log?resource_type=policy&q=race&limit=6', { key: org.adminKey });
    expect(audit.body.data.filter((e: { resource_id: string }) => e.resource_id === 'race')).toHaveLength(6);
    expect(audit.body.data[0].after).toMatchObject({ name: current.body.name, version: 6 });
    expect(audit.body.data.map((e: { after: { version: number } }) => e.after.version)).toEqual([6, 5, 4, 3, 2, 1]);
    expect((await call(gw.url, 'DELETE', '/api/v1/policies/race', { key: org.adminKey })).status).toBe(204);
  });

  it('enforces two policies that share a schema $id', async () => {
    // In one AJV instance per org the second failed to compile on reload and went unenforced.
    const deny = (id: string, tool: string) => ({ id, name: id, risk_level: 'CRITICAL', match: { tool_names: ['same-id-*'] }, policy_schema: { $id: 'https://example.com/schemas/tools', properties: { tool_name: { not: { const: tool } } } } });
    for (const body of [deny('same-id-a', 'same-id-a-tool'), deny('same-id-b', 'same-id-b-tool')]) {
      expect((await call(gw.url, 'POST', '/api/v1/policies', { key: other.adminKey, body })).status).toBe(201);
    }
    for (const [tool, policy] of [['same-id-a-tool', 'same-id-a'], ['same-id-b-tool', 'same-id-b']]) {
      const res = await check(gw, other.adminKey, { agent_id: 'ids', tool_name: tool, arguments: {} });
      expect(res.body, tool).toMatchObject({ decision: 'block', policy_name: policy });
    }
  });

  it('answers a duplicate id with 409 and leaves writes to admins', async () => {
    const body = { id: 'dup', name: 'x', risk_level: 'LOW', policy_schema: {} };
    expect((await call(gw.url, 'POST', '/api/v1/policies', { key: org.adminKey, body })).status).toBe(201);
    expect((await call(gw.url, 'POST', '/api/v1/policies', { key: org.adminKey, body })).status).toBe(409);
    for (const role of ['reviewer', 'viewer', 'agent'] as const) {
      expect((await call(gw.url, 'POST', '/api/v1/policies', { key: await org.keyFor(role), body: { ...body, id: `dup-${role}` } })).status).toBe(403);
    }
    expect((await call(gw.url, 'GET', '/api/v1/policies', { key: await org.keyFor('agent') })).status).toBe(403);
  });
});

describe('audit log', () => {
  it('records every policy create, update and delete with before/after, actor and request id, in the list envelope', async () => {
    const a = await newOrg(gw, 'audited');
    const body = { id: 'audited', name: 'Audited', risk_level: 'LOW', policy_schema: {} };
    await call(gw.url, 'POST', '/api/v1/policies', { key: a.adminKey, body, headers: { 'x-request-id': 'req-create-1' } });
    await call(gw.url, 'PUT', '/api/v1/policies/audited', { key: a.adminKey, body: { ...body, name: 'Audited v2' } });
    await call(gw.url, 'DELETE', '/api/v1/policies/audited', { key: a.adminKey });
    const log = await call(gw.url, 'GET', '/api/v1/audit-log?resource_type=policy', { key: a.adminKey });
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({ limit: 50, offset: 0, total: 3 });
    const [del, upd, create] = log.body.data;
    expect(del).toMatchObject({ action: 'policy.delete', resource_type: 'policy', resource_id: 'audited', before: expect.objectContaining({ name: 'Audited v2' }), after: null });
    expect(upd).toMatchObject({ action: 'policy.update', before: expect.objectContaining({ name: 'Audited' }), after: expect.objectContaining({ name: 'Audited v2', version: 2 }) });
    expect(create).toMatchObject({ action: 'policy.create', before: null, after: expect.objectContaining({ id: 'audited' }), request_id: 'req-create-1' });
    expect(create.actor).toMatch(/^api_key:[0-9a-f-]{36}$/);
    expect(create.actor_name).toBe('test-admin');
    expect(Date.parse(create.created_at)).toBeLessThanOrEqual(Date.parse(del.created_at));

    const filtered = await call(gw.url, 'GET', '/api/v1/audit-log?action=policy.update', { key: a.adminKey });
    expect(filtered.body.data.map((e: { action: string }) => e.action)).toEqual(['policy.update']);
    const q = await call(gw.url, 'GET', '/api/v1/audit-log?q=AUDITED%20V2', { key: a.adminKey });
    expect(q.body.total).toBe(2);
    const none = await call(gw.url, 'GET', `/api/v1/audit-log?q=${encodeURIComponent('%')}`, { key: a.adminKey });
    expect(none.body.total).toBe(0);
    const future = await call(gw.url, 'GET', `/api/v1/audit-log?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { key: a.adminKey });
    expect(future.body.total).toBe(0);
    const paged = await call(gw.url, 'GET', '/api/v1/audit-log?limit=1&offset=1&resource_type=policy', { key: a.adminKey });
    expect(paged.body.data).toHaveLength(1);
    expect(paged.body.data[0].action).toBe('policy.update');
  });

  it('is admin-only and scoped to the org', async () => {
    expect((await call(gw.url, 'GET', '/api/v1/audit-log', { key: await org.keyFor('reviewer') })).status).toBe(403);
    const theirs = await call(gw.url, 'GET', '/api/v1/audit-log?limit=1000', { key: other.adminKey });
    expect(theirs.body.data.every((e: { resource_id: string }) => e.resource_id !== 'payment-cap')).toBe(true);
  });

  it('rejects a malformed time filter', async () => {
    const res = await call(gw.url, 'GET', '/api/v1/audit-log?from=yesterday', { key: org.adminKey });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('from');
    // A NUL no stored text holds (PostgreSQL refused it with a 500), and a filter given twice.
    for (const query of ['q=%00', 'action=%00', 'resource_type=a%00', 'action=x&action=y']) {
      const bad = await call(gw.url, 'GET', `/api/v1/audit-log?${query}`, { key: org.adminKey });
      expect(bad.status, query).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});
