import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Principal } from '../auth/authenticator.js';
import { classify } from '../classify/classify.js';
import type { NotifiedCache } from '../db/notified-cache.js';
import { ForbiddenError } from '../errors.js';
import type { OrgSettings } from '../orgs/settings.js';
import type { KillSwitchService } from '../killswitch/service.js';
import { matchKillSwitch } from '../killswitch/store.js';
import type { PolicyCache } from '../policies/cache.js';
import { evaluate, type Evaluation } from '../policies/engine.js';
import type { CallDocument } from '../policies/types.js';
import { maskArguments } from './masking.js';
import type { CheckInput } from './schema.js';
import type { CheckRecord } from './types.js';
import type { CheckWriter } from './writer.js';

/**
 * The anomaly score every check carries until the layer-2 behaviour model exists (the anomaly
 * issue): 0 means "no evidence of anomaly", and no policy can trip on it.
 */
export const ANOMALY_SCORE_WITHOUT_MODEL = 0;

export interface CheckResult {
  record: CheckRecord;
  evaluation: Evaluation;
}

export interface CheckServiceDeps {
  killSwitches: Pick<KillSwitchService, 'active'>;
  policies: PolicyCache;
  settings: NotifiedCache<OrgSettings>;
  writer: CheckWriter;
}

/** argumentsDigest is the hex SHA-256 of the RFC 8785 canonical JSON of the arguments. */
export function argumentsDigest(args: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalize(args) ?? 'null', 'utf8').digest('hex');
}

/**
 * CheckService is the hot path of POST /api/v1/check:
 * authorise the agent → classify → anomaly score → policies → decide → persist (group commit).
 * Policies and settings come from memory; the only database work is the shared batch insert.
 */
export class CheckService {
  constructor(private readonly deps: CheckServiceDeps) {}

  async check(principal: Principal, input: CheckInput): Promise<CheckResult> {
    if (principal.agentId !== undefined && principal.agentId !== input.agent_id) {
      throw new ForbiddenError(`this agent token belongs to agent "${principal.agentId}" and cannot check as "${input.agent_id}"`);
    }
    const [switches, policies, settings] = await Promise.all([
      this.deps.killSwitches.active(principal.orgId),
      this.deps.policies.forOrg(principal.orgId),
      this.deps.settings.get(principal.orgId),
    ]);
    const classification = classify(input.tool_name, input.arguments);
    const context = input.context ?? {};
    const call: CallDocument = {
      agent_id: input.agent_id,
      tool_name: input.tool_name,
      arguments: input.arguments,
      classification,
      anomaly_score: ANOMALY_SCORE_WITHOUT_MODEL,
      context,
    };
    const stop = matchKillSwitch(switches, input.agent_id, input.tool_name);
    const evaluation: Evaluation = stop
      ? {
          decision: 'block',
          policy_name: 'kill-switch',
          risk_level: 'CRITICAL',
          reason: `kill switch ${stop.id} (${stop.scope}${stop.target ? ` ${stop.target}` : ''}) engaged by ${stop.engaged_by}: ${stop.reason}`,
          counterfactual: `would be evaluated normally once kill switch ${stop.id} is released`,
          violations: [],
          shadow_violations: [],
        }
      : evaluate(policies, call, settings.risk_mapping);
    const now = new Date();
    const pending = evaluation.decision === 'pending';
    const record: CheckRecord = {
      id: randomUUID(),
      org_id: principal.orgId,
      agent_id: input.agent_id,
      tool_name: input.tool_name,
      arguments: maskArguments(input.arguments, classification.signals),
      arguments_sha256: argumentsDigest(input.arguments),
      context,
      category: classification.category,
      signals: classification.signals,
      anomaly_score: call.anomaly_score,
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
    await this.deps.writer.write(record);
    return { record, evaluation };
  }
}
