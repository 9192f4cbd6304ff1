import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredential } from '../../src/auth/credentials.js';
import { findActiveReviewer } from '../../src/scim/reviewers.js';
import type { Db } from '../../src/db/knex.js';
import { createOrg } from '../../src/orgs/orgs.js';
import { call, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { databaseBefore, migrationSource } from '../helpers/migrations.js';
import { PATCH_OP, USER_SCHEMA, expectScimError, q } from './client.js';

/**
 * The migrations that add the Unicode case keys, run on a database that already holds SCIM data
 * written by the earlier code — including names that code let through twice, one precomposed
 * (NFC) and one decomposed (NFD), which no locale's lower() tells apart — and then served.
 */

const NFC = 'Åsa.Öberg@acme.se';
const NFD = 'A\u030asa.O\u0308berg@acme.se';
const BULK = 2_500;

let url: string;
let db: Db;
let orgId: string;
let gw: TestGateway | undefined;
const ids = { nfc: '', nfd: '', plain: '', groupNfc: '', groupNfd: '' };

/** insertUser writes a user as the code before the migration did (its columns, no keys). */
async function insertUser(userName: string, emails: string[], createdAt: string): Promise<string> {
  const resource = { schemas: [USER_SCHEMA], userName, active: true, ...(emails.length ? { emails: emails.map((value) => ({ value })) } : {}) };
  const [row] = await db('scim_users').insert({ org_id: orgId, user_name: userName, active: true, resource: JSON.stringify(resource), created_at: createdAt, primary_email: emails[0]?.toLowerCase() ?? null }).returning('id');
  const id = (row as { id: string }).id;
  if (emails.length) await db('scim_user_emails').insert(emails.map((value, position) => ({ org_id: orgId, user_id: id, position, value })));
  return id;
}

beforeAll(async () => {
  ({ url, db } = await databaseBefore('20261206230000_add_user_name_key_to_scim_users', 'keys'));

  orgId = (await createOrg(db, `keys-${randomBytes(4).toString('hex')}`)).id;
  ids.nfc = await insertUser(NFC, ['Åsa@Exempel.se'], '2026-01-01T00:00:00Z');
  ids.nfd = await insertUser(NFD, ['A\u030aSA@EXEMPEL.SE'], '2026-01-02T00:00:00Z');
  ids.plain = await insertUser('Plain@Acme.com', ['Plain@Acme.com', 'other@acme.com'], '2026-01-03T00:00:00Z');
  // More rows than one batch of the backfill.
  await db.raw(
    `insert into scim_users (org_id, user_name, active, resource)
     select ?, 'Bulk' || g || '@Acme.com', true, jsonb_build_object('userName', 'Bulk' || g || '@Acme.com', 'active', true) from generate_series(1, ?) g`,
    [orgId, BULK],
  );
  await db.raw(`insert into scim_user_emails (org_id, user_id, position, value) select org_id, id, 0, upper(user_name) from scim_users where user_name like 'Bulk%'`);
  for (const [key, displayName, createdAt] of [
    ['groupNfc', 'Équipe Paris', '2026-01-01T00:00:00Z'],
    ['groupNfd', 'E\u0301quipe Paris', '2026-01-02T00:00:00Z'],
  ] as const) {
    const [row] = await db('scim_groups').insert({ org_id: orgId, display_name: displayName, resource: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName }), created_at: createdAt }).returning('id');
    ids[key] = (row as { id: string }).id;
  }

  await db.migrate.latest({ migrationSource: migrationSource(), tableName: 'knex_migrations' });
}, 120_000);

afterAll(async () => {
  await gw?.shutdown();
  await db?.destroy();
});

