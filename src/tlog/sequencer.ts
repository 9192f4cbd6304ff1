import type { KeyObject } from 'node:crypto';
import type { Db } from '../db/knex.js';
import type { PgListener } from '../db/notifications.js';
import type { Logger } from '../log.js';
import { appendNodes } from './compact.js';
import { EMPTY_ROOT } from './hash.js';
import { formatCheckpoint, signNote } from './note.js';
import { rootNodes } from './proof.js';
import { readNodes } from './store.js';

export const TLOG_CHANNEL = 'aegis_tlog';
/** Notified (payload: org id) when an org's log gets a new checkpoint. */
export const TLOG_HEAD_CHANNEL = 'aegis_tlog_head';
const LOCK_KEY = 'aegis:tlog-sequencer';

/** LogSigner names and signs each org's log: origin = key name = `<AEGIS_LOG_ORIGIN>/<org id>`. */
export class LogSigner {
  constructor(
    private readonly originPrefix: string,
    readonly key: KeyObject,
  ) {}

  origin(orgId: string): string {
    return `${this.originPrefix}/${orgId}`;
  }

  checkpoint(orgId: string, size: number, root: Uint8Array): string {
    const origin = this.origin(orgId);
    return signNote(formatCheckpoint(origin, size, root), origin, this.key);
  }
}

interface Queued {
  seq: string;
  org_id: string;
}

/**
 * ensureEmptyCheckpoint signs (once, and keeps) the size-0 checkpoint of an org whose log is empty,
 * so the STH endpoint never signs on read.
 */
export async function ensureEmptyCheckpoint(db: Db, signer: LogSigner, orgId: string): Promise<void> {
  await db('tlog_checkpoints')
    .insert({ org_id: orgId, tree_size: 0, root_hash: EMPTY_ROOT, note: signer.checkpoint(orgId, 0, EMPTY_ROOT) })
    .onConflict(['org_id', 'tree_size'])
    .ignore();
}

/**
 * Sequencer integrates queued entries into each org's log: one replica at a time (a transaction-level
 * advisory lock), all of a pass in one transaction — leaf indexes assigned, complete nodes and a
 * signed checkpoint stored, queue rows deleted — so a crash mid-way leaves the queue as it was and
 * can never fork the log. Runs every `intervalMs` and whenever an entry is queued, starting at most one pass
 * every `minGapMs`.
 */
