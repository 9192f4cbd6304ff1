import { maskSecrets } from '../classify/detectors/secrets.js';
import type { AnomalyAssessment, AnomalyFeature, FeatureName } from './types.js';

/*
 * The score, in short (README):
 * 1. Each feature yields a surprise s ∈ [0, 1] against the agent's own history:
 *    - categorical (tool, key set, transition, destination, signal): p = decayed Good–Turing novelty
 *      (weight of values seen once + 1) / (observations + 1) for a never-seen value, its decayed
 *      frequency (× 0.8) for a known one; s = clamp(ln(p₀/p) / ln(p₀/p₁)), p₀ = 1/20, p₁ = 1/500.
 *      A transition a → b must also be rare relative to b: lift p(b|a)/p(b) from 1/4 (0) to 1/20 (1).
 *    - numeric (argument size, string length / entropy, number magnitude): z against a winsorised
 *      EWMA in log space, s = clamp((z − 3.5) / 3.5); call rate: s = clamp(ln(r / e^(μ+2.5σ)) / ln 4).
 *    - hour: share of the agent's calls at this hour of day (weekday) vs. uniform, lift 1/4 → 1/50 (1/100).
 * 2. Cold start: s × (1 − e^(−n/n₀)) for the evidence n behind the feature, and × (1 − e^(−N/40))
 *    for the agent's N calls.
 * 3. c = weight × s (FEATURE_WEIGHTS); anomaly_score = 1 − Π(1 − c), features listed by c.
 */

/**
 * How much each feature can contribute on its own: its contribution is weight × surprise, and the
 * assessment is the noisy-OR of the contributions. A weight is the probability that a fully
 * surprising value of that feature alone means trouble; `signals` stays below the 0.7 default
 * threshold because the classifier's findings are the policies' business, not the model's.
 */
export const FEATURE_WEIGHTS: Readonly<Record<FeatureName, number>> = Object.freeze({
  tool: 0.95,
  destination: 0.95,
  burst: 0.95,
  key_set: 0.95,
  argument_size: 0.85,
  value_shape: 0.85,
  transition: 0.85,
  hour: 0.85,
  signals: 0.6,
});

/** The default anomaly_score threshold the evaluation reports at (`tools/eval/anomaly.ts`). */
export const DEFAULT_ANOMALY_THRESHOLD = 0.7;

/** Features contributing less than this are left out of an assessment's list. */
export const MIN_REPORTED_CONTRIBUTION = 0.01;

/** One feature as scored: surprise in [0, 1] (confidence already applied) and a lazy description. */
export interface FeatureResult {
  name: FeatureName;
  surprise: number;
  describe: () => string;
}

/**
 * combineFeatures turns feature surprises into an assessment: each contributes
 * c = weight × agentConfidence × surprise, and score = 1 − Π(1 − c) (noisy-OR: any one surprising
 * feature can raise the score, several mild ones add up, none can exceed 1). Only contributing features
 * are described, so details cost nothing on ordinary calls.
 */
export function combineFeatures(results: FeatureResult[], agentConfidence: number): AnomalyAssessment {
  let keep = 1;
  const features: AnomalyFeature[] = [];
  for (const r of results) {
    const c = FEATURE_WEIGHTS[r.name] * agentConfidence * r.surprise;
    if (!(c > 0)) continue;
    keep *= 1 - c;
    // Details quote argument keys and values (`new argument key \`ghp_…\``) and are shown to viewers: their secrets are masked.
    if (c >= MIN_REPORTED_CONTRIBUTION) features.push({ name: r.name, score: round4(c), detail: maskSecrets(r.describe()) });
  }
  features.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return { score: round4(1 - keep), features };
}

/** Four decimals are plenty for a score and keep the JSON that carries it short. */
function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
