import type { ObservedCall } from '../../../src/anomaly/types.js';
import { categorize } from '../../../src/classify/category.js';
import { foreignTool, type AnomalyKind, type Persona, type ToolCall } from './persona.js';
import type { Random } from './random.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ScenarioOptions {
  /** The first simulated day, 00:00 UTC. */
  start: Date;
  days: number;
  /** Days before anomalies are injected; normal calls after them are the "steady" ones. */
  warmupDays: number;
  /** Each agent's first calls are its cold start. */
  coldCalls: number;
  /** Injections of each anomaly kind per agent. */
  eventsPerKind: number;
}

/**
 * When a normal call happened: the agent's cold start, the rest of the warm-up, the steady period,
 * or within AFTER_BURST_MS of an injected burst (its rate windows still hold the burst).
 */
export type Period = 'cold' | 'warmup' | 'steady' | 'after_burst';

/** Normal calls this soon after an injected burst are reported apart: the 2-minute rate window still counts the burst. */
export const AFTER_BURST_MS = 4 * 60_000;

export interface LabelledCall {
  call: ObservedCall;
  /** 'normal', or the kind of the anomaly this call belongs to. */
  label: 'normal' | AnomalyKind;
  period: Period;
  /** The anomaly event (a burst is many calls of one event); -1 for normal calls. */
  event: number;
}

interface PlannedEvent {
  id: number;
  kind: AnomalyKind;
  at: number;
  /** The substitute call (single-call kinds), or for rare_transition the forced pair. */
  call?: ToolCall;
  pair?: readonly [string, string];
}

/** The long-run share of each tool in a persona's chain (power iteration, session starts ignored). */
function toolShares(persona: Persona): Map<string, number> {
  const tools = Object.keys(persona.chain).filter((t) => t !== '^');
  let share = new Map(tools.map((t) => [t, 1 / tools.length]));
  for (let round = 0; round < 200; round++) {
    const next = new Map(tools.map((t) => [t, 0]));
    for (const a of tools) {
      const row = persona.chain[a]!;
      const total = row.reduce((s, [, w]) => s + w, 0);
      for (const [b, w] of row) next.set(b, next.get(b)! + (share.get(a)! * w) / total);
    }
    share = next;
  }
  return share;
}

/**
 * Tool pairs (a → b) a persona never makes, both tools being common ones (≥ 5 % of its calls), so
 * that the pair and not a rare tool is what is unusual, and b never opening a session (sessions
 * follow each other closely, so last-tool → opening-tool pairs are everyday); shuffled, used in turn.
 */
