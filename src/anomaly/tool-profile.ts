import { BoundedMap } from './bounded-map.js';
import type { CallAnalysis } from './features.js';
import { FrequencyTable, type FrequencyTableJSON } from './frequency.js';
import { RunningStats, type RunningStatsJSON } from './running-stats.js';
import { confidence, formatBytes, formatCount, RARE_DISCOUNT, surpriseOfProbability, surpriseOfZ } from './surprise.js';
import { ValueProfile, type ValueProfileJSON } from './value-profile.js';

/** Key sets, top-level keys and key paths remembered per tool. */
const MAX_KEY_SETS = 16;
const MAX_TOP_KEYS = 32;
const MAX_VALUE_PATHS = 16;
/** Key-set counts halve every 1,000 calls of the tool. */
const KEY_SET_HALF_LIFE = 1000;
/** Calls of the tool at which its key sets and sizes are 63 % trusted. */
const EVIDENCE = 20;
/** A key set made only of keys seen before (an optional key left out) is this much less surprising. */
const RECOMBINED_DISCOUNT = 0.6;
const LOG_SIZE_SD_FLOOR = 0.3;
const SIZE_Z_FROM = 3.5;
const SIZE_Z_TO = 7;
/** Oversized calls enter the size statistics clipped to 4 sd, so they stay oversized. */
const SIZE_CLIP = { sds: 4, floor: LOG_SIZE_SD_FLOOR };

/** The plain-JSON form of a ToolProfile. */
export interface ToolProfileJSON {
  calls: number;
  keySets: FrequencyTableJSON;
  keys: FrequencyTableJSON;
  size: RunningStatsJSON;
  values: Array<[string, ValueProfileJSON]>;
}

export interface ToolEstimate {
  surprise: number;
  describe: () => string;
}

const NONE: ToolEstimate = { surprise: 0, describe: () => '' };

function listKeys(keys: string[]): string {
  return keys.map((k) => `\`${k}\``).join(', ');
}

/**
 * ToolProfile is how one agent calls one tool: which key sets it passes, how large the arguments
 * are, and what each key path usually holds (ValueProfile).
 */
export class ToolProfile {
  private calls = 0;
  private readonly keySets = new FrequencyTable(MAX_KEY_SETS, KEY_SET_HALF_LIFE);
  private readonly keys = new FrequencyTable(MAX_TOP_KEYS, KEY_SET_HALF_LIFE);
  private readonly size = new RunningStats(KEY_SET_HALF_LIFE);
  private readonly values = new BoundedMap<ValueProfile>(MAX_VALUE_PATHS);

  /** assessKeySet: is this a new shape of arguments for the tool? */
  assessKeySet(tool: string, analysis: CallAnalysis): ToolEstimate {
    if (this.calls === 0) return NONE;
    const est = this.keySets.estimate(analysis.keySet);
    const evidence = confidence(this.calls, EVIDENCE);
    const calls = this.calls;
    if (est.known) {
      const surprise = RARE_DISCOUNT * surpriseOfProbability(est.probability) * evidence;
      if (surprise === 0) return NONE;
      return {
        surprise,
        describe: () => `${tool} called with the rare key set {${analysis.keys.join(', ')}}: ≈${formatCount(est.count)} of its last ≈${formatCount(est.total)} calls`,
      };
    }
    const fresh = analysis.keys.filter((k) => !this.keys.has(k));
    const surprise = surpriseOfProbability(est.novelty) * evidence * (fresh.length > 0 ? 1 : RECOMBINED_DISCOUNT);
    return {
      surprise,
      describe: () => {
        const usual = this.usualKeys().join(', ');
        return fresh.length > 0
          ? `${tool} called with new argument key${fresh.length > 1 ? 's' : ''} ${listKeys(fresh)}, never used in its ${formatCount(calls)} calls (usual keys {${usual}})`
          : `${tool} called with the key set {${analysis.keys.join(', ')}}, never seen in its ${formatCount(calls)} calls (usual keys {${usual}})`;
      },
    };
  }

  /** assessSize: are the arguments much larger than this tool's usual? */
  assessSize(tool: string, analysis: CallAnalysis): ToolEstimate {
    if (this.calls === 0) return NONE;
    const z = this.size.z(Math.log1p(analysis.size), LOG_SIZE_SD_FLOOR);
    const surprise = surpriseOfZ(z, SIZE_Z_FROM, SIZE_Z_TO) * confidence(this.calls, EVIDENCE);
    if (surprise === 0) return NONE;
    const usual = Math.expm1(this.size.mean);
    return { surprise, describe: () => `${tool} arguments are ≈${formatBytes(analysis.size)} vs. usually ≈${formatBytes(usual)} (z = ${z.toFixed(1)})` };
  }

  /** assessValues: the most unusual value among the call's strings and numbers, by key path. */
  assessValues(tool: string, analysis: CallAnalysis): ToolEstimate {
    let best = NONE;
    for (const sample of analysis.values) {
      const profile = this.values.peek(sample.path);
      if (profile === undefined) continue;
      const est = profile.assess(sample, tool);
      if (est.surprise > best.surprise) best = est;
    }
    return best;
  }

  /** usualKeys lists the keys passed in at least half of the tool's recent calls. */
  private usualKeys(): string[] {
    const total = this.keySets.totalAt();
    return [...this.keys.values()].filter((k) => this.keys.estimate(k, this.calls).count >= total / 2).sort();
  }

  observe(analysis: CallAnalysis): void {
    // Keys age with the tool's calls (the key-set table's own clock), so their counts compare with its total.
    for (const key of analysis.keys) this.keys.observe(key, this.calls);
    this.keySets.observe(analysis.keySet);
    this.calls += 1;
    this.size.push(Math.log1p(analysis.size), SIZE_CLIP);
    for (const sample of analysis.values) {
      let profile = this.values.touch(sample.path);
      if (profile === undefined) {
        profile = new ValueProfile();
        this.values.set(sample.path, profile);
      }
      profile.observe(sample);
    }
  }

  toJSON(): ToolProfileJSON {
    const values: ToolProfileJSON['values'] = [];
    for (const [path, profile] of this.values.entries()) values.push([path, profile.toJSON()]);
    return { calls: this.calls, keySets: this.keySets.toJSON(), keys: this.keys.toJSON(), size: this.size.toJSON(), values };
  }

  restore(json: ToolProfileJSON): this {
    this.calls = json.calls;
    this.keySets.restore(json.keySets);
    this.keys.restore(json.keys);
    this.size.restore(json.size);
    for (const [path, profile] of json.values) this.values.set(path, new ValueProfile().restore(profile));
    return this;
  }
}
