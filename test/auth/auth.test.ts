import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let replica: TestGateway;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  // Two replicas of one deployment: same database, same signing key.
  const env = { AEGIS_SIGNING_KEY: randomBytes(32).toString('base64'), AEGIS_TASK_QUEUE: `auth-${randomBytes(8).toString('hex')}` };
  [gw, replica] = await Promise.all([startTestGateway(env), startTestGateway(env, { worker: false })]);
  [org, other] = await Promise.all([newOrg(gw), newOrg(gw)]);
});
afterAll(async () => Promise.all([gw?.shutdown(), replica?.shutdown()]));

async function scimToken(o: TestOrg): Promise<string> {
  const res = await call(gw.url, 'POST', '/api/v1/scim-tokens', { key: o.adminKey, body: { name: 'idp' } });
  expect(res.status).toBe(201);
  return res.body.token;
}

describe('API key authentication', () => {
  it('rejects a missing key with 401 UNAUTHORIZED', async () => {
    const res = await call(gw.url, 'GET', '/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('rejects unknown and malformed keys with 401', async () => {
    for (const key of ['aeg_' + 'A'.repeat(43), 'not-a-key', 'aeg_' + 'x'.repeat(5000)]) {
      const res = await call(gw.url, 'GET', '/api/v1/me', { key });
      expect(res.status, key.slice(0, 10)).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it('identifies the caller with GET /me', async () => {
    const res = await call(gw.url, 'GET', '/api/v1/me', { key: org.adminKey });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ org_id: org.orgId, org_name: org.name, role: 'admin', key_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('stops accepting a revoked key within 1 s on every replica', async () => {
    const created = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 'short-lived', role: 'viewer' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), key: expect.stringMatching(/^aeg_[A-Za-z0-9_-]{43}$/), prefix: created.body.key.slice(0, 12), name: 'short-lived', role: 'viewer', user_id: null, created_at: expect.any(String) });
    const key = created.body.key;
    // Both replicas have it cached.
    expect((await call(gw.url, 'GET', '/api/v1/me', { key })).status).toBe(200);
    expect((await call(replica.url, 'GET', '/api/v1/me', { key })).status).toBe(200);
    const revoked = await call(gw.url, 'DELETE', `/api/v1/api-keys/${created.body.id}`, { key: org.adminKey });
    expect(revoked.status).toBe(204);
    const start = Date.now();
    await eventually(async () => expect((await call(replica.url, 'GET', '/api/v1/me', { key })).status).toBe(401), 1_000, 20);
    expect(Date.now() - start).toBeLessThan(1_000);
    expect((await call(gw.url, 'GET', '/api/v1/me', { key })).status).toBe(401);
    // Revoking again changes nothing and records nothing; the one entry shows the key live before.
    expect((await call(gw.url, 'DELETE', `/api/v1/api-keys/${created.body.id}`, { key: org.adminKey })).status).toBe(204);
    const audit = await call(gw.url, 'GET', '/api/v1/audit-log?action=api_key.revoke', { key: org.adminKey });
    const entries = audit.body.data.filter((e: { resource_id: string }) => e.resource_id === created.body.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ before: { revoked_at: null }, after: { revoked_at: expect.any(String) } });
  });

  it('answers a wrong role with 403 FORBIDDEN', async () => {
    for (const role of ['viewer', 'reviewer', 'agent'] as const) {
      const res = await call(gw.url, 'GET', '/api/v1/api-keys', { key: await org.keyFor(role) });
      expect(res.status, role).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('treats a SCIM token on /api/v1 as no credential', async () => {
    const token = await scimToken(org);
    const asKey = await call(gw.url, 'GET', '/api/v1/me', { key: token });
    expect(asKey.status).toBe(401);
    const asBearer = await call(gw.url, 'GET', '/api/v1/me', { scimToken: token });
    expect(asBearer.status).toBe(401);
    expect(asBearer.body.error.code).toBe('UNAUTHORIZED');
  });

  it('treats an API key on /scim/v2 as no credential (401 in the SCIM error schema)', async () => {
    for (const headers of [{ 'x-aegis-api-key': org.adminKey }, { authorization: `Bearer ${org.adminKey}` }] as Array<Record<string, string>>) {
      const res = await call(gw.url, 'GET', '/scim/v2/Users', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/scim\+json/);
      expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: expect.any(String) });
    }
  });

  it('accepts a SCIM token on /scim/v2 and rejects it once revoked', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/scim-tokens', { key: org.adminKey, body: { name: 'okta' } });
    const token = res.body.token;
    expect(token).toMatch(/^scim_/);
    // Authenticated: routing continues (the SCIM resources themselves come with the SCIM issue).
    expect((await call(gw.url, 'GET', '/scim/v2/NoSuchResource', { scimToken: token })).status).toBe(404);
    expect((await call(gw.url, 'DELETE', `/api/v1/scim-tokens/${res.body.id}`, { key: org.adminKey })).status).toBe(204);
    await eventually(async () => expect((await call(gw.url, 'GET', '/scim/v2/NoSuchResource', { scimToken: token })).status).toBe(401), 1_000);
  });
});

describe('API key management', () => {
  it('lists keys without secrets in the list envelope', async () => {
    const res = await call(gw.url, 'GET', '/api/v1/api-keys?limit=2&offset=0', { key: org.adminKey });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: expect.any(Array), limit: 2, offset: 0, total: expect.any(Number) });
    expect(res.body.data.length).toBeLessThanOrEqual(2);
    for (const k of res.body.data) {
      expect(Object.keys(k).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name', 'prefix', 'revoked_at', 'role', 'user_id']);
    }
  });

  it('records last_used_at without a write per request', async () => {
    const key = await org.keyFor('viewer');
    await call(gw.url, 'GET', '/api/v1/me', { key });
    await eventually(async () => {
      const list = await call(gw.url, 'GET', '/api/v1/api-keys?limit=100', { key: org.adminKey });
      const viewer = list.body.data.find((k: { name: string }) => k.name === 'test-viewer');
      expect(viewer.last_used_at).not.toBeNull();
    }, 8_000, 250);
  });

  it('records when a key was used, not when the use was written: never after its revocation', async () => {
    const created = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 'used-then-revoked', role: 'viewer' } });
    const usedAt = Date.now();
    expect((await call(gw.url, 'GET', '/api/v1/me', { key: created.body.key })).status).toBe(200);
    await call(gw.url, 'DELETE', `/api/v1/api-keys/${created.body.id}`, { key: org.adminKey });
    await eventually(async () => {
      const list = await call(gw.url, 'GET', '/api/v1/api-keys?limit=100', { key: org.adminKey });
      const k = list.body.data.find((x: { id: string }) => x.id === created.body.id);
      expect(k.last_used_at).not.toBeNull();
      expect(Date.parse(k.last_used_at)).toBeLessThanOrEqual(Date.parse(k.revoked_at));
      expect(Date.parse(k.last_used_at)).toBeGreaterThanOrEqual(usedAt - 1_000);
    }, 8_000, 250);
  });

  it("cannot see or revoke another org's keys", async () => {
    const mine = await call(gw.url, 'GET', '/api/v1/api-keys', { key: other.adminKey });
    const theirId = mine.body.data[0].id;
    const list = await call(gw.url, 'GET', '/api/v1/api-keys?limit=1000', { key: org.adminKey });
    expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(theirId);
    const del = await call(gw.url, 'DELETE', `/api/v1/api-keys/${theirId}`, { key: org.adminKey });
    expect(del.status).toBe(404);
    expect((await call(gw.url, 'GET', '/api/v1/me', { key: other.adminKey })).status).toBe(200);
  });
});

