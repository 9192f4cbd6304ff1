import type { Knex } from 'knex';

/**
 * Tool-call traces reported by SDKs (POST /api/v1/traces), written in batches. The primary key
 * (org_id, started_at, id) is also the index of the default listing (an org's traces, newest first,
 * read backwards); the other indexes serve one filter each, so every filtered page is an index range
 * scan however many traces an org has. Only blocked traces are indexed by `blocked` (they are few),
 * only linked ones by `check_id`.
 *
 * Built for insert rate, measured on 2 cores: the payloads are `json`, kept as sent (they are shown,
 * never queried into; converting each to jsonb was a third of the insert cost), and org_id has no
 * foreign key (the check locked the org's row once per trace, halving the rate; every org_id comes
 * from an authenticated credential, and orgs are never deleted).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table traces (
      org_id uuid not null,
      started_at timestamptz not null,
      id uuid not null,
      agent_id text not null,
      tool_name text not null,
      arguments json not null,
      result json,
      error json,
      duration_ms double precision not null,
      check_id uuid,
      blocked boolean not null default false,
      trace_id text,
      span_id text,
      metadata json not null default '{}'::json,
      received_at timestamptz not null default now(),
      primary key (org_id, started_at, id)
    )`);
  await knex.raw('create index traces_org_agent_started on traces (org_id, agent_id, started_at desc, id desc)');
  await knex.raw('create index traces_org_tool_started on traces (org_id, tool_name, started_at desc, id desc)');
  await knex.raw('create index traces_org_blocked_started on traces (org_id, started_at desc, id desc) where blocked');
  await knex.raw('create index traces_org_check_started on traces (org_id, check_id, started_at desc, id desc) where check_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table traces');
}
