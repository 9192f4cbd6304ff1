import type { Knex } from 'knex';

/**
 * An API key can belong to a SCIM user (a reviewer who is a person). The key works only while that
 * user exists and is active: deactivating or deleting the user in the IdP notifies
 * `aegis_credentials` for each of the user's keys, so every replica drops them from its auth cache
 * at once. No foreign key: a deleted user's keys must stay (for the audit trail) and stop working,
 * not be deleted or silently unbound.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table credentials add column user_id uuid');
  await knex.raw('create index credentials_user on credentials (user_id) where user_id is not null');
  await knex.raw(`
    create function notify_user_credentials() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_credentials', c.id::text) from credentials c where c.user_id = coalesce(new.id, old.id);
      return null;
    end $$`);
  await knex.raw(`
    create trigger scim_users_credentials_update after update on scim_users
    for each row when (old.active is distinct from new.active or old.user_name is distinct from new.user_name)
    execute function notify_user_credentials()`);
  await knex.raw('create trigger scim_users_credentials_delete after delete on scim_users for each row execute function notify_user_credentials()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger scim_users_credentials_delete on scim_users');
  await knex.raw('drop trigger scim_users_credentials_update on scim_users');
  await knex.raw('drop function notify_user_credentials()');
  await knex.raw('drop index credentials_user');
  await knex.raw('alter table credentials drop column user_id');
}
