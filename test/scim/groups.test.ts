import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrg, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { GROUP_SCHEMA, PATCH_OP, expectScimError, q, scimFor, type Scim } from './client.js';

let gw: TestGateway;
let scim: Scim;
const users: Record<string, string> = {};

beforeAll(async () => {
  gw = await startTestGateway();
  scim = await scimFor(gw, await newOrg(gw, 'scim-groups'));
  for (const [userName, displayName] of [['ann@acme.com', 'Ann A'], ['bob@acme.com', undefined], ['cy@acme.com', 'Cy C'], ['dee@acme.com', 'Dee D']] as const) {
    const res = await scim('POST', '/Users', { userName, ...(displayName ? { displayName } : {}) });
    expect(res.status).toBe(201);
    users[userName.split('@')[0]!] = res.body.id;
  }
});
afterAll(async () => gw?.shutdown());

const memberIds = (body: { members?: Array<{ value: string }> }): string[] => (body.members ?? []).map((m) => m.value).sort();
const patch = (id: string, Operations: unknown[], headers?: Record<string, string>) => scim('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations }, headers);

describe('POST /scim/v2/Groups', () => {
  it('creates an empty group: 201, Location, ETag', async () => {
    const res = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], externalId: 'ext-1', displayName: 'Group1DisplayName', members: [] });
    expect(res.status, res.text).toBe(201);
    const location = `${gw.url}/scim/v2/Groups/${res.body.id}`;
    expect(res.headers.get('location')).toBe(location);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toEqual({
      schemas: [GROUP_SCHEMA],
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      externalId: 'ext-1',
      displayName: 'Group1DisplayName',
      members: [],
      meta: { resourceType: 'Group', created: expect.any(String), lastModified: expect.any(String), location, version: 'W/"1"' },
    });
  });

  it('creates a group with members, presented with display, $ref and type', async () => {
    const res = await scim('POST', '/Groups', { displayName: 'With Members', members: [{ value: users.ann, display: 'whatever the client says' }, { value: users.bob }] });
    expect(res.status, res.text).toBe(201);
    expect(res.body.members).toEqual([
      { value: users.ann, $ref: `${gw.url}/scim/v2/Users/${users.ann}`, display: 'Ann A', type: 'User' },
      { value: users.bob, $ref: `${gw.url}/scim/v2/Users/${users.bob}`, display: 'bob@acme.com', type: 'User' },
    ]);
    const ann = await scim('GET', `/Users/${users.ann}`);
    expect(ann.body.groups).toEqual([{ value: res.body.id, $ref: `${gw.url}/scim/v2/Groups/${res.body.id}`, display: 'With Members', type: 'direct' }]);
  });

  it('accepts Entra ID\'s extra group schema URN and meta', async () => {
    const res = await scim('POST', '/Groups', {
      schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Entra Group',
      meta: { resourceType: 'Group' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.schemas).toEqual([GROUP_SCHEMA]);
  });

  it('rejects a duplicate displayName in any case with 409 uniqueness', async () => {
    expect((await scim('POST', '/Groups', { displayName: 'Sales' })).status).toBe(201);
    expectScimError(await scim('POST', '/Groups', { displayName: 'SALES' }), 409, 'uniqueness');
  });

  it('rejects a duplicate displayName in another case of any script with 409 uniqueness, and finds it by filter', async () => {
    const g = await scim('POST', '/Groups', { displayName: 'Équipe Paris', members: [{ value: users.cy }] });
    expect(g.status, g.text).toBe(201);
    expectScimError(await scim('POST', '/Groups', { displayName: 'équipe paris' }), 409, 'uniqueness');
    // E followed by a combining acute accent (NFD).
    expectScimError(await scim('POST', '/Groups', { displayName: 'E\u0301QUIPE PARIS' }), 409, 'uniqueness');
    const other = (await scim('POST', '/Groups', { displayName: 'Équipe Lyon' })).body;
    expectScimError(await patch(other.id, [{ op: 'replace', path: 'displayName', value: 'ÉQUIPE PARIS' }]), 409, 'uniqueness');
    for (const filter of ['displayName eq "ÉQUIPE PARIS"', 'displayName sw "équipe p"', 'displayName co "QUIPE PAR"']) {
      const res = await scim('GET', `/Groups?filter=${q(filter)}&excludedAttributes=members`);
      expect(res.body.Resources.map((r: { id: string }) => r.id), filter).toEqual([g.body.id]);
    }
    const members = await scim('GET', `/Users?filter=${q('groups.display eq "équipe PARIS"')}`);
    expect(members.body.Resources.map((r: { id: string }) => r.id)).toEqual([users.cy]);
  });

  it('rejects unknown members, non-users and a missing displayName', async () => {
    expectScimError(await scim('POST', '/Groups', { displayName: 'g-unknown', members: [{ value: '2b1f5d6e-1c7a-4a53-9a7e-0c8d1f2e3a4b' }] }), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Groups', { displayName: 'g-bad', members: [{ value: 'f648f8d5ea4e4cd38e9c' }] }), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Groups', { members: [] }), 400, 'invalidValue');
    expect((await scim('GET', `/Groups?filter=${q('displayName sw "g-"')}`)).body.totalResults).toBe(0);
  });
});

