const zipfTables = new Map<string, number[]>();

/** The cumulative Zipf weights 1/(i+1)^s of n items. */
function zipfTable(n: number, s: number): number[] {
  const key = `${n}:${s}`;
  let table = zipfTables.get(key);
  if (table === undefined) {
    table = [];
    let total = 0;
    for (let i = 0; i < n; i++) table.push((total += 1 / Math.pow(i + 1, s)));
    zipfTables.set(key, table);
  }
  return table;
}

/**
 * A seeded pseudo-random generator (mulberry32) for the anomaly scenarios: the same seed gives the
 * same calls on every machine and Node version.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** fork derives an independent generator for a named sub-stream (an agent, a persona). */
  fork(label: string): Random {
    let h = this.state ^ 0x9e3779b9;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x85ebca6b) ^ (h >>> 13);
    return new Random(h);
  }

  /** next is uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** int is uniform in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** zipf picks items[i] with weight 1/(i+1)^s: a few favourites and a long tail. */
  zipf<T>(items: readonly T[], s = 1): T {
    const cumulative = zipfTable(items.length, s);
    const u = this.next() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  }

  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let u = this.next() * total;
    for (const [item, w] of items) {
      u -= w;
      if (u <= 0) return item;
    }
    return items[items.length - 1]![0];
  }

  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k += 1;
      p *= this.next();
    }
    return k;
  }

  /** string of `n` characters drawn from `alphabet`. */
  string(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  hex(n: number): string {
    return this.string(n, '0123456789abcdef');
  }

  digits(n: number): string {
    return this.string(n, '0123456789');
  }

  /** word is a pronounceable lower-case word of 4–9 letters (for fresh domains, tables, names). */
  word(): string {
    const c = 'bcdfghjklmnprstvwz';
    const v = 'aeiou';
    let s = '';
    const n = this.int(2, 4);
    for (let i = 0; i < n; i++) s += this.pick([...c]) + this.pick([...v]);
    return this.chance(0.5) ? s + this.pick([...c]) : s;
  }
}
