/**
 * Trace ingest benchmark: POST /api/v1/traces with one trace per request (50 connections); with
 * batches of 500 sent as fast as they are answered (the excess is refused with 429, and this client
 * does not back off); and with batches of 500 offered at a fixed rate (`--offered` traces/s), which
 * is what clients honouring Retry-After send and shows whether the gateway takes that rate whole.
 * Then it checks that the database holds exactly the traces acknowledged (201), and times filtered
 * GET /api/v1/traces pages over everything ingested (1.7M+ traces with the defaults). Rates count
 * until the last trace is stored, not only acknowledged.
 *
 *   npm run build && node dist/tools/bench/traces.js [--singles 100000] [--batches 2400] [--batch-connections 4]
 *       [--offered 50000] [--offered-seconds 30]
 *
 * Starts `aegis start` on embedded PostgreSQL (and the Temporal dev server) in a temporary data dir,
 * and reads the database directly (the embedded cluster's generated password is in the data dir).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { fmt, startBenchGateway } from './lib.js';


const AGENTS = Array.from({ length: 50 }, (_, i) => `agent-${i}`);
const TOOLS = ['db_query', 'shell', 'read_file', 'write_file', 'http_request', 'send_email', 'create_payment', 'search', 'list_dir', 'deploy'];
const DAY_MS = 86_400_000;
const CHECK_IDS = Array.from({ length: 100 }, () => randomUUID());

/** A plausible trace: started within the last 30 days, 2 % blocked, 5 % linked to a check. */
function trace(i: number): Record<string, unknown> {
  const tool = TOOLS[i % TOOLS.length]!;
  return {
    agent_id: AGENTS[(i * 7) % AGENTS.length],
    tool_name: tool,
    arguments: tool === 'db_query' ? { sql: `SELECT id, total FROM orders WHERE customer_id = ${i} LIMIT 20` } : { path: `/srv/data/${i % 997}/report.csv`, mode: 'r' },
    result: { ok: true, rows: i % 20, bytes: (i * 37) % 65_536 },
    started_at: new Date(Date.now() - Math.floor(Math.random() * 30 * DAY_MS)).toISOString(),
    duration_ms: (i % 500) + 0.25,
    blocked: i % 50 === 0,
    ...(i % 20 === 0 ? { check_id: CHECK_IDS[i % CHECK_IDS.length] } : {}),
    trace_id: randomUUID().replaceAll('-', ''),
    metadata: { sdk: 'bench/1.0' },
  };
}

interface Run {
  requests: number;
  acknowledged: number;
  seconds: number;
  rejected: number;
  p50: number;
  p99: number;
}

/** post sends exactly `amount` requests (so every answer is counted) and returns the traces acknowledged. */
async function post(url: string, key: string, connections: number, amount: number, bodies: string[], perBody: number, overallRate = 0): Promise<Run> {
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url,
    connections,
    amount,
    ...(overallRate > 0 ? { overallRate } : {}),
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-aegis-api-key': key },
    requests: bodies.map((body) => ({ method: 'POST', body })),
    timeout: 30,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const ok = result['2xx'];
  return { requests: result.requests.total, acknowledged: ok * perBody, seconds, rejected: result.non2xx + result.errors + result.timeouts, p50: result.latency.p50, p99: result.latency.p99 };
}

async function count(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>('select count(*) as n from traces');
  return Number(rows[0]?.n);
}

