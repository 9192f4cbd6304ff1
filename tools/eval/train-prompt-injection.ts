/**
 * Trains the prompt-injection unit scorer (src/classify/prompt/model.ts) on the dev split and writes
 * src/classify/prompt/weights.ts. Deterministic: the same data gives the same weights.
 *
 *   npx tsx tools/eval/train-prompt-injection.ts [--datasets DIR] [--folds 5] [--l2 0.0003,0.001] [--fp-rate 0.02] [--dry-run] [--show-rows]
 *
 * --show-rows prints the out-of-fold false positives and misses (dev rows only).
 *
 * Examples are units (sentences or short lines, src/classify/prompt/segment.ts) of free-text fields.
 * A unit is positive when it is the instruction of an inserted BIPIA attack (located with the row's
 * meta.attack, a training-time annotation only: the detector never sees meta) or the whole of a
 * one-sentence system-prompt-extraction / PATT row. Every unit of a benign row, every other unit of a
 * malicious row, and every unit of the other signals' free-text files (pii, secret_leak: ordinary
 * messages, tickets, e-mails and config files) is negative. Role-play jailbreaks are left to rules.
 *
 * The scorer judges only tables and e-mails (SCORED_KINDS); each kind gets its own threshold, set
 * from out-of-fold scores so that the scorer adds at most --fp-rate false positives on benign rows
 * of that kind and on the other files' rows.
 *
 * Validation is grouped k-fold on dev: a fold holds out whole attacks (every row carrying the attack
 * text) and whole contexts (the e-mail / table / answer it was pasted into), so the figures estimate
 * detection of unseen attacks in unseen documents; a second pass holds out whole attack categories.
 * Never reads the test split.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { categorize } from '../../src/classify/category.js';
import { unitFeatureNames } from '../../src/classify/prompt/features.js';
import type { UnitModel } from '../../src/classify/prompt/model.js';
import { fieldScope, isMessageBody, scanText } from '../../src/classify/prompt/scan.js';
import { type DocKind, segmentText } from '../../src/classify/prompt/segment.js';
import { hashName, TokenBuffer, tokenize } from '../../src/classify/prompt/tokens.js';
import { collectStrings } from '../../src/classify/walk.js';

interface Row {
  tool_name: string;
  arguments: Record<string, unknown>;
  label: 'malicious' | 'benign';
  split: 'dev' | 'test';
  meta?: { subtype?: string; attack?: string; attack_category?: string; context_source?: string };
}

interface Example {
  features: string[];
  /** 1 positive, 0 negative, -1 not used for training (e.g. the code block of a BIPIA code attack). */
  label: number;
  kind: DocKind;
}

interface RowUnits {
  row: Row;
  /** A row of another signal's file: negatives only, reported apart. */
  other: boolean;
  units: Example[];
  /** The row fires on the phrase rules alone. */
  ruled: boolean;
  attackGroup: string;
  categoryGroup: string;
  contextGroup: string;
}

const SCORED_KINDS: DocKind[] = ['table', 'email'];
const OTHER_FILES = ['pii.jsonl', 'secret_leak.jsonl'];
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEIGHTS_FILE = path.join(REPO, 'src', 'classify', 'prompt', 'weights.ts');

function loadDev(dir: string, file: string): Row[] {
  return fs
    .readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row)
    .filter((r) => r.split === 'dev');
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The instruction of a BIPIA attack: its text before any code block. */
function instructionOf(attack: string): string {
  const fence = attack.indexOf('```');
  return (fence < 0 ? attack : attack.slice(0, fence)).trim();
}

