import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { pendingCheck, requireReview } from '../helpers/pending.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let org: TestOrg;
let scim: string;
let alice: string;

beforeAll(async () => {
  gw = await startTestGateway();
  org = await newOrg(gw);
  await requireReview(gw, org);
  scim = (await call(gw.url, 'POST', '/api/v1/scim-tokens', { key: org.adminKey, body: { name: 'okta' } })).body.token;
  const created = await call(gw.url, 'POST', '/scim/v2/Users', {
    scimToken: scim,
    headers: { 'content-type': 'application/scim+json' },
    body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'alice', emails: [{ value: 'alice@acme.com', type: 'work', primary: true }], active: true },
  });
  expect(created.status, created.text).toBe(201);
  alice = created.body.id;
});
afterAll(async () => gw?.shutdown());

const scimPatch = (id: string, active: boolean) =>
  call(gw.url, 'PATCH', `/scim/v2/Users/${id}`, { scimToken: scim, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', value: { active: active ? 'True' : 'False' } }] } });

describe('reviewers are people', () => {
  it('binds an API key to an active SCIM user; /me names the user', async () => {
    const bad = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 'ghost', role: 'reviewer', user_id: '7d3a1c8e-8f1e-4b5a-9c2d-1e2f3a4b5c6d' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('user_id');
    const key = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 'alice-console', role: 'reviewer', user_id: alice } });
    expect(key.status).toBe(201);
    expect(key.body.user_id).toBe(alice);
    const me = await call(gw.url, 'GET', '/api/v1/me', { key: key.body.key });
    expect(me.body.user).toEqual({ id: alice, userName: 'alice', emails: ['alice@acme.com'] });
  });

  it('records a bound key’s decisions as that user', async () => {
    const key = (await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 'alice-2', role: 'reviewer', user_id: alice } })).body.key;
    const id = await pendingCheck(gw.url, org.adminKey, 'people');
    const res = await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key, body: { decision: 'allow', decided_by: 'someone-else@acme.com' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.decided_by).toBe('alice');
  });

  it('requires decided_by to be an active user once the org provisions users (403 otherwise), named by userName', async () => {
    const reviewer = await org.keyFor('reviewer');
    const id = await pendingCheck(gw.url, org.adminKey, 'people');
    const stranger = await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: reviewer, body: { decision: 'allow', decided_by: 'mallory@evil.example' } });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('FORBIDDEN');
    const byEmail = await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: reviewer, body: { decision: 'block', decided_by: 'ALICE@acme.com' } });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.decided_by).toBe('alice');
  });

  it('stops a bound key the moment its user is deactivated or deleted in the IdP (on every request within 1 s)', async () => {
    const key = (await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 'alice-3', role: 'reviewer', user_id: alice } })).body.key;
    expect((await call(gw.url, 'GET', '/api/v1/me', { key })).status).toBe(200);
    expect((await scimPatch(alice, false)).status).toBeLessThan(300);
    await eventually(async () => expect((await call(gw.url, 'GET', '/api/v1/me', { key })).status).toBe(401), 1_000, 20);
    // A deactivated user cannot be named as the reviewer either.
    const id = await pendingCheck(gw.url, org.adminKey, 'people');
    expect((await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: await org.keyFor('reviewer'), body: { decision: 'allow', decided_by: 'alice' } })).status).toBe(403);
    expect((await scimPatch(alice, true)).status).toBeLessThan(300);
    await eventually(async () => expect((await call(gw.url, 'GET', '/api/v1/me', { key })).status).toBe(200), 1_000, 20);
    expect((await call(gw.url, 'DELETE', `/scim/v2/Users/${alice}`, { scimToken: scim })).status).toBe(204);
    await eventually(async () => expect((await call(gw.url, 'GET', '/api/v1/me', { key })).status).toBe(401), 1_000, 20);
  });
});