/** settle waits until `expected` traces are stored, or the count stops growing for 3 s; returns the count. */
async function settle(db: pg.Client, expected: number, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let changedAt = Date.now();
  for (;;) {
    const n = await count(db);
    if (n !== last) [last, changedAt] = [n, Date.now()];
    if (n >= expected || Date.now() - changedAt > 3_000 || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function timeQuery(base: string, key: string, query: string, runs = 40): Promise<{ p50: number; p99: number; total: number; exact: boolean }> {
  const times: number[] = [];
  let total = 0;
  let exact = true;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/v1/traces${query}`, { headers: { 'x-aegis-api-key': key } });
    const body = (await res.json()) as { total: number; total_exact: boolean };
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`GET /api/v1/traces${query}: ${res.status} ${JSON.stringify(body)}`);
    total = body.total;
    exact = body.total_exact;
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(runs / 2)]!, p99: times[Math.min(runs - 1, Math.floor(runs * 0.99))]!, total, exact };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { singles: { type: 'string', default: '100000' }, batches: { type: 'string', default: '2400' }, 'batch-connections': { type: 'string', default: '4' }, offered: { type: 'string', default: '50000' }, 'offered-seconds': { type: 'string', default: '30' } } });
  const singles = Number(values.singles);
  const batches = Number(values.batches);
  const batchConnections = Number(values['batch-connections']);
  const offeredBatches = Math.round(Number(values.offered) / 500);
  const offeredSeconds = Number(values['offered-seconds']);
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const gateway = await startBenchGateway('traces');
    cleanups.push(gateway.stop);
    const { base, key } = gateway;
    const db = await gateway.connectDb();
    cleanups.push(() => db.end());

    const singleBodies = Array.from({ length: 2_000 }, (_, i) => JSON.stringify(trace(i)));
    const batchBodies = Array.from({ length: 40 }, (_, b) => JSON.stringify(Array.from({ length: 500 }, (_, i) => trace(b * 500 + i))));
    const url = `${base}/api/v1/traces`;

    // Warm up (JIT, connection pools), then leave the table to the measured runs.
    await post(url, key, 50, 5_000, singleBodies, 1);
    await post(url, key, batchConnections, 40, batchBodies, 500);
    await settle(db, 25_000);
    await db.query('truncate traces');

    // Each run's rate is counted until its last trace is stored, not only acknowledged.
    const rows: string[] = [];
    let acknowledged = 0;
    let stored = 0;
    for (const [connections, amount, bodies, perBody, name, rate] of [
      [50, singles, singleBodies, 1, 'one trace per POST, 50 connections', 0],
      [batchConnections, batches, batchBodies, 500, `batches of 500, ${batchConnections} connections, as fast as answered`, 0],
      // What a client that honours Retry-After sends: the offered rate, not a flood of refused retries.
      [batchConnections, offeredBatches * offeredSeconds, batchBodies, 500, `batches of 500 offered at ${fmt(offeredBatches * 500)} traces/s for ${offeredSeconds} s`, offeredBatches],
    ] as const) {
      if (amount === 0) continue;
      const started = Date.now();
      const run = await post(url, key, connections, amount, [...bodies], perBody, rate);
      acknowledged += run.acknowledged;
      stored = await settle(db, acknowledged);
      const untilStored = (Date.now() - started) / 1000;
      rows.push(`| ${name} | ${fmt(run.requests)} | ${fmt(run.acknowledged)} | ${fmt(run.acknowledged / run.seconds)} | ${fmt(run.acknowledged / untilStored)} | ${fmt(run.p50, 1)} | ${fmt(run.p99, 1)} | ${fmt(run.rejected)} |`);
    }
    await db.query('analyze traces');

    console.log(`\nPOST /api/v1/traces — ${os.cpus().length} CPUs, Node ${process.version}; gateway, PostgreSQL and load generator on this machine\n`);
    console.log('| run | requests | traces acknowledged | acknowledged/s | stored/s | p50 ms | p99 ms | non-2xx |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(r);
    console.log(`\nstored ${fmt(stored)} of ${fmt(acknowledged)} acknowledged: ${stored === acknowledged ? 'every acknowledged trace is in the database' : 'MISMATCH'}`);

    const queries = [
      ['newest page', '?limit=50'],
      ['agent', `?agent_id=${AGENTS[3]}&limit=50`],
      ['tool', '?tool_name=deploy&limit=50'],
      ['blocked=true', '?blocked=true&limit=50'],
      ['blocked=false', '?blocked=false&limit=50'],
      ['check_id', `?check_id=${CHECK_IDS[0]}&limit=50`],
      ['last 24 h', `?from=${new Date(Date.now() - DAY_MS).toISOString()}&limit=50`],
      ['agent + 7-day window', `?agent_id=${AGENTS[3]}&from=${new Date(Date.now() - 10 * DAY_MS).toISOString()}&to=${new Date(Date.now() - 3 * DAY_MS).toISOString()}&limit=50`],
      ['tool, 1,000 per page', '?tool_name=shell&limit=1000'],
    ] as const;
    console.log(`\nGET /api/v1/traces over ${fmt(stored)} traces of one org (40 runs each)\n`);
    console.log('| filter | p50 ms | p99 ms | total |');
    console.log('|---|---:|---:|---:|');
    for (const [name, q] of queries) {
      const r = await timeQuery(base, key, q);
      console.log(`| ${name} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.total)}${r.exact ? '' : ' (estimate)'} |`);
    }
    if (stored !== acknowledged) process.exitCode = 1;
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
