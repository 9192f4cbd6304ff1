import type { Db } from '../db/knex.js';
import type { Logger } from '../log.js';
import { nextPeriodStart, periodStart } from './plans.js';

export type UsageKind = 'checks' | 'traces';

const day = (d: Date): string => d.toISOString().slice(0, 10);
const keyOf = (orgId: string, period: string, kind: UsageKind): string => `${orgId}|${period}|${kind}`;

// One statement per flush for every org and kind counted since the last one; it returns the new
// totals, which include what other replicas have added.
const ADD = `
  insert into usage_counters (org_id, period, kind, count)
  select org_id, period, kind, count from json_to_recordset(?::json) as r(org_id uuid, period date, kind text, count bigint)
  on conflict (org_id, period, kind) do update set count = usage_counters.count + excluded.count, updated_at = now()
  returning org_id, to_char(period, 'YYYY-MM-DD') as period, kind, count`;

/**
 * UsageMeter counts each org's checks and traces per calendar month (UTC) in memory and adds the
 * counts to `usage_counters` in one statement every `flushMs`, so counting costs no database round
 * trip. `used()` is what the database held at this replica's last read or write plus what this
 * replica has counted since: usage on other replicas shows up within about one flush interval of
 * their counting it, which is how far a quota can be overrun across replicas.
 */
export class UsageMeter {
  private pending = new Map<string, number>();
  private flushing = new Map<string, number>();
  /** Totals in the database (every replica's) as of this replica's last read or write. */
  private readonly known = new Map<string, number>();
  private readonly loads = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private currentPeriod = '';
  private periodBegins = 0;
  private periodEnds = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: { flushMs: number; now: () => Date } = { flushMs: 1_000, now: () => new Date() },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.flushMs);
    this.timer.unref();
  }

  /** stop writes what is still counted (shutdown): after a flush already in flight, once more for what came since. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (let attempt = 0; attempt < 3 && (this.inFlight !== undefined || this.pending.size > 0); attempt++) await this.flush();
    if (this.pending.size > 0) this.log.error({ counters: this.pending.size }, 'usage counts could not be written at shutdown');
  }

  add(orgId: string, kind: UsageKind, n: number): void {
    const key = keyOf(orgId, this.period(), kind);
    this.pending.set(key, (this.pending.get(key) ?? 0) + n);
  }

  /** period is this month's first day (YYYY-MM-DD), recomputed only when the month changes (add() is on every request). */
  private period(): string {
    const now = this.opts.now().getTime();
    if (now >= this.periodEnds || now < this.periodBegins) {
      const start = periodStart(new Date(now));
      this.currentPeriod = day(start);
      this.periodBegins = start.getTime();
      this.periodEnds = nextPeriodStart(start).getTime();
    }
    return this.currentPeriod;
  }

  /** used returns an org's usage of this month (one database read per org and month, then memory). */
  async used(orgId: string, kind: UsageKind): Promise<number> {
    const period = this.period();
    const key = keyOf(orgId, period, kind);
    if (!this.known.has(key)) await this.load(orgId, period);
    return (this.known.get(key) ?? 0) + (this.flushing.get(key) ?? 0) + (this.pending.get(key) ?? 0);
  }

  /** read returns an org's usage of this month as the database holds it now, plus what this replica has not written yet. */
  async read(orgId: string): Promise<Record<UsageKind, number>> {
    const period = this.period();
    const stored = await this.select(orgId, period);
    const total = (kind: UsageKind): number => {
      const key = keyOf(orgId, period, kind);
      return stored[kind] + (this.flushing.get(key) ?? 0) + (this.pending.get(key) ?? 0);
    };
    return { checks: total('checks'), traces: total('traces') };
  }

  private async select(orgId: string, period: string): Promise<Record<UsageKind, number>> {
    const rows = (await this.db('usage_counters').select('kind', 'count').where({ org_id: orgId, period })) as Array<{ kind: UsageKind; count: number }>;
    return { checks: rows.find((r) => r.kind === 'checks')?.count ?? 0, traces: rows.find((r) => r.kind === 'traces')?.count ?? 0 };
  }

  private load(orgId: string, period: string): Promise<void> {
    const loadKey = `${orgId}|${period}`;
    const running = this.loads.get(loadKey);
    if (running) return running;
    const load = (async () => {
      const stored = await this.select(orgId, period);
      for (const kind of ['checks', 'traces'] as const) {
        const key = keyOf(orgId, period, kind);
        // A flush that answered meanwhile knows a newer total (this read may predate it).
        if (!this.known.has(key)) this.known.set(key, stored[kind]);
      }
    })().finally(() => this.loads.delete(loadKey));
    this.loads.set(loadKey, load);
    return load;
  }

  /** flush adds the counts of this replica to the database; on failure they are kept for the next one. */
  flush(): Promise<void> {
    this.inFlight ??= this.write().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    this.flushing = this.pending;
    this.pending = new Map();
    const rows = [...this.flushing].map(([key, count]) => {
      const [org_id, period, kind] = key.split('|');
      return { org_id, period, kind, count };
    });
    try {
      const result = (await this.db.raw(ADD, [JSON.stringify(rows)])) as { rows: Array<{ org_id: string; period: string; kind: UsageKind; count: number }> };
      for (const r of result.rows) this.known.set(keyOf(r.org_id, r.period, r.kind), r.count);
      this.flushing = new Map();
      // Totals of past months are no longer consulted.
      const current = this.period();
      for (const key of this.known.keys()) if (key.split('|')[1] !== current) this.known.delete(key);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, rows: rows.length }, 'could not write usage counters; keeping them for the next flush');
      for (const [key, count] of this.flushing) this.pending.set(key, (this.pending.get(key) ?? 0) + count);
      this.flushing = new Map();
    }
  }
}
