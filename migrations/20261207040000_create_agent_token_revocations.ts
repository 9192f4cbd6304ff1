import type { Knex } from 'knex';

/**
 * Revoked agent tokens. A row with a token_id revokes that token (its `jti`); a row without one
 * revokes every token of the agent issued before revoked_at (a token leaked whose id nobody kept).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table agent_token_revocations (
      id bigserial primary key,
      org_id uuid not null references orgs (id),
      agent_id text not null,
      token_id uuid,
      revoked_at timestamptz not null default clock_timestamp(),
      revoked_by text not null
    )`);
  await knex.raw('create unique index agent_token_revocations_token on agent_token_revocations (org_id, token_id) where token_id is not null');
  await knex.raw('create index agent_token_revocations_org on agent_token_revocations (org_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table agent_token_revocations');
}
