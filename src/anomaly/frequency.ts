/** Pseudo-counts of the novelty estimate: before any evidence, the next value is taken to be new. */
const PRIOR_NEW = 1;
const PRIOR_ALL = 1;

/** What a FrequencyTable knows about one value. */
export interface FrequencyEstimate {
  /** Whether the value is in the table (seen, and not evicted since). */
  known: boolean;
  /** The value's decayed count (0 when unknown). */
  count: number;
  /** The decayed number of observations (or the caller's denominator). */
  total: number;
  /**
   * The probability that the next observation is a value not seen before: the decayed Good–Turing
   * estimate (weight of values seen exactly once) with add-one smoothing, so it starts at 1 and only
   * falls as the same values keep coming back.
   */
  novelty: number;
  /** The probability of this value: its smoothed frequency, never below `novelty` (for an unknown value, `novelty`). */
  probability: number;
}

interface Entry {
  count: number;
  /** The clock of the entry's last observation. */
  at: number;
  /** Observations, capped at 2: only "seen once" matters (Good–Turing singletons). */
  hits: number;
  /**
   * The eviction rank, ln(count) + at·ln 2 / halfLife: it orders entries as their decayed counts do
   * at any common clock, and does not change as the clock moves, so eviction needs no exp() or log().
   */
  rank: number;
}

/** The plain-JSON form of a FrequencyTable: scalars, then [value, count, clock, hits] in insertion order. */
export interface FrequencyTableJSON {
  clock: number;
  observations: number;
  total: number;
  singles: number;
  entries: Array<[string, number, number, number]>;
}

/**
 * FrequencyTable is a bounded, exponentially decaying categorical distribution with a novelty
 * estimate. Counts decay by `halfLife` ticks of a clock: by default the table's own observation
 * count; a caller may pass another clock (the agent's call count) so that several tables age together.
 * At most `capacity` values are kept: a new value at capacity evicts the one with the smallest decayed
 * count (ties: the earliest inserted), so favourites survive a stream of one-offs. An evicted value
 * that returns is new again, which only makes the table more tolerant of novelty, never less.
 */
export class FrequencyTable {
  private clock = 0;
  private observations = 0;
  private total = 0;
  private singles = 0;
  private readonly entries = new Map<string, Entry>();
  private readonly logDecay: number;

  /** Requires capacity >= 1 and halfLife > 0. */
  constructor(
    private readonly capacity: number,
    halfLife: number,
  ) {
    this.logDecay = -Math.LN2 / halfLife;
  }

  /** The undecayed number of observations. */
  get count(): number {
    return this.observations;
  }

  get size(): number {
    return this.entries.size;
  }

  has(value: string): boolean {
    return this.entries.has(value);
  }

  /** values, in insertion order. */
  values(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** totalAt is the decayed number of observations at `clock`. */
  totalAt(clock = this.observations): number {
    return this.total * this.decayFactor(clock - this.clock);
  }

  /**
   * estimate says how expected `value` is at `clock`, without changing the table.
   * `denominator` replaces the table's own decayed total (e.g. the agent's decayed call count, so
   * that "first e-mail recipient ever" after 3,000 calls is a 1-in-3,000 event, not 1-in-1).
   */
  estimate(value: string, clock = this.observations, denominator?: number): FrequencyEstimate {
    const factor = this.decayFactor(clock - this.clock);
    const total = denominator ?? this.total * factor;
    const novelty = Math.min(1, (this.singles * factor + PRIOR_NEW) / (total + PRIOR_ALL));
    const entry = this.entries.get(value);
    if (entry === undefined) return { known: false, count: 0, total, novelty, probability: novelty };
    const count = entry.count * this.decayFactor(clock - entry.at);
    return { known: true, count, total, novelty, probability: Math.max(novelty, Math.min(1, count / (total + PRIOR_ALL))) };
  }

  /** observe records one occurrence of `value` at `clock` (non-decreasing across calls). */
  observe(value: string, clock = this.observations): void {
    this.advance(clock);
    this.observations += 1;
    this.total += 1;
    const entry = this.entries.get(value);
    if (entry === undefined) {
      if (this.entries.size >= this.capacity) this.evictLeastFrequent();
      this.entries.set(value, { count: 1, at: this.clock, hits: 1, rank: this.rankOf(1, this.clock) });
      this.singles += 1;
      return;
    }
    if (entry.hits === 1) {
      // No longer a singleton: withdraw its (decayed) share of the novelty estimate.
      this.singles = Math.max(0, this.singles - this.decayFactor(this.clock - entry.at));
      entry.hits = 2;
    }
    entry.count = entry.count * this.decayFactor(this.clock - entry.at) + 1;
    entry.at = this.clock;
    entry.rank = this.rankOf(entry.count, this.clock);
  }

  toJSON(): FrequencyTableJSON {
    const entries: FrequencyTableJSON['entries'] = [];
    for (const [value, e] of this.entries) entries.push([value, e.count, e.at, e.hits]);
    return { clock: this.clock, observations: this.observations, total: this.total, singles: this.singles, entries };
  }

  /** restore loads a toJSON() result into an empty table built with the same capacity and half-life. */
  restore(json: FrequencyTableJSON): this {
    this.clock = json.clock;
    this.observations = json.observations;
    this.total = json.total;
    this.singles = json.singles;
    if (json.entries.length > this.capacity) throw new Error(`frequency table has ${json.entries.length} entries, more than its capacity ${this.capacity}`);
    for (const [value, count, at, hits] of json.entries) this.entries.set(value, { count, at, hits, rank: this.rankOf(count, at) });
    return this;
  }

  private evictLeastFrequent(): void {
    let victim: string | undefined;
    let smallest = Infinity;
    for (const [value, e] of this.entries) {
      if (e.rank < smallest) {
        smallest = e.rank;
        victim = value;
      }
    }
    if (victim !== undefined) this.entries.delete(victim);
  }

  private rankOf(count: number, at: number): number {
    return Math.log(count) - at * this.logDecay;
  }

  private advance(clock: number): void {
    if (clock <= this.clock) return;
    const factor = this.decayFactor(clock - this.clock);
    this.total *= factor;
    this.singles *= factor;
    this.clock = clock;
  }

  private decayFactor(ticks: number): number {
    return ticks <= 0 ? 1 : Math.exp(ticks * this.logDecay);
  }
}
