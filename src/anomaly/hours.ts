import { clamp01, formatCount, formatShare, surpriseOfRatio } from './surprise.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Hour-of-week counts halve every four weeks, so a changed schedule is learnt within a month. */
const HALF_LIFE_MS = 28 * DAY_MS;
/** Pseudo-calls spread evenly over the week before any evidence. */
const PRIOR_CALLS = 5;
/** An hour holding at least a quarter of its uniform share is ordinary… */
const LIFT_ORDINARY = 0.25;
/** …and one holding 1 % of it or less is fully surprising. */
const LIFT_UNHEARD_OF = 0.01;
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The plain-JSON form of an HourProfile. */
export interface HourProfileJSON {
  week: number[];
  total: number;
  first: number | null;
  decayedAt: number | null;
}

export interface HourEstimate {
  surprise: number;
  describe: () => string;
}

/** hourOfWeek is the UTC hour of the week, 0 = Sunday 00:00–00:59. */
export function hourOfWeek(ms: number): number {
  const hours = Math.floor(ms / HOUR_MS);
  const day = (((Math.floor(ms / DAY_MS) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return day * 24 + (((hours % 24) + 24) % 24);
}

/**
 * HourProfile is when an agent works: decayed call counts per UTC hour of the week. It judges a call
 * twice: by hour of day (trusted after 1–3 days of history) and by hour of week (after 1–2 weeks),
 * each count smoothed with its neighbouring hours so that 18:05 is not news for an agent that stops
 * at 18:00.
 */
export class HourProfile {
  private readonly week = new Array<number>(168).fill(0);
  private total = 0;
  private first = NaN;
  private decayedAt = NaN;

  assess(ms: number): HourEstimate {
    if (this.total === 0 || Number.isNaN(this.first)) return { surprise: 0, describe: () => '' };
    const bin = hourOfWeek(ms);
    const hour = bin % 24;
    const span = ms - this.first;
    const weekCount = this.week[bin]! + 0.5 * (this.week[(bin + 167) % 168]! + this.week[(bin + 1) % 168]!);
    const dayCount = this.hourOfDay(hour) + 0.5 * (this.hourOfDay((hour + 23) % 24) + this.hourOfDay((hour + 1) % 24));
    const weekShare = (weekCount / 2 + PRIOR_CALLS / 168) / (this.total + PRIOR_CALLS);
    const dayShare = (dayCount / 2 + PRIOR_CALLS / 24) / (this.total + PRIOR_CALLS);
    const byDay = surpriseOfRatio(dayShare * 24, LIFT_ORDINARY, LIFT_UNHEARD_OF) * clamp01((span - DAY_MS) / (2 * DAY_MS));
    const byWeek = surpriseOfRatio(weekShare * 168, LIFT_ORDINARY, LIFT_UNHEARD_OF) * clamp01((span - 7 * DAY_MS) / (7 * DAY_MS));
    const total = this.total;
    const label = `${DAY_NAMES[Math.floor(bin / 24)]} ${String(hour).padStart(2, '0')}:00–${String(hour).padStart(2, '0')}:59 UTC`;
    if (byDay >= byWeek) {
      return {
        surprise: byDay,
        describe: () => `call at ${label.slice(4)}: ${formatShare(dayShare)} of this agent's ≈${formatCount(total)} recent calls fall around this hour of the day (uniform: 4.2%)`,
      };
    }
    return {
      surprise: byWeek,
      describe: () => `call at ${label}: ${formatShare(weekShare)} of this agent's ≈${formatCount(total)} recent calls fall around this hour of the week (uniform: 0.6%)`,
    };
  }

  observe(ms: number): void {
    if (Number.isNaN(this.first)) {
      this.first = ms;
      this.decayedAt = ms;
    }
    // Decay all bins at most once an hour: the shares, which is all assess() reads, are unchanged by it.
    if (ms - this.decayedAt >= HOUR_MS) {
      const factor = Math.pow(2, -(ms - this.decayedAt) / HALF_LIFE_MS);
      for (let i = 0; i < 168; i++) this.week[i]! *= factor;
      this.total *= factor;
      this.decayedAt = ms;
    }
    this.week[hourOfWeek(ms)]! += 1;
    this.total += 1;
  }

  toJSON(): HourProfileJSON {
    return {
      week: [...this.week],
      total: this.total,
      first: Number.isNaN(this.first) ? null : this.first,
      decayedAt: Number.isNaN(this.decayedAt) ? null : this.decayedAt,
    };
  }

  restore(json: HourProfileJSON): this {
    if (json.week.length !== 168) throw new Error(`hour profile has ${json.week.length} bins, want 168`);
    for (let i = 0; i < 168; i++) this.week[i] = json.week[i]!;
    this.total = json.total;
    this.first = json.first ?? NaN;
    this.decayedAt = json.decayedAt ?? NaN;
    return this;
  }

  private hourOfDay(hour: number): number {
    let sum = 0;
    for (let d = 0; d < 7; d++) sum += this.week[d * 24 + hour]!;
    return sum;
  }
}
