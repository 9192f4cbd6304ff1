import type { AnomalyAssessment, AnomalyFeature, FeatureName } from './types.js';

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
  key_set: 0.85,
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
    if (c >= MIN_REPORTED_CONTRIBUTION) features.push({ name: r.name, score: round4(c), detail: r.describe() });
  }
  features.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return { score: round4(1 - keep), features };
}

/** Four decimals are plenty for a score and keep the JSON that carries it short. */
function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
