import type { Knex } from 'knex';

/**
 * Orgs that have ever provisioned a SCIM user (a row is added with the first user and never
 * removed): an org whose users were all deleted still uses SCIM, unlike one that never did.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table scim_provisioned_orgs (
      org_id uuid primary key references orgs(id),
      first_user_at timestamptz not null default now()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table scim_provisioned_orgs');
}
