import type { Knex } from 'knex';

/**
 * Kill switches: while one is engaged (released_at is null), every matching check is blocked at
 * once. Changes notify `aegis_kill_switches` (payload: org id) so every replica's cache follows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table kill_switches (
      id uuid primary key default gen_random_uuid(),
      org_id uuid not null references orgs(id),
      scope text not null check (scope in ('org', 'agent', 'tool')),
      target text,
      reason text not null,
      engaged_by text not null,
      created_at timestamptz not null default now(),
      released_at timestamptz,
      released_by text,
      check ((scope = 'org') = (target is null))
    )`);
  await knex.raw('create index kill_switches_org_active on kill_switches (org_id) where released_at is null');
  await knex.raw(`
    create function notify_kill_switch() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_kill_switches', coalesce(new.org_id, old.org_id)::text);
      return null;
    end $$`);
  await knex.raw('create trigger kill_switches_notify after insert or update or delete on kill_switches for each row execute function notify_kill_switch()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger kill_switches_notify on kill_switches');
  await knex.raw('drop function notify_kill_switch()');
  await knex.raw('drop table kill_switches');
}