describe('members that name no one', () => {
  it('refuses members holding none of value, display, type (a typo, an object for a list) instead of emptying the group', async () => {
    const res = await scim('POST', '/Groups', { displayName: 'Keep Members', members: [{ value: users.ann }] });
    expect(res.status, res.text).toBe(201);
    const id = res.body.id as string;
    for (const members of [{ bogus: 1 }, [{ valu: users.bob }], [{}], [{ value: users.bob }, { nested: { a: { b: 1 } } }]]) {
      expectScimError(await scim('PUT', `/Groups/${id}`, { displayName: 'Keep Members', members }), 400, 'invalidValue');
      expectScimError(await scim('POST', '/Groups', { displayName: `Other ${randomUUID()}`, members }), 400, 'invalidValue');
    }
    expectScimError(await patch(id, [{ op: 'add', path: 'members', value: { a: 1 } }]), 400, 'invalidValue');
    expectScimError(await patch(id, [{ op: 'replace', path: 'members', value: [{ valu: users.bob }] }]), 400, 'invalidValue');
    expect(memberIds((await scim('GET', `/Groups/${id}`)).body)).toEqual([users.ann]);
    // Clearing stays possible: an empty list, or no members at all.
    expect(memberIds((await scim('PUT', `/Groups/${id}`, { displayName: 'Keep Members', members: [] })).body)).toEqual([]);
  });
});

