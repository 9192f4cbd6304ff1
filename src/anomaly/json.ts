import { z } from 'zod';
import type { AgentModelJSON } from './agent-model.js';
import type { FrequencyTableJSON } from './frequency.js';
import type { CallRateJSON } from './rate.js';
import type { HourProfileJSON } from './hours.js';
import type { RunningStatsJSON } from './running-stats.js';
import type { ToolProfileJSON } from './tool-profile.js';
import type { ValueProfileJSON } from './value-profile.js';

/**
 * The persisted form of an OrgAnomalyModel and its checker. Bump ANOMALY_MODEL_VERSION whenever the
 * shape or the meaning of a field changes; fromJSON refuses other versions (a gateway then starts
 * that org's agents cold, which scores conservatively, rather than misreading old state).
 */
export const ANOMALY_MODEL_FORMAT = 'aegis.anomaly-model';
export const ANOMALY_MODEL_VERSION = 1;

const finite = z.number().finite();
const count = z.number().finite().nonnegative();
const time = finite.nullable();

const runningStats: z.ZodType<RunningStatsJSON> = z.tuple([count, finite, count]);
const frequencyTable: z.ZodType<FrequencyTableJSON> = z.object({
  clock: count,
  observations: count,
  total: count,
  singles: count,
  entries: z.array(z.tuple([z.string(), count, count, z.number().int().min(1).max(2)])),
});
const valueProfile: z.ZodType<ValueProfileJSON> = z.object({
  strings: count,
  numbers: count,
  stringShare: count,
  length: runningStats,
  entropy: runningStats,
  classes: z.array(count),
  magnitude: runningStats,
  negativeShare: count,
});
const toolProfile: z.ZodType<ToolProfileJSON> = z.object({
  calls: count,
  keySets: frequencyTable,
  keys: frequencyTable,
  size: runningStats,
  values: z.array(z.tuple([z.string(), valueProfile])),
});
const hourProfile: z.ZodType<HourProfileJSON> = z.object({ week: z.array(count).length(168), total: count, first: time, lastHour: time, callsThisHour: count });
const callRate: z.ZodType<CallRateJSON> = z.object({ last: time, counts: z.array(count), baselines: z.array(runningStats) });
const agentModel: z.ZodType<AgentModelJSON> = z.object({
  calls: count,
  lastTool: z.string().nullable(),
  lastAt: time,
  tools: frequencyTable,
  categories: frequencyTable,
  signals: frequencyTable,
  profiles: z.array(z.tuple([z.string(), toolProfile])),
  transitions: z.array(z.tuple([z.string(), frequencyTable])),
  destinations: z.object({
    domain: frequencyTable,
    host: frequencyTable,
    recipient_domain: frequencyTable,
    recipient: frequencyTable,
    table: frequencyTable,
    path_root: frequencyTable,
  }),
  hours: hourProfile,
  rate: callRate,
});

/** The plain-JSON form of an OrgAnomalyModel: agents least recently active first. */
export interface OrgAnomalyModelJSON {
  format: typeof ANOMALY_MODEL_FORMAT;
  version: typeof ANOMALY_MODEL_VERSION;
  agents: Array<[string, AgentModelJSON]>;
}

const orgModel = z.object({
  format: z.literal(ANOMALY_MODEL_FORMAT),
  version: z.literal(ANOMALY_MODEL_VERSION),
  agents: z.array(z.tuple([z.string(), agentModel])),
});

/**
 * parseOrgModelJSON checks that `json` is an OrgAnomalyModelJSON of this version, and throws an
 * Error naming the first offending field path otherwise.
 */
export function parseOrgModelJSON(json: unknown): OrgAnomalyModelJSON {
  const head = json as { format?: unknown; version?: unknown } | null;
  if (head !== null && typeof head === 'object' && head.format === ANOMALY_MODEL_FORMAT && head.version !== ANOMALY_MODEL_VERSION) {
    throw new Error(`anomaly model version ${String(head.version)} is not supported (this gateway reads version ${ANOMALY_MODEL_VERSION})`);
  }
  const parsed = orgModel.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') || '(root)' : '(root)';
    throw new Error(`anomaly model JSON is invalid at ${where}: ${issue?.message ?? 'unknown problem'}`);
  }
  return parsed.data as OrgAnomalyModelJSON;
}