function impossibleTransitions(persona: Persona, rng: Random): Array<readonly [string, string]> {
  const shares = toolShares(persona);
  const common = [...shares].filter(([, s]) => s >= 0.05).map(([t]) => t);
  const opens = (t: string): boolean => persona.chain['^']!.some(([o, w]) => o === t && w > 0);
  const out: Array<readonly [string, string]> = [];
  for (const a of common) for (const b of common) if (!opens(b) && !persona.chain[a]!.some(([t, w]) => t === b && w > 0)) out.push([a, b]);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function nextTool(persona: Persona, from: string, rng: Random): string {
  return rng.weighted(persona.chain[from]!);
}

/** A random time in an hour this persona works, on a steady day. */
function activeTime(persona: Persona, options: ScenarioOptions, rng: Random): number {
  for (;;) {
    const day = rng.int(options.warmupDays, options.days - 1);
    const base = options.start.getTime() + day * DAY_MS;
    const dow = new Date(base).getUTCDay();
    const hour = rng.int(0, 23);
    if (persona.sessions(dow, hour) >= 0.5) return base + hour * HOUR_MS + rng.next() * HOUR_MS;
  }
}

function plan(persona: Persona, options: ScenarioOptions, rng: Random, firstId: number): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const pairs = impossibleTransitions(persona, rng);
  let id = firstId;
  let foreign = 0;
  for (let i = 0; i < options.eventsPerKind; i++) {
    events.push({ id: id++, kind: 'new_tool', at: activeTime(persona, options, rng), call: foreignTool(rng, foreign++) });
    for (const kind of ['new_key_set', 'oversized_args', 'odd_value', 'new_destination'] as const) {
      const make = persona.anomalies[kind];
      if (make) events.push({ id: id++, kind, at: activeTime(persona, options, rng), call: make(rng, i) });
    }
    if (persona.burst) events.push({ id: id++, kind: 'burst', at: activeTime(persona, options, rng) });
    if (pairs.length > 0) events.push({ id: id++, kind: 'rare_transition', at: activeTime(persona, options, rng), pair: pairs[i % pairs.length]! });
    if (persona.offHours && persona.offHours.length > 0) {
      const [dow, hour] = rng.pick(persona.offHours);
      const firstSteady = options.start.getTime() + options.warmupDays * DAY_MS;
      const weeks = Math.max(1, Math.floor((options.days - options.warmupDays) / 7));
      const offset = ((dow - new Date(firstSteady).getUTCDay() + 7) % 7) + 7 * rng.int(0, weeks - 1);
      events.push({ id: id++, kind: 'off_hours', at: firstSteady + offset * DAY_MS + hour * HOUR_MS + rng.next() * HOUR_MS });
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

/**
 * agentCalls simulates one agent of `persona`: sessions arrive per hour of the week (scaled by a
 * per-agent and per-day factor), run one after another, and chain tools along the persona's Markov
 * chain. Anomalies are planned on steady days and woven into the traffic: a substitute call replaces
 * the next call of the same tool in a session (so the call sequence stays otherwise ordinary), a
 * never-seen tool or a forced rare transition is slipped into a session, a burst or an off-hours
 * call is a session of its own.
 */
export function* agentCalls(persona: Persona, agentId: string, rng: Random, options: ScenarioOptions, firstEventId: number): Generator<LabelledCall> {
  const pending = plan(persona, options, rng.fork('plan'), firstEventId);
  const agentFactor = rng.lognormal(1, 0.2);
  const startMs = options.start.getTime();
  let emitted = 0;
  let busyUntil = startMs;
  let burstEnd = -Infinity;
  const make = (tc: ToolCall, at: number, label: LabelledCall['label'], event: number): LabelledCall => {
    const day = Math.floor((at - startMs) / DAY_MS);
    const period: Period =
      emitted < options.coldCalls ? 'cold' : day < options.warmupDays ? 'warmup' : label === 'normal' && at - burstEnd < AFTER_BURST_MS ? 'after_burst' : 'steady';
    if (label === 'burst') burstEnd = at;
    emitted += 1;
    const category = categorize(tc.toolName, Object.keys(tc.arguments));
    return { call: { agentId, toolName: tc.toolName, arguments: tc.arguments, category, at: new Date(at) }, label, period, event };
  };
  for (let day = 0; day < options.days; day++) {
    const dayFactor = rng.lognormal(1, 0.25);
    const dayStart = startMs + day * DAY_MS;
    const dow = new Date(dayStart).getUTCDay();
    for (let hour = 0; hour < 24; hour++) {
      const hourStart = dayStart + hour * HOUR_MS;
      const starts = Array.from({ length: rng.poisson(persona.sessions(dow, hour) * agentFactor * dayFactor) }, () => hourStart + rng.next() * HOUR_MS).sort((a, b) => a - b);
      // Standalone events (bursts, off-hours calls) due in this hour become sessions of their own.
      for (const e of pending) if ((e.kind === 'burst' || e.kind === 'off_hours') && e.at >= hourStart && e.at < hourStart + HOUR_MS) starts.push(e.at);
      starts.sort((a, b) => a - b);
      for (const wanted of starts) {
        let t = Math.max(wanted, busyUntil);
        const standalone = pending.find((e) => e.at === wanted && (e.kind === 'burst' || e.kind === 'off_hours'));
        if (standalone) pending.splice(pending.indexOf(standalone), 1);
        if (standalone?.kind === 'off_hours') {
          const tool = nextTool(persona, '^', rng);
          yield make({ toolName: tool, arguments: persona.args(tool, rng) }, t, 'off_hours', standalone.id);
          busyUntil = t + 1000;
          continue;
        }
        const burst = standalone?.kind === 'burst' ? persona.burst : undefined;
        const length = burst ? burst.calls : 1 + rng.poisson(persona.sessionCalls - 1);
        let tool = nextTool(persona, '^', rng);
        for (let i = 0; i < length; i++) {
          const due = burst ? undefined : pending.find((e) => e.at <= t && e.kind !== 'burst' && e.kind !== 'off_hours');
          if (due?.kind === 'new_tool') {
            pending.splice(pending.indexOf(due), 1);
            yield make(due.call!, t, 'new_tool', due.id);
            t += 1000 * Math.max(1, rng.exponential(persona.gapSeconds));
          } else if (due?.kind === 'rare_transition' && tool === due.pair![0]) {
            pending.splice(pending.indexOf(due), 1);
            yield make({ toolName: tool, arguments: persona.args(tool, rng) }, t, 'normal', -1);
            t += 1000 * Math.max(1, rng.exponential(persona.gapSeconds));
            tool = due.pair![1];
            yield make({ toolName: tool, arguments: persona.args(tool, rng) }, t, 'rare_transition', due.id);
            t += 1000 * Math.max(1, rng.exponential(persona.gapSeconds));
            tool = nextTool(persona, tool, rng);
            continue;
          }
          if (due?.call && due.kind !== 'new_tool' && due.call.toolName === tool) {
            pending.splice(pending.indexOf(due), 1);
            yield make(due.call, t, due.kind, due.id);
          } else {
            yield make({ toolName: tool, arguments: persona.args(tool, rng) }, t, burst ? 'burst' : 'normal', burst ? standalone!.id : -1);
          }
          t += burst ? (burst.seconds * 1000 * (0.5 + rng.next())) / burst.calls : 1000 * Math.max(1, rng.exponential(persona.gapSeconds));
          tool = nextTool(persona, tool, rng);
        }
        busyUntil = t;
      }
    }
  }
}
