#!/usr/bin/env -S node --max-semi-space-size=64
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createCredential, revokeCredentialByPrefix } from '../auth/credentials.js';
import { presentApiKey, presentScimToken } from '../auth/presenters.js';
import { recordAudit } from '../audit/audit.js';

import { ROLES, type Role } from '../auth/roles.js';
import { loadConfig, type Config } from '../config.js';
import { createDb, migrateLatest } from '../db/knex.js';
import { createLogger, type Logger } from '../log.js';
import { createOrg, requireOrg } from '../orgs/orgs.js';
import { startGateway, type GatewayOptions } from '../runtime/gateway.js';
import { ensureSearchAttributes } from '../temporal/search-attributes.js';
import { VERSION } from '../version.js';
import { withDatabase } from './database.js';

/** Who the audit log names for what the `aegis` command does on the server. */
const CLI_ACTOR = { id: 'cli', name: 'aegis command line' };

const USAGE = `aegis ${VERSION} — tool-call gateway for AI agents

Usage:
  aegis start                     the whole gateway on embedded defaults (PostgreSQL, Temporal dev server, API, worker)
  aegis serve                     the HTTP API only (needs DATABASE_URL and TEMPORAL_ADDRESS)
  aegis worker                    the Temporal worker only (needs DATABASE_URL and TEMPORAL_ADDRESS)
  aegis migrate                   apply database migrations (and register Temporal search attributes when TEMPORAL_ADDRESS is set)
  aegis orgs create <name>        create an organisation
  aegis keys create --org <id|name> --role <${ROLES.join('|')}> [--name <name>]
                                  create an API key and print it (shown once)
  aegis keys revoke <prefix>      revoke the API key or SCIM token with this prefix (e.g. aeg_AbCdEfGh)
  aegis probe                     run a workflow through the worker and the database (needs a running worker)

Configuration is read from the environment; see README.md.`;

class UsageError extends Error {}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A signal this soon after the first is the same request delivered twice, not an insistence. */
const DUPLICATE_SIGNAL_MS = 2_000;

