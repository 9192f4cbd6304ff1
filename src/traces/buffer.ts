import pg from 'pg';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { TraceMasker } from './masking.js';

/** A trace accepted by the API, as it will be stored (before masking). */
export interface TraceRow {
  id: string;
  org_id: string;
  agent_id: string;
  tool_name: string;
  arguments: Record<string, unknown>;
  result: unknown;
  error: unknown;
  started_at: string;
  duration_ms: number;
  check_id: string | null;
  blocked: boolean;
  trace_id: string | null;
  span_id: string | null;
  metadata: Record<string, unknown>;
  received_at: string;
}

export interface TraceBufferOptions {
  /** Most traces held in memory (waiting or being written); beyond it, push() refuses with 429. */
  bufferMax: number;
  /** Traces per INSERT; a full batch is written at once. */
  batchSize: number;
  /** Longest a trace waits for its batch to fill, in milliseconds. */
  flushMs: number;
  /** Concurrent INSERTs. */
  writers?: number;
}

// The batch travels as one JSON parameter (see CheckWriter): JSON.stringify is native and
// PostgreSQL parses JSON in C.
const INSERT = `
  insert into traces (id, org_id, agent_id, tool_name, arguments, result, error, started_at, duration_ms, check_id, blocked, trace_id, span_id, metadata, received_at)
  select id, org_id, agent_id, tool_name, arguments, result, error, started_at, duration_ms, check_id, blocked, trace_id, span_id, metadata, received_at
  from json_to_recordset($1::json) as r(
    id uuid, org_id uuid, agent_id text, tool_name text, arguments json, result json, error json, started_at timestamptz,
    duration_ms double precision, check_id uuid, blocked boolean, trace_id text, span_id text, metadata json, received_at timestamptz)`;

/** serialize is a batch as the INSERT's parameter, with secrets masked. */
function serialize(rows: TraceRow[], masker: TraceMasker): string {
  return JSON.stringify(
    rows.map((r) => ({
      ...r,
      arguments: masker.mask(r.arguments),
      result: r.result === undefined ? null : masker.mask(r.result, 'result'),
      error: r.error === undefined ? null : masker.mask(r.error, 'error'),
      metadata: masker.mask(r.metadata),
    })),
  );
}

const sqlState = (err: unknown): string => (err as { code?: string }).code ?? '';
/** A permanent failure of the rows themselves (data exception, integrity violation): retrying the batch cannot help. */
const isRowError = (err: unknown): boolean => /^2[23]/.test(sqlState(err));

/**
 * TraceBuffer holds accepted traces in memory and writes them in batches — at once when
 * `batchSize` are waiting, else `flushMs` after the first — with up to `writers` INSERTs in flight,
 * committed without waiting for the WAL flush (synchronous_commit off). A failed batch goes back to
 * the front of the queue and is retried with backoff; a row PostgreSQL refuses is logged and
 * dropped alone. Memory is bounded: past `bufferMax` held traces, push() answers 429 so clients
 * back off. drain() (shutdown) writes everything held before closing the connections.
 *
 * What push() accepted is lost only if the process dies before its batch commits (about flushMs),
 * or PostgreSQL crashes within a fraction of a second after the commit.
 */
export class TraceBuffer {
  private queue: TraceRow[] = [];
  private writing = 0;
  private activeWriters = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 0;
  private draining = false;
  private readonly pool: pg.Pool;
  private readonly writers: number;
  private readonly masker = new TraceMasker();

