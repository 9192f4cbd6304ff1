import type { Evaluation } from '../policies/engine.js';
import type { CheckRecord } from './types.js';

/** presentDecision is the answer of POST /api/v1/check (the reference's shape, plus reason/counterfactual). */
export function presentDecision(r: CheckRecord, e: Evaluation) {
  return {
    decision: r.decision,
    policy_name: r.policy_name,
    risk_level: r.risk_level,
    classification: classificationOf(r),
    anomaly_score: r.anomaly_score,
    check_id: r.id,
    ...(r.anomaly_features.length > 0 ? { anomaly_features: r.anomaly_features } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.counterfactual ? { counterfactual: e.counterfactual } : {}),
    ...(e.shadow_violations.length > 0 ? { shadow_violations: e.shadow_violations } : {}),
  };
}

/** presentCheck is a stored check (GET /api/v1/check/:id): arguments are shown masked. */
export function presentCheck(r: CheckRecord) {
  return {
    check_id: r.id,
    agent_id: r.agent_id,
    tool_name: r.tool_name,
    arguments: r.arguments,
    arguments_sha256: r.arguments_sha256,
    context: r.context,
    decision: r.decision,
    status: r.status,
    policy_name: r.policy_name,
    risk_level: r.risk_level,
    classification: classificationOf(r),
    anomaly_score: r.anomaly_score,
    anomaly_features: r.anomaly_features,
    reason: r.reason,
    counterfactual: r.counterfactual,
    shadow_violations: r.shadow_violations,
    created_at: r.created_at.toISOString(),
    expires_at: r.expires_at?.toISOString() ?? null,
    decided_at: r.decided_at?.toISOString() ?? null,
    decided_by: r.decided_by,
    decision_reason: r.decision_reason,
  };
}

/** presentVerdict is GET /api/v1/check/:id/decision: the verdict so far, for polling agents. */
export function presentVerdict(r: CheckRecord) {
  return {
    check_id: r.id,
    decision: r.decision,
    status: r.status,
    decided_by: r.decided_by,
    decided_at: r.decided_at?.toISOString() ?? null,
    reason: r.decision_reason ?? r.reason,
    expires_at: r.expires_at?.toISOString() ?? null,
  };
}

/** The classification as answered: `signals_omitted` appears only when signals were left out. */
function classificationOf(r: CheckRecord) {
  return { category: r.category, signals: r.signals, ...(r.signals_omitted > 0 ? { signals_omitted: r.signals_omitted } : {}) };
}
