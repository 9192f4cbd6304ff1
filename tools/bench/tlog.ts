/**
 * Transparency-log benchmark: integration throughput (leaves/s) while growing one org's log to
 * 1,000,000 leaves, then inclusion- and consistency-proof latency at that size.
 *
 *   npm run build && node dist/tools/bench/tlog.js [--leaves 1000000] [--batch 20000]
 *
 * Uses DATABASE_URL if set (a scratch database is created there), else an embedded PostgreSQL in a
 * temporary directory.
 */
import { generateKeyPairSync } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createLogger } from '../../src/log.js';
import { createOrg } from '../../src/orgs/orgs.js';
import { verifyConsistency, verifyInclusion } from '../../src/tlog/proof.js';
import { LogSigner, Sequencer } from '../../src/tlog/sequencer.js';
import { consistencyProof, inclusionProof, latestHead } from '../../src/tlog/store.js';
import { fmt, scratchDatabase } from './lib.js';

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { leaves: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '20000' }, proofs: { type: 'string', default: '2000' } } });
  const total = Number(values.leaves);
  const batch = Number(values.batch);
  const log = createLogger('warn');
  const stops: Array<() => Promise<void>> = [];
  try {
    const scratch = await scratchDatabase('tlog', log, process.env.BENCH_PG_SHARED_BUFFERS ? { shared_buffers: process.env.BENCH_PG_SHARED_BUFFERS } : {});
    stops.push(scratch.drop);
    const { db } = scratch;
    const org = await createOrg(db, 'bench');
    const signer = new LogSigner('bench.local/log', generateKeyPairSync('ed25519').privateKey);
    const sequencer = new Sequencer(db, undefined, signer, log, { intervalMs: 1_000_000, maxBatch: batch });

    let integrated = 0;
    let integrateMs = 0;
    const started = Date.now();
    while (integrated < total) {
      const n = Math.min(batch, total - integrated);
      // Queue one batch of decision-sized leaves (~300 bytes of canonical JSON each).
      await db.raw(
        `insert into tlog_queue (org_id, kind, ref_id, data)
         select ?, 'decision', null, '{"agent_id":"bench","arguments_sha256":"' || md5(g::text) || md5(g::text) || '","check_id":"' || gen_random_uuid() || '","decided_at":"2026-11-28T00:00:00.000Z","decided_by":"policy","decision":"allow","org_id":"${org.id}","policy_name":"sql-injection","risk_level":"LOW","tool_name":"db_query"}'
         from generate_series(?::bigint, ?::bigint) g`,
        [org.id, integrated, integrated + n - 1],
      );
      const t = performance.now();
      const done = await sequencer.integrate();
      integrateMs += performance.now() - t;
      if (done !== n) throw new Error(`integrated ${done}, expected ${n}`);
      integrated += n;
      if (integrated % 100_000 === 0) process.stderr.write(`  ${fmt(integrated)} leaves (${fmt((integrated * 1000) / integrateMs)} leaves/s integrating)\n`);
    }
    // As the API does: the latest checkpoint comes from memory, so a proof is one indexed query.
    const head = (await latestHead(db, org.id))!;
    const kept = ((await db('tlog_checkpoints').select('tree_size').where({ org_id: org.id }).orderBy('tree_size')) as Array<{ tree_size: number }>).map((r) => r.tree_size).filter((s) => s > 0);

    const inclusion: number[] = [];
    for (let i = 0; i < Number(values.proofs); i++) {
      const index = Math.floor(Math.random() * head.tree_size);
      const t = performance.now();
      const p = await inclusionProof(db, org.id, index, undefined, head);
      inclusion.push(performance.now() - t);
      if (i < 50) verifyInclusion(p.leaf_hash, index, p.tree_size, p.audit_path, p.root_hash);
    }
    const consistency: number[] = [];
    for (let i = 0; i < Number(values.proofs); i++) {
      const a = kept[Math.floor(Math.random() * kept.length)]!;
      const c = kept[Math.floor(Math.random() * kept.length)]!;
      const [first, second] = a <= c ? [a, c] : [c, a];
      const t = performance.now();
      const p = await consistencyProof(db, org.id, first, second, head);
      consistency.push(performance.now() - t);
      if (i < 50) verifyConsistency(first, second, p.consistency, p.first_root_hash, p.second_root_hash);
    }
    inclusion.sort((x, y) => x - y);
    consistency.sort((x, y) => x - y);
    console.log(`\nTransparency log — ${fmt(total)} leaves in batches of ${fmt(batch)}, ${os.cpus().length} CPUs\n`);
    console.log('| measure | value |');
    console.log('|---|---:|');
    console.log(`| integration (sequencer transactions only) | ${fmt((total * 1000) / integrateMs)} leaves/s |`);
    console.log(`| wall clock incl. queueing the leaves | ${fmt((Date.now() - started) / 1000, 1)} s |`);
    console.log(`| inclusion proof at ${fmt(head.tree_size)} leaves, p50 / p99 | ${fmt(pct(inclusion, 50), 2)} / ${fmt(pct(inclusion, 99), 2)} ms |`);
    console.log(`| consistency proof between kept sizes, p50 / p99 | ${fmt(pct(consistency, 50), 2)} / ${fmt(pct(consistency, 99), 2)} ms |`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
