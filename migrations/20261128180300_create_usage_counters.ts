import type { Knex } from 'knex';

/**
 * Monthly usage per org (checks, traces), for plan quotas and GET /api/v1/billing. `period` is the
 * first day of the calendar month (UTC). Each replica adds its in-memory counts every second in one
 * statement, so the counters trail real usage by about that much.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table usage_counters (
      org_id uuid not null references orgs(id),
      period date not null,
      kind text not null check (kind in ('checks', 'traces')),
      count bigint not null,
      updated_at timestamptz not null default now(),
      primary key (org_id, period, kind)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table usage_counters');
}
