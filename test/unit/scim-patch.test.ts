import { describe, expect, it } from 'vitest';
import { applyPatch, type PatchOperation } from '../../src/scim/patch.js';
import { patchGroupResource, patchUserResource, readGroupBody, readUserBody } from '../../src/scim/resource-input.js';
import { project } from '../../src/scim/projection.js';
import { GROUP_TYPE, USER_TYPE } from '../../src/scim/schema.js';
import { scimTypeOf } from './scim-type.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const M1 = '2819c223-7f76-453a-919d-413861904646';
const M2 = '902c246b-6245-4190-8e05-00816be7344a';
const M3 = 'a1e0b2d4-0000-4000-8000-000000000003';

const bjensen = () =>
  readUserBody({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'bjensen',
    name: { familyName: 'Jensen', givenName: 'Barbara' },
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
  });

const user = (ops: PatchOperation[]) => patchUserResource(bjensen(), ops);

describe('readUserBody()', () => {
  it('keeps what is stored and ignores password, groups, roles, id, meta and other schemas', () => {
    const r = readUserBody({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User'],
      id: 'client-chosen',
      userName: 'test.user@okta.local',
      password: '1mz050nq',
      groups: [],
      roles: [],
      meta: { resourceType: 'User' },
      active: 'True',
      'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User': { x: 1 },
      [ENTERPRISE]: { Department: 'bob', Manager: { Value: 'SuzzyQ' } },
      emails: [{ Primary: true, type: 'work', value: 'testing@bob.com' }],
    });
    expect(r).toEqual({
      userName: 'test.user@okta.local',
      active: true,
      [ENTERPRISE]: { department: 'bob', manager: { value: 'SuzzyQ' } },
      emails: [{ primary: true, type: 'work', value: 'testing@bob.com' }],
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    });
  });

  it('requires userName, e-mail values and the User schema when schemas is given', () => {
    expect(scimTypeOf(() => readUserBody({ name: { givenName: 'x' } }))).toBe('invalidValue');
    expect(scimTypeOf(() => readUserBody({ userName: 'a', emails: [{ type: 'work' }] }))).toBe('invalidValue');
    expect(scimTypeOf(() => readUserBody({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'a' }))).toBe('invalidSyntax');
    expect(scimTypeOf(() => readUserBody([]))).toBe('invalidSyntax');
    expect(scimTypeOf(() => readUserBody({ userName: 'a', active: 'maybe' }))).toBe('invalidValue');
    expect(scimTypeOf(() => readUserBody({ userName: { first: 'a' } }))).toBe('invalidValue');
  });
});