describe('PATCH /scim/v2/Groups/:id', () => {
  it('adds members in batches, skips members already there, removes by filter path (Okta)', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Okta Batch' })).body;
    const add = await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: users.ann, display: 'ann@acme.com' }, { value: users.bob, display: 'bob@acme.com' }] }]);
    expect(add.status, add.text).toBe(200);
    expect(memberIds(add.body)).toEqual([users.ann, users.bob].sort());
    expect(add.body.meta.version).toBe('W/"2"');
    const again = await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: users.bob }, { value: users.cy }] }]);
    expect(memberIds(again.body)).toEqual([users.ann, users.bob, users.cy].sort());
    const removed = await patch(g.id, [
      { op: 'remove', path: `members[value eq "${users.ann}"]` },
      { op: 'remove', path: `members[value eq "${users.cy}"]` },
    ]);
    expect(memberIds(removed.body)).toEqual([users.bob]);
    // Removing someone who is not a member is not an error.
    expect((await patch(g.id, [{ op: 'remove', path: `members[value eq "${users.dee}"]` }])).status).toBe(200);
    // Members are matched as a client sees them: by display and type too.
    const byDisplay = await patch(g.id, [{ op: 'remove', path: `members[display eq "${(await scim('GET', `/Users/${users.bob}`)).body.displayName ?? 'bob@acme.com'}"]` }]);
    expect(byDisplay.status, byDisplay.text).toBe(200);
    expect(memberIds(byDisplay.body)).toEqual([]);
    await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: users.ann }, { value: users.cy }] }]);
    expect(memberIds((await patch(g.id, [{ op: 'remove', path: 'members[type eq "User"]' }])).body)).toEqual([]);
  });

  it('trims displayName, so a blank around it does not make a second group', async () => {
    expect((await scim('POST', '/Groups', { displayName: 'Trimmed Eng' })).status).toBe(201);
    for (const displayName of ['Trimmed Eng ', '  trimmed eng']) expectScimError(await scim('POST', '/Groups', { displayName }), 409, 'uniqueness');
  });

  it('removes only the listed members on Remove with path members and a value list (Entra ID legacy)', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Entra Legacy', members: [{ value: users.ann }, { value: users.bob }, { value: users.cy }] })).body;
    const res = await patch(g.id, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: users.bob }] }]);
    expect(res.status, res.text).toBe(200);
    expect(memberIds(res.body)).toEqual([users.ann, users.cy].sort());
    const all = await patch(g.id, [{ op: 'remove', path: 'members' }]);
    expect(all.body.members).toEqual([]);
  });

  it('renames with a no-path replace that carries the id (Okta) and with a path (Entra ID)', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Before Rename' })).body;
    const okta = await patch(g.id, [{ op: 'replace', value: { id: g.id, displayName: 'Okta Renamed' } }]);
    expect(okta.status, okta.text).toBe(200);
    expect(okta.body.displayName).toBe('Okta Renamed');
    const entra = await patch(g.id, [{ op: 'Replace', path: 'displayName', value: 'Entra Renamed' }]);
    expect(entra.body.displayName).toBe('Entra Renamed');
    expect((await scim('GET', `/Groups?filter=${q('displayName eq "entra renamed"')}`)).body.totalResults).toBe(1);
  });

  it('rejects adding a user that does not exist, and a rename onto another group', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Strict' })).body;
    expectScimError(await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: '2b1f5d6e-1c7a-4a53-9a7e-0c8d1f2e3a4b' }] }]), 400, 'invalidValue');
    await scim('POST', '/Groups', { displayName: 'Occupied' });
    expectScimError(await patch(g.id, [{ op: 'replace', path: 'displayName', value: 'occupied' }]), 409, 'uniqueness');
    expectScimError(await patch(g.id, [{ op: 'replace', path: `members[value eq "${users.ann}"].value`, value: users.bob }]), 400, 'mutability');
    expect((await scim('GET', `/Groups/${g.id}`)).body.meta.version).toBe('W/"1"');
  });

  it('honours If-Match', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Versioned' })).body;
    expectScimError(await patch(g.id, [{ op: 'replace', path: 'displayName', value: 'V2' }], { 'if-match': 'W/"5"' }), 412);
    expect((await patch(g.id, [{ op: 'replace', path: 'displayName', value: 'V2' }], { 'if-match': 'W/"1"' })).status).toBe(200);
    expectScimError(await scim('DELETE', `/Groups/${g.id}`, undefined, { 'if-match': 'W/"1"' }), 412);
  });

  it('adds 200 members in one request', async () => {
    const created: string[] = [];
    for (let i = 0; i < 200; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => scim('POST', '/Users', { userName: `bulk-${i + j}@acme.com` })));
      created.push(...batch.map((r) => r.body.id as string));
    }
    const g = (await scim('POST', '/Groups', { displayName: 'Big' })).body;
    const res = await patch(g.id, [{ op: 'add', path: 'members', value: created.map((value) => ({ value })) }]);
    expect(res.status).toBe(200);
    expect(res.body.members).toHaveLength(200);
    const slim = await patch(g.id, [{ op: 'remove', path: `members[value eq "${created[0]}"]` }], {});
    expect(slim.body.members).toHaveLength(199);
  });
});

describe('concurrent writes', () => {
  it('serialises parallel member adds to one group and loses none', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await scim('POST', '/Users', { userName: `parallel-${i}@acme.com` })).body.id as string));
    const g = (await scim('POST', '/Groups', { displayName: 'Parallel' })).body;
    const results = await Promise.all(ids.map((value) => patch(g.id, [{ op: 'add', path: 'members', value: [{ value }] }])));
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
    const after = await scim('GET', `/Groups/${g.id}`);
    expect(memberIds(after.body)).toEqual([...ids].sort());
    expect(after.body.meta.version).toBe(`W/"${ids.length + 1}"`);
  });

  it('creates one user out of parallel creates of the same userName', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => scim('POST', '/Users', { userName: i % 2 ? 'Race@acme.com' : 'race@ACME.com' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('deletes a user while its groups change without deadlock or error', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, async (_, i) => (await scim('POST', '/Users', { userName: `churn-${i}@acme.com` })).body.id as string));
    const groups = await Promise.all(Array.from({ length: 3 }, async (_, i) => (await scim('POST', '/Groups', { displayName: `Churn ${i}`, members: ids.map((value) => ({ value })) })).body.id as string));
    const ops = [
      ...ids.map((id) => scim('DELETE', `/Users/${id}`)),
      ...groups.flatMap((gid) => ids.map((value) => patch(gid, [{ op: 'remove', path: `members[value eq "${value}"]` }, { op: 'add', path: 'members', value: [{ value }] }]))),
    ];
    const statuses = (await Promise.all(ops)).map((r) => r.status);
    expect(statuses.filter((s) => ![200, 204, 400].includes(s))).toEqual([]);
    for (const gid of groups) expect((await scim('GET', `/Groups/${gid}`)).body.members).toEqual([]);
  });
});

