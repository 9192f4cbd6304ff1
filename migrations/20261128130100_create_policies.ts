import type { Knex } from 'knex';

/**
 * An org's own policies (platform defaults live in code). The id is chosen by the client; an org
 * policy with a platform default's id overrides it. Every change notifies `aegis_policies` with the
 * org id, so each replica recompiles that org's policies before its next check.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table policies (
      org_id uuid not null references orgs(id),
      id text not null check (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
      name text not null,
      description text not null default '',
      policy_schema jsonb not null,
      risk_level text not null check (risk_level in ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
      match jsonb,
      action text check (action in ('allow', 'pending', 'block')),
      template text,
      params jsonb,
      enabled boolean not null default true,
      mode text not null default 'enforce' check (mode in ('enforce', 'shadow')),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    )`);
  await knex.raw(`
    create function notify_policy_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_policies', coalesce(new.org_id, old.org_id)::text);
      return null;
    end $$`);
  await knex.raw(`
    create trigger policies_notify after insert or update or delete on policies
    for each row execute function notify_policy_change()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger policies_notify on policies');
  await knex.raw('drop function notify_policy_change()');
  await knex.raw('drop table policies');
}
