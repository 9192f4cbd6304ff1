import type { Knex } from 'knex';

/** Org settings changes notify `aegis_orgs` (payload: org id) so replicas reload them at once. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function notify_org_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_orgs', new.id::text);
      return null;
    end $$`);
  await knex.raw(`
    create trigger orgs_notify after update on orgs
    for each row when (old.settings is distinct from new.settings or old.name is distinct from new.name)
    execute function notify_org_change()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger orgs_notify on orgs');
  await knex.raw('drop function notify_org_change()');
}
