import { BoundedMap } from './bounded-map.js';
import { combineFeatures, type FeatureResult } from './combine.js';
import { DESTINATION_KINDS, type DestinationKind } from './destinations.js';
import type { CallAnalysis } from './features.js';
import { FrequencyTable, type FrequencyEstimate, type FrequencyTableJSON } from './frequency.js';
import { HourProfile, type HourProfileJSON } from './hours.js';
import { CallRate, type CallRateJSON } from './rate.js';
import { confidence, formatCount, formatShare, RARE_DISCOUNT, surpriseOfProbability, surpriseOfRatio } from './surprise.js';
import { ToolProfile, type ToolProfileJSON } from './tool-profile.js';
import type { AnomalyAssessment, ObservedCall } from './types.js';

/** Tools counted per agent (the least frequent is forgotten)… */
const MAX_TOOLS = 64;
/** …and profiled, with their transitions (the least recently used is forgotten). */
const MAX_PROFILES = 32;
const MAX_CATEGORIES = 16;
const MAX_SIGNALS = 16;
/** Successors remembered per tool. */
const MAX_SUCCESSORS = 16;
/** Values remembered per destination kind. */
const MAX_DESTINATIONS = 128;
/** Agent-level counts halve every 2,000 calls of the agent. */
const AGENT_HALF_LIFE = 2000;
/** Transition counts halve every 1,000 calls of the preceding tool. */
const TRANSITION_HALF_LIFE = 1000;
/** A call more than 30 minutes after the previous one starts a session: its predecessor is SESSION_START. */
const SESSION_GAP_MS = 30 * 60_000;
const SESSION_START = '^';
/** Calls of the agent at which every surprise is 63 % trusted (cold start: see confidence()). */
const AGENT_EVIDENCE = 40;
/** Calls after a tool at which its transitions are 63 % trusted. */
const TRANSITION_EVIDENCE = 20;
/** A transition is ordinary if it happens at least a quarter as often as the tool does overall… */
const LIFT_ORDINARY = 0.25;
/** …and fully surprising at a twentieth of it. */
const LIFT_UNHEARD_OF = 0.05;
/** A new host within a known domain, or a new recipient at a known mail domain, weighs less. */
const KIND_WEIGHT: Readonly<Record<DestinationKind, number>> = {
  domain: 1,
  host: 0.5,
  recipient_domain: 1,
  recipient: 0.6,
  table: 1,
  path_root: 1,
};
const KIND_LABEL: Readonly<Record<DestinationKind, string>> = {
  domain: 'URL domain',
  host: 'URL host',
  recipient_domain: 'recipient domain',
  recipient: 'recipient',
  table: 'SQL table',
  path_root: 'path root',
};

/** The plain-JSON form of an AgentModel. */
export interface AgentModelJSON {
  calls: number;
  lastTool: string | null;
  lastAt: number | null;
  tools: FrequencyTableJSON;
  categories: FrequencyTableJSON;
  signals: FrequencyTableJSON;
  profiles: Array<[string, ToolProfileJSON]>;
  transitions: Array<[string, FrequencyTableJSON]>;
  destinations: Record<DestinationKind, FrequencyTableJSON>;
  hours: HourProfileJSON;
  rate: CallRateJSON;
}

/** How surprising a categorical value is: rare-but-known values weigh RARE_DISCOUNT of a new one. */
function surpriseOf(est: FrequencyEstimate): number {
  return est.known ? RARE_DISCOUNT * surpriseOfProbability(est.probability) : surpriseOfProbability(est.novelty);
}

const describeNothing = (): string => '';

/** A feature that found nothing (shared: the hot path allocates no closure for it). */
function nothing(name: FeatureResult['name']): FeatureResult {
  return { name, surprise: 0, describe: describeNothing };
}

/** "1 in 1,234" for a probability. */
function oneIn(p: number): string {
  return `1 in ${formatCount(1 / Math.max(p, 1e-9))}`;
}

/**
 * AgentModel is one agent's behaviour: which tools it calls and in what order, with which
 * arguments, when, how fast, and to which destinations. Memory is bounded by the caps above.
 * `assess` scores a call against the model; `observe` learns it. Requires calls checked by
 * OrgAnomalyModel (a valid `at`, names clipped).
 */
