import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/wait.js';
import { ENTERPRISE, LIST_RESPONSE, PATCH_OP, USER_SCHEMA, expectScimError, q, scimFor, type Scim } from './client.js';

let gw: TestGateway;
let scim: Scim;
let adminKey: string;

beforeAll(async () => {
  gw = await startTestGateway();
  const org = await newOrg(gw, 'scim-users');
  adminKey = org.adminKey;
  scim = await scimFor(gw, org);
});
afterAll(async () => gw?.shutdown());

const userNames = (res: { body: { Resources: Array<{ userName: string }> } }): string[] => res.body.Resources.map((r) => r.userName);

describe('POST /scim/v2/Users', () => {
  it('creates the RFC 7644 §3.3 example user: 201, Location, ETag, meta', async () => {
    const res = await scim('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'bjensen',
      externalId: 'bjensen',
      name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const id = res.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const location = `${gw.url}/scim/v2/Users/${id}`;
    expect(res.headers.get('location')).toBe(location);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.body).toEqual({
      schemas: [USER_SCHEMA],
      id,
      externalId: 'bjensen',
      userName: 'bjensen',
      name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
      active: true,
      meta: { resourceType: 'User', created: expect.any(String), lastModified: expect.any(String), location, version: 'W/"1"' },
    });
    expect(res.body.meta.created).toBe(res.body.meta.lastModified);
    expect(Date.parse(res.body.meta.created)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('accepts application/json as well, and never returns a password', async () => {
    const res = await call(gw.url, 'POST', '/scim/v2/Users', { scimToken: scim.token, body: { userName: 'json.user', password: 'hunter2-secret' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.text).not.toMatch(/password|hunter2/);
    const got = await scim('GET', `/Users/${res.body.id}`);
    expect(got.text).not.toMatch(/password|hunter2/);
  });

  it('keeps every supported attribute, including the enterprise extension', async () => {
    const body = {
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: 'full.user@acme.com',
      name: { formatted: 'Dr. Ann B. Full Jr.', familyName: 'Full', givenName: 'Ann', middleName: 'B.', honorificPrefix: 'Dr.', honorificSuffix: 'Jr.' },
      displayName: 'Ann Full',
      nickName: 'Annie',
      title: 'Engineer',
      userType: 'Employee',
      preferredLanguage: 'en-GB',
      locale: 'en-GB',
      timezone: 'Europe/London',
      active: true,
      emails: [{ value: 'full.user@acme.com', type: 'work', primary: true }],
      phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work', primary: true }],
      externalId: 'ext-full',
      [ENTERPRISE]: { employeeNumber: '701984', department: 'R&D', organization: 'Acme', division: 'Labs', costCenter: '4130', manager: { value: 'boss-id', $ref: 'https://idp/Users/boss-id', displayName: 'ignored: read-only' } },
    };
    const res = await scim('POST', '/Users', body);
    expect(res.status, res.text).toBe(201);
    const { id: _id, meta: _meta, ...rest } = res.body;
    expect(rest).toEqual({ ...body, [ENTERPRISE]: { ...body[ENTERPRISE], manager: { value: 'boss-id', $ref: 'https://idp/Users/boss-id' } } });
  });

  it('answers a duplicate userName, in any case, with 409 uniqueness', async () => {
    expect((await scim('POST', '/Users', { userName: 'Dup.User@Acme.com' })).status).toBe(201);
    expectScimError(await scim('POST', '/Users', { userName: 'dup.user@ACME.COM' }), 409, 'uniqueness');
  });

  it.each([
    ['ÅSA.Öberg@acme.se', 'åsa.öberg@acme.se'],
    ['ИВАН.ПЕТРОВ@acme.ru', 'иван.петров@ACME.ru'],
    // A precomposed É, then E followed by a combining acute accent (NFD, as macOS writes it).
    ['Élodie@acme.fr', 'E\u0301LODIE@acme.fr'],
    // A final capital sigma lowers to ς, not σ: the two are still the same name without case.
    ['σασ@acme.gr', 'ΣΑΣ@acme.gr'],
    ['ΣΑΣ.ops@acme.gr', 'σας.OPS@acme.gr'],
    // Capital sharp s, sharp s and SS.
    ['STRAẞE@acme.de', 'strasse@acme.de'],
    ['weiß@acme.de', 'WEISS@ACME.DE'],
  ])('answers %j, then %j, with 409 uniqueness: userName is case-insensitive in every script', async (first, second) => {
    expect((await scim('POST', '/Users', { userName: first })).status).toBe(201);
    expectScimError(await scim('POST', '/Users', { userName: second }), 409, 'uniqueness');
  });

  it('trims userName, so a trailing blank does not make a second user', async () => {
    const res = await scim('POST', '/Users', { userName: ' trim.me@acme.com  ' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.userName).toBe('trim.me@acme.com');
    expectScimError(await scim('POST', '/Users', { userName: 'trim.me@acme.com ' }), 409, 'uniqueness');
    expectScimError(await scim('POST', '/Users', { userName: ' \t ' }), 400, 'invalidValue');
    // Invisible characters at the ends (zero-width space, word joiner, BOM) are trimmed too: they would make a look-alike second user.
    expectScimError(await scim('POST', '/Users', { userName: 'trim.me@acme.com\u200b' }), 409, 'uniqueness');
    expectScimError(await scim('POST', '/Users', { userName: '\ufeff\u2060trim.me@acme.com' }), 409, 'uniqueness');
    expectScimError(await scim('POST', '/Users', { userName: '\u200b\u200d' }), 400, 'invalidValue');
    const inner = await scim('POST', '/Users', { userName: 'trim\u200dme@acme.com' });
    expect(inner.status, inner.text).toBe(201);
    expect(inner.body.userName).toBe('trim\u200dme@acme.com');
  });

  it('drops an e-mail given with an empty or null value, and refuses one without a value', async () => {
    const res = await scim('POST', '/Users', { userName: 'empty.mail', emails: [{ value: '', type: 'work' }, { value: null, type: 'other' }, { value: 'home@home.example', type: 'home' }] });
    expect(res.status, res.text).toBe(201);
    expect(res.body.emails).toEqual([{ value: 'home@home.example', type: 'home' }]);
    expectScimError(await scim('POST', '/Users', { userName: 'no.value', emails: [{ type: 'work', primary: true }] }), 400, 'invalidValue');
  });

  it('ignores attributes it does not know in a POST body (a PATCH refuses them)', async () => {
    const res = await scim('POST', '/Users', { userName: 'lenient.post', favouriteColour: 'blue' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).not.toHaveProperty('favouriteColour');
  });

  it('answers a value nested 200,000 levels deep with 400 invalidValue and a short detail', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const raw = (path: string, text: string) => call(gw.url, path.startsWith('/Users/') ? 'PATCH' : 'POST', `/scim/v2${path}`, { scimToken: scim.token, raw: text, headers: { 'content-type': 'application/scim+json' } });
    for (const attribute of ['title', 'active', 'emails', 'name']) {
      const res = await raw('/Users', `{"userName":"deep.${attribute}","${attribute}":${deep}}`);
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail.length, res.body.detail).toBeLessThan(200);
    }
    const id = (await scim('POST', '/Users', { userName: 'deep.patch' })).body.id;
    for (const op of [
      `{"op":"replace","path":"title","value":${deep}}`,
      `{"op":"add","path":"emails[type eq \\"work\\"].value","value":${deep}}`,
      `{"op":"replace","value":{"emails":${deep}}}`,
      `{"op":"remove","path":"emails","value":${deep}}`,
    ]) {
      const res = await raw(`/Users/${id}`, `{"schemas":["${PATCH_OP}"],"Operations":[${op}]}`);
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail.length, res.body.detail).toBeLessThan(200);
    }
    expect((await scim('GET', `/Users/${id}`)).body.meta.version).toBe('W/"1"');
  });

  it('rejects a user without userName (invalidValue), a non-object body and the wrong schema (invalidSyntax)', async () => {
    expectScimError(await scim('POST', '/Users', { schemas: [USER_SCHEMA], displayName: 'nameless' }), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Users', ['not', 'an', 'object']), 400, 'invalidSyntax');
    expectScimError(await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'x' }), 400, 'invalidSyntax');
    expectScimError(await scim('POST', '/Users', { userName: 'x', emails: [{ type: 'work' }] }), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Users', { userName: 'x', active: 'sometimes' }), 400, 'invalidValue');
  });

  it('answers malformed JSON and non-JSON bodies in the SCIM error schema', async () => {
    const bad = await call(gw.url, 'POST', '/scim/v2/Users', { scimToken: scim.token, raw: '{"userName": ', headers: { 'content-type': 'application/scim+json' } });
    expectScimError(bad, 400, 'invalidSyntax');
    const form = await call(gw.url, 'POST', '/scim/v2/Users', { scimToken: scim.token, raw: 'userName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectScimError(form, 415);
    expect(form.body.detail).toMatch(/send application\/scim\+json or application\/json/);
  });
});

describe('GET /scim/v2/Users/:id', () => {
  it('answers a GET whose If-Match names another version with 412', async () => {
    const created = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'if-match-get' });
    const tag = created.headers.get('etag')!;
    expect((await scim('GET', `/Users/${created.body.id}`, undefined, { 'if-match': tag })).status).toBe(200);
    expectScimError(await scim('GET', `/Users/${created.body.id}`, undefined, { 'if-match': 'W/"999"' }), 412);
  });

  it('returns the resource itself (never a ListResponse) with its ETag; 304 for If-None-Match', async () => {
    const created = await scim('POST', '/Users', { userName: 'get.me' });
    const res = await scim('GET', `/Users/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual([USER_SCHEMA]);
    expect(res.body).toEqual(created.body);
    expect(res.headers.get('etag')).toBe('W/"1"');
    const notModified = await scim('GET', `/Users/${created.body.id}`, undefined, { 'if-none-match': 'W/"1"' });
    expect(notModified.status).toBe(304);
  });

  it('answers unknown and malformed ids with 404 in the SCIM error schema', async () => {
    expectScimError(await scim('GET', '/Users/2b1f5d6e-1c7a-4a53-9a7e-0c8d1f2e3a4b'), 404);
    expectScimError(await scim('GET', '/Users/not-a-uuid'), 404);
    expectScimError(await scim('DELETE', '/Users/not-a-uuid'), 404);
  });

  it('projects with attributes and excludedAttributes', async () => {
    const created = await scim('POST', '/Users', { userName: 'proj.user', title: 'T', emails: [{ value: 'p@x.org', type: 'work' }] });
    const only = await scim('GET', `/Users/${created.body.id}?attributes=userName,emails.value`);
    expect(only.body).toEqual({ schemas: [USER_SCHEMA], id: created.body.id, userName: 'proj.user', emails: [{ value: 'p@x.org' }] });
    const without = await scim('GET', `/Users/${created.body.id}?excludedAttributes=emails,meta,title`);
    expect(without.body).toEqual({ schemas: [USER_SCHEMA], id: created.body.id, userName: 'proj.user', active: true });
  });
});

describe('GET /scim/v2/Users/:id schemas', () => {
  it('names the enterprise extension in schemas only when the response holds one of its attributes', async () => {
    const created = await scim('POST', '/Users', { userName: 'ext.proj', title: 'T', [ENTERPRISE]: { department: 'R&D' } });
    expect(created.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    const id = created.body.id;
    expect((await scim('GET', `/Users/${id}?attributes=userName`)).body).toEqual({ schemas: [USER_SCHEMA], id, userName: 'ext.proj' });
    expect((await scim('GET', `/Users/${id}?attributes=userName,department`)).body).toEqual({ schemas: [USER_SCHEMA, ENTERPRISE], id, userName: 'ext.proj', [ENTERPRISE]: { department: 'R&D' } });
    const excluded = await scim('GET', `/Users/${id}?excludedAttributes=${ENTERPRISE},meta`);
    expect(excluded.body).toEqual({ schemas: [USER_SCHEMA], id, userName: 'ext.proj', title: 'T', active: true });
    const listed = await scim('GET', `/Users?filter=${q('userName eq "ext.proj"')}&attributes=title`);
    expect(listed.body.Resources).toEqual([{ schemas: [USER_SCHEMA], id, title: 'T' }]);
  });
});

describe('PUT, PATCH and DELETE /scim/v2/Users/:id', () => {
  it('replaces with what GET returned (Okta), ignoring id, meta and groups', async () => {
    const created = await scim('POST', '/Users', { userName: 'put.user', title: 'Old', nickName: 'gone after PUT' });
    const got = (await scim('GET', `/Users/${created.body.id}`)).body;
    const { nickName: _drop, ...kept } = got;
    const res = await scim('PUT', `/Users/${got.id}`, { ...kept, title: 'New', groups: [] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.title).toBe('New');
    expect(res.body).not.toHaveProperty('nickName');
    expect(res.body.meta.version).toBe('W/"2"');
    expect(res.headers.get('etag')).toBe('W/"2"');
    expect(Date.parse(res.body.meta.lastModified)).toBeGreaterThanOrEqual(Date.parse(res.body.meta.created));
  });

  it('keeps a deactivated user deactivated when a PUT leaves active out; reactivates only when it says so', async () => {
    const created = await scim('POST', '/Users', { userName: 'put.inactive', active: false });
    expect(created.body.active).toBe(false);
    const id = created.body.id;
    const put = await scim('PUT', `/Users/${id}`, { schemas: [USER_SCHEMA], userName: 'put.inactive', title: 'Still away' });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ title: 'Still away', active: false });
    expect((await scim('GET', `/Users/${id}`)).body.active).toBe(false);
    expect((await scim('GET', `/Users?filter=${q('userName eq "put.inactive" and active eq false')}`)).body.totalResults).toBe(1);
    expect((await scim('PUT', `/Users/${id}`, { userName: 'put.inactive', active: 'True' })).body.active).toBe(true);
    expect((await scim('PUT', `/Users/${id}`, { userName: 'put.inactive' })).body.active).toBe(true);
    // Created without `active`: active.
    expect((await scim('POST', '/Users', { userName: 'put.default' })).body.active).toBe(true);
  });

  it('keeps a deactivated user (and the API keys bound to them) deactivated when a PATCH leaves active unassigned', async () => {
    const id = (await scim('POST', '/Users', { userName: 'patch.inactive@acme.com' })).body.id as string;
    const key = await call(gw.url, 'POST', '/api/v1/api-keys', { key: adminKey, body: { name: 'bound', role: 'viewer', user_id: id } });
    expect(key.status, key.text).toBe(201);
    const me = () => call(gw.url, 'GET', '/api/v1/me', { key: key.body.key as string });
    expect((await me()).status).toBe(200);
    const off = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(off.body.active).toBe(false);
    await eventually(async () => expect((await me()).status).toBe(401), 1_000, 20);
    for (const op of [
      { op: 'remove', path: 'active' },
      { op: 'replace', value: { active: null } },
      { op: 'replace', path: 'title', value: 'Away' },
    ]) {
      const res = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [op] });
      expect(res.status, res.text).toBe(200);
      expect(res.body.active, JSON.stringify(op)).toBe(false);
      expect((await me()).status, JSON.stringify(op)).toBe(401);
    }
    const on = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: 'True' }] });
    expect(on.body.active).toBe(true);
    await eventually(async () => expect((await me()).status).toBe(200), 1_000, 20);
  });

  it('refuses e-mails holding no sub-attribute (instead of dropping them all), and more than 1,000 of them', async () => {
    const created = await scim('POST', '/Users', { userName: 'keep.emails@acme.com', emails: [{ value: 'keep.emails@acme.com', primary: true }] });
    const id = created.body.id as string;
    for (const emails of [{ bogus: 1 }, [{}], [{ valu: 'x@acme.com' }]]) {
      expectScimError(await scim('PUT', `/Users/${id}`, { userName: 'keep.emails@acme.com', emails }), 400, 'invalidValue');
    }
    const many = Array.from({ length: 1001 }, (_, i) => ({ value: `e${i}@acme.com` }));
    const tooMany = await scim('POST', '/Users', { userName: 'many.emails@acme.com', emails: many });
    expectScimError(tooMany, 400, 'invalidValue');
    expect(tooMany.body.detail).toMatch(/1001 values; the limit is 1000/);
    expectScimError(await scim('PUT', `/Users/${id}`, { userName: 'keep.emails@acme.com', emails: many }), 400, 'invalidValue');
    expect((await scim('GET', `/Users/${id}`)).body.emails).toEqual([{ value: 'keep.emails@acme.com', primary: true }]);
    const thousand = await scim('POST', '/Users', { userName: 'thousand.emails@acme.com', emails: many.slice(0, 1000) });
    expect(thousand.status, thousand.text).toBe(201);
    expect(thousand.body.emails).toHaveLength(1000);
    // Entra ID clears a value by nulling or emptying it: still dropped, not refused.
    const cleared = await scim('PUT', `/Users/${id}`, { userName: 'keep.emails@acme.com', emails: [{ value: '', type: 'work' }, { value: null }] });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body.emails).toBeUndefined();
  });

  it('honours If-Match on PUT, PATCH and DELETE: 412 without scimType on a stale version', async () => {
    const created = await scim('POST', '/Users', { userName: 'etag.user' });
    const id = created.body.id;
    const patched = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'v2' }] }, { 'if-match': 'W/"1"' });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).toBe('W/"2"');
    expectScimError(await scim('PATCH', `/Users/${id}`, { Operations: [{ op: 'replace', path: 'title', value: 'v3' }] }, { 'if-match': 'W/"1"' }), 412);
    expectScimError(await scim('PUT', `/Users/${id}`, { userName: 'etag.user' }, { 'if-match': '"1"' }), 412);
    expectScimError(await scim('DELETE', `/Users/${id}`, undefined, { 'if-match': 'W/"7", W/"1"' }), 412);
    expect((await scim('GET', `/Users/${id}`)).body.title).toBe('v2');
    expect((await scim('PUT', `/Users/${id}`, { userName: 'etag.user', title: 'v3' }, { 'if-match': 'W/"9", W/"2"' })).status).toBe(200);
    expect((await scim('DELETE', `/Users/${id}`, undefined, { 'if-match': '*' })).status).toBe(204);
  });

  it('keeps the version when a PATCH changes nothing', async () => {
    const created = await scim('POST', '/Users', { userName: 'noop.user', active: true });
    const res = await scim('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(res.status).toBe(200);
    expect(res.body.meta.version).toBe('W/"1"');
  });

  it('applies every key of a no-path value object as the path it names, value filters included', async () => {
    const created = await scim('POST', '/Users', {
      userName: 'value.object',
      emails: [{ value: 'old@acme.com', type: 'work', primary: true }, { value: 'home@home.example', type: 'home' }],
      phoneNumbers: [{ value: '+1 555 0000', type: 'mobile' }],
    });
    const res = await scim('PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'replace',
          value: {
            'name.givenName': 'Ada',
            'emails[type eq "work"].value': 'new@acme.com',
            'phoneNumbers[type eq "mobile"].value': '+1 555 9999',
            'phoneNumbers[type eq "work"].value': '+1 555 1234',
            [`${ENTERPRISE}:department`]: 'R&D',
            [ENTERPRISE]: { 'manager.value': 'boss-id' },
          },
        },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.name).toEqual({ givenName: 'Ada' });
    expect(res.body.emails).toEqual([{ value: 'new@acme.com', type: 'work', primary: true }, { value: 'home@home.example', type: 'home' }]);
    expect(res.body.phoneNumbers).toEqual([{ value: '+1 555 9999', type: 'mobile' }, { value: '+1 555 1234', type: 'work' }]);
    expect(res.body[ENTERPRISE]).toEqual({ department: 'R&D', manager: { value: 'boss-id' } });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a misspelt attribute', { titel: 'typo' }],
    ['an unknown sub-attribute', { 'name.nickName': 'x' }],
    ['an unknown sub-attribute after a value filter', { 'emails[type eq "work"].address': 'x' }],
    ['an unknown attribute of the enterprise extension', { [`${ENTERPRISE}:departement`]: 'x' }],
    ['an unknown key inside the enterprise extension', { [ENTERPRISE]: { departement: 'x' } }],
    ['a malformed path', { 'emails[type eq "work"': 'x' }],
    ['a value filter on a single-valued attribute', { 'title[value eq "x"]': 'x' }],
  ])('rejects a no-path value object with %s: 400 invalidPath, as the same path would be', async (_what, value) => {
    const created = await scim('POST', '/Users', { userName: `bad-value-${randomUUID()}`, title: 'kept' });
    expectScimError(await scim('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { title: 'changed', ...value } }] }), 400, 'invalidPath');
    const after = (await scim('GET', `/Users/${created.body.id}`)).body;
    expect(after.title).toBe('kept');
    expect(after.meta.version).toBe('W/"1"');
  });

  it('ignores in a value object what it deliberately does not store: read-only attributes, password, other schemas', async () => {
    const created = (await scim('POST', '/Users', { userName: 'ignored.keys' })).body;
    const res = await scim('PATCH', `/Users/${created.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'replace',
          value: {
            id: created.id,
            meta: { resourceType: 'User' },
            schemas: [USER_SCHEMA],
            groups: [],
            password: 'hunter2',
            roles: [],
            'urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User:costCode': '7',
            'urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User': { costCode: '7' },
          },
        },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual(created);
  });

  it('rejects a rename onto another userName with 409 uniqueness', async () => {
    await scim('POST', '/Users', { userName: 'taken.name' });
    const other = await scim('POST', '/Users', { userName: 'free.name' });
    expectScimError(await scim('PATCH', `/Users/${other.body.id}`, { Operations: [{ op: 'replace', path: 'userName', value: 'TAKEN.name' }] }), 409, 'uniqueness');
    expectScimError(await scim('PUT', `/Users/${other.body.id}`, { userName: 'Taken.Name' }), 409, 'uniqueness');
    await scim('POST', '/Users', { userName: 'Ørsted@acme.dk' });
    expectScimError(await scim('PATCH', `/Users/${other.body.id}`, { Operations: [{ op: 'replace', path: 'userName', value: 'ØRSTED@acme.dk' }] }), 409, 'uniqueness');
  });

  it.each<[string, unknown, string]>([
    ['no Operations', { schemas: [PATCH_OP] }, 'invalidSyntax'],
    ['empty Operations', { schemas: [PATCH_OP], Operations: [] }, 'invalidSyntax'],
    ['an op without op', { Operations: [{ path: 'title', value: 'x' }] }, 'invalidSyntax'],
    ['the wrong schema', { schemas: [USER_SCHEMA], Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax'],
    ['an unknown attribute', { Operations: [{ op: 'add', path: 'favouriteColour', value: 'x' }] }, 'invalidPath'],
    ['a malformed path', { Operations: [{ op: 'add', path: 'emails[type eq "work"', value: 'x' }] }, 'invalidPath'],
    ['a remove without a path', { Operations: [{ op: 'remove' }] }, 'noTarget'],
    ['a read-only attribute', { Operations: [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }] }, 'mutability'],
    ['an id', { Operations: [{ op: 'replace', path: 'id', value: '2b1f5d6e-1c7a-4a53-9a7e-0c8d1f2e3a4b' }] }, 'mutability'],
    ['a wrong type', { Operations: [{ op: 'replace', path: 'active', value: 'perhaps' }] }, 'invalidValue'],
  ])('rejects a PATCH with %s', async (_what, body, scimType) => {
    const created = await scim('POST', '/Users', { userName: `bad-patch-${Math.random()}` });
    expectScimError(await scim('PATCH', `/Users/${created.body.id}`, body), 400, scimType);
    expect((await scim('GET', `/Users/${created.body.id}`)).body.meta.version).toBe('W/"1"');
  });

  it('deletes with 204 and then answers 404', async () => {
    const created = await scim('POST', '/Users', { userName: 'delete.me' });
    const del = await scim('DELETE', `/Users/${created.body.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expectScimError(await scim('GET', `/Users/${created.body.id}`), 404);
    expectScimError(await scim('DELETE', `/Users/${created.body.id}`), 404);
    // The userName is free again.
    expect((await scim('POST', '/Users', { userName: 'DELETE.me' })).status).toBe(201);
  });
});

describe('GET /scim/v2/Users?filter=', () => {
  let filtered: Scim;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    filtered = await scimFor(gw, await newOrg(gw, 'scim-filters'));
    const users = [
      {
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName: 'bjensen',
        externalId: 'Ext-BJ',
        userType: 'Employee',
        title: 'Tour Guide',
        name: { familyName: 'Jensen', givenName: 'Barbara' },
        emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }],
        [ENTERPRISE]: { department: 'Tour Operations', employeeNumber: '701984' },
      },
      { userName: 'jsmith', userType: 'Intern', name: { familyName: 'Smith' }, emails: [{ value: 'jsmith@example.org', type: 'work' }] },
      { userName: 'MOmalley', userType: 'Employee', title: 'Manager', name: { familyName: "O'Malley" }, emails: [{ value: 'momalley@gmail.com', type: 'home' }] },
      { userName: 'jdoe', userType: 'Contractor', displayName: 'Jane "JD" Doe', active: false, emails: [{ value: 'j.doe@acme.com', type: 'work' }] },
      { userName: 'anna', emails: [{ value: 'anna@example.com.au', type: 'other' }], phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }] },
    ];
    for (const u of users) {
      const res = await filtered('POST', '/Users', u);
      expect(res.status, res.text).toBe(201);
      ids[u.userName] = res.body.id;
    }
  });

  const list = (filter: string, extra = '') => filtered('GET', `/Users?filter=${q(filter)}&sortBy=userName${extra}`);

  it.each<[string, string[]]>([
    // RFC 7644 §3.4.2.2
    ['userName eq "bjensen"', ['bjensen']],
    [`name.familyName co "O'Malley"`, ['MOmalley']],
    ['userName sw "J"', ['jdoe', 'jsmith']],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', ['jdoe', 'jsmith']],
    ['title pr', ['bjensen', 'MOmalley']],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', ['anna', 'bjensen', 'jdoe', 'jsmith', 'MOmalley']],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', ['anna', 'bjensen', 'jdoe', 'jsmith', 'MOmalley']],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', []],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', []],
    ['title pr and userType eq "Employee"', ['bjensen', 'MOmalley']],
    ['title pr or userType eq "Intern"', ['bjensen', 'jsmith', 'MOmalley']],
    [`schemas eq "${ENTERPRISE}"`, ['bjensen']],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['bjensen']],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['jdoe']],
    ['userType eq "Employee" and (emails.type eq "work")', ['bjensen']],
    // The API reference's own example: `email` reads as `emails`.
    ['userType eq "Employee" and email co "example.com"', ['bjensen']],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['bjensen']],
    ['emails[type eq "work" and value co "@example.com"] or phoneNumbers[type eq "mobile" and value co "555"]', ['anna', 'bjensen']],
    // Case, escapes, value paths, extensions, not, deactivated users.
    ['USERNAME EQ "BJENSEN"', ['bjensen']],
    ['emails.value eq "BABS@JENSEN.ORG"', ['bjensen']],
    ['emails[type eq "work"].value eq "J.DOE@acme.com"', ['jdoe']],
    ['emails[type eq "home"].value eq "bjensen@example.com"', []],
    ['displayName eq "Jane \\"JD\\" Doe"', ['jdoe']],
    ['externalId eq "Ext-BJ"', ['bjensen']],
    ['externalId eq "ext-bj"', []],
    [`${ENTERPRISE}:department eq "tour operations"`, ['bjensen']],
    ['not (userName eq "bjensen")', ['anna', 'jdoe', 'jsmith', 'MOmalley']],
    ['not (title eq "Manager")', ['anna', 'bjensen', 'jdoe', 'jsmith']],
    ['active eq false', ['jdoe']],
    ['active eq "True" and userName ew "h"', ['jsmith']],
    ['userName gt "jsmith"', ['MOmalley']],
    ['emails pr and not (phoneNumbers pr)', ['bjensen', 'jdoe', 'jsmith', 'MOmalley']],
    // A multi-valued attribute matches when any of its values does, with ne too (RFC 7644 §3.4.2.2).
    ['emails.type ne "work"', ['anna', 'bjensen', 'MOmalley']],
    ['emails[type ne "work"]', ['anna', 'bjensen', 'MOmalley']],
  ])('%s', async (filter, expected) => {
    const res = await list(filter);
    expect(res.status, res.text).toBe(200);
    expect(res.body.totalResults).toBe(expected.length);
    expect(userNames(res)).toEqual(expected);
  });

  it('compares meta dates at the milliseconds it returns them with', async () => {
    const user = await filtered('GET', `/Users/${ids.bjensen}`);
    const { created, lastModified } = user.body.meta as { created: string; lastModified: string };
    const count = async (filter: string) => (await filtered('GET', `/Users?filter=${q(`${filter} and userName eq "bjensen"`)}`)).body.totalResults;
    expect(await count(`meta.lastModified eq "${lastModified}"`)).toBe(1);
    expect(await count(`meta.lastModified ge "${lastModified}"`)).toBe(1);
    expect(await count(`meta.lastModified le "${lastModified}"`)).toBe(1);
    expect(await count(`meta.lastModified gt "${lastModified}"`)).toBe(0);
    expect(await count(`meta.created eq "${created}"`)).toBe(1);
  });

  it('answers a search that matches nothing with 200 and totalResults 0', async () => {
    const res = await filtered('GET', `/Users?filter=${q('userName eq "nobody@nowhere"')}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
  });

  it('finds users by id', async () => {
    expect(userNames(await list(`id eq "${ids.anna}"`))).toEqual(['anna']);
    expect(userNames(await list('id eq "not-a-uuid"'))).toEqual([]);
  });

  it.each([
    'userName eq',
    'favouriteColour eq "blue"',
    'emails[type eq "work"',
    'userName eq "x" or',
    'ims[type eq "xmpp" and value co "@foo.com"]',
    'name eq "x"',
    'active eq "yes"',
    'not userName eq "x"',
    // Dates PostgreSQL cannot hold, dates that do not exist, and what is no xsd:dateTime: 400, never a 500.
    'meta.created gt "+010000-01-01T00:00:00Z"',
    'meta.created gt "-000001-01-01T00:00:00Z"',
    'meta.created gt "2020-02-30T00:00:00Z"',
    'meta.created gt "2020"',
    // A NUL no stored value can hold.
    'userName eq "a\\u0000b"',
    'emails.value sw "\\u0000"',
  ])('rejects %j with 400 invalidFilter instead of ignoring it', async (filter) => {
    expectScimError(await filtered('GET', `/Users?filter=${q(filter)}`), 400, 'invalidFilter');
  });

  it('searches with POST /Users/.search', async () => {
    const res = await filtered('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      attributes: ['userName', 'name.familyName'],
      filter: 'userType eq "Employee"',
      sortBy: 'userName',
      sortOrder: 'descending',
      startIndex: 1,
      count: 10,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.Resources).toEqual([
      { schemas: [USER_SCHEMA], id: ids.MOmalley, userName: 'MOmalley', name: { familyName: "O'Malley" } },
      // No enterprise attribute was asked for, so `schemas` does not name the extension.
      { schemas: [USER_SCHEMA], id: ids.bjensen, userName: 'bjensen', name: { familyName: 'Jensen' } },
    ]);
    expectScimError(await filtered('POST', '/Users/.search', { filter: 'userName xx "a"' }), 400, 'invalidFilter');
    expectScimError(await filtered('POST', '/Users/.search', { filter: 42 }), 400, 'invalidSyntax');
  });
});

describe('case-insensitive matching in every script', () => {
  let intl: Scim;
  let asa: string;
  let ivan: string;

  beforeAll(async () => {
    intl = await scimFor(gw, await newOrg(gw, 'scim-unicode'));
    asa = (await intl('POST', '/Users', { userName: 'Åsa.Öberg@acme.se', displayName: 'ÅSA Öberg', title: 'CHEFSSTÄLLFÖRETRÄDARE', name: { givenName: 'ÅSA', familyName: 'ÖBERG' }, emails: [{ value: 'ÅSA@Exempel.se', type: 'WÖRK' }] })).body.id;
    ivan = (await intl('POST', '/Users', { userName: 'Иван@acme.ru', emails: [{ value: 'иван@пример.рф', type: 'home' }] })).body.id;
  });

  it.each<[string, string[]]>([
    ['userName eq "åSA.öBERG@ACME.SE"', ['asa']],
    // NFD: A + combining ring, O + combining diaeresis.
    ['userName eq "A\u030asa.O\u0308berg@acme.se"', ['asa']],
    ['userName sw "ÅSA."', ['asa']],
    ['userName co "ÖBERG"', ['asa']],
    ['userName ew "ÖBERG@acme.se"', ['asa']],
    ['userName ne "ÅSA.ÖBERG@ACME.SE"', ['ivan']],
    ['userName eq "ИВАН@ACME.RU"', ['ivan']],
    ['emails.value eq "åsa@exempel.SE"', ['asa']],
    ['emails co "ПРИМЕР"', ['ivan']],
    ['emails[type eq "wörk" and value sw "ÅSA@"]', ['asa']],
    // Attributes without a key column of their own compare through PostgreSQL's lower(), in every script too.
    ['displayName eq "åsa öberg"', ['asa']],
    ['name.givenName eq "åsa"', ['asa']],
    ['name.familyName sw "öb"', ['asa']],
    ['title co "ställ"', ['asa']],
    ['emails[type eq "home"].value eq "ИВАН@ПРИМЕР.РФ"', ['ivan']],
    ['not (emails.value eq "ÅSA@EXEMPEL.SE")', ['ivan']],
  ])('%s', async (filter, expected) => {
    const res = await intl('GET', `/Users?filter=${q(filter)}&sortBy=userName`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual(expected.map((n) => (n === 'asa' ? asa : ivan)));
  });

  it('finds the e-mail to change by a value filter in any case', async () => {
    const res = await intl('PATCH', `/Users/${asa}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'emails[value eq "åsa@exempel.se"].primary', value: true }] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.emails).toEqual([{ value: 'ÅSA@Exempel.se', type: 'WÖRK', primary: true }]);
  });
});

describe('paging /scim/v2/Users', () => {
  let paged: Scim;

  beforeAll(async () => {
    paged = await scimFor(gw, await newOrg(gw, 'scim-paging'));
    for (let i = 0; i < 25; i++) expect((await paged('POST', '/Users', { userName: `user${String(i).padStart(2, '0')}`, title: i % 2 === 0 ? 'even' : 'odd' })).status).toBe(201);
  });

  it('pages with a 1-based startIndex and count, in a stable order without duplicates', async () => {
    const seen: string[] = [];
    for (let start = 1; start <= 25; start += 10) {
      const res = await paged('GET', `/Users?startIndex=${start}&count=10`);
      expect(res.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 25, startIndex: start, itemsPerPage: Math.min(10, 26 - start) });
      expect(Number.isInteger(res.body.totalResults) && Number.isInteger(res.body.itemsPerPage) && Number.isInteger(res.body.startIndex)).toBe(true);
      seen.push(...userNames(res));
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const all = await paged('GET', '/Users');
    expect(userNames(all)).toEqual(seen);
  });

  it('answers count=0 with the total only, and clamps startIndex and count', async () => {
    expect((await paged('GET', '/Users?count=0')).body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 25, itemsPerPage: 0, startIndex: 1, Resources: [] });
    expect((await paged('GET', '/Users?count=-3')).body.itemsPerPage).toBe(0);
    expect((await paged('GET', '/Users?startIndex=0&count=2')).body).toMatchObject({ startIndex: 1, itemsPerPage: 2 });
    expect((await paged('GET', '/Users?count=5000')).body.itemsPerPage).toBe(25);
    expect((await paged('GET', '/Users?startIndex=26')).body).toMatchObject({ totalResults: 25, itemsPerPage: 0, Resources: [] });
    expectScimError(await paged('GET', '/Users?startIndex=abc'), 400, 'invalidValue');
  });

  it('sorts by sortBy and sortOrder, and pages a filtered sort', async () => {
    const desc = await paged('GET', '/Users?sortBy=userName&sortOrder=descending&count=3');
    expect(userNames(desc)).toEqual(['user24', 'user23', 'user22']);
    const odd = await paged('GET', `/Users?filter=${q('title eq "odd"')}&sortBy=userName&startIndex=3&count=2`);
    expect(odd.body.totalResults).toBe(12);
    expect(userNames(odd)).toEqual(['user05', 'user07']);
    expectScimError(await paged('GET', '/Users?sortBy=nosuch'), 400, 'invalidValue');
    expectScimError(await paged('GET', '/Users?sortBy=userName&sortOrder=sideways'), 400, 'invalidValue');
  });

  it('projects every resource of a list', async () => {
    const res = await paged('GET', '/Users?count=2&attributes=userName');
    for (const r of res.body.Resources) expect(Object.keys(r).sort()).toEqual(['id', 'schemas', 'userName']);
  });
});
