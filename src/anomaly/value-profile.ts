import { CHARACTER_CLASSES, classNames, type ValueSample } from './features.js';
import { RunningStats, type RunningStatsJSON } from './running-stats.js';
import { confidence, formatCount, formatNumber, formatShare, P_EXPECTED, surpriseOfProbability, surpriseOfZ } from './surprise.js';

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
/** Outliers enter the statistics clipped to this many standard deviations. */
const CLIP_SDS = 4;
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

type Finding = 'type' | 'length' | 'entropy' | 'classes' | 'magnitude' | 'negative';

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
 * it is a string at all. A value is scored by its largest deviation; rare character classes count
 * together (the product of their frequencies: "quotes and metacharacters, each in 0.2 %").
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

  /**
   * assess scores a value of this key of `tool` (named in the description: "send_email `body` …").
   * The findings (type, length, entropy, rare classes, magnitude, sign) are combined by noisy-OR:
   * a value that is too long, too random and full of characters the key never holds is odder than
   * one that is only too long.
   */
  assess(sample: ValueSample, tool: string): ValueEstimate {
    const n = this.strings + this.numbers;
    if (n === 0) return NONE;
    const isString = sample.kind === 'string';
    const typeShare = smoothed(isString ? this.stringShare : 1 - this.stringShare, n);
    const found = new Findings();
    found.add('type', surpriseOfProbability(typeShare) * confidence(n, EVIDENCE), 0);
    let rareClasses = 0;
    let jointShare = 1;
    if (sample.kind === 'string' && this.strings > 0) {
      const evidence = confidence(this.strings, EVIDENCE);
      const shape = sample.shape;
      const zl = this.length.z(Math.log1p(shape.length), LOG_LENGTH_SD_FLOOR);
      found.add('length', (zl > 0 ? surpriseOfZ(zl, Z_FROM, Z_TO) : SHORTER_DISCOUNT * surpriseOfZ(-zl, Z_FROM, Z_TO)) * evidence, zl);
      const ze = this.entropy.z(shape.entropy, ENTROPY_SD_FLOOR);
      found.add('entropy', surpriseOfZ(Math.abs(ze), Z_FROM, Z_TO) * evidence, ze);
      for (let bit = 0; bit < CHARACTER_CLASSES.length; bit++) {
        if ((shape.classes & (1 << bit)) === 0) continue;
        const share = smoothed(this.classes[bit]!, this.strings);
        if (share < P_EXPECTED) {
          rareClasses |= 1 << bit;
          jointShare *= share;
        }
      }
      if (rareClasses !== 0) found.add('classes', surpriseOfProbability(jointShare) * evidence, 0);
    } else if (sample.kind === 'number' && this.numbers > 0) {
      const evidence = confidence(this.numbers, EVIDENCE);
      const zm = this.magnitude.z(Math.log1p(Math.abs(sample.value)), LOG_MAGNITUDE_SD_FLOOR);
      found.add('magnitude', surpriseOfZ(Math.abs(zm), Z_FROM, Z_TO) * evidence, zm);
      if (sample.value < 0) found.add('negative', surpriseOfProbability(smoothed(this.negativeShare, this.numbers)) * evidence, 0);
    }
    if (found.surprise === 0) return NONE;
    return { surprise: found.surprise, describe: () => this.describe(found, sample, `${tool} \`${sample.path}\``, rareClasses, jointShare, typeShare) };
  }

  observe(sample: ValueSample): void {
    const n = this.strings + this.numbers + 1;
    this.stringShare = updateShare(this.stringShare, sample.kind === 'string', n);
    if (sample.kind === 'string') {
      this.strings += 1;
      const { length, entropy, classes } = sample.shape;
      this.length.push(Math.log1p(length), { sds: CLIP_SDS, floor: LOG_LENGTH_SD_FLOOR });
      this.entropy.push(entropy, { sds: CLIP_SDS, floor: ENTROPY_SD_FLOOR });
      for (let bit = 0; bit < CHARACTER_CLASSES.length; bit++) {
        this.classes[bit] = updateShare(this.classes[bit]!, (classes & (1 << bit)) !== 0, this.strings);
      }
    } else {
      this.numbers += 1;
      this.magnitude.push(Math.log1p(Math.abs(sample.value)), { sds: CLIP_SDS, floor: LOG_MAGNITUDE_SD_FLOOR });
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

  private describe(found: Findings, sample: ValueSample, label: string, rareClasses: number, jointShare: number, typeShare: number): string {
    const n = this.strings + this.numbers;
    const z = found.z;
    let text: string;
    switch (found.top) {
      case 'type':
        text = `${label} is ${sample.kind === 'string' ? 'text' : 'a number'}, as only ${formatShare(typeShare)} of its ${formatCount(n)} values were`;
        break;
      case 'length':
        text = `${label} is ${formatCount(sample.kind === 'string' ? sample.shape.length : 0)} characters long vs. usually ≈${formatNumber(Math.expm1(this.length.mean))} (z = ${z.toFixed(1)})`;
        break;
      case 'entropy':
        text = `${label} has ${(sample.kind === 'string' ? sample.shape.entropy : 0).toFixed(1)} bits of entropy per character vs. usually ${this.entropy.mean.toFixed(1)} (z = ${z.toFixed(1)})`;
        break;
      case 'classes': {
        const each = classNames(rareClasses).map((name) => {
          const bit = CHARACTER_CLASSES.indexOf(name as (typeof CHARACTER_CLASSES)[number]);
          return `${name} (${formatShare(smoothed(this.classes[bit]!, this.strings))})`;
        });
        text = `${label} contains ${each.join(', ')}, rare in its ${formatCount(this.strings)} values (together ${formatShare(jointShare)})`;
        break;
      }
      case 'magnitude':
        text = `${label} = ${formatNumber(sample.kind === 'number' ? sample.value : 0)} vs. usually ≈${formatNumber(Math.expm1(this.magnitude.mean))} in magnitude (z = ${z.toFixed(1)})`;
        break;
      case 'negative':
        text = `${label} is negative, as only ${formatShare(smoothed(this.negativeShare, this.numbers))} of its ${formatCount(this.numbers)} values were`;
        break;
    }
    const also = found.others();
    return also.length === 0 ? text : `${text}; also unusual: ${also.join(', ')}`;
  }
}

/** The findings on one value: their noisy-OR, the largest, and the rest worth a mention. */
class Findings {
  surprise = 0;
  top: Finding = 'type';
  z = 0;
  private best = 0;
  private readonly seen: Array<[Finding, number]> = [];

  add(finding: Finding, surprise: number, z: number): void {
    if (!(surprise > 0)) return;
    this.surprise = 1 - (1 - this.surprise) * (1 - surprise);
    this.seen.push([finding, surprise]);
    if (surprise > this.best) {
      this.best = surprise;
      this.top = finding;
      this.z = z;
    }
  }

  /** others names the findings besides the top one that carry at least 0.1. */
  others(): string[] {
    return this.seen.filter(([f, s]) => f !== this.top && s >= 0.1).map(([f]) => (f === 'classes' ? 'character classes' : f));
  }
}
