import { CHARACTER_CLASSES, classNames, type ValueSample } from './features.js';
import { RunningStats, type RunningStatsJSON } from './running-stats.js';
import { confidence, formatCount, formatNumber, formatShare, surpriseOfProbability, surpriseOfZ } from './surprise.js';

/** Values of one key remembered, in effect: older ones fade (EWMA). */
const WINDOW = 1000;
/** Evidence (values of this key) at which a deviation is 63 % trusted. */
const EVIDENCE = 25;
/** Deviations below these (in the log of a length or magnitude, in bits per character) are noise. */
const LOG_LENGTH_SD_FLOOR = 0.25;
const ENTROPY_SD_FLOOR = 0.35;
const LOG_MAGNITUDE_SD_FLOOR = 0.3;
/** z-scores: not surprising up to Z_FROM standard deviations, fully surprising from Z_TO. */
const Z_FROM = 3.5;
const Z_TO = 7;
/** A string shorter than usual is half as suspicious as a longer one (truncation is not exfiltration). */
const SHORTER_DISCOUNT = 0.5;

/** The plain-JSON form of a ValueProfile. */
export interface ValueProfileJSON {
  strings: number;
  numbers: number;
  stringShare: number;
  length: RunningStatsJSON;
  entropy: RunningStatsJSON;
  classes: number[];
  magnitude: RunningStatsJSON;
  negativeShare: number;
}

export interface ValueEstimate {
  surprise: number;
  describe: () => string;
}

const NONE: ValueEstimate = { surprise: 0, describe: () => '' };

/** A frequency learnt from `n` values, smoothed towards 1/2 by one pseudo-value. */
function smoothed(share: number, n: number): number {
  const m = Math.min(n, WINDOW);
  return (share * m + 0.5) / (m + 1);
}

/** The EWMA step of an indicator's frequency. */
function updateShare(share: number, hit: boolean, n: number): number {
  return share + ((hit ? 1 : 0) - share) / Math.min(n, WINDOW);
}

/**
 * ValueProfile is what one argument key (of one tool, of one agent) usually holds: for strings the
 * log length, entropy and character classes; for numbers the log magnitude and sign; and how often
 * it is a string at all. It scores a new value by its largest deviation.
 */
export class ValueProfile {
  private strings = 0;
  private numbers = 0;
  private stringShare = 0;
  private readonly length = new RunningStats(WINDOW);
  private readonly entropy = new RunningStats(WINDOW);
  private readonly classes = new Array<number>(CHARACTER_CLASSES.length).fill(0);
  private readonly magnitude = new RunningStats(WINDOW);
  private negativeShare = 0;

  /** assess scores a value of this key; `label` names it in the description ("send_email `body`"). */
  assess(sample: ValueSample, label: string): ValueEstimate {
    const n = this.strings + this.numbers;
    if (n === 0) return NONE;
    const isString = sample.kind === 'string';
    const typeShare = smoothed(isString ? this.stringShare : 1 - this.stringShare, n);
    let best: ValueEstimate = NONE;
    const consider = (surprise: number, describe: () => string): void => {
      if (surprise > best.surprise) best = { surprise, describe };
    };
    const total = n;
    consider(surpriseOfProbability(typeShare) * confidence(n, EVIDENCE), () =>
      `${label} is ${isString ? 'text' : 'a number'}; it was ${isString ? 'a number' : 'text'} in ${formatShare(1 - typeShare)} of ${formatCount(total)} values`,
    );
    if (sample.kind === 'string') {
      if (this.strings === 0) return best;
      const evidence = confidence(this.strings, EVIDENCE);
      const { length, entropy, classes } = sample.shape;
      const z = this.length.z(Math.log1p(length), LOG_LENGTH_SD_FLOOR);
      const usual = Math.expm1(this.length.mean);
      consider((z > 0 ? surpriseOfZ(z, Z_FROM, Z_TO) : SHORTER_DISCOUNT * surpriseOfZ(-z, Z_FROM, Z_TO)) * evidence, () =>
        `${label} is ${formatCount(length)} characters long vs. usually ≈${formatNumber(usual)} (z = ${z.toFixed(1)})`,
      );
      const ze = this.entropy.z(entropy, ENTROPY_SD_FLOOR);
      const usualEntropy = this.entropy.mean;
      consider(surpriseOfZ(Math.abs(ze), Z_FROM, Z_TO) * evidence, () =>
        `${label} has ${entropy.toFixed(1)} bits of entropy per character vs. usually ${usualEntropy.toFixed(1)} (z = ${ze.toFixed(1)})`,
      );
      for (let bit = 0; bit < CHARACTER_CLASSES.length; bit++) {
        if ((classes & (1 << bit)) === 0) continue;
        const share = smoothed(this.classes[bit]!, this.strings);
        const strings = this.strings;
        consider(surpriseOfProbability(share) * evidence, () =>
          `${label} contains ${classNames(1 << bit)[0]}, seen in ${formatShare(share)} of its ${formatCount(strings)} values`,
        );
      }
      return best;
    }
    if (this.numbers === 0) return best;
    const evidence = confidence(this.numbers, EVIDENCE);
    const value = sample.value;
    const z = this.magnitude.z(Math.log1p(Math.abs(value)), LOG_MAGNITUDE_SD_FLOOR);
    const usual = Math.expm1(this.magnitude.mean);
    consider(surpriseOfZ(Math.abs(z), Z_FROM, Z_TO) * evidence, () => `${label} = ${formatNumber(value)} vs. usually ≈${formatNumber(usual)} in magnitude (z = ${z.toFixed(1)})`);
    if (value < 0) {
      const share = smoothed(this.negativeShare, this.numbers);
      const numbers = this.numbers;
      consider(surpriseOfProbability(share) * evidence, () => `${label} is negative, as ${formatShare(share)} of its ${formatCount(numbers)} values were`);
    }
    return best;
  }

  observe(sample: ValueSample): void {
    const n = this.strings + this.numbers + 1;
    this.stringShare = updateShare(this.stringShare, sample.kind === 'string', n);
    if (sample.kind === 'string') {
      this.strings += 1;
      const { length, entropy, classes } = sample.shape;
      this.length.push(Math.log1p(length));
      this.entropy.push(entropy);
      for (let bit = 0; bit < CHARACTER_CLASSES.length; bit++) {
        this.classes[bit] = updateShare(this.classes[bit]!, (classes & (1 << bit)) !== 0, this.strings);
      }
    } else {
      this.numbers += 1;
      this.magnitude.push(Math.log1p(Math.abs(sample.value)));
      this.negativeShare = updateShare(this.negativeShare, sample.value < 0, this.numbers);
    }
  }

  toJSON(): ValueProfileJSON {
    return {
      strings: this.strings,
      numbers: this.numbers,
      stringShare: this.stringShare,
      length: this.length.toJSON(),
      entropy: this.entropy.toJSON(),
      classes: [...this.classes],
      magnitude: this.magnitude.toJSON(),
      negativeShare: this.negativeShare,
    };
  }

  restore(json: ValueProfileJSON): this {
    if (json.classes.length !== CHARACTER_CLASSES.length) throw new Error(`value profile has ${json.classes.length} character classes, want ${CHARACTER_CLASSES.length}`);
    this.strings = json.strings;
    this.numbers = json.numbers;
    this.stringShare = json.stringShare;
    this.length.restore(json.length);
    this.entropy.restore(json.entropy);
    json.classes.forEach((c, i) => (this.classes[i] = c));
    this.magnitude.restore(json.magnitude);
    this.negativeShare = json.negativeShare;
    return this;
  }
}