function rowUnits(row: Row, other = false): RowUnits {
  const category = categorize(row.tool_name, Object.keys(row.arguments));
  const subtype = row.meta?.subtype ?? '';
  const attack = (row.meta?.attack ?? '').trim();
  const units: Example[] = [];
  let ruled = false;
  let context = '';
  const buf = new TokenBuffer();
  for (const field of collectStrings(row.arguments, '/arguments')) {
    const scope = fieldScope(field.key, field.value);
    if (scope === 'skip') continue;
    const text = field.value;
    const isEmail = isMessageBody(category, field.key);
    if (scanText(text, isEmail, false)) ruled = true;
    if (scope !== 'full') continue;
    let span: [number, number, number] | undefined; // instruction start, instruction end, attack end
    if (subtype === 'bipia_indirect' && attack) {
      const instruction = instructionOf(attack);
      const at = text.indexOf(instruction);
      if (at >= 0) span = [at, at + instruction.length, Math.max(at + instruction.length, text.indexOf(attack) + attack.length)];
      context += squash(text.replace(attack, ' '));
    } else context += squash(text);
    tokenize(text, buf);
    const doc = segmentText(text, isEmail);
    let t0 = 0;
    for (const unit of doc.units) {
      while (t0 < buf.count && buf.start[t0]! < unit.start) t0++;
      let t1 = t0;
      while (t1 < buf.count && buf.start[t1]! < unit.end) t1++;
      let label = 0;
      if (!other && row.label === 'malicious') {
        if (subtype === 'bipia_indirect') {
          if (!span) label = -1;
          else if (unit.end > span[0] && unit.start < span[1]) label = 1;
          else if (unit.end > span[1] && unit.start < span[2]) label = -1;
        } else if (subtype === 'garak_sysprompt_extraction' || subtype === 'patt_example') label = doc.units.length === 1 ? 1 : -1;
        else label = -1;
      }
      units.push({ features: unitFeatureNames(text, unit, buf, t0, t1), label, kind: doc.kind });
      t0 = t1;
    }
  }
  const whole = JSON.stringify(row.arguments);
  const attackKey = attack ? instructionOf(attack) : whole;
  return { row, other, units, ruled, attackGroup: attackKey, categoryGroup: row.meta?.attack_category ?? attackKey, contextGroup: context || whole };
}

const foldOf = (key: string, k: number): number => (hashName(key) >>> 0) % k;

interface Trained {
  bias: number;
  weights: Map<string, number>;
}

/**
 * trainLogistic fits an L2-regularised logistic regression on binary features by full-batch Adam.
 * Positives are up-weighted (at most 10×) to balance the classes.
 */
function trainLogistic(examples: Example[], l2: number, epochs = 250): Trained {
  const index = new Map<string, number>();
  const rows: Int32Array[] = [];
  const labels: number[] = [];
  for (const ex of examples) {
    if (ex.label < 0) continue;
    const ids = new Set<number>();
    for (const f of ex.features) {
      let id = index.get(f);
      if (id === undefined) index.set(f, (id = index.size));
      ids.add(id);
    }
    rows.push(Int32Array.from(ids));
    labels.push(ex.label);
  }
  const pos = labels.filter((y) => y === 1).length;
  const neg = labels.length - pos;
  const posWeight = Math.min(10, neg / Math.max(1, pos));
  const total = neg + pos * posWeight;
  const n = index.size;
  const w = new Float64Array(n + 1); // w[n] is the bias
  const m = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const g = new Float64Array(n + 1);
  const lr = 0.05;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    g.fill(0);
    for (let i = 0; i < rows.length; i++) {
      const ids = rows[i]!;
      let z = w[n]!;
      for (const id of ids) z += w[id]!;
      const y = labels[i]!;
      const err = ((1 / (1 + Math.exp(-z)) - y) * (y === 1 ? posWeight : 1)) / total;
      for (const id of ids) g[id] = g[id]! + err;
      g[n] = g[n]! + err;
    }
    for (let j = 0; j <= n; j++) {
      const grad = j < n ? g[j]! + l2 * w[j]! : g[j]!;
      m[j] = 0.9 * m[j]! + 0.1 * grad;
      v[j] = 0.999 * v[j]! + 0.001 * grad * grad;
      w[j] = w[j]! - (lr * (m[j]! / (1 - 0.9 ** epoch))) / (Math.sqrt(v[j]! / (1 - 0.999 ** epoch)) + 1e-8);
    }
  }
  const weights = new Map<string, number>();
  for (const [f, id] of index) weights.set(f, w[id]!);
  return { bias: w[n]!, weights };
}

function logit(model: Trained, features: string[]): number {
  let z = model.bias;
  for (const f of new Set(features)) z += model.weights.get(f) ?? 0;
  return z;
}

type KindScores = Partial<Record<DocKind, number>>;

/** rowScores is the highest unit logit of a row per scored kind of document. */
function rowScores(model: Trained, r: RowUnits): KindScores {
  const best: KindScores = {};
  for (const u of r.units) if (SCORED_KINDS.includes(u.kind)) best[u.kind] = Math.max(best[u.kind] ?? -Infinity, logit(model, u.features));
  return best;
}

interface Scored {
  r: RowUnits;
  scores: KindScores;
  strict: boolean;
}

