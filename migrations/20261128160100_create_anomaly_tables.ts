import type { Knex } from 'knex';

/**
 * Layer-2 anomaly state: each org's behaviour model as a periodic JSON snapshot (restarts keep it),
 * and the anomaly events of checks that scored at or above the org's threshold.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table anomaly_models (
      org_id uuid primary key references orgs(id),
      state jsonb not null,
      updated_at timestamptz not null default now()
    )`);
  await knex.raw(`
    create table anomaly_events (
      id uuid primary key default gen_random_uuid(),
      org_id uuid not null references orgs(id),
      check_id uuid not null,
      agent_id text not null,
      tool_name text not null,
      score real not null,
      features jsonb not null,
      decision text not null,
      created_at timestamptz not null default now()
    )`);
  await knex.raw('create index anomaly_events_org_created on anomaly_events (org_id, created_at desc, id desc)');
  await knex.raw('create index anomaly_events_org_agent on anomaly_events (org_id, agent_id, created_at desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table anomaly_events');
  await knex.raw('drop table anomaly_models');
}
