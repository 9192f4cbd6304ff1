import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isProcessAlive } from '../../src/runtime/processes.js';
import { call } from '../helpers/gateway.js';
import { eventually } from '../helpers/wait.js';
import { freePort } from '../../tools/ports.js';

const MAIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

let dataDir: string;
let env: NodeJS.ProcessEnv;
let base: string;
let uiPort: number;
let running: ChildProcess | undefined;

beforeAll(async () => {
  expect(fs.existsSync(MAIN), 'run `npm run build` before the tests (npm test does)').toBe(true);
  dataDir = path.join(inject('tmpRoot'), 'desktop');
  const port = await freePort();
  const devPort = await freePort(1000);
  uiPort = devPort + 1000;
  base = `http://127.0.0.1:${port}`;
  env = { ...process.env, AEGIS_DATA_DIR: dataDir, PORT: String(port), AEGIS_PG_PORT: String(await freePort()), AEGIS_TEMPORAL_DEV_PORT: String(devPort), AEGIS_TEMPORAL_CLI: inject('temporalCli'), LOG_LEVEL: 'info' };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'AEGIS_BOOTSTRAP_API_KEY', 'AEGIS_BOOTSTRAP_SCIM_TOKEN', 'AEGIS_SIGNING_KEY', 'HOST']) delete env[k];
});

afterAll(async () => {
  if (running?.exitCode === null) running.kill('SIGKILL');
  // Leave nothing behind even when a test failed half-way.
  for (const pid of childPids()) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
});

function aegis(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function start(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const started = Date.now();
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`aegis start exited with ${child.exitCode}:\n${output}`);
    const res = await call(base, 'GET', '/ready');
    expect(res.status).toBe(200);
  }, 90_000, 250).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n--- aegis start output ---\n${output.slice(-4000)}`);
  });
  // The README promises /ready within 60 s once the Temporal CLI is built.
  expect(Date.now() - started).toBeLessThan(60_000);
  running = child;
  return child;
}

function childPids(): number[] {
  const pids: number[] = [];
  const read = (file: string): void => {
    try {
      const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, file), 'utf8').split('\n')[0]!, 10);
      if (Number.isInteger(pid)) pids.push(pid);
    } catch {
      // not there
    }
  };
  read('pg/postmaster.pid');
  read('temporal.pid');
  return pids;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals, times = 1): Promise<void> {
  const pids = childPids();
  expect(pids.length).toBe(2);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < times; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 30));
    child.kill(signal);
  }
  expect(await exited).toBe(0);
  for (const pid of pids) expect(isProcessAlive(pid), `pid ${pid} outlived the gateway`).toBe(false);
  expect(fs.existsSync(path.join(dataDir, 'aegis.pid'))).toBe(false);
}

describe('aegis start (desktop mode)', () => {
  let adminKey: string;
  let acmeKey: string;

  it('serves /ready, the Temporal Web UI, and writes a bootstrap admin key on first start', async () => {
    const child = await start();
    const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
    expect(ui.status).toBe(200);
    const keyFile = path.join(dataDir, 'bootstrap-admin-key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    adminKey = fs.readFileSync(keyFile, 'utf8').trim();
    const me = await call(base, 'GET', '/api/v1/me', { key: adminKey });
    expect(me.body).toMatchObject({ org_name: 'default', role: 'admin' });
    expect(child.exitCode).toBeNull();
  });

  it('administers orgs and keys from the CLI while running', async () => {
    const org = aegis('orgs', 'create', 'acme');
    expect(org.status, org.stderr).toBe(0);
    expect(JSON.parse(org.stdout)).toMatchObject({ name: 'acme' });
    const dup = aegis('orgs', 'create', 'acme');
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);

    const created = aegis('keys', 'create', '--org', 'acme', '--role', 'admin');
    expect(created.status, created.stderr).toBe(0);
    acmeKey = JSON.parse(created.stdout).key;
    expect((await call(base, 'GET', '/api/v1/me', { key: acmeKey })).body).toMatchObject({ org_name: 'acme', role: 'admin' });

    const doomed = JSON.parse(aegis('keys', 'create', '--org', 'acme', '--role', 'viewer').stdout);
    expect((await call(base, 'GET', '/api/v1/me', { key: doomed.key })).status).toBe(200);
    const revoke = aegis('keys', 'revoke', doomed.prefix);
    expect(revoke.status, revoke.stderr).toBe(0);
    await eventually(async () => expect((await call(base, 'GET', '/api/v1/me', { key: doomed.key })).status).toBe(401), 1_000, 20);

    const bad = aegis('keys', 'create', '--org', 'acme', '--role', 'root');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of/);
  });

  it('stops every child process on SIGINT, also when one Ctrl-C arrives twice (terminal and npm)', async () => {
    await stop(running!, 'SIGINT', 2);
  });

  it('keeps every org, key and row across a restart', async () => {
    const child = await start();
    expect((await call(base, 'GET', '/api/v1/me', { key: adminKey })).body).toMatchObject({ org_name: 'default' });
    expect((await call(base, 'GET', '/api/v1/me', { key: acmeKey })).body).toMatchObject({ org_name: 'acme' });
    const keys = await call(base, 'GET', '/api/v1/api-keys', { key: acmeKey });
    expect(keys.body.total).toBe(2);
    expect(keys.body.data.filter((k: { revoked_at: string | null }) => k.revoked_at !== null)).toHaveLength(1);
    // No second bootstrap key was generated.
    expect(fs.readFileSync(path.join(dataDir, 'bootstrap-admin-key'), 'utf8').trim()).toBe(adminKey);
    expect(child.exitCode).toBeNull();
  });

  it('recovers after being killed with SIGKILL (children left behind are stopped)', async () => {
    const before = childPids();
    running!.kill('SIGKILL');
    await new Promise((r) => running!.once('exit', r));
    const child = await start();
    for (const pid of before) expect(isProcessAlive(pid)).toBe(false);
    expect((await call(base, 'GET', '/api/v1/me', { key: acmeKey })).status).toBe(200);
    await stop(child, 'SIGTERM');
  });
});
