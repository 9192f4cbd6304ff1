import type { Knex } from 'knex';

/**
 * Stripe events already processed, by event id: a redelivered event is acknowledged without doing
 * anything again. `outcome` says what processing did (applied, stale, ignored).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table stripe_events (
      id text primary key,
      type text not null,
      org_id uuid references orgs(id),
      created timestamptz not null,
      outcome text not null,
      processed_at timestamptz not null default now()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table stripe_events');
}
