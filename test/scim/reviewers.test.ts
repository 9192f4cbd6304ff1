import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findActiveReviewer, isUserActive } from '../../src/scim/reviewers.js';
import { newOrg, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { PATCH_OP, scimFor, type Scim } from './client.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.shutdown());

const deactivate = (s: Scim, id: string, active = false) => s('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: active }] });

describe('findActiveReviewer()', () => {
  it("answers 'no-users' for an org that never provisioned a user", async () => {
    const org = await newOrg(gw, 'no-scim');
    expect(await findActiveReviewer(gw.db, org.orgId, 'alice@acme.com')).toBe('no-users');
    expect(await findActiveReviewer(gw.db, 'not-a-uuid', 'alice@acme.com')).toBe('no-users');
  });

  it('finds an active user by userName or by any e-mail, case-insensitively', async () => {
    const org = await newOrg(gw, 'reviewers');
    const s = await scimFor(gw, org);
    const alice = (await s('POST', '/Users', { userName: 'Alice.Smith', emails: [{ value: 'alice@acme.com', type: 'work', primary: true }, { value: 'ALICE@home.example', type: 'home' }] })).body;
    expect(await findActiveReviewer(gw.db, org.orgId, 'alice.smith')).toEqual({ id: alice.id, userName: 'Alice.Smith' });
    expect(await findActiveReviewer(gw.db, org.orgId, 'Alice@ACME.com')).toEqual({ id: alice.id, userName: 'Alice.Smith' });
    expect(await findActiveReviewer(gw.db, org.orgId, 'alice@home.example')).toEqual({ id: alice.id, userName: 'Alice.Smith' });
    expect(await findActiveReviewer(gw.db, org.orgId, 'mallory@acme.com')).toBeNull();
    expect(await findActiveReviewer(gw.db, org.orgId, 'alice%')).toBeNull();

    // A userName match wins over another user's e-mail.
    const bob = (await s('POST', '/Users', { userName: 'alice@acme.com' })).body;
    expect(await findActiveReviewer(gw.db, org.orgId, 'ALICE@acme.com')).toEqual({ id: bob.id, userName: 'alice@acme.com' });

    // Deactivated users are never reviewers; reactivated ones are again.
    await deactivate(s, bob.id);
    expect(await findActiveReviewer(gw.db, org.orgId, 'alice@acme.com')).toEqual({ id: alice.id, userName: 'Alice.Smith' });
    await deactivate(s, alice.id);
    expect(await findActiveReviewer(gw.db, org.orgId, 'alice@acme.com')).toBeNull();
    await deactivate(s, alice.id, true);
    expect(await findActiveReviewer(gw.db, org.orgId, 'alice.smith')).toEqual({ id: alice.id, userName: 'Alice.Smith' });

    // Another org does not see them.
    const other = await newOrg(gw, 'reviewers-other');
    expect(await findActiveReviewer(gw.db, other.orgId, 'alice.smith')).toBe('no-users');

    // Once every user is deleted the org still uses SCIM: null, not 'no-users'.
    await s('DELETE', `/Users/${alice.id}`);
    await s('DELETE', `/Users/${bob.id}`);
    expect(await findActiveReviewer(gw.db, org.orgId, 'alice.smith')).toBeNull();
  });
});

describe('findActiveReviewer() in every script', () => {
  it('finds a user by userName or e-mail in another case, composed or not', async () => {
    const org = await newOrg(gw, 'reviewers-unicode');
    const s = await scimFor(gw, org);
    const asa = (await s('POST', '/Users', { userName: 'Åsa.Öberg', emails: [{ value: 'ÅSA@Exempel.se', type: 'work' }] })).body;
    const found = { id: asa.id, userName: 'Åsa.Öberg' };
    expect(await findActiveReviewer(gw.db, org.orgId, 'åsa.öberg')).toEqual(found);
    expect(await findActiveReviewer(gw.db, org.orgId, 'A\u030aSA.O\u0308BERG')).toEqual(found);
    expect(await findActiveReviewer(gw.db, org.orgId, 'åsa@exempel.SE')).toEqual(found);
    expect(await findActiveReviewer(gw.db, org.orgId, 'asa.oberg')).toBeNull();
  });
});

describe('isUserActive()', () => {
  it('is true only for an existing, active user of the org', async () => {
    const org = await newOrg(gw, 'active');
    const other = await newOrg(gw, 'active-other');
    const s = await scimFor(gw, org);
    const u = (await s('POST', '/Users', { userName: 'carol' })).body;
    expect(await isUserActive(gw.db, org.orgId, u.id)).toBe(true);
    expect(await isUserActive(gw.db, other.orgId, u.id)).toBe(false);
    expect(await isUserActive(gw.db, org.orgId, 'not-a-uuid')).toBe(false);
    await deactivate(s, u.id);
    expect(await isUserActive(gw.db, org.orgId, u.id)).toBe(false);
    await deactivate(s, u.id, true);
    expect(await isUserActive(gw.db, org.orgId, u.id)).toBe(true);
    await s('DELETE', `/Users/${u.id}`);
    expect(await isUserActive(gw.db, org.orgId, u.id)).toBe(false);
  });
});
