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

export interface Row {
  tool_name: string;
  arguments: Record<string, unknown>;
  label: 'malicious' | 'benign';
  signal: SignalId;
  split: 'dev' | 'test';
}

export function datasetsDir(given?: string): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
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

  console.log(`split: ${split}   datasets: ${dir}\n`);
  console.log('| signal | malicious | detected | detection | benign | fired | false positives | µs/call |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const missed: string[] = [];
  for (const signal of signals) {
    const rows = loadRows(dir, signal, split).filter((r) => !values.tool || r.tool_name === values.tool);
    let mal = 0, hit = 0, ben = 0, fp = 0;
    const t0 = performance.now();
    for (const row of rows) {
      const { signals: found } = classify(row.tool_name, row.arguments);
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
    const us = ((performance.now() - t0) / Math.max(1, rows.length)) * 1000;
    const pct = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;
    console.log(`| ${signal} | ${mal} | ${hit} | ${pct(hit, mal)} | ${ben} | ${fp} | ${pct(fp, ben)} | ${us.toFixed(0)} |`);
  }
  if (missed.length > 0) console.log(`\n${missed.join('\n')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
