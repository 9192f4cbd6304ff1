/** The plain-JSON form of RunningStats: [n, mean, variance]. */
export type RunningStatsJSON = [number, number, number];

/** Values pushed before outliers are clipped: the first ones define what an outlier is. */
const UNCLIPPED = 20;

/**
 * RunningStats is an exponentially weighted mean and variance: a plain running average for the
 * first `window` values, then an EWMA over roughly the last `window` values, so a drifting baseline
 * is followed. Pushes may be winsorised (clipped to mean ± k·sd), so that the outliers the model is
 * there to flag (a burst, an oversized payload) do not widen the baseline they are judged against.
 */
export class RunningStats {
  n = 0;
  mean = 0;
  variance = 0;

  /** Requires window >= 1. */
  constructor(private readonly window: number) {}

  /**
   * push adds x; with `clip` (k, floor) and some history, x is first clipped to mean ± k·sd(floor).
   * A real shift still gets learnt: each clipped value moves the mean by up to k·sd / window.
   */
  push(value: number, clip?: { sds: number; floor: number }): void {
    let x = value;
    if (clip !== undefined && this.n >= UNCLIPPED) {
      const limit = clip.sds * this.sd(clip.floor);
      x = Math.min(this.mean + limit, Math.max(this.mean - limit, x));
    }
    this.n += 1;
    const alpha = 1 / Math.min(this.n, this.window);
    const d = x - this.mean;
    this.mean += alpha * d;
    this.variance = (1 - alpha) * (this.variance + alpha * d * d);
  }

  /** z is how many standard deviations x lies above the mean; the deviation is at least `floor`. */
  z(x: number, floor: number): number {
    return (x - this.mean) / Math.max(Math.sqrt(this.variance), floor);
  }

  /** sd is the standard deviation, at least `floor`. */
  sd(floor: number): number {
    return Math.max(Math.sqrt(this.variance), floor);
  }

  toJSON(): RunningStatsJSON {
    return [this.n, this.mean, this.variance];
  }

  restore([n, mean, variance]: RunningStatsJSON): this {
    this.n = n;
    this.mean = mean;
    this.variance = variance;
    return this;
  }
}
