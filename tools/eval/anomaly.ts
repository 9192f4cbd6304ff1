/**
 * Evaluates the layer-2 behaviour model (src/anomaly) on simulated agents.
 *
 *   npx tsx tools/eval/anomaly.ts [--seed 2] [--days 21] [--warmup 7] [--events 2] [--misses 10]
 *
 * Five personas (support bot, data analyst, DevOps agent, billing bot, crawler; 26 agents) work
 * for `--days` simulated days with an hour-of-week rhythm and day-to-day rate noise. After the
 * warm-up, `--events` anomalies of every kind per agent are woven into their traffic. Reported: per
 * kind the detection rate at the 0.7 threshold; the false-positive rate on normal calls in the cold
 * start (each agent's first 50 calls), the rest of the warm-up and the steady period; the ROC-AUC of
 * steady normal calls against anomalies (a burst counts once, at its highest-scoring call), with
 * and without the crawlers (whose many calls all score ~0); µs per assess().
 *
 * Seeds: the model was tuned on seed 1 (TUNING_SEED); the README reports seed 2 (REPORTED_SEED).
 * --misses prints missed anomalies and false positives, and refuses the reported seed.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_ANOMALY_THRESHOLD, OrgAnomalyModel } from '../../src/anomaly/model.js';
import type { AnomalyAssessment } from '../../src/anomaly/types.js';
import { quantile, rate, rocAuc, sortedAscending } from './anomaly/metrics.js';
import { ANOMALY_KINDS, EXPECTED_FEATURE, type AnomalyKind, type Persona } from './anomaly/persona.js';
import { BILLING, SUPPORT } from './anomaly/personas-business.js';
import { ANALYST, CRAWLER, DEVOPS } from './anomaly/personas-technical.js';
import { Random } from './anomaly/random.js';
import { AFTER_BURST_MS, agentCalls, type Period } from './anomaly/scenario.js';

export const TUNING_SEED = 1;
export const REPORTED_SEED = 2;

/** The simulated org: personas and how many agents of each. */
const AGENTS: ReadonlyArray<readonly [Persona, number]> = [
  [SUPPORT, 6],
  [ANALYST, 6],
  [DEVOPS, 6],
  [BILLING, 6],
  [CRAWLER, 2],
];

interface EventResult {
  kind: AnomalyKind;
  persona: string;
  agent: string;
  score: number;
  top: string;
  detail: string;
}

/** Normal calls of one period and persona. */
interface Tally {
  scores: number[];
  flagged: number;
}

interface Example {
  score: number;
  agent: string;
  text: string;
}

function describe(a: AnomalyAssessment): string {
  return a.features.map((f) => `${f.name} ${f.score.toFixed(2)}: ${f.detail}`).join(' | ');
}

