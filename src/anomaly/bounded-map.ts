interface Slot<V> {
  value: V;
  used: number;
}

/**
 * BoundedMap is a string-keyed map that holds at most `capacity` entries and evicts the least
 * recently used one. It keeps memory per agent bounded whatever the agent sends. Recency is a
 * counter stamped on use (no reordering on the hot path); eviction scans for the oldest stamp, which
 * only happens when a new key arrives at capacity. `entries()` lists least recently used first, and
 * rebuilding a map by `set` in that order reproduces its evictions exactly.
 */
export class BoundedMap<V> {
  private readonly map = new Map<string, Slot<V>>();
  private clock = 0;

  /** Requires capacity >= 1. */
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  /** peek reads an entry without marking it as used (scoring must not change the model). */
  peek(key: string): V | undefined {
    return this.map.get(key)?.value;
  }

  /** touch reads an entry and marks it as the most recently used. */
  touch(key: string): V | undefined {
    const slot = this.map.get(key);
    if (slot === undefined) return undefined;
    slot.used = ++this.clock;
    return slot.value;
  }

  /** set stores an entry as the most recently used, evicting the least recently used one when full. */
  set(key: string, value: V): void {
    const slot = this.map.get(key);
    if (slot !== undefined) {
      slot.value = value;
      slot.used = ++this.clock;
      return;
    }
    if (this.map.size >= this.capacity) this.evictOldest();
    this.map.set(key, { value, used: ++this.clock });
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  /** entries, least recently used first (the order toJSON must keep). */
  entries(): Array<[string, V]> {
    return [...this.map.entries()].sort((a, b) => a[1].used - b[1].used).map(([k, s]) => [k, s.value]);
  }

  /** keys, least recently used first. */
  keys(): string[] {
    return this.entries().map(([k]) => k);
  }

  private evictOldest(): void {
    let oldest: string | undefined;
    let stamp = Infinity;
    for (const [key, slot] of this.map) {
      if (slot.used < stamp) {
        stamp = slot.used;
        oldest = key;
      }
    }
    if (oldest !== undefined) this.map.delete(oldest);
  }
}
