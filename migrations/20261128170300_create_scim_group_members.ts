import type { Knex } from 'knex';

/**
 * Group memberships. The composite foreign keys carry org_id, so a group can only ever hold users
 * of its own org; deleting a group or a user deletes its memberships. `seq` keeps the order in
 * which members were added (one INSERT adds many with the same created_at).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table scim_group_members (
      org_id uuid not null,
      group_id uuid not null,
      user_id uuid not null,
      seq bigint generated always as identity,
      created_at timestamptz not null default now(),
      primary key (group_id, user_id),
      foreign key (org_id, group_id) references scim_groups (org_id, id) on delete cascade,
      foreign key (org_id, user_id) references scim_users (org_id, id) on delete cascade
    )`);
  await knex.raw('create index scim_group_members_user on scim_group_members (user_id, group_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table scim_group_members');
}
