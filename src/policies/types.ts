import type { ValidateFunction } from 'ajv';
import type { Category, Signal } from '../classify/types.js';
import type { Decision, RiskLevel } from '../orgs/settings.js';

/** Which calls a policy governs; every list given must match (globs: `*`), an empty match governs all. */
export interface PolicyMatch {
  tool_names?: string[];
  agent_ids?: string[];
  categories?: Category[];
}

export interface PolicyDefinition {
  id: string;
  name: string;
  description: string;
  /** JSON Schema of a permitted call document; a governed call that fails it violates the policy. */
  policy_schema: Record<string, unknown>;
  risk_level: RiskLevel;
  match: PolicyMatch | null;
  /** The decision on violation; null = the org's risk mapping for risk_level. */
  action: Decision | null;
  template: string | null;
  params: Record<string, unknown> | null;
  enabled: boolean;
  mode: 'enforce' | 'shadow';
  source: 'platform' | 'org';
  version: number;
  created_at: Date | null;
  updated_at: Date | null;
}

/** The document policies see: the call, its classification and anomaly score. */
export interface CallDocument {
  agent_id: string;
  tool_name: string;
  /** The tool name as names are compared (util/tool-key.ts): what the tool templates match. */
  tool_key: string;
  arguments: Record<string, unknown>;
  classification: { category: Category; signals: Signal[] };
  anomaly_score: number;
  context: Record<string, unknown>;
}

export interface Explanation {
  reason: string;
  counterfactual: string;
}

export interface CompiledPolicy {
  readonly def: PolicyDefinition;
  readonly validate: ValidateFunction;
  governs(call: CallDocument): boolean;
  /** Why a call violates the policy and what would have made it pass. */
  explain(call: CallDocument): Explanation;
}
