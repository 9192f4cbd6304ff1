import { RunningStats, type RunningStatsJSON } from './running-stats.js';
import { clamp01, formatNumber } from './surprise.js';

/** The windows of the call rate: the time constant, the fewest calls that can be a burst, and a label. */
const WINDOWS = [
  { tauMs: 10_000, minCalls: 6, label: '10 s' },
  { tauMs: 120_000, minCalls: 20, label: '2 min' },
] as const;
/** The baseline is the rate seen at the agent's last ≈2,000 calls. */
const BASELINE_WINDOW = 2000;
/** The log-rate deviation is at least this (×1.28), so a metronomic agent is not alarmed by jitter. */
const SD_FLOOR = 0.25;
/** Rates beyond mean ± 3 sd enter the baseline clipped, so past bursts do not raise it. */
const BASELINE_CLIP = { sds: 3, floor: SD_FLOOR };
/** A rate up to mean + 2.5 sd (in log space) is ordinary… */
const ORDINARY_SDS = 2.5;
/** …and four times that ordinary maximum is fully surprising. */
const FULL_SURPRISE_RATIO = 4;

/** The plain-JSON form of a CallRate. */
export interface CallRateJSON {
  last: number | null;
  counts: number[];
  baselines: RunningStatsJSON[];
}

export interface BurstEstimate {
  surprise: number;
  describe: () => string;
}

const NONE: BurstEstimate = { surprise: 0, describe: () => '' };

/**
 * CallRate is an agent's call rate against its own baseline. For each window it keeps an
 * exponentially decayed count of calls (≈ calls in the last 10 s / 2 min, this call included) and the
 * running mean and deviation of its logarithm as seen at the agent's calls, so the baseline is the
 * agent's rate while it works, not averaged over its idle nights. Time comes from the calls.
 */
export class CallRate {
  private last = NaN;
  private readonly counts: number[] = WINDOWS.map(() => 0);
  private readonly baselines: RunningStats[] = WINDOWS.map(() => new RunningStats(BASELINE_WINDOW));

  assess(ms: number): BurstEstimate {
    let best = 0;
    let bestWindow = -1;
    let bestCount = 0;
    for (let w = 0; w < WINDOWS.length; w++) {
      const window = WINDOWS[w]!;
      const stats = this.baselines[w]!;
      if (stats.n === 0) continue;
      const count = this.countAt(w, ms);
      if (count < window.minCalls) continue;
      const ordinary = Math.exp(stats.mean + ORDINARY_SDS * stats.sd(SD_FLOOR));
      const surprise = clamp01(Math.log(count / ordinary) / Math.log(FULL_SURPRISE_RATIO));
      if (surprise > best) {
        best = surprise;
        bestWindow = w;
        bestCount = count;
      }
    }
    if (bestWindow < 0) return NONE;
    const window = WINDOWS[bestWindow]!;
    const stats = this.baselines[bestWindow]!;
    return {
      surprise: best,
      describe: () =>
        `≈${formatNumber(Math.round(bestCount))} calls in ${window.label} vs. a usual ${formatNumber(Math.exp(stats.mean))} ` +
        `(ordinary up to ${formatNumber(Math.exp(stats.mean + ORDINARY_SDS * stats.sd(SD_FLOOR)))})`,
    };
  }

  /** observe records a call at `ms`; an earlier time than the last call's counts as simultaneous. */
  observe(ms: number): void {
    for (let w = 0; w < WINDOWS.length; w++) {
      const count = this.countAt(w, ms);
      this.counts[w] = count;
      this.baselines[w]!.push(Math.log(count), BASELINE_CLIP);
    }
    if (!(ms <= this.last)) this.last = ms;
  }

  toJSON(): CallRateJSON {
    return { last: Number.isNaN(this.last) ? null : this.last, counts: [...this.counts], baselines: this.baselines.map((b) => b.toJSON()) };
  }

  restore(json: CallRateJSON): this {
    if (json.counts.length !== WINDOWS.length || json.baselines.length !== WINDOWS.length) {
      throw new Error(`call rate has ${json.counts.length} windows, want ${WINDOWS.length}`);
    }
    this.last = json.last ?? NaN;
    json.counts.forEach((c, i) => (this.counts[i] = c));
    json.baselines.forEach((b, i) => this.baselines[i]!.restore(b));
    return this;
  }

  /** countAt is the decayed count of window w at `ms`, the call at `ms` included. */
  private countAt(w: number, ms: number): number {
    if (Number.isNaN(this.last)) return 1;
    const elapsed = Math.max(0, ms - this.last);
    return this.counts[w]! * Math.exp(-elapsed / WINDOWS[w]!.tauMs) + 1;
  }
}