describe('applyPatch() — RFC 7644 §3.5.2 examples', () => {
  it('adds members to a group (§3.5.2.1)', () => {
    const g = patchGroupResource(readGroupBody({ displayName: 'Tour Guides' }), [
      { op: 'add', path: 'members', value: [{ display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${M1}`, value: M1 }] },
    ]);
    expect(g.members).toEqual([{ value: M1 }]);
  });

  it('adds attributes without a path, with attribute names in any case (§3.5.2.1)', () => {
    const r = user([{ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }, { value: 'b@new.org', type: 'other' }], nickname: 'Babs' } }]);
    expect(r.nickName).toBe('Babs');
    expect((r.emails as unknown[]).length).toBe(3);
  });

  it('removes one member by filter and all members by path (§3.5.2.2)', () => {
    const g = readGroupBody({ displayName: 'g', members: [{ value: M1 }, { value: M2 }] });
    expect(patchGroupResource(g, [{ op: 'remove', path: `members[value eq "${M1}"]` }]).members).toEqual([{ value: M2 }]);
    expect(patchGroupResource(g, [{ op: 'remove', path: 'members' }]).members).toBeUndefined();
  });

  it('replaces all members by remove + add (§3.5.2.2) and by replace (§3.5.2.3)', () => {
    const g = readGroupBody({ displayName: 'g', members: [{ value: M1 }] });
    expect(patchGroupResource(g, [{ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: M2 }, { value: M3 }] }]).members).toEqual([{ value: M2 }, { value: M3 }]);
    expect(patchGroupResource(g, [{ op: 'replace', path: 'members', value: [{ value: M3 }] }]).members).toEqual([{ value: M3 }]);
  });

  it('replaces one value selected by a filter, and a sub-attribute of it (§3.5.2.3)', () => {
    const r = user([{ op: 'replace', path: 'emails[type eq "work"]', value: { type: 'work', value: 'new@example.com', primary: true } }]);
    expect((r.emails as unknown[])[0]).toEqual({ type: 'work', value: 'new@example.com', primary: true });
    const s = user([{ op: 'replace', path: 'emails[type eq "home"].value', value: 'babs@home.org' }]);
    expect(s.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@home.org', type: 'home' },
    ]);
  });

  it('replaces attributes without a path (§3.5.2.3)', () => {
    const r = user([{ op: 'replace', value: { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }], nickname: 'Babs' } }]);
    expect(r.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
    expect(r.nickName).toBe('Babs');
  });

  it('removes an attribute and a sub-attribute', () => {
    const r = user([{ op: 'remove', path: 'name.givenName' }, { op: 'remove', path: 'emails[type eq "home"]' }]);
    expect(r.name).toEqual({ familyName: 'Jensen' });
    expect((r.emails as unknown[]).length).toBe(1);
  });

  it('merges sub-attributes on add/replace of a complex attribute and keeps the others', () => {
    expect(user([{ op: 'replace', path: 'name', value: { givenName: 'Babs' } }]).name).toEqual({ familyName: 'Jensen', givenName: 'Babs' });
  });
});

describe('applyPatch() — what Okta and Entra ID send', () => {
  it('accepts capitalised ops and string booleans (Entra ID)', () => {
    expect(user([{ op: 'Replace', path: 'active', value: 'False' }]).active).toBe(false);
    expect(user([{ op: 'Add', path: 'active', value: 'True' }]).active).toBe(true);
    expect(user([{ op: 'REPLACE', value: { active: 'false' } }]).active).toBe(false);
  });

  it('applies dotted and URN keys of a no-path value as paths (Entra ID)', () => {
    const r = user([
      { op: 'Add', value: { 'name.givenName': 'Ann', [`${ENTERPRISE}:employeeNumber`]: '7', [ENTERPRISE]: { department: 'R&D', 'manager.value': 'boss' } } },
    ]);
    expect(r.name).toEqual({ familyName: 'Jensen', givenName: 'Ann' });
    expect(r[ENTERPRISE]).toEqual({ employeeNumber: '7', department: 'R&D', manager: { value: 'boss' } });
    expect(Object.keys(r)).not.toContain('name.givenName');
    expect(r.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE]);
  });

  it('takes a bare id as the manager (Entra ID)', () => {
    expect(user([{ op: 'Add', path: `${ENTERPRISE}:manager`, value: M1 }])[ENTERPRISE]).toEqual({ manager: { value: M1 } });
    expect(user([{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: M2 }, { op: 'Remove', path: `${ENTERPRISE}:manager` }])).not.toHaveProperty([ENTERPRISE]);
  });

  it('toggles active without a path (Okta)', () => {
    expect(user([{ op: 'replace', value: { active: false } }]).active).toBe(false);
  });

  it('ignores id and meta in a no-path value (Okta renames groups with the id in the value)', () => {
    const g = patchGroupResource(readGroupBody({ displayName: 'Old' }), [{ op: 'replace', value: { id: M1, displayName: 'New', meta: { version: 'x' } } }]);
    expect(g).toEqual({ displayName: 'New', schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'] });
  });

  it('removes only the listed members on remove with path members and a value list (Entra ID legacy)', () => {
    const g = readGroupBody({ displayName: 'g', members: [{ value: M1 }, { value: M2 }, { value: M3 }] });
    const after = patchGroupResource(g, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: M2.toUpperCase() }] }]);
    expect(after.members).toEqual([{ value: M1 }, { value: M3 }]);
  });

  it('creates the value a filter describes when add/replace matches nothing (Entra ID)', () => {
    const noWork = readUserBody({ userName: 'x', emails: [{ value: 'h@home.org', type: 'home' }] });
    const r = patchUserResource(noWork, [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'w@acme.com' }]);
    expect(r.emails).toEqual([{ value: 'h@home.org', type: 'home' }, { type: 'work', value: 'w@acme.com' }]);
    const none = readUserBody({ userName: 'y' });
    expect(patchUserResource(none, [{ op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555' }]).phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555' }]);
  });

  it('keeps one primary value: the last one set', () => {
    const r = user([{ op: 'add', path: 'emails', value: [{ value: 'n@new.org', type: 'other', primary: true }] }]);
    expect((r.emails as Array<{ primary?: boolean }>).map((e) => e.primary)).toEqual([false, undefined, true]);
  });

  it('adds an existing member only once', () => {
    const g = readGroupBody({ displayName: 'g', members: [{ value: M1 }] });
    expect(patchGroupResource(g, [{ op: 'add', path: 'members', value: [{ value: M1 }, { value: M2 }] }]).members).toEqual([{ value: M1 }, { value: M2 }]);
  });

  it('accepts paths of standard attributes it does not store and of other schemas as no-ops', () => {
    expect(user([{ op: 'replace', path: 'roles', value: [] }, { op: 'add', path: 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User:x', value: 1 }])).toEqual(bjensen());
  });

  it('removes a whole extension by its URN', () => {
    const r = patchUserResource(readUserBody({ userName: 'x', [ENTERPRISE]: { department: 'd' } }), [{ op: 'remove', path: ENTERPRISE }]);
    expect(r).not.toHaveProperty(ENTERPRISE);
    expect(r.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
  });
});

describe('applyPatch() errors', () => {
  it.each<[string, PatchOperation[], string]>([
    ['a remove without a path', [{ op: 'remove' }], 'noTarget'],
    ['an unknown op', [{ op: 'move', path: 'title', value: 'x' }], 'invalidSyntax'],
    ['an add without a value', [{ op: 'add', path: 'title' }], 'invalidSyntax'],
    ['an unknown attribute', [{ op: 'replace', path: 'titel', value: 'x' }], 'invalidPath'],
    ['an unknown sub-attribute', [{ op: 'replace', path: 'name.nick', value: 'x' }], 'invalidPath'],
    ['a malformed path', [{ op: 'replace', path: 'emails[type eq', value: 'x' }], 'invalidPath'],
    ['a filter on a single-valued attribute', [{ op: 'replace', path: 'name[givenName eq "x"]', value: {} }], 'invalidPath'],
    ['a read-only attribute', [{ op: 'replace', path: 'id', value: 'x' }], 'mutability'],
    ['read-only meta', [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }], 'mutability'],
    ['read-only groups', [{ op: 'add', path: 'groups', value: [{ value: M1 }] }], 'mutability'],
    ['a wrong type', [{ op: 'replace', path: 'active', value: 'perhaps' }], 'invalidValue'],
    ['removing the required userName', [{ op: 'remove', path: 'userName' }], 'invalidValue'],
    ['a no-path value that is not an object', [{ op: 'add', value: 'x' }], 'invalidValue'],
    ['a filter that matches nothing and pins nothing', [{ op: 'replace', path: 'emails[value co "zzz"].type', value: 'work' }], 'noTarget'],
  ])('rejects %s', (_what, ops, scimType) => {
    expect(scimTypeOf(() => user(ops))).toBe(scimType);
  });

  it('rejects immutable member sub-attributes and non-user members', () => {
    const g = readGroupBody({ displayName: 'g', members: [{ value: M1 }] });
    expect(scimTypeOf(() => patchGroupResource(g, [{ op: 'replace', path: `members[value eq "${M1}"].value`, value: M2 }]))).toBe('mutability');
    expect(scimTypeOf(() => patchGroupResource(g, [{ op: 'add', path: 'members', value: [{ value: 'not-a-uuid' }] }]))).toBe('invalidValue');
    expect(scimTypeOf(() => patchGroupResource(g, [{ op: 'add', path: 'members', value: [{ value: M2, type: 'Group' }] }]))).toBe('invalidValue');
  });

  it('leaves its input untouched', () => {
    const before = bjensen();
    const copy = structuredClone(before);
    applyPatch(USER_TYPE, before, [{ op: 'remove', path: 'emails' }]);
    expect(before).toEqual(copy);
  });
});

describe('project()', () => {
  const presented = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: M1,
    displayName: 'g',
    members: [{ value: M2, display: 'Ann', type: 'User' }],
    meta: { resourceType: 'Group' },
  };

  it('drops excluded attributes and keeps id and schemas', () => {
    expect(project(GROUP_TYPE, presented, { attributes: [], excludedAttributes: ['members', 'id'] })).toEqual({ schemas: presented.schemas, id: M1, displayName: 'g', meta: presented.meta });
    expect(project(GROUP_TYPE, presented, { attributes: [], excludedAttributes: ['members.display'] }).members).toEqual([{ value: M2, type: 'User' }]);
  });

  it('keeps only the requested attributes and sub-attributes', () => {
    expect(project(GROUP_TYPE, presented, { attributes: ['DISPLAYNAME', 'members.value'], excludedAttributes: [] })).toEqual({ schemas: presented.schemas, id: M1, displayName: 'g', members: [{ value: M2 }] });
    const u = { schemas: [], id: 'i', userName: 'u', [ENTERPRISE]: { department: 'd', division: 'v' } };
    expect(project(USER_TYPE, u, { attributes: [`${ENTERPRISE}:department`], excludedAttributes: [] })).toEqual({ schemas: [], id: 'i', [ENTERPRISE]: { department: 'd' } });
    expect(project(USER_TYPE, u, { attributes: ['department'], excludedAttributes: [] })).toEqual({ schemas: [], id: 'i', [ENTERPRISE]: { department: 'd' } });
  });
});
