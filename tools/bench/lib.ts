import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { isFree } from '../ports.js';
import { createDb, migrateLatest, type Db } from '../../src/db/knex.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

/** load drives one endpoint with autocannon (POSTing the bodies in turn, or GET without any) and returns requests/s and latency percentiles (ms). */
export async function load(opts: { url: string; connections: number; seconds: number; headers?: Record<string, string>; bodies: string[] }): Promise<RunResult> {
  // No bodies: GET the URL.
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    method: opts.bodies.length > 0 ? 'POST' : 'GET',
    headers: opts.bodies.length > 0 ? { 'content-type': 'application/json', ...opts.headers } : { ...opts.headers },
    ...(opts.bodies.length > 0 ? { requests: opts.bodies.map((body) => ({ method: 'POST' as const, body })) } : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/** spawnNode starts a Node script and resolves with the child once `ready` says the output means up. */
export function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv, ready: (output: string) => boolean, timeoutMs = 120_000): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the child (NODE_OPTIONS refuses --cpu-prof).
    // The young-generation size `npm start`, the `aegis` command and the image run the gateway with; the
    // bare baseline gets it too, so the two differ only in what they do per request.
    const nodeArgs = ['--max-semi-space-size=64', ...(process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [])];
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // If the benchmark itself dies, its gateway (and the servers that gateway spawned) go with it.
    const orphanGuard = (): void => {
      if (child.exitCode === null) child.kill('SIGTERM');
    };
    process.once('exit', orphanGuard);
    child.once('exit', () => process.removeListener('exit', orphanGuard));
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start in ${timeoutMs} ms:\n${out.slice(-2000)}`)), timeoutMs);
    // BENCH_CHILD_LOG=<file> keeps the whole output of the child for a look afterwards.
    const keep = process.env.BENCH_CHILD_LOG ? fs.openSync(process.env.BENCH_CHILD_LOG, 'w') : undefined;
    const onData = (c: Buffer): void => {
      if (keep !== undefined) fs.writeSync(keep, c);
      out += c.toString();
      if (out.length > 1_000_000) out = out.slice(-100_000);
      if (ready(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${out.slice(-2000)}`));
      // After it was up (the promise is settled), an exit nobody asked for is shown, not swallowed.
      if (!stopping.has(child)) process.stderr.write(`\n${script} exited unexpectedly (${code ?? signal}):\n${out.slice(-3000)}\n`);
    });
  });
}

const stopping = new WeakSet<ChildProcess>();

export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  stopping.add(child);
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A temporary data dir the embedded PostgreSQL server (run as user postgres when root) can reach. */
export function tempDataDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aegis-bench-${name}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export interface BenchGateway {
  base: string;
  key: string;
  dataDir: string;
  /** A client of the gateway's embedded database (user and database "aegis"), for counting rows. */
  connectDb(): Promise<pg.Client>;
  /** Stops the gateway (SIGINT: children included) and removes its data dir. */
  stop(): Promise<void>;
}

/**
 * startBenchGateway runs `aegis start` — embedded PostgreSQL and the Temporal dev server — in a
 * temporary data dir on random ports, with a bootstrap admin key, and resolves once it is ready.
 */
export async function startBenchGateway(name: string): Promise<BenchGateway> {
  // The first run on a machine builds the Temporal CLI (minutes): here, with its progress shown, not
  // inside the gateway's start-up timeout.
  const { temporal } = loadConfig();
  await ensureTemporalCli({ cliPath: temporal.cliPath, cacheDir: temporal.cacheDir, log: createLogger('warn') });
  const dataDir = tempDataDir(name);
  const key = `aeg_${'b'.repeat(43)}`;
  // Every port below the kernel's ephemeral range (32768+), where an outgoing connection of this
  // very benchmark could already hold it; and free right now.
  let port = 0;
  do port = 18080 + Math.floor(Math.random() * 2000);
  while (!(await Promise.all([port, port - 5000, port - 10000, port - 9000].map(isFree))).every(Boolean));
  const pgPort = port - 5000;
  const env: NodeJS.ProcessEnv = { ...process.env, AEGIS_DATA_DIR: dataDir, PORT: String(port), AEGIS_PG_PORT: String(pgPort), AEGIS_TEMPORAL_DEV_PORT: String(port - 10000), AEGIS_BOOTSTRAP_API_KEY: key, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const gateway = await spawnNode(path.join(dist, 'src', 'cli', 'main.js'), ['start'], env, (o) => o.includes('is ready')).catch((err: unknown) => {
    // It did not start: leave no data dir behind (a gateway still starting is killed as the benchmark exits).
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    base: `http://127.0.0.1:${port}`,
    key,
    dataDir,
    async connectDb() {
      const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
      const client = new pg.Client({ connectionString: `postgres://aegis:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/aegis` });
      // The gateway stops this server when it stops: that is not the benchmark's error.
      client.on('error', () => undefined);
      await client.connect();
      return client;
    },
    async stop() {
      await stop(gateway.child, 'SIGINT');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ScratchDatabase {
  /** Connection string of the migrated scratch database. */
  url: string;
  db: Db;
  /** A temporary directory that is removed with the database. */
  tmp: string;
  /** Drops the database, stops the embedded server (if one was started) and removes `tmp`. */
  drop(): Promise<void>;
}

/**
 * scratchDatabase creates and migrates a throwaway database on DATABASE_URL's server, or on an
 * embedded PostgreSQL started in a temporary directory.
 */
export async function scratchDatabase(name: string, log: Logger, settings: Record<string, string> = {}): Promise<ScratchDatabase> {
  const tmp = tempDataDir(name);
  const stops: Array<() => Promise<void>> = [async () => fs.rmSync(tmp, { recursive: true, force: true })];
  const drop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) {
      const embedded = await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), port: 30000 + Math.floor(Math.random() * 5000), log, settings });
      stops.push(() => embedded.stop());
      serverUrl = embedded.url;
    }
    const database = `aegis_bench_${name}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${database}`);
    stops.push(async () => {
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    });
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    const db = createDb(url.toString(), 4);
    stops.push(() => db.destroy());
    await migrateLatest(db);
    return { url: url.toString(), db, tmp, drop };
  } catch (err) {
    await drop();
    throw err;
  }
}
