import { BoundedMap } from './bounded-map.js';

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
}

/** The plain-JSON form of a FrequencyTable: scalars, then entries least recently used first. */
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
 * At most `capacity` values are kept (least recently seen evicted); an evicted value that returns is
 * new again, which only makes the table more tolerant of novelty, never less.
 */
export class FrequencyTable {
  private clock = 0;
  private observations = 0;
  private total = 0;
  private singles = 0;
  private readonly entries: BoundedMap<Entry>;
  private readonly logDecay: number;

  /** Requires capacity >= 1 and halfLife > 0. */
  constructor(capacity: number, halfLife: number) {
    this.entries = new BoundedMap<Entry>(capacity);
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
    return this.entries.peek(value) !== undefined;
  }

  /** values, least recently seen first. */
  values(): IterableIterator<string> {
    return this.entries.keys();
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
    const entry = this.entries.peek(value);
    if (entry === undefined) return { known: false, count: 0, total, novelty, probability: novelty };
    const count = entry.count * this.decayFactor(clock - entry.at);
    return { known: true, count, total, novelty, probability: Math.max(novelty, Math.min(1, count / (total + PRIOR_ALL))) };
  }

  /** observe records one occurrence of `value` at `clock` (non-decreasing across calls). */
  observe(value: string, clock = this.observations): void {
    this.advance(clock);
    this.observations += 1;
    this.total += 1;
    const entry = this.entries.touch(value);
    if (entry === undefined) {
      this.entries.set(value, { count: 1, at: this.clock, hits: 1 });
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
  }

  /** mostCommon is the value with the largest decayed count (undefined when empty). */
  mostCommon(): string | undefined {
    let best: string | undefined;
    let bestCount = -1;
    for (const [value, e] of this.entries.entries()) {
      const count = e.count * this.decayFactor(this.clock - e.at);
      if (count > bestCount) {
        best = value;
        bestCount = count;
      }
    }
    return best;
  }

  toJSON(): FrequencyTableJSON {
    const entries: FrequencyTableJSON['entries'] = [];
    for (const [value, e] of this.entries.entries()) entries.push([value, e.count, e.at, e.hits]);
    return { clock: this.clock, observations: this.observations, total: this.total, singles: this.singles, entries };
  }

  /** restore loads a toJSON() result into an empty table built with the same capacity and half-life. */
  restore(json: FrequencyTableJSON): this {
    this.clock = json.clock;
    this.observations = json.observations;
    this.total = json.total;
    this.singles = json.singles;
    for (const [value, count, at, hits] of json.entries) this.entries.set(value, { count, at, hits });
    return this;
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
