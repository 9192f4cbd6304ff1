import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { testDatabaseUrl } from '../helpers/database.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/wait.js';
import { freePort } from '../../tools/ports.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.shutdown());

describe('GET /health', () => {
  it('reports version, uptime and reachable dependencies without a key', async () => {
    const res = await call(gw.url, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      uptime_seconds: expect.any(Number),
      db: { reachable: true, latency_ms: expect.any(Number) },
      temporal: { reachable: true },
    });
  });
});

describe('GET /ready', () => {
  it('is 200 when migrations are done and the database and Temporal answer', async () => {
    const res = await call(gw.url, 'GET', '/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ ready: true, db: true, temporal: true, migrations: { done: true, pending: [] } });
  });

  it('is 503 (and /health degraded) when Temporal cannot be reached', async () => {
    const dead = await startTestGateway({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` }, { worker: false });
    try {
      const ready = await call(dead.url, 'GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('UNAVAILABLE');
      expect(ready.body.error.message).toMatch(/Temporal unreachable/);
      const health = await call(dead.url, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'degraded', db: { reachable: true }, temporal: { reachable: false } });
    } finally {
      await dead.shutdown();
    }
  });

  it('is 503 (and /health degraded) while the database is unreachable, and recovers', async () => {
    const db = new URL(await testDatabaseUrl());
    const proxy = await startTcpProxy(db.hostname, Number(db.port || 5432));
    db.host = `127.0.0.1:${proxy.port}`;
    const viaProxy = await startTestGateway({ DATABASE_URL: db.toString() }, { worker: false });
    try {
      expect((await call(viaProxy.url, 'GET', '/ready')).status).toBe(200);
      proxy.cut();
      await eventually(async () => {
        const ready = await call(viaProxy.url, 'GET', '/ready');
        expect(ready.status).toBe(503);
        expect(ready.body.error.message).toMatch(/database unreachable/);
      }, 10_000, 200);
      const health = await call(viaProxy.url, 'GET', '/health');
      expect(health.body).toMatchObject({ status: 'degraded', db: { reachable: false, latency_ms: null } });
      proxy.resume();
      await eventually(async () => expect((await call(viaProxy.url, 'GET', '/ready')).status).toBe(200), 15_000, 200);
    } finally {
      await viaProxy.shutdown();
      await proxy.close();
    }
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with the request histogram by route template', async () => {
    await call(gw.url, 'GET', '/health');
    await call(gw.url, 'GET', '/api/v1/api-keys/00000000-0000-4000-8000-000000000000');
    const res = await call(gw.url, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(res.text).toMatch(/^aegis_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/health",status="200"\} \d+$/m);
    expect(res.text).toMatch(/process_cpu_user_seconds_total/);
    expect(res.text).not.toMatch(/00000000-0000-4000/);
    expect(res.text).not.toMatch(/^nodejs_active_\w+_total/m);
  });

  it('passes promtool check metrics without lint errors', async () => {
    const which = spawnSync('which', ['promtool']);
    if (which.status !== 0) throw new Error('promtool is not installed: run tools/test-prereqs.sh (Debian package "prometheus")');
    await call(gw.url, 'GET', '/health');
    const res = await call(gw.url, 'GET', '/metrics');
    const check = spawnSync(which.stdout.toString().trim(), ['check', 'metrics'], { input: res.text });
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });
});
