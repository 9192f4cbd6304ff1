import type { Knex } from 'knex';

/** How many of a check's signals were left out of the stored (and answered) list: at most 100 are kept. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table checks add column signals_omitted integer not null default 0');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table checks drop column signals_omitted');
}
