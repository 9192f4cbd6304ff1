/**
 * Burst benchmark of pending checks on the Temporal dev server:
 * 1,000 pending checks in a burst → workflows started per second → every check decided by PATCH
 * while its agent long-polls → PATCH-to-wake-up latency, and that none was lost or decided twice.
 *
 *   npm run build && node dist/tools/bench/pending.js [--checks 1000] [--concurrency 50]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { fmt, startBenchGateway } from './lib.js';


// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(base: string, key: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${url}`, { method, headers: { 'x-aegis-api-key': key, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { checks: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '50' }, deciders: { type: 'string', default: '10' } } });
  const n = Number(values.checks);
  const concurrency = Number(values.concurrency);
  const gateway = await startBenchGateway('pending');
  const { base, key } = gateway;
  try {
    await json(base, key, 'POST', '/api/v1/policies', { id: 'review-deploy', name: 'Review deploys', risk_level: 'HIGH', match: { tool_names: ['deploy'] }, policy_schema: { not: {} } });
    await json(base, key, 'PATCH', '/api/v1/config', { pending_timeout_seconds: 3600 });

    // 1. The burst.
    const ids: string[] = new Array(n);
    const t0 = Date.now();
    await pool([...Array(n).keys()], concurrency, async (i) => {
      const res = await json(base, key, 'POST', '/api/v1/check', { agent_id: `burst-${i % 20}`, tool_name: 'deploy', arguments: { service: `svc-${i}`, version: '1.0.0' } });
      if (res.body?.decision !== 'pending') throw new Error(`check ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      ids[i] = res.body.check_id;
    });
    const burstMs = Date.now() - t0;

    // 2. Workflows started: the outbox drains as the dispatcher starts them.
    const db = await gateway.connectDb();
    let started = 0;
    while (started < n) {
      started = Number((await db.query('select count(*) from check_outbox where done_at is not null')).rows[0].count);
      if (Date.now() - t0 > 600_000) throw new Error(`only ${started} of ${n} workflows started after 10 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const dispatchMs = Date.now() - t0;

    // 3. Decide them all while each agent long-polls.
    const wake: number[] = [];
    const patchMs: number[] = [];
    let conflicts = 0;
    await pool(ids, Number(values.deciders), async (id, i) => {
      const poll = json(base, key, 'GET', `/api/v1/check/${id}/decision?wait=60`).then(() => Date.now());
      poll.catch(() => undefined); // awaited below; a PATCH failure must not leave it unhandled
      await new Promise((r) => setTimeout(r, 20));
      const sent = Date.now();
      const res = await json(base, key, 'PATCH', `/api/v1/check/${id}`, { decision: i % 2 ? 'allow' : 'block', decided_by: 'bench@acme.com' });
      const done = Date.now();
      if (res.status !== 200) throw new Error(`PATCH ${id}: ${res.status} ${JSON.stringify(res.body)}`);
      patchMs.push(done - sent);
      wake.push((await poll) - sent);
      const again = await json(base, key, 'PATCH', `/api/v1/check/${id}`, { decision: 'allow', decided_by: 'second@acme.com' });
      if (again.status === 409) conflicts++;
    });
    const decided = Number((await db.query(`select count(*) from checks where status = 'decided' and decided_by = 'bench@acme.com'`)).rows[0].count);
    await db.end();
    wake.sort((a, b) => a - b);
    patchMs.sort((a, b) => a - b);

    console.log(`\nPending-check burst on the Temporal dev server — ${n} checks, ${concurrency} concurrent, decided by ${values.deciders} concurrent reviewers, ${os.cpus().length} CPUs\n`);
    console.log('| measure | value |');
    console.log('|---|---:|');
    console.log(`| burst: pending checks answered | ${fmt(n)} in ${fmt(burstMs)} ms (${fmt((n * 1000) / burstMs)} /s) |`);
    console.log(`| workflows started (outbox drained) | ${fmt(n)} in ${fmt(dispatchMs)} ms (${fmt((n * 1000) / dispatchMs)} /s) |`);
    console.log(`| PATCH latency p50 / p99 | ${fmt(pct(patchMs, 50))} / ${fmt(pct(patchMs, 99))} ms |`);
    console.log(`| PATCH → long-poll wake-up p50 / p99 | ${fmt(pct(wake, 50))} / ${fmt(pct(wake, 99))} ms |`);
    console.log(`| decided by the reviewer | ${fmt(decided)} of ${fmt(n)} |`);
    console.log(`| second PATCH refused (409) | ${fmt(conflicts)} of ${fmt(n)} |`);
    if (decided !== n || conflicts !== n) process.exitCode = 1;
  } finally {
    await gateway.stop();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