describe('versions of users and groups that show each other', () => {
  /** changed GETs a resource with If-None-Match: its old ETag must no longer match (200, a new ETag). */
  async function changed(path: string, etag: string): Promise<{ etag: string; body: any }> {
    const res = await scim('GET', path, undefined, { 'if-none-match': etag });
    expect(res.status, `${path} still ${etag}`).toBe(200);
    const now = res.headers.get('etag')!;
    expect(now).not.toBe(etag);
    expect(res.body.meta.version).toBe(now);
    return { etag: now, body: res.body };
  }
  const unchanged = async (path: string, etag: string) => expect((await scim('GET', path, undefined, { 'if-none-match': etag })).status, path).toBe(304);

  it('moves a user to a new version whenever its groups change: added, renamed, removed, deleted', async () => {
    const u = (await scim('POST', '/Users', { userName: `etag-member-${randomUUID()}@acme.com` })).body;
    const path = `/Users/${u.id}`;
    let etag: string = u.meta.version;

    const g = (await scim('POST', '/Groups', { displayName: `ETag Team ${randomUUID()}`, members: [{ value: u.id }] })).body;
    let seen = await changed(path, etag);
    expect(seen.body.groups.map((x: { value: string }) => x.value)).toEqual([g.id]);
    etag = seen.etag;
    // The old ETag is stale for writes too.
    expectScimError(await scim('PATCH', path, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }, { 'if-match': u.meta.version }), 412);

    await patch(g.id, [{ op: 'replace', path: 'displayName', value: `ETag Team renamed ${randomUUID()}` }]);
    seen = await changed(path, etag);
    expect(seen.body.groups[0].display).toMatch(/^ETag Team renamed/);
    etag = seen.etag;

    await patch(g.id, [{ op: 'replace', path: 'externalId', value: 'not shown on the user' }]);
    await unchanged(path, etag);

    await patch(g.id, [{ op: 'remove', path: `members[value eq "${u.id}"]` }]);
    seen = await changed(path, etag);
    expect(seen.body).not.toHaveProperty('groups');
    etag = seen.etag;

    await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: u.id }] }]);
    etag = (await changed(path, etag)).etag;
    await scim('PUT', `/Groups/${g.id}`, { displayName: g.displayName, members: [] });
    etag = (await changed(path, etag)).etag;
    await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: u.id }] }]);
    etag = (await changed(path, etag)).etag;

    expect((await scim('DELETE', `/Groups/${g.id}`)).status).toBe(204);
    seen = await changed(path, etag);
    expect(seen.body).not.toHaveProperty('groups');
  });

  it("moves a group to a new version when a member's display (displayName, else userName) changes", async () => {
    const userName = `etag-display-${randomUUID()}@acme.com`;
    const u = (await scim('POST', '/Users', { userName, displayName: 'Before' })).body;
    const g = (await scim('POST', '/Groups', { displayName: `Display Watchers ${randomUUID()}`, members: [{ value: u.id }, { value: users.ann }] })).body;
    const path = `/Groups/${g.id}`;
    let etag: string = g.meta.version;
    const patchUser = (Operations: unknown[]) => scim('PATCH', `/Users/${u.id}`, { schemas: [PATCH_OP], Operations });

    expect((await patchUser([{ op: 'replace', path: 'displayName', value: 'After' }])).status).toBe(200);
    let seen = await changed(path, etag);
    expect(seen.body.members.find((m: { value: string }) => m.value === u.id).display).toBe('After');
    etag = seen.etag;

    // Neither changes what the group shows.
    await patchUser([{ op: 'replace', path: 'title', value: 'Engineer' }]);
    await patchUser([{ op: 'replace', path: 'userName', value: `renamed-${userName}` }]);
    await unchanged(path, etag);

    await patchUser([{ op: 'remove', path: 'displayName' }]);
    seen = await changed(path, etag);
    expect(seen.body.members.find((m: { value: string }) => m.value === u.id).display).toBe(`renamed-${userName}`);
    etag = seen.etag;

    await scim('PUT', `/Users/${u.id}`, { userName: `renamed-${userName}`, displayName: 'Put' });
    etag = (await changed(path, etag)).etag;
    expect((await scim('DELETE', `/Users/${u.id}`)).status).toBe(204);
    await changed(path, etag);
  });

  it('renames users while their groups change, in parallel, without deadlock, and the groups show the final names', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, async (_, i) => (await scim('POST', '/Users', { userName: `mesh-${i}-${randomUUID()}@acme.com` })).body.id as string));
    const groups = await Promise.all(Array.from({ length: 3 }, async (_, i) => (await scim('POST', '/Groups', { displayName: `Mesh ${i} ${randomUUID()}`, members: ids.map((value) => ({ value })) })).body.id as string));
    const results = await Promise.all([
      ...ids.flatMap((id, i) => [1, 2].map((n) => scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: `Mesh user ${i}.${n}` }] }))),
      ...groups.flatMap((gid, i) => [
        patch(gid, [{ op: 'replace', path: 'displayName', value: `Mesh ${i} renamed ${randomUUID()}` }]),
        patch(gid, [{ op: 'remove', path: `members[value eq "${ids[i]}"]` }]),
        patch(gid, [{ op: 'add', path: 'members', value: [{ value: ids[i] }] }]),
      ]),
    ]);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const names = new Map(await Promise.all(ids.map(async (id) => [id, (await scim('GET', `/Users/${id}`)).body.displayName as string] as const)));
    for (const gid of groups) {
      const g = (await scim('GET', `/Groups/${gid}`)).body;
      for (const m of g.members as Array<{ value: string; display: string }>) expect(m.display).toBe(names.get(m.value));
    }
  });
});

