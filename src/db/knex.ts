import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { MIGRATIONS, type Migration } from '../../migrations/index.js';
import type { Logger } from '../log.js';

export type Db = Knex;

// bigint (int8) columns and count(*) arrive as JavaScript numbers: every such value in this schema
// (counts, tree sizes, leaf indexes) stays far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/**
 * createDb opens the connection pool (lazily: nothing connects until the first query). knex's own
 * warnings go to the structured log instead of the console.
 */
export function createDb(url: string, poolMax: number, log?: Logger): Db {
  const db = knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: 'aegis' },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
    log: {
      warn: (m: unknown) => log?.warn({ component: 'knex' }, String(m)),
      error: (m: unknown) => log?.error({ component: 'knex' }, String(m)),
      deprecate: (m: unknown) => log?.warn({ component: 'knex' }, String(m)),
      debug: () => undefined,
    },
  });
  return db;
}

const migrationSource: Knex.MigrationSource<readonly [string, Migration]> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: ([name]) => name,
  getMigration: ([, migration]) => Promise.resolve(migration),
};

/** migrateLatest applies pending migrations (knex serialises concurrent runs with its lock table). */
export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource, tableName: 'knex_migrations' })) as [number, string[]];
  return applied;
}

/** pendingMigrations lists migrations not yet applied (readiness reports them). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const [, pending] = (await db.migrate.list({ migrationSource, tableName: 'knex_migrations' })) as [unknown, Array<{ file?: string } | string>];
  return pending.map((p) => (typeof p === 'string' ? p : (p.file ?? String(p))));
}
