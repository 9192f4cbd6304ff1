import { hash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AnomalyService } from '../anomaly/service.js';
import type { Principal } from '../auth/authenticator.js';
import { categorize } from '../classify/category.js';
import { classify } from '../classify/classify.js';
import { LARGE_CALL_CHARS, stringChars, type ClassifierPool } from '../classify/pool.js';
import type { Classification } from '../classify/types.js';
import type { NotifiedCache } from '../db/notified-cache.js';
import { AppError, ForbiddenError } from '../errors.js';
import type { KillSwitchService } from '../killswitch/service.js';
import { matchKillSwitch, type KillSwitch } from '../killswitch/store.js';
import type { Logger } from '../log.js';
import type { OrgSettings } from '../orgs/settings.js';
import type { PolicyCache } from '../policies/cache.js';
import type { Admission } from '../ratelimit/admission.js';
import { evaluate, type Evaluation } from '../policies/engine.js';
import type { CallDocument } from '../policies/types.js';
import { TraceMasker } from '../traces/masking.js';
import { toolKey } from '../util/tool-key.js';
import { maskArguments } from './masking.js';
import { keepSignals } from './signals.js';
import type { CheckInput } from './schema.js';
import type { CheckRecord } from './types.js';
import type { CheckWriter } from './writer.js';
import { inSpan, inSpanSync } from '../telemetry/tracing.js';

export interface CheckResult {
  record: CheckRecord;
  evaluation: Evaluation;
  /** False when fail_mode "open" answered a check that could not be recorded. */
  persisted: boolean;
}

export interface CheckServiceDeps {
  killSwitches: Pick<KillSwitchService, 'active' | 'noteBlocked'>;
  policies: PolicyCache;
  settings: NotifiedCache<OrgSettings>;
  anomaly: Pick<AnomalyService, 'assess'>;
  writer: CheckWriter;
  log: Logger;
  /** Rate limits and plan quotas; absent = none. */
  admission?: Pick<Admission, 'admitCheck'>;
  /** Worker threads for large calls (LARGE_CALL_CHARS); absent = every call on the event loop. */
  pool?: Pick<ClassifierPool, 'available' | 'classify'>;
}

const CONTEXT_MASKER = new TraceMasker(5_000);

/** argumentsDigest is the hex SHA-256 of the RFC 8785 canonical JSON of the arguments. */
export function argumentsDigest(args: Record<string, unknown>): string {
  return hash('sha256', canonicalize(args) ?? 'null', 'hex');
}

function killSwitchEvaluation(s: KillSwitch): Evaluation {
  return {
    decision: 'block',
    policy_name: 'kill-switch',
    risk_level: 'CRITICAL',
    reason: `kill switch ${s.id} (${s.scope}${s.target ? ` ${s.target}` : ''}) engaged by ${s.engaged_by}: ${s.reason}`,
    counterfactual: `would be evaluated normally once kill switch ${s.id} is released`,
    violations: [],
    shadow_violations: [],
  };
}

/**
 * escalate turns an allowed call whose anomaly score reached the org's escalation threshold into a
 * pending one, for a human to look at.
 */
function escalate(e: Evaluation, score: number, top: string | undefined, threshold: number): Evaluation {
  if (e.decision !== 'allow' || score < threshold) return e;
  return {
    ...e,
    decision: 'pending',
    policy_name: 'anomaly',
    risk_level: 'HIGH',
    reason: `anomaly: score ${score.toFixed(2)} ≥ ${threshold}${top ? `: ${top}` : ''}`,
    counterfactual: `would be allowed if the call matched this agent's usual behaviour (anomaly score below ${threshold})`,
  };
}

/**
 * CheckService is the hot path of POST /api/v1/check: authorise the agent → kill switch → rate
 * limit and quota → classify → anomaly score → policies → decide → persist. Switches, policies,
 * settings, limits and the behaviour model come from memory; the only database work is the shared
 * batch insert.
 */
export class CheckService {
  constructor(private readonly deps: CheckServiceDeps) {}

