import type { Knex } from 'knex';

/**
 * E-mail addresses compare case-insensitively in every script (RFC 7643 §4.1.2 caseExact false):
 * `value_key` is the address's caseKey, computed in JavaScript as the gateway computes it on every
 * write (src/scim/case-key.ts), for `emails.value eq …` filters and reviewer look-ups.
 */
const BATCH = 1000;

/** A frozen copy of caseKey: a later change to it needs a migration that recomputes the keys. */
const caseKey = (text: string): string => text.normalize('NFC').toLowerCase();

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table scim_user_emails add column value_key text');
  for (let after: { user_id: string; position: number } | undefined; ; ) {
    const rows = (await knex('scim_user_emails')
      .select('user_id', 'position', 'value')
      .modify((q) => (after ? q.whereRaw('(user_id, position) > (?::uuid, ?)', [after.user_id, after.position]) : q))
      .orderBy([{ column: 'user_id' }, { column: 'position' }])
      .limit(BATCH)) as Array<{ user_id: string; position: number; value: string }>;
    if (rows.length === 0) break;
    const keys = rows.map((r) => ({ user_id: r.user_id, position: r.position, key: caseKey(r.value) }));
    await knex.raw(
      `update scim_user_emails e set value_key = k.key
         from jsonb_to_recordset(?::jsonb) as k(user_id uuid, position smallint, key text)
        where e.user_id = k.user_id and e.position = k.position`,
      [JSON.stringify(keys)],
    );
    after = rows[rows.length - 1]!;
  }
  await knex.raw('alter table scim_user_emails alter column value_key set not null');
  await knex.raw('drop index scim_user_emails_org_value');
  await knex.raw('create index scim_user_emails_org_value_key on scim_user_emails (org_id, value_key text_pattern_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index scim_user_emails_org_value_key');
  await knex.raw('create index scim_user_emails_org_value on scim_user_emails (org_id, lower(value) text_pattern_ops)');
  await knex.raw('alter table scim_user_emails drop column value_key');
}
