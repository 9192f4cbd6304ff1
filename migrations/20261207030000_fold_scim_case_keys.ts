import type { Knex } from 'knex';

/**
 * The SCIM case keys (user_name_key, primary_email, emails' value_key, groups' display_name_key) are
 * recomputed with a case fold instead of a lower-casing: `toLowerCase` lowers a final capital sigma to
 * ς, so "ΣΑΣ@x.com" and "σασ@x.com" — equal without case — had different keys and could be two users,
 * and "ẞ" (capital sharp s) and "SS" did not meet either.
 *
 * Users or groups that share a key after the fold are all kept: the `_dup` columns number the younger
 * ones 1, 2, … (the oldest keeps 0), as when the key columns were added.
 */
const BATCH = 1000;

type Fold = (text: string) => string;
/** Frozen copies of caseKey, before and after this migration. */
const lowered: Fold = (text) => text.normalize('NFC').toLowerCase();
const folded: Fold = (text) => text.normalize('NFC').toLowerCase().toUpperCase().toLowerCase().normalize('NFC').replace(/ς/g, 'σ');

interface Emails {
  emails?: Array<{ value?: unknown; primary?: unknown }>;
}

async function recompute(knex: Knex, key: Fold): Promise<void> {
  await knex.raw('drop index if exists scim_users_org_user_name_key');
  await knex.raw('drop index if exists scim_groups_org_display_name_key');
  for (let after = ''; ; ) {
    const rows = (await knex('scim_users')
      .select('id', 'user_name', 'resource')
      .modify((q) => (after ? q.where('id', '>', after) : q))
      .orderBy('id')
      .limit(BATCH)) as Array<{ id: string; user_name: string; resource: Emails }>;
    if (rows.length === 0) break;
    const keys = rows.map((r) => {
      const emails = Array.isArray(r.resource.emails) ? r.resource.emails : [];
      const primary = emails.find((e) => e.primary === true) ?? emails[0];
      return { id: r.id, key: key(r.user_name), email: typeof primary?.value === 'string' ? key(primary.value) : null };
    });
    await knex.raw(
      'update scim_users u set user_name_key = k.key, primary_email = k.email from jsonb_to_recordset(?::jsonb) as k(id uuid, key text, email text) where u.id = k.id',
      [JSON.stringify(keys)],
    );
    after = rows[rows.length - 1]!.id;
  }
  for (let after: { user_id: string; position: number } | undefined; ; ) {
    const rows = (await knex('scim_user_emails')
      .select('user_id', 'position', 'value')
      .modify((q) => (after ? q.whereRaw('(user_id, position) > (?::uuid, ?)', [after.user_id, after.position]) : q))
      .orderBy([{ column: 'user_id' }, { column: 'position' }])
      .limit(BATCH)) as Array<{ user_id: string; position: number; value: string }>;
    if (rows.length === 0) break;
    const keys = rows.map((r) => ({ user_id: r.user_id, position: r.position, key: key(r.value) }));
    await knex.raw(
      `update scim_user_emails e set value_key = k.key
         from jsonb_to_recordset(?::jsonb) as k(user_id uuid, position smallint, key text)
        where e.user_id = k.user_id and e.position = k.position`,
      [JSON.stringify(keys)],
    );
    after = rows[rows.length - 1]!;
  }
  for (let after = ''; ; ) {
    const rows = (await knex('scim_groups')
      .select('id', 'display_name')
      .modify((q) => (after ? q.where('id', '>', after) : q))
      .orderBy('id')
      .limit(BATCH)) as Array<{ id: string; display_name: string }>;
    if (rows.length === 0) break;
    const keys = rows.map((r) => ({ id: r.id, key: key(r.display_name) }));
    await knex.raw('update scim_groups g set display_name_key = k.key from jsonb_to_recordset(?::jsonb) as k(id uuid, key text) where g.id = k.id', [JSON.stringify(keys)]);
    after = rows[rows.length - 1]!.id;
  }
  await knex.raw(`
    update scim_users u set user_name_dup = d.n
      from (select id, row_number() over (partition by org_id, user_name_key order by created_at, id) - 1 as n from scim_users) d
     where d.id = u.id and u.user_name_dup <> d.n`);
  await knex.raw(`
    update scim_groups g set display_name_dup = d.n
      from (select id, row_number() over (partition by org_id, display_name_key order by created_at, id) - 1 as n from scim_groups) d
     where d.id = g.id and g.display_name_dup <> d.n`);
  await knex.raw('create unique index scim_users_org_user_name_key on scim_users (org_id, user_name_key text_pattern_ops, user_name_dup)');
  await knex.raw('create unique index scim_groups_org_display_name_key on scim_groups (org_id, display_name_key text_pattern_ops, display_name_dup)');
}

export async function up(knex: Knex): Promise<void> {
  await recompute(knex, folded);
}

export async function down(knex: Knex): Promise<void> {
  await recompute(knex, lowered);
}
