import type { Knex } from 'knex';

/**
 * The outbox trigger notified `aegis_outbox` after every insert statement, also one that inserted
 * nothing — and the check writer's batch statement inserts into the outbox on every batch, zero rows
 * when none of its checks is pending. Each such notification woke every replica's dispatcher for a
 * lease query that found nothing (~220 a second under the check benchmark). Now the trigger sees the
 * statement's inserted rows (a transition table) and notifies only when there are some.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function notify_outbox() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from inserted) then
        perform pg_notify('aegis_outbox', '');
      end if;
      return null;
    end $$`);
  await knex.raw('drop trigger check_outbox_notify on check_outbox');
  await knex.raw('create trigger check_outbox_notify after insert on check_outbox referencing new table as inserted for each statement execute function notify_outbox()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger check_outbox_notify on check_outbox');
  await knex.raw(`
    create or replace function notify_outbox() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_outbox', '');
      return null;
    end $$`);
  await knex.raw('create trigger check_outbox_notify after insert on check_outbox for each statement execute function notify_outbox()');
}
