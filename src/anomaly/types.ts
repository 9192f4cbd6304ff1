/**
 * The public shapes of the layer-2 behaviour model (see ./model.ts). The model scores a call against
 * the history of the agent that makes it, never against other agents or fixed rules.
 */

/** One tool call as the behaviour model sees it. */
export interface ObservedCall {
  agentId: string;
  toolName: string;
  arguments: Record<string, unknown>;
  /** The classifier's category (`database`, `email`, …); an agent entering a new category is news. */
  category: string;
  /**
   * The classifier's signals, if any. Only their novelty for this agent is used (a signal id this
   * agent's calls never raised); their severity is the policies' business, not the model's.
   */
  signals?: ReadonlyArray<{ id: string }>;
  /** When the call was made. The model never reads the clock, so replays score identically. */
  at: Date;
}

/** The names of the features, in the order they are computed. */
export const FEATURE_NAMES = [
  'tool',
  'key_set',
  'argument_size',
  'value_shape',
  'burst',
  'transition',
  'hour',
  'destination',
  'signals',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** One feature's contribution to an assessment. */
export interface AnomalyFeature {
  name: FeatureName;
  /** The contribution in [0, 1]: weight × confidence × surprise (see ./combine.ts). */
  score: number;
  /** What was unusual, with the numbers: "tool db_drop never used by this agent in 1,240 calls". */
  detail: string;
}

/** The model's verdict on one call. */
export interface AnomalyAssessment {
  /** anomaly_score in [0, 1]: the noisy-OR of the feature contributions, 1 − Π(1 − feature.score). */
  score: number;
  /** The features that contributed (score ≥ 0.01), largest first. */
  features: AnomalyFeature[];
}
