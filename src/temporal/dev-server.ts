import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from '../log.js';
import { isProcessAlive, processCommandLine, stopProcess, tailFile } from '../runtime/processes.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

export interface DevServerOptions {
  cliPath: string;
  dataDir: string;
  port: number;
  namespace: string;
  log: Logger;
  /** SQLite file; default $dataDir/temporal.db. */
  dbFile?: string;
}

export interface TemporalDevServer {
  readonly address: string;
  readonly uiPort: number;
  readonly pid: number;
  stop(): Promise<void>;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}


/**
 * startTemporalDevServer spawns `temporal server start-dev` with its state in a SQLite file of the
 * data dir, waits until the frontend reports SERVING, and returns a handle that stops it. A server
 * left behind by a killed gateway (pid file) is stopped first.
 */
export async function startTemporalDevServer(opts: DevServerOptions): Promise<TemporalDevServer> {
  const { cliPath, dataDir, port, log } = opts;
  const uiPort = port + 1000;
  const pidFile = path.join(dataDir, 'temporal.pid');
  const logFile = path.join(dataDir, 'temporal.log');
  if (fs.existsSync(pidFile)) {
    const old = Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10);
    if (Number.isInteger(old) && isProcessAlive(old) && processCommandLine(old).includes('start-dev')) {
      log.warn({ pid: old }, 'stopping a Temporal dev server left running by a previous gateway process');
      await stopProcess(old, { signal: 'SIGTERM', timeoutMs: 15_000 });
    }
    fs.rmSync(pidFile, { force: true });
  }
  for (const p of [port, uiPort]) {
    if (await portAnswers(p)) {
      throw new Error(`port ${p} is already in use, so the Temporal dev server cannot start; set AEGIS_TEMPORAL_DEV_PORT to a free port (the UI uses port + 1000) or TEMPORAL_ADDRESS to a running server`);
    }
  }

  const args = [
    'server', 'start-dev',
    '--db-filename', opts.dbFile ?? path.join(dataDir, 'temporal.db'),
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--namespace', opts.namespace,
    '--log-level', 'warn',
    '--sqlite-pragma', 'journal_mode=WAL',
    '--sqlite-pragma', 'synchronous=NORMAL',
    ...SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
  ];
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cliPath, args, { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${cliPath}`);
  fs.writeFileSync(pidFile, `${pid}\n`);
  let exited = false;
  child.once('exit', () => (exited = true));

  const address = `127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await stopProcess(pid, { signal: 'SIGTERM', timeoutMs: 15_000 });
    fs.rmSync(pidFile, { force: true });
  };
  try {
    await waitUntilServing(address, () => exited, logFile);
  } catch (err) {
    await stop();
    throw err;
  }
  log.info({ address, ui: `http://127.0.0.1:${uiPort}`, pid }, 'Temporal dev server is serving');
  let stopped: Promise<void> | undefined;
  return { address, uiPort, pid, stop: () => (stopped ??= stop()) };
}

async function waitUntilServing(address: string, hasExited: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  const connection = Connection.lazy({ address, connectTimeout: 1_000 });
  try {
    for (;;) {
      if (hasExited()) throw new Error(`the Temporal dev server exited during start-up; see ${logFile}:\n${tailFile(logFile)}`);
      try {
        const res = await connection.withDeadline(Date.now() + 1_000, () => connection.healthService.check({}));
        if (res.status === 1 /* SERVING */) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`the Temporal dev server did not report SERVING within 90 s; see ${logFile}:\n${tailFile(logFile)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
}
