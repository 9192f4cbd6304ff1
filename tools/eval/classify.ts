/**
 * Evaluates the classifier on the labelled corpora of ../shared/datasets (see its README).
 *
 *   npx tsx tools/eval/classify.ts [--split test|dev] [--signal sql_injection] [--tool db_query] [--misses 20] [--datasets DIR]
 *
 * Per signal file: detection rate (the file's signal fires on a malicious row) and false-positive
 * rate (it fires on a benign row). Tune on --split dev only; --misses refuses the test split so
 * nobody looks at test rows while tuning.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { classify, initClassifier } from '../../src/classify/classify.js';
import { SIGNAL_IDS, type SignalId } from '../../src/classify/types.js';
import { DEFAULT_SETTINGS } from '../../src/orgs/settings.js';
import { createAjv } from '../../src/policies/ajv.js';
import { PLATFORM_DEFAULTS } from '../../src/policies/defaults.js';
import { compilePolicy, evaluate } from '../../src/policies/engine.js';
import { toolKey } from '../../src/util/tool-key.js';

export interface Row {
  tool_name: string;
  arguments: Record<string, unknown>;
  label: 'malicious' | 'benign';
  signal: SignalId;
  split: 'dev' | 'test';
}

export function datasetsDir(given?: string): string {
  // The checkout holding this file, whether it runs from tools/eval (tsx) or dist/tools/eval (built).
  let repo = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(repo, 'package.json')) && path.dirname(repo) !== repo) repo = path.dirname(repo);
  return path.resolve(given ?? process.env.AEGIS_DATASETS ?? path.join(repo, '..', 'shared', 'datasets'));
}

export function loadRows(dir: string, signal: SignalId, split: 'dev' | 'test'): Row[] {
  const file = path.join(dir, `${signal}.jsonl`);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row)
    .filter((r) => r.split === split);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      split: { type: 'string', default: 'test' },
      signal: { type: 'string' },
      misses: { type: 'string' },
      datasets: { type: 'string' },
      tool: { type: 'string' },
    },
  });
  const split = values.split === 'dev' ? 'dev' : 'test';
  const misses = values.misses ? Number(values.misses) : 0;
  if (misses > 0 && split !== 'dev') throw new Error('--misses prints rows: use it with --split dev only (never tune on test rows)');
  const dir = datasetsDir(values.datasets);
  const signals = values.signal ? [values.signal as SignalId] : [...SIGNAL_IDS];
  await initClassifier();
  const policies = PLATFORM_DEFAULTS.map((d) => compilePolicy(createAjv(), d));
  const decisions: string[] = [];

  console.log(`split: ${split}   datasets: ${dir}\n`);
  console.log('| signal | malicious | detected | detection | benign | fired | false positives | classify µs/call |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const missed: string[] = [];
  for (const signal of signals) {
    const rows = loadRows(dir, signal, split).filter((r) => !values.tool || r.tool_name === values.tool);
    let mal = 0, hit = 0, ben = 0, fp = 0;
    const tally = { malicious: { allow: 0, pending: 0, block: 0 }, benign: { allow: 0, pending: 0, block: 0 } };
    let classifyUs = 0;
    for (const row of rows) {
      const t0 = performance.now();
      const classification = classify(row.tool_name, row.arguments);
      classifyUs += (performance.now() - t0) * 1000;
      const found = classification.signals;
      const { decision } = evaluate(policies, { agent_id: 'eval', tool_name: row.tool_name, tool_key: toolKey(row.tool_name), arguments: row.arguments, classification, anomaly_score: 0, context: {} }, DEFAULT_SETTINGS.risk_mapping);
      tally[row.label][decision]++;
      const fired = found.some((s) => s.id === signal);
      if (row.label === 'malicious') {
        mal++;
        if (fired) hit++;
        else if (missed.length < misses * signals.length) missed.push(`MISS ${signal} ${row.tool_name} ${JSON.stringify(row.arguments).slice(0, 300)}`);
      } else {
        ben++;
        if (fired) {
          fp++;
          if (missed.length < misses * signals.length) {
            const s = found.find((x) => x.id === signal)!;
            missed.push(`FP   ${signal} ${row.tool_name} ${JSON.stringify(row.arguments).slice(0, 300)}  ← ${s.path}: ${s.evidence}`);
          }
        }
      }
    }
    const us = classifyUs / Math.max(1, rows.length);
    const pct = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;
    console.log(`| ${signal} | ${mal} | ${hit} | ${pct(hit, mal)} | ${ben} | ${fp} | ${pct(fp, ben)} | ${us.toFixed(0)} |`);
    const d = (t: Record<string, number>, n: number): string => `${pct(t.block!, n)} / ${pct(t.pending!, n)} / ${pct(t.allow!, n)}`;
    decisions.push(`| ${signal} | ${d(tally.malicious, mal)} | ${d(tally.benign, ben)} |`);
  }
  console.log('\nDecisions of the platform default policies (block / pending / allow):\n');
  console.log('| file | malicious rows | benign rows |');
  console.log('|---|---|---|');
  for (const line of decisions) console.log(line);
  if (missed.length > 0) console.log(`\n${missed.join('\n')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
