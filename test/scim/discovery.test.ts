import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/wait.js';
import { ENTERPRISE, GROUP_SCHEMA, LIST_RESPONSE, USER_SCHEMA, expectScimError, q, scimFor, type Scim } from './client.js';

let gw: TestGateway;
let scim: Scim;

beforeAll(async () => {
  gw = await startTestGateway();
  scim = await scimFor(gw, await newOrg(gw, 'scim-discovery'));
});
afterAll(async () => gw?.shutdown());

describe('GET /scim/v2/ServiceProviderConfig', () => {
  it('describes what is supported', async () => {
    const res = await scim('GET', '/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${gw.url}/scim/v2/ServiceProviderConfig` },
    });
  });
});

describe('GET /scim/v2/ResourceTypes and /Schemas', () => {
  it('lists User (with the enterprise extension) and Group', async () => {
    const res = await scim('GET', '/ResourceTypes');
    expect(res.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 2, itemsPerPage: 2, startIndex: 1 });
    expect(res.body.Resources.map((r: { endpoint: string }) => r.endpoint)).toEqual(['/Users', '/Groups']);
    const user = await scim('GET', '/ResourceTypes/User');
    expect(user.body).toMatchObject({ id: 'User', schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE, required: false }], meta: { location: `${gw.url}/scim/v2/ResourceTypes/User` } });
    expect((await scim('GET', '/ResourceTypes/Group')).body.schema).toBe(GROUP_SCHEMA);
    expectScimError(await scim('GET', '/ResourceTypes/Printer'), 404);
  });

  it('lists the three schemas with their attributes, and no password', async () => {
    const res = await scim('GET', '/Schemas');
    expect(res.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER_SCHEMA, ENTERPRISE, GROUP_SCHEMA]);
    const user = await scim('GET', `/Schemas/${USER_SCHEMA}`);
    expect(user.body.name).toBe('User');
    const names = user.body.attributes.map((a: { name: string }) => a.name);
    expect(names).toEqual(['userName', 'name', 'displayName', 'nickName', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'active', 'emails', 'phoneNumbers', 'groups']);
    expect(user.body.attributes[0]).toEqual({ name: 'userName', type: 'string', multiValued: false, description: expect.any(String), required: true, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'server' });
    expect(user.body.attributes.find((a: { name: string }) => a.name === 'groups').mutability).toBe('readOnly');
    const enterprise = await scim('GET', `/Schemas/${ENTERPRISE}`);
    expect(enterprise.body.attributes.map((a: { name: string }) => a.name)).toEqual(['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager']);
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);
    expectScimError(await scim('GET', '/Schemas/urn:example:nothing'), 404);
  });

  it('accepts and returns every attribute the User schema lists', async () => {
    const schema = (await scim('GET', `/Schemas/${USER_SCHEMA}`)).body;
    const body: Record<string, unknown> = { userName: 'every.attribute' };
    for (const a of schema.attributes as Array<{ name: string; type: string; multiValued: boolean; mutability: string; subAttributes?: Array<{ name: string; type: string; mutability: string }> }>) {
      if (a.mutability === 'readOnly' || a.name === 'userName') continue;
      const sample = (t: string) => (t === 'boolean' ? true : 'sample');
      const complex = () => Object.fromEntries((a.subAttributes ?? []).filter((s) => s.mutability !== 'readOnly').map((s) => [s.name, sample(s.type)]));
      body[a.name] = a.type === 'complex' ? (a.multiValued ? [complex()] : complex()) : sample(a.type);
    }
    const res = await scim('POST', '/Users', body);
    expect(res.status, res.text).toBe(201);
    for (const key of Object.keys(body)) expect(res.body[key], key).toEqual(body[key]);
  });
});

describe('POST /scim/v2/.search', () => {
  it('searches users and groups together, Users first, paging across both', async () => {
    await scim('POST', '/Users', { userName: 'zed.user', displayName: 'Zed User' });
    await scim('POST', '/Groups', { displayName: 'Zed Group' });
    await scim('POST', '/Groups', { displayName: 'Zed Group 2' });
    const res = await scim('POST', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'displayName sw "zed"', count: 2 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.totalResults).toBe(3);
    expect(res.body.Resources.map((r: { displayName: string; schemas: string[] }) => [r.schemas[0], r.displayName])).toEqual([
      [USER_SCHEMA, 'Zed User'],
      [GROUP_SCHEMA, 'Zed Group'],
    ]);
    const next = await scim('POST', '/.search', { filter: 'displayName sw "zed"', startIndex: 3, count: 2 });
    expect(next.body.Resources.map((r: { displayName: string }) => r.displayName)).toEqual(['Zed Group 2']);
    const usersOnly = await scim('POST', '/.search', { filter: 'userName eq "zed.user"' });
    expect(usersOnly.body.totalResults).toBe(1);
    expectScimError(await scim('POST', '/.search', { filter: 'nosuch eq "x"' }), 400, 'invalidFilter');
  });
});

