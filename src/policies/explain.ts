import type { ErrorObject } from 'ajv';
import { maskSecrets } from '../classify/detectors/secrets.js';
import type { Severity, Signal, SignalId } from '../classify/types.js';
import type { CallDocument, Explanation } from './types.js';

/** valueAt reads a JSON pointer (RFC 6901) in a document; undefined when absent. */
export function valueAt(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

/**
 * shownValue is the value at a pointer as a reason may quote it: with the secrets in it masked, as in
 * the stored arguments (`/arguments/api_key is "ghp_****", which does not match …`).
 */
function shownValue(v: unknown, pointer: string): unknown {
  const key = pointer.slice(pointer.lastIndexOf('/') + 1).replaceAll('~1', '/').replaceAll('~0', '~');
  if (typeof v === 'string') return maskSecrets(v, key);
  if (v !== null && typeof v === 'object') {
    const text = JSON.stringify(v);
    const masked = maskSecrets(text);
    if (masked === text) return v;
    try {
      return JSON.parse(masked) as unknown;
    } catch {
      return masked;
    }
  }
  return v;
}

/**
 * explainSchemaFailure turns the first failing JSON-Schema keyword into a reason and a
 * counterfactual ("would be allowed if /arguments/amount were at most 100").
 */
export function explainSchemaFailure(policyId: string, error: ErrorObject | undefined, call: CallDocument): Explanation {
  if (!error) return { reason: `${policyId}: the call does not satisfy the policy`, counterfactual: 'would be allowed if the call satisfied the policy schema' };
  const at = error.instancePath || '(the call)';
  const value = shownValue(valueAt(call, error.instancePath), error.instancePath);
  const p = error.params as Record<string, unknown>;
  const would = (cond: string): string => `would be allowed if ${cond}`;
  // A member's name failed (`propertyNames`): say which name, not what the object as a whole is.
  if (error.propertyName !== undefined) {
    const name = JSON.stringify(error.propertyName.length > 60 ? `${error.propertyName.slice(0, 60)}…` : error.propertyName);
    return { reason: `${policyId}: ${at} has a member named ${name}, which ${error.message ?? `fails "${error.keyword}"`}`, counterfactual: would(`${at} had no member named ${name}`) };
  }
  let counterfactual: string;
  let detail: string;
  switch (error.keyword) {
    case 'maximum':
    case 'exclusiveMaximum':
      detail = `${at} is ${show(value)}, above the limit ${show(p.limit)}`;
      counterfactual = would(`${at} were ${error.keyword === 'maximum' ? 'at most' : 'below'} ${show(p.limit)}`);
      break;
    case 'minimum':
    case 'exclusiveMinimum':
      detail = `${at} is ${show(value)}, below the limit ${show(p.limit)}`;
      counterfactual = would(`${at} were ${error.keyword === 'minimum' ? 'at least' : 'above'} ${show(p.limit)}`);
      break;
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      detail = `${at} is too long (limit ${show(p.limit)})`;
      counterfactual = would(`${at} had at most ${show(p.limit)} ${error.keyword === 'maxLength' ? 'characters' : error.keyword === 'maxItems' ? 'items' : 'properties'}`);
      break;
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      detail = `${at} is too short (minimum ${show(p.limit)})`;
      counterfactual = would(`${at} had at least ${show(p.limit)} ${error.keyword === 'minLength' ? 'characters' : error.keyword === 'minItems' ? 'items' : 'properties'}`);
      break;
    case 'enum':
      detail = `${at} is ${show(value)}, not an allowed value`;
      counterfactual = would(`${at} were one of ${(p.allowedValues as unknown[]).map(show).join(', ')}`);
      break;
    case 'const':
      detail = `${at} is ${show(value)}`;
      counterfactual = would(`${at} were ${show(p.allowedValue)}`);
      break;
    case 'pattern':
      detail = `${at} is ${show(value)}, which does not match /${String(p.pattern)}/`;
      counterfactual = would(`${at} matched /${String(p.pattern)}/`);
      break;
    case 'format':
      detail = `${at} is not a valid ${String(p.format)}`;
      counterfactual = would(`${at} were a valid ${String(p.format)}`);
      break;
    case 'required':
      detail = `${at === '(the call)' ? '' : at}/${String(p.missingProperty)} is missing`;
      counterfactual = would(`${error.instancePath}/${String(p.missingProperty)} were present`);
      break;
    case 'additionalProperties':
      detail = `${error.instancePath}/${String(p.additionalProperty)} is not allowed`;
      counterfactual = would(`${error.instancePath}/${String(p.additionalProperty)} were absent`);
      break;
    case 'type':
      detail = `${at} is not of type ${String(p.type)}`;
      counterfactual = would(`${at} were of type ${String(p.type)}`);
      break;
    case 'not':
      detail = `${at} matches what the policy forbids`;
      counterfactual = would(`${at} did not match the forbidden schema`);
      break;
    default:
      detail = `${at} ${error.message ?? `fails "${error.keyword}"`}`;
      counterfactual = would(`${at} satisfied "${error.keyword}"`);
  }
  return { reason: `${policyId}: ${detail}`, counterfactual };
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** offendingSignals are the call's signals a signal guard forbids. */
export function offendingSignals(call: CallDocument, ids: readonly SignalId[], minSeverity: Severity): Signal[] {
  return call.classification.signals.filter((s) => ids.includes(s.id) && SEVERITY_RANK[s.severity] >= SEVERITY_RANK[minSeverity]);
}

/** kindOf names what a signal saw, from its evidence ("tautology: OR 1=1" → "tautology"). */
function kindOf(s: Signal): string {
  const head = s.evidence.split(':')[0]!.trim();
  return head.length > 0 && head.length <= 60 && head !== s.evidence ? head : s.id.replaceAll('_', ' ');
}

/**
 * explainSignals says which signals broke a signal guard and what would pass:
 * "would be allowed if /arguments/sql had no stacked statement".
 */
export function explainSignals(policyId: string, offending: Signal[]): Explanation {
  if (offending.length === 0) return { reason: `${policyId}: forbidden signal`, counterfactual: 'would be allowed without the forbidden signal' };
  const first = offending[0]!;
  const more = offending.length > 1 ? ` (+${offending.length - 1} more)` : '';
  const byPath = new Map<string, Set<string>>();
  for (const s of offending) byPath.set(s.path, (byPath.get(s.path) ?? new Set()).add(kindOf(s)));
  const conditions = [...byPath].map(([path, kinds]) => `${path} had no ${[...kinds].join(' or ')}`);
  return {
    reason: `${policyId}: ${first.id} (${first.severity}) at ${first.path}: ${first.evidence}${more}`,
    counterfactual: `would be allowed if ${conditions.join(' and ')}`,
  };
}