  constructor(
    databaseUrl: string,
    private readonly log: Logger,
    private readonly opts: TraceBufferOptions,
  ) {
    this.writers = opts.writers ?? 2;
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: this.writers, application_name: 'aegis-trace-writer', options: '-c synchronous_commit=off' });
    this.pool.on('error', (err) => log.warn({ err: err.message }, 'trace writer connection error'));
  }

  /** size is the number of traces held: waiting for a batch, or being written. */
  get size(): number {
    return this.queue.length + this.writing;
  }

  /**
   * refusal is the 429 (503 while draining) for a request turned away before its body is parsed
   * and validated — most of what a refused batch costs — or undefined. The buffer sheds once less
   * than 2 % of it is free (at least one slot), so a small buffer sheds only when exactly full.
   */
  refusal(): AppError | undefined {
    if (this.draining) return this.drainingError();
    if (this.opts.bufferMax - this.size < Math.max(1, Math.floor(this.opts.bufferMax / 50))) return this.full('new requests are refused until some are written');
    return undefined;
  }

  /** assertRoom throws 429 RATE_LIMITED unless `count` more traces fit. */
  assertRoom(count: number): void {
    if (this.draining) throw this.drainingError();
    if (this.size + count > this.opts.bufferMax) throw this.full(`${count} more sent`);
  }

  private drainingError(): AppError {
    return new AppError('UNAVAILABLE', 'the gateway is shutting down; send the traces to another replica or retry');
  }

  private full(detail: string): AppError {
    return new AppError('RATE_LIMITED', `the trace buffer is full (${this.size} of ${this.opts.bufferMax} traces waiting to be written, ${detail}); retry shortly`, {
      retry_after_seconds: 1,
    });
  }

  /** push queues traces for writing (429 RATE_LIMITED when they do not fit). */
  push(rows: TraceRow[]): void {
    this.assertRoom(rows.length);
    for (const r of rows) this.queue.push(r);
    this.schedule();
  }

  private schedule(): void {
    if (this.retryTimer || this.queue.length === 0 || this.activeWriters >= this.writers) return;
    if (this.queue.length >= this.opts.batchSize || this.draining) {
      // Write in a task of its own: the request that filled the batch is answered first.
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.startWriters();
      });
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.startWriters();
      }, this.opts.flushMs);
    }
  }

  private startWriters(): void {
    while (!this.retryTimer && this.queue.length > 0 && this.activeWriters < this.writers) {
      void this.write(this.queue.splice(0, this.opts.batchSize));
    }
    this.schedule();
  }

  private async write(batch: TraceRow[]): Promise<void> {
    this.activeWriters++;
    this.writing += batch.length;
    try {
      try {
        await this.pool.query(INSERT, [serialize(batch, this.masker)]);
      } catch (err) {
        if (!isRowError(err)) throw err;
        await this.writeEach(batch);
      }
      this.retryDelayMs = 0;
    } catch (err) {
      // The database is unreachable (or failing): keep the batch, retry later.
      this.queue = batch.concat(this.queue);
      this.retryDelayMs = Math.min(Math.max(100, this.retryDelayMs * 2), 5_000);
      this.log.error({ err: (err as Error).message, traces: batch.length, retry_ms: this.retryDelayMs }, 'could not write traces; retrying');
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.schedule();
      }, this.retryDelayMs);
    } finally {
      this.activeWriters--;
      this.writing -= batch.length;
      this.schedule();
    }
  }

  /**
   * writeEach writes a batch that PostgreSQL refused row by row, dropping (and logging) only the
   * rows it refuses. A row already stored (a retried batch that committed before its connection
   * failed) is skipped quietly: the fast path has no ON CONFLICT clause, which costs a fifth of it.
   */
  private async writeEach(batch: TraceRow[]): Promise<void> {
    for (const row of batch) {
      try {
        await this.pool.query(INSERT, [serialize([row], this.masker)]);
      } catch (err) {
        if (!isRowError(err)) throw err;
        if (sqlState(err) === '23505') continue;
        this.log.error({ err: (err as Error).message, trace_id: row.id, org_id: row.org_id }, 'PostgreSQL refused a trace; dropped');
      }
    }
  }

  /**
   * drain writes every trace held, then closes the connections (shutdown). New traces are refused
   * meanwhile. Gives up after `timeoutMs` if the database cannot be reached, logging how many
   * traces are lost.
   */
  async drain(timeoutMs = 30_000): Promise<void> {
    this.draining = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.schedule();
    const deadline = Date.now() + timeoutMs;
    while (this.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (this.size > 0) this.log.error({ traces: this.size }, 'shutting down with traces that could not be written');
    clearTimeout(this.retryTimer);
    await this.pool.end();
  }
}
