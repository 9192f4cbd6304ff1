/**
 * SCIM benchmark: seeds one org with 100,000 users (bulk SQL), starts the gateway's API in-process
 * on that database and measures the lookups IdPs make over HTTP — `userName eq`, `userName sw`,
 * `emails.value eq` (plus externalId, a broad prefix and a substring scan for reference) — p50/p99
 * with one client and with 8 concurrent clients. Prints the query plans' access paths too.
 *
 *   npm run build && node dist/tools/bench/scim.js [--users 100000] [--requests 1000]
 *
 * Uses DATABASE_URL if set (a scratch database is created there), else an embedded PostgreSQL in a
 * temporary directory. Temporal is not needed: nothing here starts a workflow.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createCredential } from '../../src/auth/credentials.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/knex.js';
import { createLogger } from '../../src/log.js';
import { createOrg } from '../../src/orgs/orgs.js';
import { startGateway } from '../../src/runtime/gateway.js';
import { compileFilter } from '../../src/scim/filter-sql.js';
import { parseScimFilter } from '../../src/scim/filter.js';
import { USER_TYPE } from '../../src/scim/schema.js';
import { fmt, scratchDatabase } from './lib.js';

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** seed inserts `total` users (and their e-mails) for one org in batches of 20,000 rows. */
async function seed(db: Db, orgId: string, total: number): Promise<void> {
  for (let from = 1; from <= total; from += 20_000) {
    const to = Math.min(total, from + 19_999);
    await db.raw(
      // The seeded names are ASCII, so lower() gives the caseKey the gateway computes (src/scim/case-key.ts).
      `insert into scim_users (org_id, user_name, user_name_key, external_id, active, display_name, given_name, family_name, primary_email, resource)
       select ?, 'user' || g || '@bench.example', 'user' || g || '@bench.example', 'ext-' || g, g % 10 <> 0, 'User ' || g, 'Given' || g, 'Family' || g, 'first.last' || g || '@corp.example',
         jsonb_build_object(
           'schemas', jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:User'),
           'userName', 'user' || g || '@bench.example', 'externalId', 'ext-' || g, 'active', g % 10 <> 0, 'displayName', 'User ' || g,
           'name', jsonb_build_object('givenName', 'Given' || g, 'familyName', 'Family' || g),
           'emails', jsonb_build_array(jsonb_build_object('value', 'first.last' || g || '@corp.example', 'type', 'work', 'primary', true)))
       from generate_series(?::int, ?::int) g`,
      [orgId, from, to],
    );
    process.stderr.write(`  seeded ${fmt(to)} users\n`);
  }
  await db.raw(
    `insert into scim_user_emails (org_id, user_id, position, value, value_key, type, is_primary)
     select org_id, id, 0, resource->'emails'->0->>'value', lower(resource->'emails'->0->>'value'), 'work', true from scim_users where org_id = ?`,
    [orgId],
  );
  await db.raw('analyze scim_users');
  await db.raw('analyze scim_user_emails');
}