describe('HTTP conventions under /scim/v2', () => {
  it('answers in application/scim+json everywhere, and routes case-insensitively with trailing slashes', async () => {
    const lower = await scim('GET', '/users');
    expect(lower.status).toBe(200);
    expect(lower.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const slash = await scim('GET', `/Users/?filter=${q('DisplayName eq "Zed User"')}`);
    expect(slash.status).toBe(200);
    expect(slash.body.totalResults).toBe(1);
    // As the SCIMReferenceCode Postman collection sends it: `+` for spaces.
    const plus = await scim('GET', '/Users/?filter=DisplayName+eq+%22Zed+User%22');
    expect(plus.body.totalResults).toBe(1);
  });

  it('challenges a request without a valid bearer token with WWW-Authenticate (RFC 6750 §3)', async () => {
    const none = await call(gw.url, 'GET', '/scim/v2/Users');
    expectScimError(none, 401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="aegis-scim"');
    const basic = await call(gw.url, 'GET', '/scim/v2/Users', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.headers.get('www-authenticate')).toBe('Bearer realm="aegis-scim"');
    const unknown = await call(gw.url, 'GET', '/scim/v2/Groups', { scimToken: `scim_${'A'.repeat(43)}` });
    expectScimError(unknown, 401);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer realm="aegis-scim", error="invalid_token"');
    expect((await scim('GET', '/Users')).headers.get('www-authenticate')).toBeNull();
  });

  it('answers a discovery request with a filter with 403 (RFC 7644 §4)', async () => {
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas', '/schemas']) {
      expectScimError(await scim('GET', `${path}?filter=${encodeURIComponent('id eq "x"')}`), 403);
      expect((await scim('GET', path)).status).toBe(200);
    }
  });

  it('applies a PATCH whose path is the core schema URN as a value object', async () => {
    const u = (await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'core-urn-path' })).body;
    const res = await scim('PATCH', `/Users/${u.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User', value: { title: 'ViaPath' } }] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.title).toBe('ViaPath');
  });

  it('answers /Me and /Bulk, which it does not support, with 501 in the SCIM error schema', async () => {
    for (const [method, path] of [['GET', '/Me'], ['PUT', '/Me'], ['PATCH', '/Me'], ['DELETE', '/Me'], ['POST', '/Bulk'], ['GET', '/me']]) {
      const res = await scim(method!, path!, method === 'GET' || method === 'DELETE' ? undefined : { schemas: [] });
      expectScimError(res, 501);
      expect(res.body.detail).toMatch(/not supported/);
    }
    // Authentication comes first.
    expectScimError(await call(gw.url, 'GET', '/scim/v2/Me'), 401);
  });

  it('builds Location and meta.location from the request, never from X-Forwarded-* headers', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', forwarded: 'proto=https;host=evil.example' };
    const res = await scim('POST', '/Users', { userName: `forwarded-${Date.now()}` }, forwarded);
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('location')).toBe(`${gw.url}/scim/v2/Users/${res.body.id}`);
    expect(res.body.meta.location).toBe(`${gw.url}/scim/v2/Users/${res.body.id}`);
    expect((await scim('GET', '/ServiceProviderConfig', undefined, forwarded)).body.meta.location).toBe(`${gw.url}/scim/v2/ServiceProviderConfig`);
  });

  it('answers a wrong method with 405 and missing, unknown or revoked tokens with 401, in the SCIM error schema', async () => {
    expectScimError(await scim('PATCH', '/Users', { Operations: [] }), 405);
    expectScimError(await call(gw.url, 'GET', '/scim/v2/Users'), 401);
    expectScimError(await call(gw.url, 'GET', '/scim/v2/Users', { scimToken: `scim_${'A'.repeat(43)}` }), 401);
    const org = await newOrg(gw, 'revoked');
    const revoked = await scimFor(gw, org);
    expect((await revoked('GET', '/Users')).status).toBe(200);
    expect((await call(gw.url, 'DELETE', `/api/v1/scim-tokens/${revoked.tokenId}`, { key: org.adminKey })).status).toBe(204);
    await eventually(async () => expectScimError(await revoked('GET', '/Users'), 401), 1_000);
  });
});
