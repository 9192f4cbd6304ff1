/**
 * BoundedMap is a string-keyed map that holds at most `capacity` entries and evicts the least
 * recently touched one. It keeps memory per agent bounded whatever the agent sends; eviction order is
 * the map's insertion order, so it is deterministic and survives toJSON/fromJSON.
 */
export class BoundedMap<V> {
  private readonly map = new Map<string, V>();

  /** Requires capacity >= 1. */
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  /** peek reads an entry without marking it as used (scoring must not change the model). */
  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  /** touch reads an entry and marks it as the most recently used. */
  touch(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** set stores an entry as the most recently used, evicting the least recently used one when full. */
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  /** entries, least recently used first (the order toJSON must keep). */
  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }
}
