import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredential } from '../../src/auth/credentials.js';
import type { Db } from '../../src/db/knex.js';
import { createOrg } from '../../src/orgs/orgs.js';
import { call, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { databaseBefore, migrationSource } from '../helpers/migrations.js';
import { GROUP_SCHEMA, USER_SCHEMA, expectScimError, q } from './client.js';

/**
 * The migration that folds the SCIM case keys, run on a database whose keys were lower-cased:
 * "σασ@x.gr" and "ΣΑΣ@x.gr" (keys σασ… and σας…) were two users there; after it they share a key,
 * both are kept (the younger numbered 1), and no third spelling can be created.
 */

const lowered = (text: string): string => text.normalize('NFC').toLowerCase();

let url: string;
let db: Db;
let orgId: string;
let gw: TestGateway | undefined;
const ids = { small: '', capital: '', groupSmall: '', groupCapital: '' };

/** insertUser writes a user as the code before the migration did (keys lower-cased). */
async function insertUser(userName: string, email: string, createdAt: string): Promise<string> {
  const resource = { schemas: [USER_SCHEMA], userName, active: true, emails: [{ value: email }] };
  const [row] = await db('scim_users')
    .insert({ org_id: orgId, user_name: userName, user_name_key: lowered(userName), active: true, resource: JSON.stringify(resource), created_at: createdAt, primary_email: lowered(email) })
    .returning('id');
  const id = (row as { id: string }).id;
  await db('scim_user_emails').insert({ org_id: orgId, user_id: id, position: 0, value: email, value_key: lowered(email) });
  return id;
}

async function insertGroup(displayName: string, createdAt: string): Promise<string> {
  const [row] = await db('scim_groups')
    .insert({ org_id: orgId, display_name: displayName, display_name_key: lowered(displayName), resource: JSON.stringify({ schemas: [GROUP_SCHEMA], displayName }), created_at: createdAt })
    .returning('id');
  return (row as { id: string }).id;
}

beforeAll(async () => {
  ({ url, db } = await databaseBefore('20261207030000_fold_scim_case_keys', 'fold'));

  orgId = (await createOrg(db, `fold-${randomBytes(4).toString('hex')}`)).id;
  ids.small = await insertUser('σασ@x.gr', 'σασ@mail.gr', '2026-01-01T00:00:00Z');
  ids.capital = await insertUser('ΣΑΣ@x.gr', 'ΣΑΣ@MAIL.GR', '2026-01-02T00:00:00Z');
  ids.groupSmall = await insertGroup('οδοσ', '2026-01-01T00:00:00Z');
  ids.groupCapital = await insertGroup('ΟΔΟΣ', '2026-01-02T00:00:00Z');
  expect((await db('scim_users').select('user_name_key').orderBy('created_at')).map((r: { user_name_key: string }) => r.user_name_key)).toEqual(['σασ@x.gr', 'σας@x.gr']);

  await db.migrate.latest({ migrationSource: migrationSource(), tableName: 'knex_migrations' });
}, 120_000);

afterAll(async () => {
  await gw?.shutdown();
  await db?.destroy();
});

describe('the case-fold migration on a database with lower-cased keys', () => {
  it('folds every key and numbers the names that now meet', async () => {
    expect(await db('scim_users').select('id', 'user_name_key', 'user_name_dup', 'primary_email').orderBy('created_at')).toEqual([
      { id: ids.small, user_name_key: 'σασ@x.gr', user_name_dup: 0, primary_email: 'σασ@mail.gr' },
      { id: ids.capital, user_name_key: 'σασ@x.gr', user_name_dup: 1, primary_email: 'σασ@mail.gr' },
    ]);
    expect((await db('scim_user_emails').select('value_key').orderBy('value_key')).map((r: { value_key: string }) => r.value_key)).toEqual(['σασ@mail.gr', 'σασ@mail.gr']);
    expect(await db('scim_groups').select('display_name_key', 'display_name_dup').orderBy('created_at')).toEqual([
      { display_name_key: 'οδοσ', display_name_dup: 0 },
      { display_name_key: 'οδοσ', display_name_dup: 1 },
    ]);
  });

  it('serves both, finds both by any spelling, and lets no third one in', async () => {
    const { secret } = await createCredential(db, { orgId, kind: 'scim_token', name: 'idp' });
    gw = await startTestGateway({ DATABASE_URL: url });
    const scim = (method: string, path: string, body?: unknown) => call(gw!.url, method, `/scim/v2${path}`, { scimToken: secret, body });
    const found = async (path: string): Promise<string[]> => ((await scim('GET', path)).body.Resources as Array<{ id: string }>).map((r) => r.id).sort();
    for (const spelling of ['σασ@x.gr', 'ΣΑΣ@X.GR', 'Σας@x.gr']) expect(await found(`/Users?filter=${q(`userName eq "${spelling}"`)}`)).toEqual([ids.small, ids.capital].sort());
    expect(await found(`/Users?filter=${q('userName sw "ΣΑΣ"')}`)).toEqual([ids.small, ids.capital].sort());
    expect(await found(`/Users?filter=${q('emails.value eq "σας@mail.gr"')}`)).toEqual([ids.small, ids.capital].sort());
    expectScimError(await scim('POST', '/Users', { userName: 'Σας@X.gr' }), 409, 'uniqueness');
    expect(await found(`/Groups?filter=${q('displayName eq "Οδος"')}`)).toEqual([ids.groupSmall, ids.groupCapital].sort());
    expectScimError(await scim('POST', '/Groups', { displayName: 'ΟΔΟς' }), 409, 'uniqueness');
  });

  it('rolls back to the lower-cased keys', async () => {
    await gw?.shutdown();
    gw = undefined;
    await db.migrate.down({ migrationSource: migrationSource(), tableName: 'knex_migrations', name: '20261207030000_fold_scim_case_keys' });
    expect(await db('scim_users').select('user_name_key', 'user_name_dup').orderBy('created_at')).toEqual([
      { user_name_key: 'σασ@x.gr', user_name_dup: 0 },
      { user_name_key: 'σας@x.gr', user_name_dup: 0 },
    ]);
    await db.migrate.latest({ migrationSource: migrationSource(), tableName: 'knex_migrations' });
    expect((await db('scim_users').select('user_name_dup').orderBy('created_at')).map((r: { user_name_dup: number }) => r.user_name_dup)).toEqual([0, 1]);
  });
});
