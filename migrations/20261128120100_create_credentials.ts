import type { Knex } from 'knex';

/**
 * API keys and SCIM tokens. Only the SHA-256 of a secret is stored; `prefix` is its first characters,
 * enough to recognise a key in a list. Every change notifies `aegis_credentials` so each replica
 * drops the credential from its auth cache at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table credentials (
      id uuid primary key default gen_random_uuid(),
      org_id uuid not null references orgs(id),
      kind text not null check (kind in ('api_key', 'scim_token')),
      name text not null check (length(name) between 1 and 128),
      role text check (role in ('admin', 'reviewer', 'agent', 'viewer')),
      prefix text not null,
      secret_hash bytea not null unique check (length(secret_hash) = 32),
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      check ((kind = 'api_key') = (role is not null))
    )`);
  await knex.raw('create index credentials_org_kind on credentials (org_id, kind, created_at desc)');
  await knex.raw('create index credentials_prefix on credentials (prefix)');
  await knex.raw(`
    create function notify_credential_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_credentials', coalesce(new.id, old.id)::text);
      return null;
    end $$`);
  // Only changes that affect authentication notify: last_used_at is written every few seconds.
  await knex.raw(`
    create trigger credentials_notify_update after update on credentials
    for each row when (old.revoked_at is distinct from new.revoked_at or old.role is distinct from new.role
                       or old.org_id is distinct from new.org_id or old.kind is distinct from new.kind)
    execute function notify_credential_change()`);
  await knex.raw(`
    create trigger credentials_notify_delete after delete on credentials
    for each row execute function notify_credential_change()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger credentials_notify_delete on credentials');
  await knex.raw('drop trigger credentials_notify_update on credentials');
  await knex.raw('drop function notify_credential_change()');
  await knex.raw('drop table credentials');
}
