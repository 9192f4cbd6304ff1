import type { Knex } from 'knex';

/**
 * Every e-mail of every SCIM user, in order, so `emails.value eq "…"` (and value filters such as
 * `emails[type eq "work" and value co "@acme"]`, which need one e-mail matching both) are indexed
 * lookups. Rewritten with the user on each write; deleted with it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table scim_user_emails (
      org_id uuid not null,
      user_id uuid not null,
      position smallint not null,
      value text not null,
      type text,
      is_primary boolean not null default false,
      primary key (user_id, position),
      foreign key (org_id, user_id) references scim_users (org_id, id) on delete cascade
    )`);
  await knex.raw('create index scim_user_emails_org_value on scim_user_emails (org_id, lower(value) text_pattern_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table scim_user_emails');
}
