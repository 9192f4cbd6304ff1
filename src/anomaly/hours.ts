import { clamp01, formatCount, formatNumber, formatShare, surpriseOfRatio } from './surprise.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Counts halve every four weeks, so a changed schedule is learnt within a month. */
const HALF_LIFE_MS = 28 * DAY_MS;
/** Calls counted per clock hour: a long session weighs like a short one. */
const CALLS_PER_HOUR = 8;
/** Pseudo-calls spread evenly over the week before any evidence. */
const PRIOR_CALLS = 2;
/** An hour of the day or a weekday holding at least a quarter of its uniform share is ordinary… */
const LIFT_ORDINARY = 0.25;
/** …an hour of the day holding 2 % of it or less is fully surprising… */
const HOUR_LIFT_UNHEARD_OF = 0.02;
/** …and a weekday holding 1 % of it (coarser bins, so stronger evidence is asked for). */
const DAY_LIFT_UNHEARD_OF = 0.01;
/** An hour of the week is compared with the same hour on the agent's average day: ordinary at a tenth… */
const WEEK_RATIO_ORDINARY = 0.1;
/** …fully surprising at 1/100, after a quarter of a pseudo-call… */
const WEEK_RATIO_UNHEARD_OF = 0.01;
const WEEK_PSEUDO_CALLS = 0.25;
/** …trusted once the average day has 2–8 (counted) calls at this hour, and never alone above this. */
const WEEK_EXPECTED_FROM = 2;
const WEEK_EXPECTED_FULL = 8;
const WEEK_MAX_SURPRISE = 0.75;
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The plain-JSON form of an HourProfile. */
export interface HourProfileJSON {
  week: number[];
  total: number;
  first: number | null;
  lastHour: number | null;
  callsThisHour: number;
}

export interface HourEstimate {
  surprise: number;
  describe: () => string;
}

const NONE: HourEstimate = { surprise: 0, describe: () => '' };