  /** `via.upstream`: the proxy's upstream the call is sent to, which tool kill switches match as well as its tool name. */
  async check(principal: Principal, input: CheckInput, via?: { upstream: string }): Promise<CheckResult> {
    if (principal.agentId !== undefined && principal.agentId !== input.agent_id) {
      throw new ForbiddenError(`this agent token belongs to agent "${principal.agentId}" and cannot check as "${input.agent_id}"`);
    }
    const orgId = principal.orgId;
    const [switches, policies, settings] = await Promise.all([this.deps.killSwitches.active(orgId), this.deps.policies.forOrg(orgId), this.deps.settings.get(orgId)]);
    const stop = via ? matchKillSwitch(switches, input.agent_id, input.tool_name, via.upstream) : matchKillSwitch(switches, input.agent_id, input.tool_name);
    // A stopped agent is answered (blocked) whatever its rate; every other check counts against its limits.
    if (!stop && this.deps.admission) await this.deps.admission.admitCheck(orgId, input.agent_id, settings.rate_limits);
    const now = new Date();
    // A stopped call is blocked whatever it holds, and is not rate limited: it is not classified either (the
    // detectors are the costly part, and a switched-off agent must not get them unthrottled); its secrets are
    // still masked before it is stored.
    const { classification, masked } = stop
      ? { classification: { category: categorize(input.tool_name, Object.keys(input.arguments)), signals: [] }, masked: CONTEXT_MASKER.mask(input.arguments) as Record<string, unknown> }
      : await this.classify(input);
    const assessment = await inSpan('check.anomaly', {}, () => this.deps.anomaly.assess(orgId, {
      agentId: input.agent_id,
      toolName: input.tool_name,
      arguments: input.arguments,
      category: classification.category,
      signals: classification.signals,
      at: now,
    }));
    const anomalyScore = Math.round(assessment.score * 1e4) / 1e4;
    const context = input.context ?? {};
    // `context` is not classified, but it is stored and shown: its secrets are masked like a trace's.
    const storedContext = Object.keys(context).length === 0 ? context : (CONTEXT_MASKER.mask(context) as Record<string, unknown>);
    const call: CallDocument = { agent_id: input.agent_id, tool_name: input.tool_name, tool_key: toolKey(input.tool_name), arguments: input.arguments, classification, anomaly_score: anomalyScore, context };
    const evaluation = stop
      ? killSwitchEvaluation(stop)
      : escalate(inSpanSync('check.policies', { 'aegis.policies': policies.length }, () => evaluate(policies, call, settings.risk_mapping)), anomalyScore, assessment.features[0]?.detail, settings.anomaly_escalate_threshold);
    const pending = evaluation.decision === 'pending';
    const shown = keepSignals(classification.signals);
    const record: CheckRecord = {
      id: randomUUID(),
      org_id: orgId,
      agent_id: input.agent_id,
      tool_name: input.tool_name,
      arguments: masked ?? maskArguments(input.arguments, classification.signals),
      arguments_sha256: argumentsDigest(input.arguments),
      context: storedContext,
      category: classification.category,
      signals: shown.signals,
      signals_omitted: shown.omitted,
      anomaly_score: anomalyScore,
      anomaly_features: assessment.features.slice(0, 5),
      anomaly_event: anomalyScore >= settings.anomaly_threshold,
      decision: evaluation.decision,
      status: pending ? 'pending' : 'decided',
      policy_name: evaluation.policy_name,
      risk_level: evaluation.risk_level,
      reason: evaluation.reason ?? null,
      counterfactual: evaluation.counterfactual ?? null,
      shadow_violations: evaluation.shadow_violations,
      credential_id: `${principal.kind}:${principal.credentialId}`,
      created_at: now,
      expires_at: pending ? new Date(now.getTime() + settings.pending_timeout_seconds * 1000) : null,
      decided_at: pending ? null : now,
      decided_by: pending ? null : 'policy',
      decided_credential: null,
      decision_reason: null,
    };
    let persisted = true;
    try {
      await inSpan('check.persist', { 'aegis.decision': record.decision }, () => this.deps.writer.write(record));
    } catch (err) {
      // A pending check must exist before anyone can decide it: only decided checks may go unrecorded.
      if (settings.fail_mode !== 'open' || pending) throw new AppError('UNAVAILABLE', 'the check could not be recorded; try again');
      this.deps.log.warn({ check_id: record.id, err: (err as Error).message }, 'fail_mode open: answering a check that was not recorded');
      persisted = false;
    }
    if (evaluation.decision === 'block' && !stop && settings.auto_kill.enabled) this.deps.killSwitches.noteBlocked(orgId, input.agent_id, settings.auto_kill);
    return { record, evaluation, persisted };
  }

  /**
   * classify runs the detectors: on this thread for the usual call, in the pool for a large one (a
   * megabyte of content costs the detectors up to seconds, which would hold every other org's
   * checks); a pool that fails is no reason to answer differently, so the call is then classified here.
   */
  private async classify(input: CheckInput): Promise<{ classification: Classification; masked?: Record<string, unknown> }> {
    const pool = this.deps.pool;
    if (pool?.available && stringChars(input.arguments, LARGE_CALL_CHARS) >= LARGE_CALL_CHARS) {
      try {
        return await inSpan('check.classify', { 'aegis.tool_name': input.tool_name, 'aegis.worker': true }, () => pool.classify(input.tool_name, input.arguments));
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'classifier pool failed; classifying on the event loop');
      }
    }
    return { classification: inSpanSync('check.classify', { 'aegis.tool_name': input.tool_name }, () => classify(input.tool_name, input.arguments)) };
  }
}
