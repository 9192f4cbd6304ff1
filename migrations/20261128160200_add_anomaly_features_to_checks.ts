import type { Knex } from 'knex';

/** The anomaly model's top contributing features of each check, next to its score. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("alter table checks add column anomaly_features jsonb not null default '[]'::jsonb");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table checks drop column anomaly_features');
}
