import type { Knex } from 'knex';

/**
 * A group's displayName is unique per org case-insensitively in every script, not only A–Z:
 * lower() under the C locale made "Équipe Paris" and "équipe paris" two groups. `display_name_key`
 * is the name's caseKey, computed in JavaScript as the gateway computes it on every write
 * (src/scim/case-key.ts), so it depends on no server locale, collation provider or ICU version.
 *
 * Groups that already shared a key when this ran are kept: `display_name_dup` numbers the younger
 * ones 1, 2, … (the oldest keeps 0) and the unique index covers (org, key, dup); a group renamed to
 * another key gets 0, so it must then be alone with it.
 */
const BATCH = 1000;

/** A frozen copy of caseKey: a later change to it needs a migration that recomputes the keys. */
const caseKey = (text: string): string => text.normalize('NFC').toLowerCase();

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table scim_groups add column display_name_key text, add column display_name_dup integer not null default 0');
  for (let after = ''; ; ) {
    const rows = (await knex('scim_groups')
      .select('id', 'display_name')
      .modify((q) => (after ? q.where('id', '>', after) : q))
      .orderBy('id')
      .limit(BATCH)) as Array<{ id: string; display_name: string }>;
    if (rows.length === 0) break;
    const keys = rows.map((r) => ({ id: r.id, key: caseKey(r.display_name) }));
    await knex.raw('update scim_groups g set display_name_key = k.key from jsonb_to_recordset(?::jsonb) as k(id uuid, key text) where g.id = k.id', [JSON.stringify(keys)]);
    after = rows[rows.length - 1]!.id;
  }
  await knex.raw(`
    update scim_groups g set display_name_dup = d.n
      from (select id, row_number() over (partition by org_id, display_name_key order by created_at, id) - 1 as n from scim_groups) d
     where d.id = g.id and d.n > 0`);
  await knex.raw('alter table scim_groups alter column display_name_key set not null');
  await knex.raw('drop index scim_groups_org_display_name');
  await knex.raw('create unique index scim_groups_org_display_name_key on scim_groups (org_id, display_name_key text_pattern_ops, display_name_dup)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index scim_groups_org_display_name_key');
  await knex.raw('create unique index scim_groups_org_display_name on scim_groups (org_id, lower(display_name) text_pattern_ops)');
  await knex.raw('alter table scim_groups drop column display_name_key, drop column display_name_dup');
}
