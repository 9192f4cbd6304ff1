import type { Knex } from 'knex';

/**
 * userName is case-insensitive in every script (RFC 7643 §4.1.1 caseExact false), not only A–Z:
 * lower() under the C locale the database may run with made "ÅSA.Öberg@acme.se" and
 * "åsa.öberg@acme.se" two users. `user_name_key` is the userName's caseKey, computed in JavaScript
 * as the gateway computes it on every write (src/scim/case-key.ts), so it depends on no server
 * locale, collation provider or ICU version; it is unique per org.
 *
 * Users that already shared a key when this ran are kept: `user_name_dup` numbers the younger ones
 * 1, 2, … (the oldest keeps 0) and the unique index covers (org, key, dup); a user whose userName
 * changes to another key gets 0, so it must then be alone with it.
 */
const BATCH = 1000;

/** A frozen copy of caseKey: a later change to it needs a migration that recomputes the keys. */
const caseKey = (text: string): string => text.normalize('NFC').toLowerCase();

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table scim_users add column user_name_key text, add column user_name_dup integer not null default 0');
  for (let after = ''; ; ) {
    const rows = (await knex('scim_users')
      .select('id', 'user_name')
      .modify((q) => (after ? q.where('id', '>', after) : q))
      .orderBy('id')
      .limit(BATCH)) as Array<{ id: string; user_name: string }>;
    if (rows.length === 0) break;
    const keys = rows.map((r) => ({ id: r.id, key: caseKey(r.user_name) }));
    await knex.raw('update scim_users u set user_name_key = k.key from jsonb_to_recordset(?::jsonb) as k(id uuid, key text) where u.id = k.id', [JSON.stringify(keys)]);
    after = rows[rows.length - 1]!.id;
  }
  await knex.raw(`
    update scim_users u set user_name_dup = d.n
      from (select id, row_number() over (partition by org_id, user_name_key order by created_at, id) - 1 as n from scim_users) d
     where d.id = u.id and d.n > 0`);
  await knex.raw('alter table scim_users alter column user_name_key set not null');
  await knex.raw('drop index scim_users_org_user_name');
  // text_pattern_ops serves both = and prefix LIKE (sw) whatever the database collation.
  await knex.raw('create unique index scim_users_org_user_name_key on scim_users (org_id, user_name_key text_pattern_ops, user_name_dup)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index scim_users_org_user_name_key');
  await knex.raw('create unique index scim_users_org_user_name on scim_users (org_id, lower(user_name) text_pattern_ops)');
  await knex.raw('alter table scim_users drop column user_name_key, drop column user_name_dup');
}
