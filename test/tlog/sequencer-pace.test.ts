import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/knex.js';
import type { PgListener } from '../../src/db/notifications.js';
import { createLogger } from '../../src/log.js';
import { LogSigner, Sequencer, TLOG_CHANNEL } from '../../src/tlog/sequencer.js';

/** Records when passes start instead of running them against a database. */
class PassRecorder extends Sequencer {
  readonly starts: number[] = [];
  override async integrate(): Promise<number> {
    this.starts.push(Date.now());
    await new Promise((r) => setTimeout(r, 5));
    return 1;
  }
}

describe('the sequencer under a stream of notifications', () => {
  it('starts passes at most every minGapMs and loses no wake-up', async () => {
    const listener = new EventEmitter();
    const seq = new PassRecorder(undefined as unknown as Db, listener as unknown as PgListener, {} as LogSigner, createLogger('silent'), { intervalMs: 60_000, maxBatch: 10, minGapMs: 100 });
    const until = Date.now() + 450;
    let lastNotify = 0;
    while (Date.now() < until) {
      listener.emit(TLOG_CHANNEL, { payload: '' });
      lastNotify = Date.now();
      await new Promise((r) => setTimeout(r, 3));
    }
    await new Promise((r) => setTimeout(r, 250));
    await seq.stop();
    expect(seq.starts.length).toBeGreaterThanOrEqual(3);
    expect(seq.starts.length).toBeLessThanOrEqual(6);
    // Timed inside each pass, a few ms after the sequencer's own start time (a GC pause in between under a
    // busy CI run measured 97): without pacing the gaps would be ~8 ms (5 ms passes, 3 ms notifications).
    for (let i = 1; i < seq.starts.length; i++) expect(seq.starts[i]! - seq.starts[i - 1]!).toBeGreaterThanOrEqual(90);
    // The entries of the last notification are picked up by a pass that starts after it.
    expect(seq.starts.at(-1)!).toBeGreaterThanOrEqual(lastNotify);
  });
});