describe('PUT, GET and DELETE /scim/v2/Groups', () => {
  it('replaces name and members with PUT', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'GroupDisplayName3', members: [] })).body;
    const res = await scim('PUT', `/Groups/${g.id}`, { schemas: [GROUP_SCHEMA], id: g.id, displayName: 'putName', members: [{ value: users.cy, display: 'VP' }, { value: users.dee, display: 'SenorVP' }] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.displayName).toBe('putName');
    expect(memberIds(res.body)).toEqual([users.cy, users.dee].sort());
    const again = await scim('PUT', `/Groups/${g.id}`, { displayName: 'putName', members: [{ value: users.dee }] });
    expect(memberIds(again.body)).toEqual([users.dee]);
  });

  it('lists groups without members when asked (Entra ID) and filters on members', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Listed', members: [{ value: users.dee }] })).body;
    const res = await scim('GET', `/Groups?excludedAttributes=members&filter=${q('displayName eq "Listed"')}`);
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0]).not.toHaveProperty('members');
    expect(res.body.Resources[0].id).toBe(g.id);
    const one = await scim('GET', `/Groups/${g.id}?excludedAttributes=members`);
    expect(one.body).not.toHaveProperty('members');
    expect(one.body.displayName).toBe('Listed');
    const byMember = await scim('GET', `/Groups?filter=${q(`members[value eq "${users.dee}"] and displayName sw "List"`)}`);
    expect(byMember.body.Resources.map((r: { id: string }) => r.id)).toEqual([g.id]);
    const users_ = await scim('GET', `/Users?filter=${q(`groups.value eq "${g.id}"`)}`);
    expect(users_.body.Resources.map((r: { id: string }) => r.id)).toEqual([users.dee]);
    const byDisplay = await scim('GET', `/Groups?filter=${q('members.display eq "dee d"')}&attributes=displayName`);
    expect(byDisplay.body.Resources.map((r: { displayName: string }) => r.displayName)).toContain('Listed');
  });

  it('takes a deleted user out of its groups and moves the groups\' versions on', async () => {
    const u = (await scim('POST', '/Users', { userName: 'leaver@acme.com' })).body;
    const g = (await scim('POST', '/Groups', { displayName: 'Has Leaver', members: [{ value: u.id }, { value: users.ann }] })).body;
    expect((await scim('DELETE', `/Users/${u.id}`)).status).toBe(204);
    const after = await scim('GET', `/Groups/${g.id}`);
    expect(memberIds(after.body)).toEqual([users.ann]);
    expect(after.body.meta.version).toBe('W/"2"');
  });

  it('deletes a group with 204, keeping its users', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Doomed', members: [{ value: users.bob }] })).body;
    expect((await scim('DELETE', `/Groups/${g.id}`)).status).toBe(204);
    expectScimError(await scim('GET', `/Groups/${g.id}`), 404);
    const bob = await scim('GET', `/Users/${users.bob}`);
    expect(bob.status).toBe(200);
    expect((bob.body.groups ?? []).map((x: { value: string }) => x.value)).not.toContain(g.id);
  });

  it('answers unknown group ids with 404', async () => {
    expectScimError(await scim('GET', '/Groups/2b1f5d6e-1c7a-4a53-9a7e-0c8d1f2e3a4b'), 404);
    expectScimError(await patch('2b1f5d6e-1c7a-4a53-9a7e-0c8d1f2e3a4b', [{ op: 'remove', path: 'members' }]), 404);
  });
});
