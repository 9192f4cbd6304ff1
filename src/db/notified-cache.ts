import type { PgListener } from './notifications.js';

interface Entry<V> {
  value: Promise<V>;
  loadedAt: number;
}

/**
 * NotifiedCache keeps per-key values (an org's compiled policies, its settings) in memory and drops
 * a key when PostgreSQL notifies its channel with that key, so a change committed by any replica
 * takes effect on this one before its next use. Concurrent misses share one load. While the LISTEN
 * connection is down, entries are reloaded after `fallbackTtlMs`; if the database cannot be reached
 * either, the last value loaded is used (nothing can change while the database is down).
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly lastGood = new Map<string, V>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly listener: PgListener,
    channel: string,
    private readonly load: (key: string) => Promise<V>,
    private readonly fallbackTtlMs = 1_000,
  ) {
    listener.on(channel, (key) => this.invalidate(key));
    listener.onDisconnect(() => this.clear());
  }

  get(key: string): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && (this.listener.connected || Date.now() - hit.loadedAt < this.fallbackTtlMs)) return hit.value;
    const generation = this.generations.get(key) ?? 0;
    const value = this.load(key).then(
      (v) => {
        this.lastGood.set(key, v);
        return v;
      },
      (err: unknown) => {
        if (!this.listener.connected && this.lastGood.has(key)) return this.lastGood.get(key)!;
        throw err;
      },
    );
    const entry = { value, loadedAt: Date.now() };
    this.entries.set(key, entry);
    value.then(
      () => {
        // Invalidated while loading: the value may predate the change; let the next call reload.
        if ((this.generations.get(key) ?? 0) !== generation && this.entries.get(key) === entry) this.entries.delete(key);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  /** invalidate drops a key now (the writing replica calls it without waiting for the notification). */
  invalidate(key: string): void {
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.entries.delete(key);
    this.lastGood.delete(key);
  }

  clear(): void {
    for (const key of this.entries.keys()) this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.entries.clear();
  }
}
