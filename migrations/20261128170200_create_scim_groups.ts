import type { Knex } from 'knex';

/**
 * SCIM groups. displayName is unique per org, case-insensitively (IdPs match groups by name).
 * `resource` holds the stored representation without members (those are scim_group_members).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table scim_groups (
      id uuid primary key default gen_random_uuid(),
      org_id uuid not null references orgs(id),
      display_name text not null check (length(display_name) between 1 and 2048),
      external_id text,
      resource jsonb not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (org_id, id)
    )`);
  await knex.raw('create unique index scim_groups_org_display_name on scim_groups (org_id, lower(display_name) text_pattern_ops)');
  await knex.raw('create index scim_groups_org_external_id on scim_groups (org_id, external_id text_pattern_ops)');
  await knex.raw('create index scim_groups_org_created on scim_groups (org_id, created_at, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table scim_groups');
}