describe('agent tokens', () => {
  it('are minted by admins and identify the agent', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/agents/billing-bot/tokens', { key: org.adminKey, body: { ttl_seconds: 600 } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ token: expect.any(String), agent_id: 'billing-bot', token_id: expect.any(String), expires_at: expect.any(String) });
    const expires = Date.parse(res.body.expires_at);
    expect(expires - Date.now()).toBeGreaterThan(590_000);
    expect(expires - Date.now()).toBeLessThan(610_000);
    const header = JSON.parse(Buffer.from(res.body.token.split('.')[0], 'base64url').toString());
    expect(header.alg).toBe('EdDSA');
    const me = await call(gw.url, 'GET', '/api/v1/me', { agentToken: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ org_id: org.orgId, role: 'agent', agent_id: 'billing-bot' });
    // The other replica verifies it too (same signing key).
    expect((await call(replica.url, 'GET', '/api/v1/me', { agentToken: res.body.token })).status).toBe(200);
  });

  it('are revoked one by one or all of an agent, on every replica, with audit entries', async () => {
    const mint = async (agent: string) => (await call(gw.url, 'POST', `/api/v1/agents/${agent}/tokens`, { key: org.adminKey, body: {} })).body as { token: string; token_id: string };
    const me = (g: TestGateway, agentToken: string) => call(g.url, 'GET', '/api/v1/me', { agentToken });
    const [first, second, bystander] = [await mint('leaky-bot'), await mint('leaky-bot'), await mint('other-bot')];
    for (const t of [first, second, bystander]) expect((await me(replica, t.token)).status).toBe(200);

    const one = await call(gw.url, 'DELETE', `/api/v1/agents/leaky-bot/tokens/${first.token_id}`, { key: org.adminKey });
    expect(one.status, one.text).toBe(204);
    const refused = await me(gw, first.token);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/revoked/);
    await eventually(async () => expect((await me(replica, first.token)).status).toBe(401), 2_000, 20);
    expect((await me(gw, second.token)).status).toBe(200);
    // Again: 204, no second audit entry.
    expect((await call(gw.url, 'DELETE', `/api/v1/agents/leaky-bot/tokens/${first.token_id}`, { key: org.adminKey })).status).toBe(204);

    expect((await call(gw.url, 'DELETE', '/api/v1/agents/leaky-bot/tokens', { key: org.adminKey })).status).toBe(204);
    await eventually(async () => expect((await me(replica, second.token)).status).toBe(401), 2_000, 20);
    expect((await me(gw, bystander.token)).status).toBe(200);
    // A token minted after the revocation works.
    const fresh = await mint('leaky-bot');
    expect((await me(gw, fresh.token)).status).toBe(200);

    // Admins only; another org's admin revokes nothing here.
    expect((await call(gw.url, 'DELETE', '/api/v1/agents/other-bot/tokens', { key: await org.keyFor('reviewer') })).status).toBe(403);
    expect((await call(gw.url, 'DELETE', '/api/v1/agents/other-bot/tokens', { key: other.adminKey })).status).toBe(204);
    expect((await me(gw, bystander.token)).status).toBe(200);
    expect((await call(gw.url, 'DELETE', '/api/v1/agents/leaky-bot/tokens/not-a-uuid', { key: org.adminKey })).status).toBe(400);

    const audit = await call(gw.url, 'GET', '/api/v1/audit-log?resource_type=agent_token&q=leaky-bot', { key: org.adminKey });
    expect(audit.body.data.map((e: { action: string }) => e.action).filter((a: string) => a.startsWith('agent_token.revoke'))).toEqual(['agent_token.revoke_all', 'agent_token.revoke']);
  });

  it('may not be minted by non-admins', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/agents/x/tokens', { key: await org.keyFor('agent'), body: {} });
    expect(res.status).toBe(403);
  });

  it('rejects tampered, unsigned and garbage tokens', async () => {
    const { body } = await call(gw.url, 'POST', '/api/v1/agents/a1/tokens', { key: org.adminKey, body: {} });
    const [h, p, s] = body.token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    for (const token of [`${h}.${forgedPayload}.${s}`, `${none}.${p}.`, 'garbage', `${h}.${p}.${s.slice(0, -4)}AAAA`]) {
      const res = await call(gw.url, 'GET', '/api/v1/me', { agentToken: token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it('validates ttl_seconds', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/agents/a1/tokens', { key: org.adminKey, body: { ttl_seconds: 5 } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('ttl_seconds');
  });
});
