import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCredential } from '../../src/auth/credentials.js';
import { createDb } from '../../src/db/knex.js';
import { createLogger } from '../../src/log.js';
import { createOrg } from '../../src/orgs/orgs.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/temporal/dev-server.js';
import { call, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { pendingCheck, requireReview } from '../helpers/pending.js';
import { testDatabaseUrl } from '../helpers/database.js';
import { eventually } from '../helpers/wait.js';
import { freePort } from '../../tools/ports.js';

const MAIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function orgWithKey(databaseUrl: string): Promise<TestOrg & { db: ReturnType<typeof createDb> }> {
  const db = createDb(databaseUrl, 2);
  cleanups.push(() => db.destroy());
  const org = await createOrg(db, `durable-${randomUUID()}`);
  const { secret } = await createCredential(db, { orgId: org.id, kind: 'api_key', name: 'admin', role: 'admin' });
  return { orgId: org.id, name: org.name, adminKey: secret, keyFor: () => Promise.resolve(secret), db };
}

describe('no pending check is lost when Temporal is down', () => {
  it('answers checks during the outage and starts every workflow once Temporal is back', async () => {
    const dir = path.join(inject('tmpRoot'), `outage-${randomUUID()}`);
    fs.mkdirSync(dir, { recursive: true });
    const port = await freePort(1000);
    const log = createLogger('warn');
    let dev: TemporalDevServer = await startTemporalDevServer({ cliPath: inject('temporalCli'), dataDir: dir, port, namespace: 'default', log });
    cleanups.push(() => dev.stop());
    const gw: TestGateway = await startTestGateway({ TEMPORAL_ADDRESS: dev.address });
    cleanups.push(() => gw.shutdown());
    const org = await orgWithKey(await testDatabaseUrl());
    await requireReview(gw, org);

    await dev.stop();
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await pendingCheck(gw.url, org.adminKey, 'outage-agent'));
    expect(Date.now() - started).toBeLessThan(5_000);
    const waiting = await org.db('check_outbox').whereIn('check_id', ids).whereNull('done_at');
    expect(waiting).toHaveLength(5);
    // A reviewer meanwhile gets a clear 503, not a hang.
    const early = await call(gw.url, 'PATCH', `/api/v1/check/${ids[0]}`, { key: org.adminKey, body: { decision: 'allow', decided_by: 'ops@acme.com' } });
    expect(early.status).toBe(503);
    expect(early.body.error.code).toBe('UNAVAILABLE');

    dev = await startTemporalDevServer({ cliPath: inject('temporalCli'), dataDir: dir, port, namespace: 'default', log });
    await eventually(async () => {
      const left = await org.db('check_outbox').whereIn('check_id', ids).whereNull('done_at');
      expect(left).toHaveLength(0);
    }, 60_000, 500);
    for (const id of ids) {
      const res = await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: org.adminKey, body: { decision: 'allow', decided_by: 'ops@acme.com' } });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ decision: 'allow', decided_by: 'ops@acme.com' });
    }
  }, 180_000);
});

describe('crash safety', () => {
  function startGateway(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const onData = (c: Buffer): void => {
        out += c.toString();
        if (out.includes('is ready')) resolve(child);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${out.slice(-3000)}`)));
    });
  }

  it('keeps every pending check decidable, exactly once, after the gateway is killed with SIGKILL', async () => {
    const org = await orgWithKey(await testDatabaseUrl());
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: await testDatabaseUrl(),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      AEGIS_TASK_QUEUE: `crash-${randomUUID()}`,
      AEGIS_DATA_DIR: path.join(inject('tmpRoot'), `crash-${randomUUID()}`),
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    let child = await startGateway(env);
    cleanups.push(async () => child.kill('SIGKILL'));
    const res = await call(base, 'POST', '/api/v1/policies', { key: org.adminKey, body: { id: 'review-deploy', name: 'Review deploys', risk_level: 'HIGH', match: { tool_names: ['deploy'] }, policy_schema: { not: {} } } });
    expect(res.status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await pendingCheck(base, org.adminKey, 'crash-agent'));

    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    child = await startGateway(env);

    for (const [i, id] of ids.entries()) {
      const decision = i % 2 === 0 ? 'allow' : 'block';
      const first = await call(base, 'PATCH', `/api/v1/check/${id}`, { key: org.adminKey, body: { decision, decided_by: `reviewer-${i}@acme.com` } });
      expect(first.status, first.text).toBe(200);
      expect(first.body).toMatchObject({ decision, decided_by: `reviewer-${i}@acme.com` });
      const second = await call(base, 'PATCH', `/api/v1/check/${id}`, { key: org.adminKey, body: { decision: 'allow', decided_by: 'someone-else@acme.com' } });
      expect(second.status).toBe(409);
    }
    const rows = await org.db('checks').whereIn('id', ids).select('id', 'status', 'decided_by');
    expect(rows.every((r: { status: string }) => r.status === 'decided')).toBe(true);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }, 180_000);
});
