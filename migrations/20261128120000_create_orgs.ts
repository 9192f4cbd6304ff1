import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table orgs (
      id uuid primary key default gen_random_uuid(),
      name text not null unique check (length(name) between 1 and 128),
      settings jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table orgs');
}
