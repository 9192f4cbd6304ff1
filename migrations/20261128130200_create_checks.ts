import type { Knex } from 'knex';

/**
 * One row per check. `arguments` are stored with secrets masked; `arguments_sha256` is the hash of
 * the canonical JSON of the arguments as received (the transparency log commits to it). A pending
 * check carries `expires_at` (when the org's timeout decision applies); once decided, `decided_by`
 * names who decided (a reviewer, "timeout", "policy"…), `decided_credential` the credential that
 * did it and `decision_reason` their reason.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table checks (
      id uuid primary key,
      org_id uuid not null references orgs(id),
      agent_id text not null,
      tool_name text not null,
      arguments jsonb not null,
      arguments_sha256 bytea not null,
      context jsonb not null default '{}'::jsonb,
      category text not null,
      signals jsonb not null default '[]'::jsonb,
      anomaly_score real not null default 0,
      decision text not null check (decision in ('allow', 'block', 'pending')),
      status text not null check (status in ('decided', 'pending')),
      policy_name text not null,
      risk_level text not null check (risk_level in ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
      reason text,
      counterfactual text,
      shadow_violations jsonb not null default '[]'::jsonb,
      credential_id text,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      decided_at timestamptz,
      decided_by text,
      decided_credential text,
      decision_reason text,
      check ((status = 'pending') = (decision = 'pending'))
    )`);
  await knex.raw('create index checks_org_created on checks (org_id, created_at desc, id desc)');
  await knex.raw('create index checks_org_agent_created on checks (org_id, agent_id, created_at desc)');
  await knex.raw(`create index checks_org_pending on checks (org_id, created_at desc) where status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table checks');
}