export class Sequencer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastStart = 0;
  private deferred: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    listener: PgListener | undefined,
    private readonly signer: LogSigner,
    private readonly log: Logger,
    private readonly opts: { intervalMs: number; maxBatch: number; minGapMs?: number } = { intervalMs: 250, maxBatch: 20_000, minGapMs: 100 },
  ) {
    listener?.on(TLOG_CHANNEL, () => this.wake());
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.opts.intervalMs);
    this.timer.unref();
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Under load every check batch notifies: passes start at most every minGapMs, so each takes a
    // larger share of the queue (one transaction and one signed checkpoint per pass, not per batch).
    const wait = this.lastStart + (this.opts.minGapMs ?? 0) - Date.now();
    if (wait > 0) {
      this.deferred ??= setTimeout(() => {
        this.deferred = undefined;
        this.wake();
      }, wait);
      return;
    }
    this.lastStart = Date.now();
    this.running = this.integrate()
      .then((n) => {
        if (n === this.opts.maxBatch) this.again = true;
      })
      .catch((err: Error) => this.log.warn({ err: err.message }, 'transparency log integration failed; will retry'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.wake());
        }
      });
  }

  /** integrate runs one pass and returns how many entries it integrated (0 if another replica holds the lock). */
  async integrate(): Promise<number> {
    return this.db.transaction(async (trx) => {
      const { rows } = (await trx.raw('select pg_try_advisory_xact_lock(hashtext(?)) as locked', [LOCK_KEY])) as { rows: Array<{ locked: boolean }> };
      if (!rows[0]?.locked) return 0;
      // Only sequence numbers travel: each entry's data goes from the queue to its leaf inside the server.
      const queued = (await trx('tlog_queue').select('seq', 'org_id').orderBy('seq').limit(this.opts.maxBatch)) as Queued[];
      if (queued.length === 0) return 0;
      const byOrg = new Map<string, Queued[]>();
      for (const q of queued) {
        const list = byOrg.get(q.org_id);
        if (list) list.push(q);
        else byOrg.set(q.org_id, [q]);
      }
      for (const [orgId, entries] of byOrg) await this.integrateOrg(trx, orgId, entries);
      await trx.raw('delete from tlog_queue where seq = any(?::bigint[])', [queued.map((q) => q.seq)]);
      return queued.length;
    });
  }

  private async integrateOrg(trx: Db, orgId: string, entries: Queued[]): Promise<void> {
    const head = (await trx('tlog_heads').select('tree_size').where({ org_id: orgId }).first()) as { tree_size: number } | undefined;
    const size = head?.tree_size ?? 0;
    const spans = rootNodes(size);
    const stored = await readNodes(trx, orgId, spans);
    const frontier = spans.map((s) => {
      const h = stored.get(`${s.level}/${s.index}`);
      if (!h) throw new Error(`log of org ${orgId} lacks node ${s.level}/${s.index} of its frontier at size ${size}`);
      return h;
    });
    // The leaves are filled from the queue rows by PostgreSQL (leaf hash = SHA-256(0x00 ‖ UTF-8 data),
    // RFC 9162 §2.1.1), in queue order, and only their hashes come back to build the tree: the entries'
    // data is never read into the gateway nor sent back.
    const { rows: leaves } = (await trx.raw(
      // integrated_at is the clock at the insert, not the transaction's start (now()): the pass may take
      // entries committed after it began, which must not read as integrated before they were decided.
      `insert into tlog_leaves (org_id, leaf_index, leaf_hash, kind, ref_id, data, integrated_at)
       select q.org_id, ?::bigint + w.ord - 1, sha256(decode('00', 'hex') || convert_to(q.data, 'UTF8')), q.kind, q.ref_id, q.data, clock_timestamp()
       from unnest(?::bigint[]) with ordinality as w(seq, ord) join tlog_queue q on q.seq = w.seq
       returning leaf_index, leaf_hash`,
      [size, entries.map((e) => e.seq)],
    )) as { rows: Array<{ leaf_index: string; leaf_hash: Buffer }> };
    if (leaves.length !== entries.length) throw new Error(`log of org ${orgId}: ${entries.length} queued entries gave ${leaves.length} leaves`);
    const hashes: Buffer[] = new Array<Buffer>(leaves.length);
    for (const l of leaves) hashes[Number(l.leaf_index) - size] = l.leaf_hash;
    const { newNodes, newSize, root } = appendNodes(size, frontier, hashes);
    await trx.raw(
      `insert into tlog_nodes (org_id, level, idx, hash)
       select ?, r.l, r.i, decode(r.h, 'hex') from json_to_recordset(?::json) as r(l smallint, i bigint, h text)`,
      [orgId, JSON.stringify(newNodes.map((n) => ({ l: n.level, i: n.index, h: n.hash.toString('hex') })))],
    );
    await trx('tlog_checkpoints').insert({ org_id: orgId, tree_size: newSize, root_hash: root, note: this.signer.checkpoint(orgId, newSize, root), created_at: trx.raw('clock_timestamp()') });
    await trx.raw(
      `insert into tlog_heads (org_id, tree_size, root_hash, updated_at) values (?, ?, ?, clock_timestamp())
       on conflict (org_id) do update set tree_size = excluded.tree_size, root_hash = excluded.root_hash, updated_at = excluded.updated_at`,
      [orgId, newSize, root],
    );
    await trx.raw('select pg_notify(?, ?)', [TLOG_HEAD_CHANNEL, orgId]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.deferred) clearTimeout(this.deferred);
    await this.running;
  }
}
