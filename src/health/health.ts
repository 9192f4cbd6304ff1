import type { Connection } from '@temporalio/client';
import { pendingMigrations, type Db } from '../db/knex.js';
import { VERSION } from '../version.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptime_seconds: number;
  db: { reachable: boolean; latency_ms: number | null };
  temporal: { reachable: boolean };
}

export interface Readiness {
  ready: boolean;
  db: boolean;
  temporal: boolean;
  migrations: { done: boolean; pending: string[] };
}

const startedAt = Date.now();
const PROBE_TIMEOUT_MS = 1_500;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * HealthProbe answers /health and /ready. Results are reused for 500 ms so an unauthenticated
 * flood of probes costs at most a couple of queries per second.
 */
export class HealthProbe {
  private migrationsDone = false;
  private cached: { at: number; value: Promise<{ db: HealthReport['db']; temporal: boolean }> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly temporal: Connection | undefined,
  ) {}

  private probe(): Promise<{ db: HealthReport['db']; temporal: boolean }> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < 500) return this.cached.value;
    const value = Promise.all([this.probeDb(), this.probeTemporal()]).then(([db, temporal]) => ({ db, temporal }));
    this.cached = { at: now, value };
    return value;
  }

  private async probeDb(): Promise<HealthReport['db']> {
    const start = process.hrtime.bigint();
    try {
      await withTimeout(this.db.raw('select 1'), PROBE_TIMEOUT_MS);
      return { reachable: true, latency_ms: Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100 };
    } catch {
      return { reachable: false, latency_ms: null };
    }
  }

  private async probeTemporal(): Promise<boolean> {
    const connection = this.temporal;
    if (!connection) return false;
    try {
      const res = await withTimeout(
        connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () => connection.healthService.check({})),
        PROBE_TIMEOUT_MS + 200,
      );
      return res.status === 1; // SERVING
    } catch {
      return false;
    }
  }

  async health(): Promise<HealthReport> {
    const { db, temporal } = await this.probe();
    return {
      status: db.reachable && temporal ? 'ok' : 'degraded',
      version: VERSION,
      uptime_seconds: Math.floor((Date.now() - startedAt) / 1000),
      db,
      temporal: { reachable: temporal },
    };
  }

  async readiness(): Promise<Readiness> {
    const { db, temporal } = await this.probe();
    let pending: string[] = [];
    if (!this.migrationsDone && db.reachable) {
      try {
        pending = await withTimeout(pendingMigrations(this.db), PROBE_TIMEOUT_MS);
        this.migrationsDone = pending.length === 0;
      } catch {
        pending = ['(unknown: the migration table could not be read)'];
      }
    }
    const migrations = { done: this.migrationsDone, pending };
    return { ready: db.reachable && temporal && migrations.done, db: db.reachable, temporal, migrations };
  }
}