export class AgentModel {
  private calls = 0;
  private lastTool: string | null = null;
  private lastAt = NaN;
  private readonly tools = new FrequencyTable(MAX_TOOLS, AGENT_HALF_LIFE);
  private readonly categories = new FrequencyTable(MAX_CATEGORIES, AGENT_HALF_LIFE);
  private readonly signals = new FrequencyTable(MAX_SIGNALS, AGENT_HALF_LIFE);
  private readonly profiles = new BoundedMap<ToolProfile>(MAX_PROFILES);
  private readonly transitions = new BoundedMap<FrequencyTable>(MAX_PROFILES + 1);
  private readonly destinations = Object.fromEntries(
    DESTINATION_KINDS.map((k) => [k, new FrequencyTable(MAX_DESTINATIONS, AGENT_HALF_LIFE)]),
  ) as Record<DestinationKind, FrequencyTable>;
  private readonly hours = new HourProfile();
  private readonly rate = new CallRate();

  /** The number of calls observed. */
  get callCount(): number {
    return this.calls;
  }

  /** assess scores `call` (analysed as `analysis`) against this agent's history, without learning it. */
  assess(call: ObservedCall, analysis: CallAnalysis): AnomalyAssessment {
    const ms = call.at.getTime();
    const tool = call.toolName;
    const calls = this.calls;
    const toolEst = this.tools.estimate(tool, calls);
    const weight = toolEst.total;
    const profile = this.profiles.peek(tool);
    const results: FeatureResult[] = [this.assessTool(call, toolEst)];
    if (profile !== undefined) {
      const keySet = profile.assessKeySet(tool, analysis);
      const size = profile.assessSize(tool, analysis);
      const values = profile.assessValues(tool, analysis);
      results.push(
        { name: 'key_set', surprise: keySet.surprise, describe: keySet.describe },
        { name: 'argument_size', surprise: size.surprise, describe: size.describe },
        { name: 'value_shape', surprise: values.surprise, describe: values.describe },
      );
      results.push(this.assessTransition(tool, ms, toolEst));
    }
    const burst = this.rate.assess(ms);
    results.push({ name: 'burst', surprise: burst.surprise, describe: burst.describe });
    const hour = this.hours.assess(ms);
    results.push({ name: 'hour', surprise: hour.surprise, describe: hour.describe });
    results.push(this.assessDestinations(analysis, weight), this.assessSignals(call, weight));
    return combineFeatures(results, confidence(calls, AGENT_EVIDENCE));
  }

  /** observe learns `call`. Calls should arrive in time order; an earlier one counts as simultaneous. */
  observe(call: ObservedCall, analysis: CallAnalysis): void {
    const ms = call.at.getTime();
    const tool = call.toolName;
    const clock = this.calls;
    const previous = this.predecessor(ms);
    this.tools.observe(tool, clock);
    this.categories.observe(call.category, clock);
    let profile = this.profiles.touch(tool);
    if (profile === undefined) {
      profile = new ToolProfile();
      this.profiles.set(tool, profile);
    }
    profile.observe(analysis);
    let successors = this.transitions.touch(previous);
    if (successors === undefined) {
      successors = new FrequencyTable(MAX_SUCCESSORS, TRANSITION_HALF_LIFE);
      this.transitions.set(previous, successors);
    }
    successors.observe(tool);
    for (const d of analysis.destinations) this.destinations[d.kind].observe(d.value, clock);
    if (call.signals !== undefined) {
      for (const id of new Set(call.signals.map((s) => s.id))) this.signals.observe(id, clock);
    }
    this.hours.observe(ms);
    this.rate.observe(ms);
    this.lastTool = tool;
    if (!(ms <= this.lastAt)) this.lastAt = ms;
    this.calls += 1;
  }

  toJSON(): AgentModelJSON {
    const profiles: AgentModelJSON['profiles'] = [];
    for (const [tool, p] of this.profiles.entries()) profiles.push([tool, p.toJSON()]);
    const transitions: AgentModelJSON['transitions'] = [];
    for (const [tool, t] of this.transitions.entries()) transitions.push([tool, t.toJSON()]);
    return {
      calls: this.calls,
      lastTool: this.lastTool,
      lastAt: Number.isNaN(this.lastAt) ? null : this.lastAt,
      tools: this.tools.toJSON(),
      categories: this.categories.toJSON(),
      signals: this.signals.toJSON(),
      profiles,
      transitions,
      destinations: Object.fromEntries(DESTINATION_KINDS.map((k) => [k, this.destinations[k].toJSON()])) as Record<DestinationKind, FrequencyTableJSON>,
      hours: this.hours.toJSON(),
      rate: this.rate.toJSON(),
    };
  }

  /** fromJSON rebuilds a model from toJSON(); the shape must already have been checked (see ./json.ts). */
  static fromJSON(json: AgentModelJSON): AgentModel {
    const m = new AgentModel();
    m.calls = json.calls;
    m.lastTool = json.lastTool;
    m.lastAt = json.lastAt ?? NaN;
    m.tools.restore(json.tools);
    m.categories.restore(json.categories);
    m.signals.restore(json.signals);
    for (const [tool, p] of json.profiles) m.profiles.set(tool, new ToolProfile().restore(p));
    for (const [tool, t] of json.transitions) m.transitions.set(tool, new FrequencyTable(MAX_SUCCESSORS, TRANSITION_HALF_LIFE).restore(t));
    for (const k of DESTINATION_KINDS) m.destinations[k].restore(json.destinations[k]);
    m.hours.restore(json.hours);
    m.rate.restore(json.rate);
    return m;
  }

