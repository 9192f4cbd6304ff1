import type { Knex } from 'knex';

/**
 * SCIM users, one table per org's provisioned users. `resource` is the full stored representation
 * (RFC 7643 JSON without id, meta and groups); the columns beside it are derived from it on every
 * write so the filters IdPs send (userName, externalId, displayName, primary e-mail; eq and sw)
 * use indexes instead of scanning JSON. userName is unique per org, case-insensitively.
 * `version` counts writes: the weak ETag is W/"<version>".
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table scim_users (
      id uuid primary key default gen_random_uuid(),
      org_id uuid not null references orgs(id),
      user_name text not null check (length(user_name) between 1 and 2048),
      external_id text,
      active boolean not null default true,
      display_name text,
      given_name text,
      family_name text,
      primary_email text,
      resource jsonb not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (org_id, id)
    )`);
  // text_pattern_ops serves both = and prefix LIKE (sw) whatever the database collation.
  await knex.raw('create unique index scim_users_org_user_name on scim_users (org_id, lower(user_name) text_pattern_ops)');
  await knex.raw('create index scim_users_org_external_id on scim_users (org_id, external_id text_pattern_ops)');
  await knex.raw('create index scim_users_org_display_name on scim_users (org_id, lower(display_name) text_pattern_ops)');
  await knex.raw('create index scim_users_org_primary_email on scim_users (org_id, primary_email text_pattern_ops)');
  await knex.raw('create index scim_users_org_created on scim_users (org_id, created_at, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table scim_users');
}