const byModel = (s: Scored, thresholds: KindScores): boolean => SCORED_KINDS.some((k) => (s.scores[k] ?? -Infinity) >= (thresholds[k] ?? Infinity));
const fires = (s: Scored, thresholds: KindScores): boolean => s.r.ruled || byModel(s, thresholds);

/**
 * crossValidate returns out-of-fold row scores. Fold i holds out the attacks `group` hashes to i
 * and the contexts that hash to i: training drops both; validation scores malicious rows of held-out
 * attacks (`strict` when their context is held out too) and benign rows of held-out contexts.
 */
function crossValidate(data: RowUnits[], k: number, l2: number, group: (r: RowUnits) => string): Scored[] {
  const out: Scored[] = [];
  for (let fold = 0; fold < k; fold++) {
    const heldOut = (r: RowUnits): boolean => foldOf(group(r), k) === fold;
    const unseenContext = (r: RowUnits): boolean => foldOf(r.contextGroup, k) === fold;
    const model = trainLogistic(
      data.filter((r) => !heldOut(r) && !unseenContext(r)).flatMap((r) => r.units),
      l2,
    );
    for (const r of data) {
      const malicious = !r.other && r.row.label === 'malicious';
      if (malicious ? heldOut(r) : unseenContext(r)) out.push({ r, scores: rowScores(model, r), strict: !malicious || unseenContext(r) });
    }
  }
  return out;
}

/**
 * thresholdsFor picks, per scored kind, the lowest threshold at which the model adds at most `rate`
 * out-of-fold false positives among benign rows holding that kind of document, and among the other
 * files' rows holding it. A kind with no benign examples gets logit 0 (probability 0.5).
 */
function thresholdsFor(scored: Scored[], rate: number): KindScores {
  const thresholds: KindScores = {};
  for (const kind of SCORED_KINDS) {
    let t = -Infinity;
    for (const pool of [scored.filter((s) => !s.r.other && s.r.row.label === 'benign'), scored.filter((s) => s.r.other)]) {
      const holding = pool.filter((s) => s.scores[kind] !== undefined);
      const free = holding.filter((s) => !s.r.ruled).map((s) => s.scores[kind]!);
      free.sort((a, b) => b - a);
      const allowed = Math.floor(rate * holding.length);
      if (free.length > allowed) t = Math.max(t, free[allowed]! + 1e-3);
    }
    thresholds[kind] = Number((Number.isFinite(t) ? t : 0).toFixed(3));
  }
  return thresholds;
}

const pct = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;

function report(name: string, scored: Scored[], thresholds: KindScores, showRows = false): { detection: number; fp: number } {
  const own = scored.filter((s) => !s.r.other);
  const mal = own.filter((s) => s.r.row.label === 'malicious');
  const ben = own.filter((s) => s.r.row.label === 'benign');
  const strict = mal.filter((s) => s.strict);
  const others = scored.filter((s) => s.r.other);
  const hit = (list: Scored[]): number => list.filter((s) => fires(s, thresholds)).length;
  console.log(
    `${name}, thresholds ${JSON.stringify(thresholds)}:\n  detection ${pct(hit(mal), mal.length)} (${hit(mal)}/${mal.length}), ` +
      `with unseen context too ${pct(hit(strict), strict.length)}, by the scorer alone ${pct(mal.filter((s) => byModel(s, thresholds)).length, mal.length)}; ` +
      `false positives ${pct(hit(ben), ben.length)} (${hit(ben)}/${ben.length}); other files' rows fired ${pct(hit(others), others.length)} (${hit(others)}/${others.length})`,
  );
  const groups = new Map<string, [number, number]>();
  for (const s of own) {
    const where = /\/(email|table|code)\//.exec(s.r.row.meta?.context_source ?? '')?.[1];
    const key = `${s.r.row.label}/${s.r.row.meta?.subtype ?? ''}${where ? ` in ${where}` : ''}`;
    const [a, b] = groups.get(key) ?? [0, 0];
    groups.set(key, [a + (fires(s, thresholds) ? 1 : 0), b + 1]);
  }
  for (const [key, [a, b]] of [...groups].sort()) console.log(`    ${key.padEnd(44)} fires ${a}/${b}`);
  if (showRows) {
    const show = (s: Scored): string => `${s.r.ruled ? 'rule' : JSON.stringify(s.scores)} ${JSON.stringify(s.r.row.meta?.attack ?? s.r.row.arguments).slice(0, 180)}`;
    for (const s of [...ben, ...others].filter((x) => fires(x, thresholds))) console.log(`      FP   ${show(s)}`);
    for (const s of mal.filter((x) => !fires(x, thresholds))) console.log(`      MISS ${show(s)}`);
  }
  return { detection: hit(mal) / Math.max(1, mal.length), fp: hit(ben) / Math.max(1, ben.length) };
}

