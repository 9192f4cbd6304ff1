import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import type { Decision, RiskLevel } from '../orgs/settings.js';
import { explainSchemaFailure } from './explain.js';
import { globMatcher } from '../util/glob.js';
import { toolKeyGlobs } from '../util/tool-key.js';
import { findTemplate } from './templates.js';
import type { CallDocument, CompiledPolicy, PolicyDefinition, PolicyMatch } from './types.js';

const DECISION_RANK: Record<Decision, number> = { allow: 0, pending: 1, block: 2 };
const RISK_RANK: Record<RiskLevel, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

function matcherOf(match: PolicyMatch | null): (call: CallDocument) => boolean {
  // Tools by their toolKey, as kill switches compare them: a policy on `run_shell` governs `Run-Shell` too.
  const tool = match?.tool_names ? globMatcher(toolKeyGlobs(match.tool_names)) : undefined;
  const agent = globMatcher(match?.agent_ids);
  const categories = match?.categories && match.categories.length > 0 ? new Set<string>(match.categories) : undefined;
  return (call) => (!tool || tool(call.tool_key)) && (!agent || agent(call.agent_id)) && (!categories || categories.has(call.classification.category));
}

/**
 * compilePolicy compiles a definition's schema with the given AJV instance (throws on an invalid
 * schema, with AJV's message). Template policies keep the template's tailored explanation.
 */
export function compilePolicy(ajv: Ajv2020, def: PolicyDefinition): CompiledPolicy {
  const validate = ajv.compile(def.policy_schema);
  const tailored = def.template ? findTemplate(def.template)?.build(def.params ?? {}).explain : undefined;
  return {
    def,
    validate,
    governs: matcherOf(def.match),
    explain: (call) => (tailored ? tailored(call, def.id) : explainSchemaFailure(def.id, telling(validate.errors), call)),
  };
}

const ALLOWED_IF = /^would be allowed (?=if |without )/;

/**
 * combinedCounterfactual says what would let the call through: every violation that does not allow it
 * must go, not only the deciding one ("would be allowed if /arguments/e were present and, for policy
 * p4, if /arguments/d were present"). Equal conditions are said once.
 */
function combinedCounterfactual(deciding: Violation, violations: readonly Violation[]): string {
  const others = violations.filter((v) => v !== deciding && v.decision !== 'allow' && v.counterfactual !== deciding.counterfactual);
  if (others.length === 0) return deciding.counterfactual;
  const seen = new Set([deciding.counterfactual]);
  const parts: string[] = [];
  for (const v of others) {
    if (seen.has(v.counterfactual)) continue;
    seen.add(v.counterfactual);
    parts.push(ALLOWED_IF.test(v.counterfactual) && ALLOWED_IF.test(deciding.counterfactual) ? `for policy ${v.policy_name}, ${v.counterfactual.replace(ALLOWED_IF, '')}` : `policy ${v.policy_name}: ${v.counterfactual}`);
  }
  return ALLOWED_IF.test(deciding.counterfactual) && parts.every((p) => p.startsWith('for policy ')) ? `${deciding.counterfactual} and, ${parts.join(' and, ')}` : `${deciding.counterfactual}; ${parts.join('; ')}`;
}

/**
 * validateSafely runs a policy's validator: true (satisfied), false (violated), or, when the validator
 * throws or answers asynchronously (what saving a policy refuses, but a stored one may predate a
 * bound), the explanation of a violation. A policy that cannot be evaluated fails closed: it is not
 * let pass, and it never takes the process or the other policies down with it.
 */
function validateSafely(p: CompiledPolicy, call: CallDocument): boolean | { reason: string; counterfactual: string } {
  try {
    const ok: unknown = p.validate(call);
    if (typeof ok === 'boolean') return ok;
    if (ok && typeof (ok as Promise<unknown>).then === 'function') (ok as Promise<unknown>).then(undefined, () => undefined);
  } catch {
    // RangeError from a recursion the schema bounds did not catch, or any other failure: below.
  }
  return {
    reason: `policy ${p.def.id} could not be evaluated for this call (its schema fails to run), so it is treated as violated`,
    counterfactual: `would be evaluated normally once policy ${p.def.id} has a schema that runs (PUT /api/v1/policies/${p.def.id})`,
  };
}

const BRANCHING = new Set(['anyOf', 'oneOf']);

/**
 * telling picks the error that explains a failure: the deepest one, then one that is not about the
 * branch or the type. For `anyOf: [string, array of strings]` and the list `["a@acme.com",
 * "b@evil.com"]` that is the pattern failing at `/arguments/to/1`, not "is not of type string".
 */
function telling(errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  if (!errors || errors.length === 0) return undefined;
  const depth = (e: ErrorObject): number => (e.instancePath === '' ? 0 : e.instancePath.split('/').length);
  const rank = (e: ErrorObject): number => (BRANCHING.has(e.keyword) ? 2 : e.keyword === 'type' ? 1 : 0);
  return errors.reduce((best, e) => (depth(e) > depth(best) || (depth(e) === depth(best) && rank(e) < rank(best)) ? e : best));
}

export interface Violation {
  policy_name: string;
  risk_level: RiskLevel;
  decision: Decision;
  reason: string;
  counterfactual: string;
}

export interface Evaluation {
  decision: Decision;
  policy_name: string;
  risk_level: RiskLevel;
  reason?: string;
  counterfactual?: string;
  violations: Violation[];
  shadow_violations: Violation[];
}

/**
 * evaluate applies an org's effective policies to a call. Pure: never throws for a violation.
 * A governed call that fails a policy's schema violates it; the decision is the policy's action or
 * the risk mapping of its level; the strictest violation decides (block > pending > allow, then the
 * higher risk). Shadow policies are reported, never decisive. Without violations the call is
 * allowed under the riskiest policy that governed it ("default" when none did).
 */
export function evaluate(policies: readonly CompiledPolicy[], call: CallDocument, riskMapping: Record<RiskLevel, Decision>): Evaluation {
  const violations: Violation[] = [];
  const shadow: Violation[] = [];
  let governing: PolicyDefinition | undefined;
  for (const p of policies) {
    if (!p.def.enabled || !p.governs(call)) continue;
    if (p.def.mode === 'enforce' && (!governing || RISK_RANK[p.def.risk_level] > RISK_RANK[governing.risk_level])) governing = p.def;
    const outcome = validateSafely(p, call);
    if (outcome === true) continue;
    const { reason, counterfactual } = outcome === false ? p.explain(call) : outcome;
    const v: Violation = { policy_name: p.def.id, risk_level: p.def.risk_level, decision: p.def.action ?? riskMapping[p.def.risk_level], reason, counterfactual };
    (p.def.mode === 'shadow' ? shadow : violations).push(v);
  }
  let deciding: Violation | undefined;
  for (const v of violations) {
    if (!deciding || DECISION_RANK[v.decision] > DECISION_RANK[deciding.decision] || (DECISION_RANK[v.decision] === DECISION_RANK[deciding.decision] && RISK_RANK[v.risk_level] > RISK_RANK[deciding.risk_level])) {
      deciding = v;
    }
  }
  if (!deciding) return { decision: 'allow', policy_name: governing?.id ?? 'default', risk_level: 'LOW', violations, shadow_violations: shadow };
  return {
    decision: deciding.decision,
    policy_name: deciding.policy_name,
    risk_level: deciding.risk_level,
    reason: deciding.reason,
    ...(deciding.decision === 'allow' ? {} : { counterfactual: combinedCounterfactual(deciding, violations) }),
    violations,
    shadow_violations: shadow,
  };
}
