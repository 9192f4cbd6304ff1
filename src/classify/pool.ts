import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { Classification } from './types.js';
import type { ClassifyAnswer, ClassifyJob } from './worker.js';

/**
 * Calls with at least this many characters of strings are classified off the event loop. 16 KB:
 * adversarial content costs the detectors up to ~3 µs per character (a 62 KB nest of parentheses took
 * PostgreSQL's parser 0.2 s), so a larger call would hold every org's checks for tens of milliseconds.
 */
export const LARGE_CALL_CHARS = 16 * 1024;

/** stringChars counts the characters of the strings (and member names) in a value, stopping once past `limit`. */
export function stringChars(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= limit) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length;
    else if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        total += k.length;
        stack.push(child);
      }
    }
  }
  return total;
}

interface Slot {
  worker: Worker;
  /** The ids of the jobs it holds. */
  jobs: Set<number>;
}

interface Pending {
  resolve: (r: { classification: Classification; masked?: Record<string, unknown> }) => void;
  reject: (err: Error) => void;
}

/**
 * workerScript is the compiled worker beside this module, or — when this module runs from its
 * TypeScript source (the test suite) — the built one under dist/.
 */
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const candidates = here.endsWith('.js') ? [path.join(path.dirname(here), 'worker.js')] : [path.resolve(path.dirname(here), '..', '..', 'dist', 'src', 'classify', 'worker.js')];
  return candidates.find((p) => fs.existsSync(p));
}

/**
 * ClassifierPool classifies large tool calls in worker threads, one call per worker at a time, and
 * masks their secrets there too. It never changes an answer: a pool that cannot start or a worker
 * that fails leaves the caller to classify on its own thread.
 */
export class ClassifierPool {
  private readonly workers: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly size = Math.max(1, Math.min(2, os.cpus().length - 1)),
    private readonly script = workerScript(),
  ) {}

  /** available: the pool can take work (its worker script exists and it is not closed). */
  get available(): boolean {
    return !this.closed && this.script !== undefined;
  }

  classify(toolName: string, args: Record<string, unknown>): Promise<{ classification: Classification; masked?: Record<string, unknown> }> {
    if (!this.available) return Promise.reject(new Error('the classifier pool is not running'));
    const slot = this.slot();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.jobs.add(id);
      slot.worker.postMessage({ id, toolName, args } satisfies ClassifyJob);
    });
  }

  /** slot is the least busy worker, started while the pool has fewer than `size`. */
  private slot(): Slot {
    const idle = this.workers.find((w) => w.jobs.size === 0);
    if (idle) return idle;
    if (this.workers.length >= this.size) return this.workers.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    const slot: Slot = { worker: new Worker(this.script!), jobs: new Set() };
    slot.worker.on('message', (answer: ClassifyAnswer) => {
      slot.jobs.delete(answer.id);
      const p = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (!p) return;
      if ('error' in answer) p.reject(new Error(answer.error));
      else p.resolve({ classification: answer.classification, masked: answer.masked });
    });
    // A worker that dies fails its own jobs (their callers classify on their own thread) and is replaced on demand.
    const fail = (err: Error): void => {
      const i = this.workers.indexOf(slot);
      if (i < 0 && slot.jobs.size === 0) return; // 'error' and then 'exit': told once

      if (i >= 0) this.workers.splice(i, 1);
      for (const id of slot.jobs) {
        this.pending.get(id)?.reject(err);
        this.pending.delete(id);
      }
      slot.jobs.clear();
      if (!this.closed) this.log.warn({ err: err.message }, 'a classifier worker stopped; the next large call starts another');
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`classifier worker exited with code ${code}`)));
    slot.worker.unref();
    this.workers.push(slot);
    return slot;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