/** serveUntilSignal runs a long-lived gateway until SIGINT/SIGTERM, then shuts it down cleanly. */
async function serveUntilSignal(config: Config, log: Logger, opts: Omit<GatewayOptions, 'log'>, banner: boolean): Promise<void> {
  const started = Date.now();
  const gateway = await startGateway(config, { ...opts, log });
  log.info({ url: gateway.url, temporal: gateway.temporalAddress, temporal_ui: gateway.temporalUi, ms: Date.now() - started }, 'gateway started');
  if (banner) {
    process.stderr.write(
      [
        '',
        `  AEGIS gateway ${VERSION} is ready (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        `  API          ${gateway.url}`,
        gateway.temporalUi ? `  Temporal UI  ${gateway.temporalUi}` : '',
        `  Admin key    ${config.bootstrap.apiKey ? 'AEGIS_BOOTSTRAP_API_KEY' : `${config.dataDir}/bootstrap-admin-key (written on first start)`}`,
        '  Stop with Ctrl-C.',
        '',
      ]
        .filter((l) => l !== '')
        .join('\n') + '\n\n',
    );
  }
  await new Promise<void>((resolve) => {
    let first: number | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (first !== undefined) {
        // One Ctrl-C often arrives twice: from the terminal and forwarded by npm (or timeout).
        if (Date.now() - first < DUPLICATE_SIGNAL_MS) return;
        log.warn({ signal }, 'second signal: stopping PostgreSQL and Temporal at once and exiting without waiting');
        gateway.killChildren();
        process.exit(1);
      }
      first = Date.now();
      log.info({ signal }, 'shutting down');
      gateway.shutdown().then(resolve, (err: Error) => {
        log.error({ err: err.message }, 'shutdown failed');
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  log.info('stopped');
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === 'version') {
    out(VERSION);
    return 0;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel);

  switch (command) {
    case 'start':
      await serveUntilSignal(config, log, { api: true, worker: true, embedded: true, migrate: true, bootstrap: true }, true);
      return 0;
    case 'serve':
      await serveUntilSignal(config, log, { api: true, worker: false, embedded: false, migrate: false, bootstrap: true }, false);
      return 0;
    case 'worker':
      await serveUntilSignal(config, log, { api: false, worker: true, embedded: false, migrate: false, bootstrap: false }, false);
      return 0;
    case 'migrate': {
      if (!config.databaseUrl) throw new UsageError('aegis migrate needs DATABASE_URL (aegis start migrates its embedded database itself)');
      const db = createDb(config.databaseUrl, 2);
      try {
        const applied = await migrateLatest(db);
        out(applied.length > 0 ? `applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'the database is up to date');
      } finally {
        await db.destroy();
      }
      if (config.temporal.address) {
        const connection = await Connection.connect({ address: config.temporal.address });
        try {
          const added = await ensureSearchAttributes(connection, config.temporal.namespace);
          out(added.length > 0 ? `registered search attributes: ${added.join(', ')}` : 'Temporal search attributes are registered');
        } finally {
          await connection.close();
        }
      }
      return 0;
    }
    case 'orgs': {
      const [sub, name, ...extra] = rest;
      if (sub !== 'create' || !name || extra.length > 0) throw new UsageError('usage: aegis orgs create <name>');
      const org = await withDatabase(config, log, (db) => createOrg(db, name));
      out(JSON.stringify({ id: org.id, name: org.name, created_at: org.created_at.toISOString() }));
      return 0;
    }
    case 'keys': {
      const [sub, ...args] = rest;
      if (sub === 'create') {
        const { values } = parseArgs({ args, options: { org: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } }, strict: true });
        if (!values.org || !values.role) throw new UsageError('usage: aegis keys create --org <id|name> --role <role> [--name <name>]');
        if (!(ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${values.role}"`);
        const created = await withDatabase(config, log, async (db) => {
          const org = await requireOrg(db, values.org!);
          return db.transaction(async (trx) => {
            const made = await createCredential(trx, { orgId: org.id, kind: 'api_key', name: values.name ?? 'cli', role: values.role as Role });
            // Audited like the HTTP route, with the operator's command line as the actor.
            await recordAudit(trx, { orgId: org.id, actor: CLI_ACTOR, action: 'api_key.create', resourceType: 'api_key', resourceId: made.row.id, before: null, after: presentApiKey(made.row) });
            return made;
          });
        });
        process.stderr.write('The key is shown only now; store it safely.\n');
        out(JSON.stringify({ id: created.row.id, key: created.secret, prefix: created.row.prefix, role: created.row.role, org_id: created.row.org_id }));
        return 0;
      }
      if (sub === 'revoke') {
        const [prefix, ...extra] = args;
        if (!prefix || extra.length > 0) throw new UsageError('usage: aegis keys revoke <prefix>');
        const row = await withDatabase(config, log, (db) =>
          db.transaction(async (trx) => {
            const revoked = await revokeCredentialByPrefix(trx, prefix);
            const present = revoked.kind === 'api_key' ? presentApiKey : presentScimToken;
            await recordAudit(trx, { orgId: revoked.org_id, actor: CLI_ACTOR, action: `${revoked.kind}.revoke`, resourceType: revoked.kind, resourceId: revoked.id, before: present({ ...revoked, revoked_at: null }), after: present(revoked) });
            return revoked;
          }),
        );
        out(`revoked ${row.kind === 'api_key' ? 'API key' : 'SCIM token'} ${row.prefix}… (${row.id})`);
        return 0;
      }
      throw new UsageError('usage: aegis keys create|revoke …');
    }
    case 'probe': {
      const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
      const connection = await Connection.connect({ address });
      try {
        const client = new Client({ connection, namespace: config.temporal.namespace });
        const result = await client.workflow.execute('probe', { taskQueue: config.temporal.taskQueue, workflowId: `probe-${randomUUID()}`, args: [randomUUID()], workflowExecutionTimeout: '30 seconds' });
        out(JSON.stringify(result));
      } finally {
        await connection.close();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`aegis: ${err instanceof UsageError ? '' : 'error: '}${err.message}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