function writeWeights(model: Trained, thresholds: KindScores, trainedOn: string): void {
  const kept = [...model.weights].filter(([, v]) => Math.abs(v) >= 0.02).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0].localeCompare(b[0]));
  const out: UnitModel = {
    trainedOn,
    thresholds,
    bias: Number(model.bias.toFixed(3)),
    weights: Object.fromEntries(kept.map(([f, v]) => [f, Number(v.toFixed(3))])),
  };
  const body = kept.map(([f]) => `    ${JSON.stringify(f)}: ${out.weights[f]},`).join('\n');
  const source = `/**
 * Weights of the prompt-injection unit scorer (./model.ts), strongest first. Generated by
 * tools/eval/train-prompt-injection.ts — do not edit; retrain instead.
 */
import type { UnitModel } from './model.js';

export const UNIT_MODEL: UnitModel = {
  trainedOn: ${JSON.stringify(out.trainedOn)},
  thresholds: { ${Object.entries(out.thresholds)
    .map(([kind, t]) => `${kind}: ${t}`)
    .join(', ')} },
  bias: ${out.bias},
  weights: {
${body}
  },
};
`;
  fs.writeFileSync(WEIGHTS_FILE, source);
  console.log(`wrote ${path.relative(REPO, WEIGHTS_FILE)}: ${kept.length} weights, ${(source.length / 1024).toFixed(0)} KB`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      datasets: { type: 'string' },
      folds: { type: 'string', default: '5' },
      l2: { type: 'string', default: '0.0003,0.001,0.003' },
      'fp-rate': { type: 'string', default: '0.02' },
      'dry-run': { type: 'boolean', default: false },
      'show-rows': { type: 'boolean', default: false },
    },
  });
  const dir = path.resolve(values.datasets ?? process.env.AEGIS_DATASETS ?? path.join(REPO, '..', 'shared', 'datasets'));
  const k = Number(values.folds);
  const fpRate = Number(values['fp-rate']);
  const own = loadDev(dir, 'prompt_injection.jsonl').map((row) => rowUnits(row));
  const others = OTHER_FILES.flatMap((file) => loadDev(dir, file).map((row) => rowUnits(row, true)));
  const data = [...own, ...others];
  const used = data.flatMap((r) => r.units).filter((u) => u.label >= 0);
  console.log(`dev rows: ${own.length} + ${others.length} from ${OTHER_FILES.join(', ')}; units ${used.length} (positive ${used.filter((u) => u.label === 1).length})`);

  let best: { l2: number; thresholds: KindScores; score: number } | undefined;
  for (const l2 of values.l2!.split(',').map(Number)) {
    const scored = crossValidate(data, k, l2, (r) => r.attackGroup);
    const thresholds = thresholdsFor(scored, fpRate);
    const { detection, fp } = report(`L2 ${l2}, ${k}-fold holding out attacks and contexts`, scored, thresholds, values['show-rows']);
    if (!best || detection - fp > best.score) best = { l2, thresholds, score: detection - fp };
  }
  const chosen = best!;
  report(`L2 ${chosen.l2}, ${k}-fold holding out attack categories and contexts`, crossValidate(data, k, chosen.l2, (r) => r.categoryGroup), chosen.thresholds);

  const model = trainLogistic(
    data.flatMap((r) => r.units),
    chosen.l2,
  );
  const ranked = [...model.weights].sort((a, b) => b[1] - a[1]);
  console.log(`strongest positive: ${ranked.slice(0, 30).map(([f, v]) => `${f} ${v.toFixed(2)}`).join(', ')}`);
  console.log(`strongest negative: ${ranked.slice(-20).map(([f, v]) => `${f} ${v.toFixed(2)}`).join(', ')}`);
  const trainedOn = `dev split: prompt_injection.jsonl + negatives from ${OTHER_FILES.join(', ')}; ${used.length} units; L2 ${chosen.l2}; thresholds at ${fpRate * 100} % out-of-fold FP`;
  if (!values['dry-run']) writeWeights(model, chosen.thresholds, trainedOn);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