  /** The tool before a call at `ms`, or SESSION_START after a pause (or for the first call). */
  private predecessor(ms: number): string {
    if (this.lastTool === null || ms - this.lastAt > SESSION_GAP_MS) return SESSION_START;
    return this.lastTool;
  }

  private assessTool(call: ObservedCall, est: FrequencyEstimate): FeatureResult {
    const tool = call.toolName;
    const calls = this.calls;
    const toolSurprise = surpriseOf(est);
    const cat = this.categories.estimate(call.category, calls);
    const catSurprise = cat.known ? 0 : surpriseOfProbability(cat.novelty);
    const surprise = Math.max(toolSurprise, catSurprise);
    if (surprise === 0) return nothing('tool');
    const newCategory = catSurprise > 0 ? `; its first '${call.category}' call` : '';
    return {
      name: 'tool',
      surprise,
      describe: () =>
        est.known
          ? `tool ${tool} is rare for this agent: ≈${formatCount(est.count)} of its last ≈${formatCount(est.total)} calls${newCategory}`
          : `tool ${tool} never used by this agent in ${formatCount(calls)} calls (new tools: ${oneIn(est.novelty)})${newCategory}`,
    };
  }

  private assessTransition(tool: string, ms: number, toolEst: FrequencyEstimate): FeatureResult {
    const previous = this.predecessor(ms);
    const successors = this.transitions.peek(previous);
    if (successors === undefined || !toolEst.known) return nothing('transition');
    const est = successors.estimate(tool);
    const lift = est.probability / Math.max(toolEst.probability, 1e-9);
    const surprise =
      Math.min(surpriseOf(est), surpriseOfRatio(lift, LIFT_ORDINARY, LIFT_UNHEARD_OF)) * confidence(successors.count, TRANSITION_EVIDENCE);
    if (surprise === 0) return nothing('transition');
    const after = previous === SESSION_START ? 'as the first call of a session' : `after ${previous}`;
    return {
      name: 'transition',
      surprise,
      describe: () =>
        `${tool} ${after}: ${est.known ? `≈${formatCount(est.count)}` : 'never'} in ≈${formatCount(est.total)} such calls, ` +
        `though ${tool} is ${formatShare(toolEst.probability)} of this agent's calls`,
    };
  }

  private assessDestinations(analysis: CallAnalysis, weight: number): FeatureResult {
    let best = 0;
    let bestKind: DestinationKind = 'domain';
    let bestValue = '';
    let bestEst: FrequencyEstimate | undefined;
    for (const d of analysis.destinations) {
      const est = this.destinations[d.kind].estimate(d.value, this.calls, weight);
      const surprise = KIND_WEIGHT[d.kind] * surpriseOf(est);
      if (surprise > best) {
        best = surprise;
        bestKind = d.kind;
        bestValue = d.value;
        bestEst = est;
      }
    }
    if (bestEst === undefined) return nothing('destination');
    const est = bestEst;
    const calls = this.calls;
    return {
      name: 'destination',
      surprise: best,
      describe: () =>
        est.known
          ? `${KIND_LABEL[bestKind]} ${bestValue} is rare for this agent: in ≈${formatCount(est.count)} of its last ≈${formatCount(est.total)} calls`
          : `new ${KIND_LABEL[bestKind]} ${bestValue}: never seen in this agent's ${formatCount(calls)} calls (new ${KIND_LABEL[bestKind]}s: ${oneIn(est.novelty)})`,
    };
  }

  private assessSignals(call: ObservedCall, weight: number): FeatureResult {
    let best = 0;
    let bestId = '';
    let bestEst: FrequencyEstimate | undefined;
    for (const s of call.signals ?? []) {
      const est = this.signals.estimate(s.id, this.calls, weight);
      const surprise = surpriseOf(est);
      if (surprise > best) {
        best = surprise;
        bestId = s.id;
        bestEst = est;
      }
    }
    if (bestEst === undefined) return nothing('signals');
    const est = bestEst;
    const calls = this.calls;
    return {
      name: 'signals',
      surprise: best,
      describe: () =>
        est.known
          ? `signal ${bestId} is rare on this agent's calls: ≈${formatCount(est.count)} of its last ≈${formatCount(est.total)}`
          : `signal ${bestId} never raised on this agent's ${formatCount(calls)} calls before`,
    };
  }
}
