import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { PATCH_OP, expectScimError, q, scimFor, type Scim } from './client.js';

let gw: TestGateway;
let orgA: TestOrg;
let orgB: TestOrg;
let a: Scim;
let b: Scim;

beforeAll(async () => {
  gw = await startTestGateway();
  [orgA, orgB] = await Promise.all([newOrg(gw, 'tenant-a'), newOrg(gw, 'tenant-b')]);
  [a, b] = await Promise.all([scimFor(gw, orgA, 'Okta A'), scimFor(gw, orgB, 'Entra B')]);
});
afterAll(async () => gw?.shutdown());

describe('tenant isolation', () => {
  it("answers another org's user and group ids with 404 and never lists them", async () => {
    const user = (await a('POST', '/Users', { userName: 'shared.name@acme.com', emails: [{ value: 'shared@acme.com' }] })).body;
    const group = (await a('POST', '/Groups', { displayName: 'A Team', members: [{ value: user.id }] })).body;
    for (const [method, path, body] of [
      ['GET', `/Users/${user.id}`, undefined],
      ['PUT', `/Users/${user.id}`, { userName: 'stolen' }],
      ['PATCH', `/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] }],
      ['DELETE', `/Users/${user.id}`, undefined],
      ['GET', `/Groups/${group.id}`, undefined],
      ['PUT', `/Groups/${group.id}`, { displayName: 'stolen' }],
      ['PATCH', `/Groups/${group.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] }],
      ['DELETE', `/Groups/${group.id}`, undefined],
    ] as const) {
      expectScimError(await b(method, path, body), 404);
    }
    expect((await b('GET', `/Users?filter=${q(`id eq "${user.id}" or emails.value eq "shared@acme.com"`)}`)).body.totalResults).toBe(0);
    expect((await b('GET', '/Groups')).body.totalResults).toBe(0);
    expect((await b('POST', '/.search', { filter: 'displayName eq "A Team"' })).body.totalResults).toBe(0);
    // The same userName may exist in both orgs; B cannot make A's user a member of its group.
    expect((await b('POST', '/Users', { userName: 'SHARED.name@acme.com' })).status).toBe(201);
    expectScimError(await b('POST', '/Groups', { displayName: 'B Team', members: [{ value: user.id }] }), 400, 'invalidValue');
    const still = await a('GET', `/Users/${user.id}`);
    expect(still.body).toMatchObject({ userName: 'shared.name@acme.com', active: true, groups: [{ value: group.id }] });
  });
});

describe('audit log', () => {
  it('records every SCIM write with the token as actor and before/after, and nothing for failed or no-op writes', async () => {
    const org = await newOrg(gw, 'scim-audit');
    const s = await scimFor(gw, org, 'Okta Production');
    const user = (await s('POST', '/Users', { userName: 'audited@acme.com', title: 'One' })).body;
    await s('PUT', `/Users/${user.id}`, { userName: 'audited@acme.com', title: 'Two' });
    await s('PATCH', `/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    await s('PATCH', `/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] }); // no change
    expect((await s('POST', '/Users', { userName: 'AUDITED@acme.com' })).status).toBe(409); // fails: not audited
    const group = (await s('POST', '/Groups', { displayName: 'Audited', members: [{ value: user.id }] })).body;
    await s('PATCH', `/Groups/${group.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${user.id}"]` }] });
    await s('PUT', `/Groups/${group.id}`, { displayName: 'Audited 2' });
    await s('DELETE', `/Groups/${group.id}`);
    await s('DELETE', `/Users/${user.id}`);

    const log = await call(gw.url, 'GET', '/api/v1/audit-log?limit=100', { key: org.adminKey });
    expect(log.status).toBe(200);
    const entries = [...log.body.data].reverse().filter((e: { action: string }) => e.action.startsWith('scim.'));
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'scim.user.create',
      'scim.user.replace',
      'scim.user.patch',
      'scim.group.create',
      'scim.group.patch',
      'scim.group.replace',
      'scim.group.delete',
      'scim.user.delete',
    ]);
    for (const e of entries) {
      expect(e.actor).toBe(`scim_token:${s.tokenId}`);
      expect(e.actor_name).toBe('Okta Production');
      expect(e.request_id).toEqual(expect.any(String));
    }
    const [create, replace, patch, gCreate, gPatch] = entries;
    expect(create).toMatchObject({ resource_type: 'scim_user', resource_id: user.id, before: null, after: { id: user.id, userName: 'audited@acme.com', title: 'One', active: true } });
    expect(replace).toMatchObject({ before: { title: 'One' }, after: { title: 'Two' } });
    expect(patch).toMatchObject({ before: { active: true }, after: { active: false } });
    expect(gCreate).toMatchObject({ resource_type: 'scim_group', resource_id: group.id, after: { displayName: 'Audited', members: [user.id] } });
    expect(gPatch).toMatchObject({ before: { members: [user.id] }, after: { members: [] } });
    expect(entries.at(-1)).toMatchObject({ action: 'scim.user.delete', before: { userName: 'audited@acme.com' }, after: null });
    const filtered = await call(gw.url, 'GET', '/api/v1/audit-log?resource_type=scim_group', { key: org.adminKey });
    expect(filtered.body.total).toBe(4);
  });
});
