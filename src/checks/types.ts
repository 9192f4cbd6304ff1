import type { Category, Signal } from '../classify/types.js';
import type { Violation } from '../policies/engine.js';
import type { Decision, RiskLevel } from '../orgs/settings.js';

/** One persisted check (the `checks` row, in code). */
export interface CheckRecord {
  id: string;
  org_id: string;
  agent_id: string;
  tool_name: string;
  /** Arguments with secrets masked. */
  arguments: Record<string, unknown>;
  /** SHA-256 of the RFC 8785 canonical JSON of the arguments as received (hex). */
  arguments_sha256: string;
  context: Record<string, unknown>;
  category: Category;
  signals: Signal[];
  /** Signals left out of `signals` (a call that raised more than MAX_SIGNALS; see keepSignals). */
  signals_omitted: number;
  anomaly_score: number;
  /** The behaviour model's top contributing features (largest first). */
  anomaly_features: Array<{ name: string; score: number; detail: string }>;
  /** Whether the score reached the org's anomaly_threshold (an anomaly event is written with the check). */
  anomaly_event: boolean;
  decision: Decision;
  status: 'decided' | 'pending';
  policy_name: string;
  risk_level: RiskLevel;
  reason: string | null;
  counterfactual: string | null;
  shadow_violations: Violation[];
  credential_id: string | null;
  created_at: Date;
  /** When a pending check's timeout decision applies (null once decided by policy). */
  expires_at: Date | null;
  decided_at: Date | null;
  decided_by: string | null;
  decided_credential: string | null;
  /** The reviewer's (or the timeout's, or a kill switch's) reason. */
  decision_reason: string | null;
}