/** accessPath names the scan nodes PostgreSQL picks for the list query of a filter. */
async function accessPath(db: Db, orgId: string, filter: string): Promise<string> {
  const where = compileFilter(USER_TYPE, parseScimFilter(filter));
  const q = db('scim_users as u').select('u.id').where('u.org_id', orgId).whereRaw(where.sql, where.bindings).orderByRaw('u.created_at, u.id').limit(100).toSQL().toNative();
  const client = (await db.client.acquireConnection()) as pg.PoolClient;
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${q.sql}`, q.bindings as unknown[]);
    const scans = rows.map((r) => r['QUERY PLAN']).flatMap((line) => /((?:Bitmap )?(?:Index|Index Only|Seq) Scan(?: using \w+)?(?: on \w+)?)/.exec(line)?.[1] ?? []);
    return [...new Set(scans)].join(', ');
  } finally {
    await db.client.releaseConnection(client);
  }
}

interface Measured {
  p50: number;
  p99: number;
  hits: number;
}

/** measure sends `requests` GETs (from `urlFor`) with `concurrency` clients; latency per request. */
async function measure(base: string, token: string, urlFor: (i: number) => string, requests: number, concurrency: number): Promise<Measured> {
  const times: number[] = [];
  let hits = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests) {
      const i = next++;
      const t = performance.now();
      const res = await fetch(`${base}${urlFor(i)}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { totalResults?: number };
      times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${urlFor(i)} answered ${res.status}: ${JSON.stringify(body)}`);
      hits += body.totalResults ?? 0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), hits: hits / requests };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { users: { type: 'string', default: '100000' }, requests: { type: 'string', default: '1000' } } });
  const total = Number(values.users);
  const requests = Number(values.requests);
  const log = createLogger('warn');
  const stops: Array<() => Promise<void>> = [];
  try {
    const scratch = await scratchDatabase('scim', log);
    stops.push(scratch.drop);
    const { db, tmp, url } = scratch;
    const org = await createOrg(db, 'bench');
    const started = Date.now();
    await seed(db, org.id, total);
    const seedSeconds = (Date.now() - started) / 1000;
    const { secret: token } = await createCredential(db, { orgId: org.id, kind: 'scim_token', name: 'bench' });

    // Temporal is never called by SCIM routes; the lazy client never connects to this address.
    const config = loadConfig({ DATABASE_URL: url, TEMPORAL_ADDRESS: '127.0.0.1:7233', AEGIS_DATA_DIR: tmp, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    const gateway = await startGateway(config, { api: true, worker: false, embedded: false, migrate: false, bootstrap: false, log: createLogger('error') });
    stops.push(() => gateway.shutdown());
    const base = gateway.url!;

    const pick = (i: number): number => 1 + ((i * 7919 + 13) % total);
    // Reference rows (a broad prefix, a substring scan) run a fifth of the requests: they are slow by design.
    const cases: Array<{ name: string; filter: (i: number) => string; share?: number }> = [
      { name: 'userName eq', filter: (i) => `userName eq "USER${pick(i)}@bench.example"` },
      { name: 'userName sw (≤ 11 matches)', filter: (i) => `userName sw "user${1000 + (pick(i) % 9000)}"` },
      { name: 'emails.value eq', filter: (i) => `emails.value eq "First.Last${pick(i)}@corp.example"` },
      { name: 'externalId eq', filter: (i) => `externalId eq "ext-${pick(i)}"` },
      { name: 'emails[type eq "work"].value eq', filter: (i) => `emails[type eq "work"].value eq "first.last${pick(i)}@corp.example"` },
      { name: 'userName sw "user1" (11,112 matches, first page)', filter: () => 'userName sw "user1"', share: 5 },
      { name: 'displayName co (substring: scans the org)', filter: (i) => `displayName co "${pick(i)}"`, share: 5 },
    ];
    const urlOf = (f: string): string => `/scim/v2/Users?filter=${encodeURIComponent(f)}&count=100`;
    // Warm up: JIT, credential cache, connection pool, plan caches.
    for (const c of cases) await measure(base, token, (i) => urlOf(c.filter(i)), 50, 4);

    const rows: string[] = [];
    for (const c of cases) {
      const n = Math.ceil(requests / (c.share ?? 1));
      const one = await measure(base, token, (i) => urlOf(c.filter(i)), n, 1);
      const eight = await measure(base, token, (i) => urlOf(c.filter(i + n)), n, 8);
      const plan = await accessPath(db, org.id, c.filter(0));
      rows.push(`| \`${c.name}\` | ${fmt(one.hits, 1)} | ${fmt(one.p50, 1)} | ${fmt(one.p99, 1)} | ${fmt(eight.p50, 1)} | ${fmt(eight.p99, 1)} | ${plan} |`);
    }
    console.log(`\nSCIM filters over HTTP — ${fmt(total)} users in one org (seeded in ${fmt(seedSeconds, 1)} s), ${fmt(requests)} requests per row (reference rows ${fmt(Math.ceil(requests / 5))}), ${os.cpus().length} CPUs, Node ${process.version}\n`);
    console.log('| GET /scim/v2/Users?filter= | results | p50 ms (1 client) | p99 ms (1 client) | p50 ms (8 clients) | p99 ms (8 clients) | access path |');
    console.log('|---|---:|---:|---:|---:|---:|---|');
    for (const r of rows) console.log(r);
    console.log('\nTarget: p50 ≤ 50 ms for userName eq / sw and emails.value eq.');
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
