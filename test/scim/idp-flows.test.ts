import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrg, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ENTERPRISE, GROUP_SCHEMA, LIST_RESPONSE, PATCH_OP, USER_SCHEMA, expectScimError, q, scimFor, type Scim } from './client.js';

/**
 * Request sequences as Okta and Microsoft Entra ID send them, taken from their provisioning
 * documentation (Okta "SCIM 2.0 protocol reference"; Microsoft "Develop and plan provisioning for a
 * SCIM endpoint", "Known issues … SCIM 2.0 protocol compliance", and the SCIMReferenceCode Postman
 * collection).
 */

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.shutdown());

describe('Okta', () => {
  let okta: Scim;

  beforeAll(async () => {
    // Okta sends application/json bodies.
    okta = await scimFor(gw, await newOrg(gw, 'okta'), 'Okta', 'application/json');
  });

  it('provisions a user: lookup → create → lookup → update → deactivate → reactivate → delete', async () => {
    const lookup = `/Users?filter=${q('userName eq "test.user@okta.local"')}&startIndex=1&count=100`;
    const none = await okta('GET', lookup);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });

    const created = await okta('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(created.text).not.toContain('1mz050nq');
    const id = created.body.id;

    const found = await okta('GET', lookup);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);

    // Okta PUTs the whole profile back.
    const got = (await okta('GET', `/Users/${id}`)).body;
    expect(got.schemas).toEqual([USER_SCHEMA]);
    const put = await okta('PUT', `/Users/${id}`, { ...got, name: { givenName: 'Another', familyName: 'User' }, password: 'x', groups: [] });
    expect(put.status, put.text).toBe(200);
    expect(put.body.name).toEqual({ familyName: 'User', givenName: 'Another' });
    expect(put.body.id).toBe(id);

    // Deprovisioning is a PATCH of active, never a DELETE.
    const off = await okta('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(off.status, off.text).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await okta('GET', `/Users/${id}`)).body.active).toBe(false);
    const stillFound = await okta('GET', lookup);
    expect(stillFound.body.Resources.map((r: { id: string; active: boolean }) => [r.id, r.active])).toEqual([[id, false]]);

    const on = await okta('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(on.body.active).toBe(true);

    expect((await okta('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await okta('GET', lookup)).body.totalResults).toBe(0);
  });

  it('pushes a group: lookup → create → add members → remove a member → rename → PUT → delete', async () => {
    const [u1, u2, u3] = await Promise.all(
      ['okta.a@okta.local', 'okta.b@okta.local', 'okta.c@okta.local'].map(async (userName) => (await okta('POST', '/Users', { schemas: [USER_SCHEMA], userName, active: true })).body.id as string),
    );
    const lookup = `/Groups?filter=${q('displayName eq "Test SCIMv2"')}&startIndex=1&count=100`;
    expect((await okta('GET', lookup)).body.totalResults).toBe(0);

    const created = await okta('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Test SCIMv2', members: [] });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    expect((await okta('GET', lookup)).body.Resources[0].id).toBe(id);

    const added = await okta('PATCH', `/Groups/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: u1, display: 'okta.a@okta.local' }, { value: u2, display: 'okta.b@okta.local' }, { value: u3, display: 'okta.c@okta.local' }] }],
    });
    expect(added.status, added.text).toBe(200);
    expect(added.body.members.map((m: { value: string }) => m.value)).toEqual([u1, u2, u3]);

    const removed = await okta('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${u2}"]` }] });
    expect(removed.body.members.map((m: { value: string }) => m.value)).toEqual([u1, u3]);

    const renamed = await okta('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id, displayName: 'Test SCIMv2 Renamed' } }] });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.displayName).toBe('Test SCIMv2 Renamed');
    expect(renamed.body.members).toHaveLength(2);

    const put = await okta('PUT', `/Groups/${id}`, { schemas: [GROUP_SCHEMA], id, displayName: 'Test SCIMv2 Renamed', members: [{ value: u2, display: 'okta.b@okta.local' }] });
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([u2]);

    expect((await okta('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect((await okta('GET', `/Users/${u2}`)).body).not.toHaveProperty('groups');
  });
});

describe('Microsoft Entra ID', () => {
  let entra: Scim;

  beforeAll(async () => {
    entra = await scimFor(gw, await newOrg(gw, 'entra'), 'Entra ID');
  });

  it('passes "test connection": a filter on a random userName is 200 with no results', async () => {
    const res = await entra('GET', `/Users?filter=${q(`userName eq "${randomUUID()}"`)}`);
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(0);
    expect(res.body.Resources).toEqual([]);
  });

  it('provisions a user: create → query → patch attributes → disable → delete', async () => {
    const userName = `Test_User_${randomUUID()}`;
    const created = await entra('POST', '/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: `Test_User_${randomUUID()}@testuser.com` }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    expect(created.body).not.toHaveProperty('roles');

    const query = await entra('GET', `/Users?filter=${q(`userName eq "${userName}"`)}`);
    expect(query.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);

    // Update user [multi-valued properties]
    const multi = await entra('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(multi.status, multi.text).toBe(200);
    expect(multi.body.emails).toEqual([{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
    expect(multi.body.name.familyName).toBe('updatedFamilyName');
    const byEmail = await entra('GET', `/Users?filter=${q('emails[type eq "work"].value eq "UPDATEDEMAIL@microsoft.com"')}`);
    expect(byEmail.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);

    // Update user [single-valued properties]
    const renamed = `${randomUUID()}@testuser.com`;
    const single = await entra('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'userName', value: renamed }] });
    expect(single.body.userName).toBe(renamed);

    // No-path add with dotted and URN keys, and a string boolean.
    const mixed = await entra('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Add', value: { 'name.givenName': 'Ann', [`${ENTERPRISE}:employeeNumber`]: '7', title: 'Engineer', active: 'True' } },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: { value: 'manager-id' } },
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
      ],
    });
    expect(mixed.status, mixed.text).toBe(200);
    expect(mixed.body.name.givenName).toBe('Ann');
    expect(mixed.body[ENTERPRISE]).toEqual({ employeeNumber: '7', manager: { value: 'manager-id' } });
    expect(mixed.body.phoneNumbers).toEqual([{ value: '+1 555 0100', type: 'mobile' }]);
    expect(mixed.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    expect(Object.keys(mixed.body)).not.toContain('name.givenName');

    // Disable user (string "False" as Entra ID sends without aadOptscim062020)
    const off = await entra('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(off.body.active).toBe(false);
    const disabled = await entra('GET', `/Users?filter=${q(`userName eq "${renamed}"`)}`);
    expect(disabled.body.Resources[0].active).toBe(false);

    expect((await entra('DELETE', `/Users/${id}`)).status).toBe(204);
    expectScimError(await entra('GET', `/Users/${id}`), 404);
  });

  it('creates a work e-mail when a filter path matches none', async () => {
    const u = (await entra('POST', '/Users', { userName: `nomail-${randomUUID()}`, emails: [{ type: 'home', value: 'h@home.example' }] })).body;
    const res = await entra('PATCH', `/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'w@work.example' }] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.emails).toEqual([{ value: 'h@home.example', type: 'home' }, { value: 'w@work.example', type: 'work' }]);
  });

  describe('clearing an attribute', () => {
    const work = { value: 'w@acme.example', type: 'work', primary: true };
    const home = { value: 'h@home.example', type: 'home' };
    const desk = { value: '+1 555 0100', type: 'work' };
    const mobile = { value: '+1 555 0199', type: 'mobile' };
    const newUser = async () => (await entra('POST', '/Users', { userName: `clear-${randomUUID()}`, active: true, emails: [work, home], phoneNumbers: [desk, mobile] })).body;

    it('drops the phone number whose value is removed, and applies the rest of the PATCH', async () => {
      const u = await newUser();
      const res = await entra('PATCH', `/Users/${u.id}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Remove', path: 'phoneNumbers[type eq "work"].value' },
          { op: 'Replace', path: 'active', value: 'False' },
        ],
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.phoneNumbers).toEqual([mobile]);
      expect(res.body.active).toBe(false);
      expect((await entra('GET', `/Users/${u.id}`)).body).toMatchObject({ active: false, phoneNumbers: [mobile], emails: [work, home] });
    });

    it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
      ['Remove emails[type eq "work"].value', { op: 'Remove', path: 'emails[type eq "work"].value' }, { emails: [home], phoneNumbers: [desk, mobile] }],
      ['Remove emails.value', { op: 'Remove', path: 'emails.value' }, { emails: undefined, phoneNumbers: [desk, mobile] }],
      ['Replace phoneNumbers[type eq "mobile"].value with null', { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: null }, { emails: [work, home], phoneNumbers: [desk] }],
      ['Replace phoneNumbers.value with ""', { op: 'Replace', path: 'phoneNumbers.value', value: '' }, { emails: [work, home], phoneNumbers: undefined }],
      ['Add emails[type eq "work"].value ""', { op: 'Add', path: 'emails[type eq "work"].value', value: '' }, { emails: [home], phoneNumbers: [desk, mobile] }],
      ['Replace emails[type eq "other"].value "" (there is none)', { op: 'Replace', path: 'emails[type eq "other"].value', value: '' }, { emails: [work, home], phoneNumbers: [desk, mobile] }],
      ['Replace emails[type eq "home"] with { value: "" }', { op: 'Replace', path: 'emails[type eq "home"]', value: { value: '' } }, { emails: [work], phoneNumbers: [desk, mobile] }],
      [`Replace without a path { 'emails[type eq "work"].value': '' }`, { op: 'Replace', value: { 'emails[type eq "work"].value': '' } }, { emails: [home], phoneNumbers: [desk, mobile] }],
    ])('%s', async (_what, operation, expected) => {
      const u = await newUser();
      const res = await entra('PATCH', `/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [operation, { op: 'Replace', path: 'title', value: 'applied' }] });
      expect(res.status, res.text).toBe(200);
      expect({ emails: res.body.emails, phoneNumbers: res.body.phoneNumbers }).toEqual(expected);
      expect(res.body.title).toBe('applied');
    });
  });

  it('removes an e-mail named by a value list whose type is in another case (legacy Remove)', async () => {
    const u = (await entra('POST', '/Users', { userName: `legacy-mail-${randomUUID()}`, emails: [{ value: 'w@work.example', type: 'work' }, { value: 'h@home.example', type: 'home' }] })).body;
    const res = await entra('PATCH', `/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'emails', value: [{ value: 'W@WORK.example', type: 'Work' }] }] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.emails).toEqual([{ value: 'h@home.example', type: 'home' }]);
  });

  it('provisions a group: create → query without members → rename → add members → remove members (legacy and filter) → delete', async () => {
    const [u1, u2, u3] = await Promise.all(['e1', 'e2', 'e3'].map(async (n) => (await entra('POST', '/Users', { userName: `${n}-${randomUUID()}` })).body.id as string));
    const created = await entra('POST', '/Groups', {
      schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;

    const query = await entra('GET', `/Groups?excludedAttributes=members&filter=${q('displayName eq "displayName"')}`);
    expect(query.body.totalResults).toBe(1);
    expect(query.body.Resources[0]).toEqual({ schemas: [GROUP_SCHEMA], id, externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName', meta: expect.any(Object) });
    expect((await entra('GET', `/Groups/${id}?excludedAttributes=members`)).body).not.toHaveProperty('members');

    const renamed = await entra('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: `${id}updatedDisplayName` }] });
    expect(renamed.body.displayName).toBe(`${id}updatedDisplayName`);

    const added = await entra('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: u1 }, { $ref: null, value: u2 }, { $ref: null, value: u3 }] }] });
    expect(added.status, added.text).toBe(200);
    expect(added.body.members).toHaveLength(3);

    const legacy = await entra('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: u1 }] }] });
    expect(legacy.body.members.map((m: { value: string }) => m.value)).toEqual([u2, u3]);

    const filtered = await entra('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: `members[value eq "${u2}"]` }] });
    expect(filtered.body.members.map((m: { value: string }) => m.value)).toEqual([u3]);

    expect((await entra('DELETE', `/Groups/${id}`)).status).toBe(204);
  });
});