/** hourOfWeek is the UTC hour of the week, 0 = Sunday 00:00–00:59. */
export function hourOfWeek(ms: number): number {
  const hours = Math.floor(ms / HOUR_MS);
  const day = (((Math.floor(ms / DAY_MS) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return day * 24 + (((hours % 24) + 24) % 24);
}

/**
 * HourProfile is when an agent works: per UTC hour of the week, a decayed count of its calls, at
 * most CALLS_PER_HOUR per clock hour, so that a 40-call session does not outweigh forty one-call
 * days and a light but regular weekend is not mistaken for none.
 * A call is judged three ways and the largest surprise counts:
 * - hour of day: the share of counted calls around this hour (±1 h) vs. the uniform 1/24, trusted
 *   after 1–3 days of history;
 * - weekday: the share of counted calls on this weekday vs. 1/7, trusted after 1–2 weeks;
 * - hour of week: this weekday at this hour vs. the same hour on the agent's average day, for
 *   patterns the two others miss (weekdays 9–17 plus a nightly run every day: Saturday 14:00). At
 *   such low counts an empty hour is weak evidence, so this one stays below the alert threshold alone.
 */
export class HourProfile {
  private readonly week = new Array<number>(168).fill(0);
  private total = 0;
  private first = NaN;
  private lastHour = NaN;
  private callsThisHour = 0;

  assess(ms: number): HourEstimate {
    if (this.total === 0 || Number.isNaN(this.first)) return NONE;
    const bin = hourOfWeek(ms);
    const day = Math.floor(bin / 24);
    const hour = bin % 24;
    const span = ms - this.first;
    const factor = this.decayFactor(ms);
    const total = this.total * factor;
    const daily = ((this.hourOfDay(hour) + 0.5 * (this.hourOfDay((hour + 23) % 24) + this.hourOfDay((hour + 1) % 24))) / 2) * factor;
    const hourShare = (daily + PRIOR_CALLS / 24) / (total + PRIOR_CALLS);
    const byHour = surpriseOfRatio(hourShare * 24, LIFT_ORDINARY, HOUR_LIFT_UNHEARD_OF) * clamp01((span - DAY_MS) / (2 * DAY_MS));
    let weekday = 0;
    for (let h = day * 24; h < day * 24 + 24; h++) weekday += this.week[h]!;
    const dayShare = (weekday * factor + PRIOR_CALLS / 7) / (total + PRIOR_CALLS);
    const weekTrust = clamp01((span - 7 * DAY_MS) / (7 * DAY_MS));
    const byDay = surpriseOfRatio(dayShare * 7, LIFT_ORDINARY, DAY_LIFT_UNHEARD_OF) * weekTrust;
    const observed = ((this.week[bin]! + 0.5 * (this.week[(bin + 167) % 168]! + this.week[(bin + 1) % 168]!)) / 2) * factor;
    const expected = daily / 7;
    const expectedTrust = clamp01((expected - WEEK_EXPECTED_FROM) / (WEEK_EXPECTED_FULL - WEEK_EXPECTED_FROM)) * weekTrust;
    const byWeek =
      expectedTrust === 0
        ? 0
        : WEEK_MAX_SURPRISE * surpriseOfRatio((observed + WEEK_PSEUDO_CALLS) / expected, WEEK_RATIO_ORDINARY, WEEK_RATIO_UNHEARD_OF) * expectedTrust;
    const surprise = Math.max(byHour, byDay, byWeek);
    if (surprise === 0) return NONE;
    const hh = String(hour).padStart(2, '0');
    const name = DAY_NAMES[day]!;
    let describe: () => string;
    if (surprise === byHour) {
      describe = () => `call at ${hh}:00–${hh}:59 UTC: ${formatShare(hourShare)} of this agent's ≈${formatCount(total)} recent calls fall around this hour of the day (uniform: 4.2%)`;
    } else if (surprise === byDay) {
      describe = () => `call on a ${name}: ${formatShare(dayShare)} of this agent's ≈${formatCount(total)} recent calls fall on this weekday (uniform: 14%)`;
    } else {
      describe = () =>
        `call on ${name} ${hh}:00–${hh}:59 UTC: ≈${formatNumber(observed)} of this agent's recent calls fall around this hour on a ${name} ` +
        `vs. ≈${formatNumber(expected)} on its average day`;
    }
    return { surprise, describe };
  }

  /** observe records a call; only the first CALLS_PER_HOUR calls of each clock hour add to the counts. */
  observe(ms: number): void {
    if (Number.isNaN(this.first)) this.first = ms;
    const hour = Math.floor(ms / HOUR_MS);
    if (hour !== this.lastHour) {
      const factor = this.decayFactor(ms);
      if (factor !== 1) {
        for (let i = 0; i < 168; i++) this.week[i]! *= factor;
        this.total *= factor;
      }
      if (!(hour <= this.lastHour)) this.lastHour = hour;
      this.callsThisHour = 0;
    }
    if (this.callsThisHour >= CALLS_PER_HOUR) return;
    this.callsThisHour += 1;
    this.week[hourOfWeek(ms)]! += 1;
    this.total += 1;
  }

  toJSON(): HourProfileJSON {
    return {
      week: [...this.week],
      total: this.total,
      first: Number.isNaN(this.first) ? null : this.first,
      lastHour: Number.isNaN(this.lastHour) ? null : this.lastHour,
      callsThisHour: this.callsThisHour,
    };
  }

  restore(json: HourProfileJSON): this {
    if (json.week.length !== 168) throw new Error(`hour profile has ${json.week.length} bins, want 168`);
    for (let i = 0; i < 168; i++) this.week[i] = json.week[i]!;
    this.total = json.total;
    this.first = json.first ?? NaN;
    this.lastHour = json.lastHour ?? NaN;
    this.callsThisHour = json.callsThisHour;
    return this;
  }

  /** The decay of the counts from the last clock hour with a call to `ms` (the counts are kept as of then). */
  private decayFactor(ms: number): number {
    if (Number.isNaN(this.lastHour)) return 1;
    const elapsed = ms - this.lastHour * HOUR_MS;
    return elapsed <= HOUR_MS ? 1 : Math.pow(2, -(elapsed - HOUR_MS) / HALF_LIFE_MS);
  }

  private hourOfDay(hour: number): number {
    let sum = 0;
    for (let d = 0; d < 7; d++) sum += this.week[d * 24 + hour]!;
    return sum;
  }
}
