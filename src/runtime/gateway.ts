import { Connection } from '@temporalio/client';
import type { WorkflowBundleOption } from '@temporalio/worker';
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { createDb, migrateLatest, type Db } from '../db/knex.js';
import type { Logger } from '../log.js';
import { bootstrap } from '../orgs/bootstrap.js';
import { ensureTemporalCli } from '../temporal/cli.js';
import { startTemporalDevServer } from '../temporal/dev-server.js';
import { ensureSearchAttributes } from '../temporal/search-attributes.js';
import { startGatewayWorker, type GatewayWorker } from '../temporal/worker.js';
import { traceQueries } from '../telemetry/knex.js';
import { startTracing } from '../telemetry/tracing.js';
import { startApi } from './api.js';
import { lockDataDir } from './data-dir.js';

export interface GatewayOptions {
  /** Serve the HTTP API. */
  api: boolean;
  /** Run a Temporal worker on the gateway's task queue. */
  worker: boolean;
  /** Spawn embedded PostgreSQL / the Temporal dev server when DATABASE_URL / TEMPORAL_ADDRESS are unset. */
  embedded: boolean;
  /** Apply migrations before serving. */
  migrate: boolean;
  /** Create org `default` and its first credentials (see bootstrap()). */
  bootstrap: boolean;
  log: Logger;
  /** Tests: a prebuilt workflow bundle instead of bundling at start. */
  workflowBundle?: WorkflowBundleOption;
  /** Tests: settings for an embedded cluster (fsync=off). */
  pgSettings?: Record<string, string>;
}

export interface Gateway {
  /** Base URL of the API when it serves one. */
  readonly url: string | undefined;
  readonly db: Db;
  readonly databaseUrl: string;
  readonly temporalAddress: string;
  /** The Temporal Web UI when the dev server was spawned. */
  readonly temporalUi: string | undefined;
  /** Stops everything this gateway started, in reverse order; safe to call twice. */
  shutdown(): Promise<void>;
  /**
   * Stops the servers this gateway spawned at once, without draining anything (PostgreSQL's
   * immediate shutdown, Temporal killed), for a process about to exit before shutdown() finished.
   */
  killChildren(): void;
}

/**
 * startGateway brings up the pieces `opts` asks for and returns once the API (if any) is listening.
 * On any failure everything already started is stopped again before the error propagates.
 */
export async function startGateway(config: Config, opts: GatewayOptions): Promise<Gateway> {
  const { log } = opts;
  const cleanups: Array<{ what: string; run: () => Promise<void> | void }> = [];
  const onCleanup = (what: string, run: () => Promise<void> | void): void => {
    cleanups.push({ what, run });
  };
  const children: Array<{ pid: number; signal: NodeJS.Signals }> = [];
  const killChildren = (): void => {
    for (const { pid, signal } of children) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  };
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (shuttingDown ??= (async () => {
      for (const { what, run } of cleanups.reverse()) {
        try {
          await run();
        } catch (err) {
          log.warn({ err: (err as Error).message, what }, 'error during shutdown');
        }
      }
    })());

  try {
    const tracing = await startTracing(config.otel.endpoint, config.otel.serviceName);
    if (tracing) onCleanup('OpenTelemetry exporter', () => tracing.shutdown());
    const spawnsChildren = opts.embedded && (!config.databaseUrl || !config.temporal.address);
    if (spawnsChildren) {
      const lock = lockDataDir(config.dataDir);
      onCleanup('data dir lock', () => lock.release());
    }

    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      if (!opts.embedded) throw new Error('DATABASE_URL is not set (only `aegis start` runs an embedded PostgreSQL)');
      const pg = await startEmbeddedPostgres({ dir: `${config.dataDir}/pg`, port: config.embeddedPgPort, log, settings: opts.pgSettings });
      onCleanup('embedded PostgreSQL', () => pg.stop());
      // SIGQUIT is PostgreSQL's immediate shutdown: no checkpoint, crash recovery at the next start.
      children.push({ pid: pg.pid, signal: 'SIGQUIT' });
      databaseUrl = pg.url;
    }
    const db = createDb(databaseUrl, config.dbPoolMax, log);
    traceQueries(db);
    onCleanup('database pool', () => db.destroy());
    if (opts.migrate) {
      const applied = await migrateLatest(db);
      if (applied.length > 0) log.info({ applied }, 'applied migrations');
    }
    if (opts.bootstrap) {
      await bootstrap(db, { apiKey: config.bootstrap.apiKey, scimToken: config.bootstrap.scimToken, dataDir: config.dataDir }, log);
    }

    let temporalAddress = config.temporal.address;
    let temporalUi: string | undefined;
    if (!temporalAddress) {
      if (!opts.embedded) throw new Error('TEMPORAL_ADDRESS is not set (only `aegis start` runs the Temporal dev server)');
      const cliPath = await ensureTemporalCli({ cliPath: config.temporal.cliPath, cacheDir: config.temporal.cacheDir, log });
      const dev = await startTemporalDevServer({ cliPath, dataDir: config.dataDir, port: config.temporal.devPort, namespace: config.temporal.namespace, log });
      onCleanup('Temporal dev server', () => dev.stop());
      children.push({ pid: dev.pid, signal: 'SIGKILL' });
      temporalAddress = dev.address;
      temporalUi = `http://127.0.0.1:${dev.uiPort}`;
    }
    const temporal = Connection.lazy({ address: temporalAddress });
    onCleanup('Temporal client connection', () => temporal.close());
    if (temporalUi) {
      const added = await ensureSearchAttributes(temporal, config.temporal.namespace);
      if (added.length > 0) log.info({ added }, 'registered Temporal search attributes');
    }

    if (opts.worker) {
      const worker: GatewayWorker = await startGatewayWorker({
        address: temporalAddress,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        deps: { db, log: log.child({ component: 'worker' }), allowPrivateWebhooks: config.webhookAllowPrivate },
        workflowBundle: opts.workflowBundle,
      });
      worker.done.catch((err: Error) => log.error({ err: err.message }, 'the Temporal worker stopped with an error'));
      onCleanup('Temporal worker', () => worker.shutdown());
    }

    const url = opts.api ? await startApi({ config, db, databaseUrl, temporal, temporalAddress, log, embedded: opts.embedded }, onCleanup) : undefined;
    return { url, db, databaseUrl, temporalAddress, temporalUi, shutdown, killChildren };
  } catch (err) {
    await shutdown();
    throw err;
  }
}