function merge(tallies: Tally[]): Tally {
  return { scores: tallies.flatMap((t) => t.scores), flagged: tallies.reduce((n, t) => n + t.flagged, 0) };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(REPORTED_SEED) },
      days: { type: 'string', default: '21' },
      warmup: { type: 'string', default: '7' },
      events: { type: 'string', default: '2' },
      misses: { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const misses = values.misses ? Number(values.misses) : 0;
  if (misses > 0 && seed === REPORTED_SEED) throw new Error(`--misses prints calls: tune on --seed ${TUNING_SEED}, never on the reported seed ${REPORTED_SEED}`);
  const options = { start: new Date('2025-01-06T00:00:00Z'), days: Number(values.days), warmupDays: Number(values.warmup), coldCalls: 50, eventsPerKind: Number(values.events) };
  const threshold = DEFAULT_ANOMALY_THRESHOLD;

  const model = new OrgAnomalyModel();
  const root = new Random(seed);
  /** tallies[period][persona] */
  const tallies = new Map<Period, Map<string, Tally>>();
  const tally = (period: Period, persona: string): Tally => {
    const byPersona = tallies.get(period) ?? new Map<string, Tally>();
    tallies.set(period, byPersona);
    const t = byPersona.get(persona) ?? { scores: [], flagged: 0 };
    byPersona.set(persona, t);
    return t;
  };
  const events = new Map<number, EventResult>();
  const falsePositives: Example[] = [];
  let assessed = 0;
  let elapsedMs = 0;

  let eventBase = 0;
  for (const [persona, agents] of AGENTS) {
    for (let i = 0; i < agents; i++) {
      const agent = `${persona.name}-${i + 1}`;
      for (const lc of agentCalls(persona, agent, root.fork(agent), options, eventBase)) {
        const t0 = performance.now();
        const a = model.assess(lc.call);
        elapsedMs += performance.now() - t0;
        assessed += 1;
        if (lc.label === 'normal') {
          const t = tally(lc.period, persona.name);
          t.scores.push(a.score);
          if (a.score >= threshold) {
            t.flagged += 1;
            if (lc.period === 'steady') falsePositives.push({ score: a.score, agent, text: `${lc.call.toolName} at ${lc.call.at.toISOString()}: ${describe(a)}` });
          }
          continue;
        }
        const e = events.get(lc.event) ?? { kind: lc.label, persona: persona.name, agent, score: -1, top: '', detail: '' };
        if (a.score > e.score) {
          e.score = a.score;
          e.top = a.features[0]?.name ?? '';
          e.detail = `${lc.call.toolName} at ${lc.call.at.toISOString()}: ${describe(a)}`;
        }
        events.set(lc.event, e);
      }
      eventBase += 10_000;
    }
  }

  const all = [...events.values()];
  const steadyByPersona = tallies.get('steady') ?? new Map<string, Tally>();
  const steady = merge([...steadyByPersona.values()]);
  const steadyNoCrawler = merge([...steadyByPersona].filter(([p]) => p !== CRAWLER.name).map(([, t]) => t));
  const steadySorted = sortedAscending(steady.scores);
  const auc = rocAuc(steadySorted, all.map((e) => e.score));
  const aucNoCrawler = rocAuc(
    sortedAscending(steadyNoCrawler.scores),
    all.filter((e) => e.persona !== CRAWLER.name).map((e) => e.score),
  );
  const json = JSON.stringify(model.toJSON());

  const out: string[] = [];
  const role = seed === REPORTED_SEED ? 'reported' : seed === TUNING_SEED ? 'tuning' : 'other';
  out.push(`### Anomaly model evaluation — seed ${seed} (${role}; tuned on seed ${TUNING_SEED}, reported on seed ${REPORTED_SEED})`);
  out.push('');
  out.push(
    `${AGENTS.reduce((n, [, c]) => n + c, 0)} agents (${AGENTS.map(([p, c]) => `${c} ${p.name}`).join(', ')}), ${options.days} simulated days, ` +
      `warm-up ${options.warmupDays} days, ${count(assessed)} calls, ${all.length} injected anomalies; threshold ${threshold}.`,
  );
  out.push('');
  out.push('| anomaly kind | events | detected (score ≥ 0.7) | mean score | ROC-AUC vs. steady normal calls | top feature as expected |');
  out.push('|---|---:|---:|---:|---:|---:|');
  for (const kind of ANOMALY_KINDS) {
    const ev = all.filter((e) => e.kind === kind);
    if (ev.length === 0) continue;
    const hit = ev.filter((e) => e.score >= threshold).length;
    const expected = ev.filter((e) => EXPECTED_FEATURE[kind].includes(e.top)).length;
    const kindAuc = rocAuc(steadySorted, ev.map((e) => e.score));
    out.push(`| ${kind} | ${ev.length} | ${rate(hit, ev.length)} | ${mean(ev.map((e) => e.score)).toFixed(2)} | ${kindAuc.toFixed(4)} | ${rate(expected, ev.length)} |`);
  }
  const allHit = all.filter((e) => e.score >= threshold).length;
  out.push(`| **all anomalies** | ${all.length} | ${rate(allHit, all.length)} | ${mean(all.map((e) => e.score)).toFixed(2)} | **${auc.toFixed(4)}** | |`);
  out.push('');
  out.push('| normal calls | calls | false positives (score ≥ 0.7) | mean score | p99 score |');
  out.push('|---|---:|---:|---:|---:|');
  const row = (label: string, t: Tally): void => {
    out.push(`| ${label} | ${count(t.scores.length)} | ${rate(t.flagged, t.scores.length)} (${count(t.flagged)}) | ${mean(t.scores).toFixed(3)} | ${quantile(t.scores, 0.99).toFixed(2)} |`);
  };
  row(`cold start (first ${options.coldCalls} calls per agent)`, merge([...(tallies.get('cold')?.values() ?? [])]));
  row(`rest of the warm-up (days 1–${options.warmupDays})`, merge([...(tallies.get('warmup')?.values() ?? [])]));
  row(`**steady (days ${options.warmupDays + 1}–${options.days})**`, steady);
  row(`steady, crawlers left out`, steadyNoCrawler);
  row(`within ${AFTER_BURST_MS / 60_000} min after an injected burst (not in "steady")`, merge([...(tallies.get('after_burst')?.values() ?? [])]));
  out.push('');
  out.push('| persona | agents | steady normal calls | false positives | p99 score | anomalies detected |');
  out.push('|---|---:|---:|---:|---:|---:|');
  for (const [persona, agents] of AGENTS) {
    const t = steadyByPersona.get(persona.name) ?? { scores: [], flagged: 0 };
    const ev = all.filter((e) => e.persona === persona.name);
    const hit = ev.filter((e) => e.score >= threshold).length;
    out.push(`| ${persona.name} | ${agents} | ${count(t.scores.length)} | ${rate(t.flagged, t.scores.length)} | ${quantile(t.scores, 0.99).toFixed(2)} | ${hit}/${ev.length} |`);
  }
  out.push('');
  out.push(
    `ROC-AUC, steady normal calls vs. anomalies: **${auc.toFixed(4)}** (crawlers left out: ${aucNoCrawler.toFixed(4)}). ` +
      `assess(): **${((elapsedMs * 1000) / assessed).toFixed(1)} µs** per call (mean, score + update, this runtime). ` +
      `Model JSON after the run: ${(json.length / 1024).toFixed(0)} KB for ${model.size} agents.`,
  );
  console.log(out.join('\n'));

  if (misses > 0) {
    console.log(`\n#### Missed anomalies (score < ${threshold})`);
    for (const e of all.filter((x) => x.score < threshold).slice(0, misses * 4)) console.log(`- [${e.kind}] ${e.agent} ${e.score.toFixed(2)} ${e.detail}`);
    console.log(`\n#### False positives, highest first`);
    for (const f of falsePositives.sort((a, b) => b.score - a.score).slice(0, misses)) console.log(`- ${f.agent} ${f.score.toFixed(2)} ${f.text}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
