import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded.js';
import { createDb, migrateLatest } from '../../src/db/knex.js';
import { createLogger } from '../../src/log.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/temporal/dev-server.js';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes.js';
import { workflowsPath } from '../../src/temporal/worker.js';
import { freePort } from '../../tools/ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's migrated template database; each test file gets a copy (test/helpers/database.ts). */
    databaseUrl: string;
    temporalAddress: string;
    temporalCli: string;
    workflowBundlePath: string;
    tmpRoot: string;
  }
}

/**
 * Boots the real dependencies once per test run: PostgreSQL (DATABASE_URL, else an embedded
 * cluster) with a fresh database, and a Temporal dev server (TEMPORAL_ADDRESS, else spawned from the
 * cached CLI build), and bundles the workflows once. Test files start their own gateways on top.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'aegis-test-'));
  fs.chmodSync(tmpRoot, 0o755);
  const log = createLogger('warn');
  const config = loadConfig({ ...process.env, AEGIS_DATA_DIR: tmpRoot });
  const stops: Array<() => Promise<void>> = [];

  let serverUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedPostgres | undefined;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dir: path.join(tmpRoot, 'pg'),
      port: await freePort(),
      log,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    stops.push(() => embedded!.stop());
    serverUrl = embedded.url;
  }
  // A migrated template database for this run (each test file works on its own copy), dropped afterwards.
  const dbName = `aegis_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  stops.push(async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    const { rows } = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${dbName}%`]);
    for (const r of rows) await c.query(`drop database if exists ${r.datname} with (force)`);
    await c.end();
  });
  const db = createDb(databaseUrl, 2);
  await migrateLatest(db);
  await db.destroy();

  const temporalCli = await ensureTemporalCli({ cliPath: config.temporal.cliPath, cacheDir: config.temporal.cacheDir, log });
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let dev: TemporalDevServer | undefined;
  if (!temporalAddress) {
    dev = await startTemporalDevServer({ cliPath: temporalCli, dataDir: tmpRoot, port: await freePort(1000), namespace: 'default', log });
    stops.push(() => dev!.stop());
    temporalAddress = dev.address;
  }
  // If the run is killed (a CI timeout, Ctrl-C), don't leave the servers behind: they run in their
  // own process groups, so nobody else will stop them.
  const orphans = [embedded?.pid, dev?.pid].filter((p): p is number => p !== undefined);
  const killOrphans = (): void => {
    for (const pid of orphans) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  };
  process.once('exit', killOrphans);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killOrphans();
      process.exit(130);
    });
  }

  const connection = await Connection.connect({ address: temporalAddress });
  await ensureSearchAttributes(connection, 'default');
  await connection.close();

  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m) => log.error(m), log() {} } });
  const workflowBundlePath = path.join(tmpRoot, 'workflow-bundle.js');
  fs.writeFileSync(workflowBundlePath, code);

  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', temporalAddress);
  project.provide('temporalCli', temporalCli);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('tmpRoot', tmpRoot);
  process.stderr.write(`test setup: PostgreSQL ${embedded ? 'embedded' : 'from DATABASE_URL'}, Temporal ${dev ? `dev server ${temporalAddress}` : temporalAddress}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  return async () => {
    process.removeListener('exit', killOrphans);
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        process.stderr.write(`test teardown: ${(err as Error).message}\n`);
      }
    }
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  };
}
