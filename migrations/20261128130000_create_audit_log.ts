import type { Knex } from 'knex';

/** The admin audit log: every policy, kill-switch, config, key and SCIM write, with before/after. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table audit_log (
      id uuid primary key default gen_random_uuid(),
      org_id uuid not null references orgs(id),
      actor text not null,
      actor_name text,
      action text not null,
      resource_type text not null,
      resource_id text,
      before jsonb,
      after jsonb,
      request_id text,
      created_at timestamptz not null default now()
    )`);
  await knex.raw('create index audit_log_org_created on audit_log (org_id, created_at desc, id desc)');
  await knex.raw('create index audit_log_org_action on audit_log (org_id, action, created_at desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table audit_log');
}
