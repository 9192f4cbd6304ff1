import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { createDb, migrateLatest, type Db } from '../db/knex.js';
import type { Logger } from '../log.js';
import { lockDataDir } from '../runtime/data-dir.js';
import { isProcessAlive } from '../runtime/processes.js';

/** runningEmbeddedUrl returns the URL of the data dir's embedded server if a gateway has it running. */
function runningEmbeddedUrl(dataDir: string): string | undefined {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  const passwordFile = path.join(dataDir, 'pg-password');
  if (!fs.existsSync(pidFile) || !fs.existsSync(passwordFile)) return undefined;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isProcessAlive(pid)) return undefined;
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  return `postgres://aegis:${encodeURIComponent(password)}@127.0.0.1:${port}/aegis`;
}

/**
 * withDatabase runs an administrative command against the gateway's database: DATABASE_URL, else the
 * embedded cluster of the data dir — the running one, or one started just for this command.
 */
export async function withDatabase<T>(config: Config, log: Logger, fn: (db: Db) => Promise<T>): Promise<T> {
  const stops: Array<() => Promise<void> | void> = [];
  try {
    let url = config.databaseUrl ?? runningEmbeddedUrl(config.dataDir);
    if (!url) {
      const lock = lockDataDir(config.dataDir);
      stops.push(() => lock.release());
      const pg = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort, log });
      stops.push(() => pg.stop());
      url = pg.url;
    }
    const db = createDb(url, 2);
    stops.push(() => db.destroy());
    // The desktop cluster is this gateway's own: bring it to the current schema. A DATABASE_URL
    // server is migrated only by `aegis migrate`.
    if (!config.databaseUrl) await migrateLatest(db);
    return await fn(db);
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
