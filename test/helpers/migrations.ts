import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import pg from 'pg';
import { inject } from 'vitest';
import { MIGRATIONS, type Migration } from '../../migrations/index.js';
import { createDb, type Db } from '../../src/db/knex.js';

type Entry = (typeof MIGRATIONS)[number];

/** migrationSource lists the given migrations (in order) for knex. */
export function migrationSource(list: readonly Entry[] = MIGRATIONS): Knex.MigrationSource<Entry> {
  return {
    getMigrations: () => Promise.resolve([...list]),
    getMigrationName: ([name]) => name,
    getMigration: ([, migration]: Entry): Promise<Migration> => Promise.resolve(migration),
  };
}

/**
 * databaseBefore creates a database of its own on the test server, migrated up to (not including)
 * the named migration: for tests of a migration on data the earlier code wrote.
 */
export async function databaseBefore(migration: string, label: string): Promise<{ url: string; db: Db }> {
  const index = MIGRATIONS.findIndex(([name]) => name === migration);
  if (index < 0) throw new Error(`no migration ${migration}`);
  const template = new URL(inject('databaseUrl'));
  const name = `${template.pathname.slice(1)}_${label}${randomBytes(3).toString('hex')}`;
  const server = new URL(template);
  server.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(template);
  u.pathname = `/${name}`;
  const db = createDb(u.toString(), 4);
  await db.migrate.latest({ migrationSource: migrationSource(MIGRATIONS.slice(0, index)), tableName: 'knex_migrations' });
  return { url: u.toString(), db };
}