describe('the case-key migrations on a database with data', () => {
  it('backfill every key and number the names that were already taken in another form', async () => {
    expect(await db('scim_users').whereNull('user_name_key').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await db('scim_user_emails').whereNull('value_key').count({ n: '*' })).toEqual([{ n: 0 }]);
    const users = (await db('scim_users').select('id', 'user_name_key', 'user_name_dup').whereIn('id', [ids.nfc, ids.nfd, ids.plain]).orderBy('created_at')) as Array<{ id: string; user_name_key: string; user_name_dup: number }>;
    expect(users).toEqual([
      { id: ids.nfc, user_name_key: 'åsa.öberg@acme.se', user_name_dup: 0 },
      { id: ids.nfd, user_name_key: 'åsa.öberg@acme.se', user_name_dup: 1 },
      { id: ids.plain, user_name_key: 'plain@acme.com', user_name_dup: 0 },
    ]);
    expect(await db('scim_users').select('user_name_key').where({ user_name: `Bulk${BULK}@Acme.com` })).toEqual([{ user_name_key: `bulk${BULK}@acme.com` }]);
    expect(await db('scim_user_emails').select('value_key').where({ user_id: ids.nfd })).toEqual([{ value_key: 'åsa@exempel.se' }]);
    expect(await db('scim_groups').select('display_name_key', 'display_name_dup').orderBy('created_at')).toEqual([
      { display_name_key: 'équipe paris', display_name_dup: 0 },
      { display_name_key: 'équipe paris', display_name_dup: 1 },
    ]);
  });

  it('serve the users and groups that shared a name, and let no one else take it', async () => {
    const { secret } = await createCredential(db, { orgId, kind: 'scim_token', name: 'idp' });
    gw = await startTestGateway({ DATABASE_URL: url });
    const scim = (method: string, path: string, body?: unknown) => call(gw!.url, method, `/scim/v2${path}`, { scimToken: secret, body });
    const found = async (path: string): Promise<string[]> => ((await scim('GET', path)).body.Resources as Array<{ id: string }>).map((r) => r.id).sort();
    const rename = (id: string, userName: string) => scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: userName }] });

    expect(await found(`/Users?filter=${q('userName eq "ÅSA.ÖBERG@ACME.SE"')}`)).toEqual([ids.nfc, ids.nfd].sort());
    expect(await found(`/Users?filter=${q('emails.value eq "åsa@exempel.se"')}`)).toEqual([ids.nfc, ids.nfd].sort());
    expect(await found(`/Users?filter=${q(`userName eq "bulk${BULK}@ACME.COM"`)}`)).toHaveLength(1);
    expectScimError(await scim('POST', '/Users', { userName: 'åsa.öberg@ACME.se' }), 409, 'uniqueness');

    // The younger of the two still takes writes; renamed, it must be alone with its new name.
    expect((await scim('PATCH', `/Users/${ids.nfd}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(200);
    expectScimError(await rename(ids.nfd, 'PLAIN@acme.com'), 409, 'uniqueness');
    expect((await rename(ids.nfd, 'asa.oberg@acme.se')).status).toBe(200);
    expectScimError(await rename(ids.nfd, NFC), 409, 'uniqueness');
    expect(await found(`/Users?filter=${q(`userName eq "${NFC}"`)}`)).toEqual([ids.nfc]);

    expect(await found(`/Groups?filter=${q('displayName eq "ÉQUIPE PARIS"')}`)).toEqual([ids.groupNfc, ids.groupNfd].sort());
    expectScimError(await scim('POST', '/Groups', { displayName: 'équipe PARIS' }), 409, 'uniqueness');
    expect(await findActiveReviewer(db, orgId, 'OTHER@acme.com')).toEqual({ id: ids.plain, userName: 'Plain@Acme.com' });
  });

  it('roll back to the earlier indexes and apply again', async () => {
    await gw?.shutdown();
    gw = undefined;
    await db.migrate.rollback({ migrationSource: migrationSource(), tableName: 'knex_migrations' });
    const indexes = async (): Promise<string[]> =>
      ((await db('pg_indexes').select('indexname').whereIn('tablename', ['scim_users', 'scim_user_emails', 'scim_groups']).orderBy('indexname')) as Array<{ indexname: string }>).map((r) => r.indexname);
    expect(await indexes()).toEqual(expect.arrayContaining(['scim_groups_org_display_name', 'scim_user_emails_org_value', 'scim_users_org_user_name']));
    expect((await db.raw(`select count(*)::int as n from information_schema.columns where table_name = 'scim_users' and column_name like 'user_name_%'`)).rows).toEqual([{ n: 0 }]);
    await db.migrate.latest({ migrationSource: migrationSource(), tableName: 'knex_migrations' });
    expect(await indexes()).toEqual(expect.arrayContaining(['scim_groups_org_display_name_key', 'scim_user_emails_org_value_key', 'scim_users_org_user_name_key']));
    expect(await db('scim_users').select('user_name_key', 'user_name_dup').where({ id: ids.nfd })).toEqual([{ user_name_key: 'asa.oberg@acme.se', user_name_dup: 0 }]);
  });
});
