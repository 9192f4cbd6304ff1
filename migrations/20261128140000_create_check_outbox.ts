import type { Knex } from 'knex';

/**
 * The outbox of pending checks whose workflow must be started. A row is written in the same
 * statement as its check; the dispatcher starts the workflow (idempotently) and marks it done, so a
 * Temporal outage delays workflows but loses none. Inserts notify `aegis_outbox` to wake the
 * dispatcher; a check leaving `pending` notifies `aegis_decisions` (payload: check id) to wake
 * long-polls on every replica.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table check_outbox (
      check_id uuid primary key references checks(id),
      org_id uuid not null references orgs(id),
      created_at timestamptz not null default now(),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_error text,
      done_at timestamptz
    )`);
  await knex.raw('create index check_outbox_due on check_outbox (next_attempt_at) where done_at is null');
  await knex.raw(`
    create function notify_outbox() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_outbox', '');
      return null;
    end $$`);
  await knex.raw('create trigger check_outbox_notify after insert on check_outbox for each statement execute function notify_outbox()');
  await knex.raw(`
    create function notify_decision() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_decisions', new.id::text);
      return null;
    end $$`);
  await knex.raw(`
    create trigger checks_decided_notify after update on checks
    for each row when (old.status = 'pending' and new.status = 'decided')
    execute function notify_decision()`);
  await knex.raw('alter table orgs add column webhook_secret text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table orgs drop column webhook_secret');
  await knex.raw('drop trigger checks_decided_notify on checks');
  await knex.raw('drop function notify_decision()');
  await knex.raw('drop trigger check_outbox_notify on check_outbox');
  await knex.raw('drop function notify_outbox()');
  await knex.raw('drop table check_outbox');
}
