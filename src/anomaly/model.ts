import { AgentModel } from './agent-model.js';
import { BoundedMap } from './bounded-map.js';
import { analyseArguments } from './features.js';
import { storable } from './names.js';
import { ANOMALY_MODEL_FORMAT, ANOMALY_MODEL_VERSION, parseOrgModelJSON, type OrgAnomalyModelJSON } from './json.js';
import type { AnomalyAssessment, ObservedCall } from './types.js';

export type { AnomalyAssessment, AnomalyFeature, ObservedCall } from './types.js';
export { DEFAULT_ANOMALY_THRESHOLD } from './combine.js';
export { ANOMALY_MODEL_VERSION, type OrgAnomalyModelJSON } from './json.js';

/** Characters kept of tool names, categories and signal ids (the gateway allows 128 for tool names)… */
const MAX_NAME_LENGTH = 128;
/** …and of agent ids (the gateway allows 128: longer ones would only be clipped, not refused). */
const MAX_AGENT_ID_LENGTH = 256;

/** Agents remembered per org by default; the least recently active is forgotten first. */
export const DEFAULT_MAX_AGENTS = 10_000;

export interface OrgAnomalyModelOptions {
  /** Agents kept (least recently active evicted; a returning agent starts cold). Default 10,000. */
  maxAgents?: number;
}

/**
 * checkedCall rejects an invalid time and makes names storable (clipped, no control characters or
 * lone surrogates), so nothing a caller sends can grow the model or break its JSON snapshot.
 */
function checkedCall(call: ObservedCall): ObservedCall {
  if (!(call.at instanceof Date) || !Number.isFinite(call.at.getTime())) throw new RangeError(`call.at must be a valid Date, got ${String(call.at)}`);
  const agentId = storable(call.agentId, MAX_AGENT_ID_LENGTH);
  const toolName = storable(call.toolName, MAX_NAME_LENGTH);
  const category = storable(call.category, MAX_NAME_LENGTH);
  const signals = call.signals?.some((s) => storable(s.id, MAX_NAME_LENGTH) !== s.id) ? call.signals.map((s) => ({ id: storable(s.id, MAX_NAME_LENGTH) })) : call.signals;
  if (agentId === call.agentId && toolName === call.toolName && category === call.category && signals === call.signals) return call;
  return { ...call, agentId, toolName, category, signals };
}

/**
 * OrgAnomalyModel is the layer-2 behaviour model of one org: one AgentModel per agent id, learnt
 * online from every check. It is pure and synchronous (time comes from `call.at`, never the clock),
 * so replaying the same calls gives the same scores, and `toJSON()` / `fromJSON()` carry it across a
 * restart unchanged. Memory is bounded: per agent by the caps in ./agent-model.ts and
 * ./tool-profile.ts (≈0.5 MB of JSON under a flood of never-repeated names, ≈13 KB for a typical
 * agent), per org by `maxAgents`.
 *
 * The score of a call is how unusual it is *for this agent*: a never-used tool, a new argument shape,
 * unusually large or odd-looking values, a burst above its own rate, a rare tool sequence, an hour it
 * never works, a destination (domain, recipient, table, path root) it never touched, a classifier
 * signal its calls never raise. Each feature's surprise is shrunk while the evidence is thin, so a
 * new agent scores low; the assessment is their noisy-OR (see ./combine.ts).
 */
export class OrgAnomalyModel {
  private readonly models: BoundedMap<AgentModel>;

  constructor(options: OrgAnomalyModelOptions = {}) {
    const maxAgents = options.maxAgents ?? DEFAULT_MAX_AGENTS;
    if (!(Number.isInteger(maxAgents) && maxAgents >= 1)) throw new Error(`maxAgents must be a positive integer, got ${maxAgents}`);
    this.models = new BoundedMap<AgentModel>(maxAgents);
  }

  /**
   * assess scores `call` against its agent's history, then learns it (one pass over the arguments).
   * Throws a RangeError if `call.at` is not a valid date (it would poison the rate baseline).
   */
  assess(input: ObservedCall): AnomalyAssessment {
    const call = checkedCall(input);
    const analysis = analyseArguments(call.arguments);
    let model = this.models.touch(call.agentId);
    if (model === undefined) {
      model = new AgentModel();
      this.models.set(call.agentId, model);
    }
    const assessment = model.assess(call, analysis);
    model.observe(call, analysis);
    return assessment;
  }

  /** peek scores `call` without learning it or touching the agent's recency (for explanations and tests). */
  peek(input: ObservedCall): AnomalyAssessment {
    const call = checkedCall(input);
    const analysis = analyseArguments(call.arguments);
    return (this.models.peek(call.agentId) ?? new AgentModel()).assess(call, analysis);
  }

  /** observe learns `call` without scoring it (backfill from stored checks). */
  observe(input: ObservedCall): void {
    const call = checkedCall(input);
    const analysis = analyseArguments(call.arguments);
    let model = this.models.touch(call.agentId);
    if (model === undefined) {
      model = new AgentModel();
      this.models.set(call.agentId, model);
    }
    model.observe(call, analysis);
  }

  /** agents lists the agent ids with a model, least recently active first. */
  agents(): string[] {
    return [...this.models.keys()];
  }

  /** callCount is the number of calls learnt for an agent (0 if unknown). */
  callCount(agentId: string): number {
    return this.models.peek(storable(agentId, MAX_AGENT_ID_LENGTH))?.callCount ?? 0;
  }

  /** forget drops an agent's model (its next call starts cold); false if there was none. */
  forget(agentId: string): boolean {
    return this.models.delete(storable(agentId, MAX_AGENT_ID_LENGTH));
  }

  get size(): number {
    return this.models.size;
  }

  /** toJSON is the whole model as plain JSON (see OrgAnomalyModelJSON), versioned. */
  toJSON(): OrgAnomalyModelJSON {
    const agents: OrgAnomalyModelJSON['agents'] = [];
    for (const [id, model] of this.models.entries()) agents.push([id, model.toJSON()]);
    return { format: ANOMALY_MODEL_FORMAT, version: ANOMALY_MODEL_VERSION, agents };
  }

  /**
   * fromJSON rebuilds a model from toJSON() output; it scores every call exactly as the original
   * would. Throws an Error naming the offending field if `json` is not a model of this version.
   */
  static fromJSON(json: unknown, options: OrgAnomalyModelOptions = {}): OrgAnomalyModel {
    const parsed = parseOrgModelJSON(json);
    const model = new OrgAnomalyModel(options);
    for (const [id, agent] of parsed.agents) model.models.set(id, AgentModel.fromJSON(agent));
    return model;
  }
}
