import type { Knex } from 'knex';

/**
 * Anomaly events by check: a pending check's event takes the final decision when a reviewer, the
 * timeout or a kill switch decides it (GET /api/v1/anomalies?decision=block finds it then).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists anomaly_events_check on anomaly_events (check_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists anomaly_events_check');
}
