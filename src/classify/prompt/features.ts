import type { Unit } from './segment.js';
import { hashName, mix, type TokenBuffer, tokenName } from './tokens.js';

/**
 * Features of one unit for the learned scorer (./model.ts): its words and word pairs, its opening
 * word, its length, and — for a prose line in a table — whether it is a question, an instruction or
 * speaks to "you": the out-of-register cue.
 *
 * Two views of the same features: unitFeatureNames() spells them out (training, explanations) and
 * unitScore() sums their weights from hashes without building strings (the hot path). A unit test
 * checks that they agree.
 */

/** Common verbs that open an imperative sentence addressed to a reader or an assistant. */
const VERBS = (
  'add adapt adopt align allow analyze analyse answer append apply arrange ask assess assume avoid break build calculate ' +
  'call change check choose clarify classify combine compare compile complete compose compute consider continue convert ' +
  'copy correct count create decode define delete deliver demonstrate deploy describe design detail determine develop ' +
  'disable discuss display do draft draw edit elaborate embed employ emphasize enable encode encrypt end enhance ensure ' +
  'enumerate estimate evaluate examine execute expand explain export extract fetch fill find finish fix follow forget format ' +
  'forward fuse generate get give go group guess help highlight hint identify ignore imagine implement import improve ' +
  'include incorporate infuse insert inspect install integrate interweave introduce invert invite join jumble keep leave ' +
  'let leverage list load locate make mention merge misspell modify name obey offer open outline output paraphrase ' +
  'pass paste perform persuade pick place plan play post predict prepare present pretend print proceed promote provide ' +
  'publish put rank read rearrange recall recommend reconstruct record refer reformat remember remove rename render reorder ' +
  'repeat rephrase replace reply report represent request respond restate retrieve return reveal reverse rewrite run say ' +
  'scramble search select send set share shift show simulate skip solve sort speak specify spell split start state stop ' +
  'stress structure submit suggest summarise summarize supply swap switch take talk teach tease tell test think transform ' +
  'translate treat try turn type update upload use utilize validate verify visit write'
).split(' ');
const WH = 'what how why when where which who whom whose is are can could would will should do does did'.split(' ');
const POLITE = 'please kindly now also then first finally next just simply'.split(' ');

const hashes = (words: string[]): Set<number> => new Set(words.map(hashName));
const VERB_H = hashes(VERBS);
const WH_H = hashes(WH);
const POLITE_H = hashes(POLITE);
const YOU_H = hashes(['you', 'your', 'yourself']);
const MODAL_H = hashes(['can', 'could', 'would', 'will']);
const YOU = hashName('you');
const I = hashName('i');

/** Salts that keep unigram, bigram and first-word features apart in one hash space. */
const SALT = { word: 1, pair: 2, first: 3 } as const;

/** The hash of a named token feature ("w:your", "b:your_reply", "f:write"), or undefined for flags. */
export function featureHash(name: string): number | undefined {
  const colon = name.indexOf(':');
  const kind = name.slice(0, colon);
  const rest = name.slice(colon + 1);
  if (kind === 'w') return mix(hashName(rest), SALT.word);
  if (kind === 'f') return mix(hashName(rest), SALT.first);
  if (kind === 'b') {
    const [a = '', b = ''] = rest.split('_');
    return mix(mix(hashName(a), SALT.pair), hashName(b));
  }
  return undefined;
}

function lengthBucket(n: number): string {
  if (n <= 3) return 's';
  if (n <= 8) return 'm';
  if (n <= 16) return 'l';
  if (n <= 32) return 'xl';
  return 'xxl';
}

/**
 * The flag features of a unit whose tokens are buf[t0, t1): its length and, for a prose line in a
 * table, whether it asks, orders or speaks to "you". Shape alone is ordinary in e-mails and in
 * documentation, so it counts only where nothing else is prose.
 */
function unitFlags(text: string, unit: Unit, buf: TokenBuffer, t0: number, t1: number): string[] {
  const f = [`len:${lengthBucket(t1 - t0)}`];
  if (!unit.foreign) return f;
  const lead = leadIndex(buf, t0, t1);
  const first = lead < t1 ? buf.hash[lead]! : 0;
  const second = lead + 1 < t1 ? buf.hash[lead + 1]! : 0;
  let e = unit.end;
  while (e > unit.start && text.charCodeAt(e - 1) <= 32) e--;
  const last = e > unit.start ? text[e - 1]! : '';
  if (last === '?' || (WH_H.has(first) && (second === YOU || second === I || last !== ':'))) f.push('foreign&q');
  if (VERB_H.has(first) || (MODAL_H.has(first) && second === YOU)) f.push('foreign&imp');
  for (let t = t0; t < t1; t++) {
    if (YOU_H.has(buf.hash[t]!)) {
      f.push('foreign&you');
      break;
    }
  }
  return f;
}

function leadIndex(buf: TokenBuffer, t0: number, t1: number): number {
  let lead = t0;
  while (lead < t1 - 1 && POLITE_H.has(buf.hash[lead]!)) lead++;
  return lead;
}

/** unitFeatureNames spells out every feature of the unit whose tokens are buf[t0, t1) (with repeats). */
export function unitFeatureNames(text: string, unit: Unit, buf: TokenBuffer, t0: number, t1: number): string[] {
  const names: string[] = [];
  const tok = (t: number): string => tokenName(text, buf.start[t]!, buf.end[t]!);
  for (let t = t0; t < t1; t++) {
    names.push(`w:${tok(t)}`);
    if (t + 1 < t1) names.push(`b:${tok(t)}_${tok(t + 1)}`);
  }
  const lead = leadIndex(buf, t0, t1);
  if (lead < t1) names.push(`f:${tok(lead)}`);
  return names.concat(unitFlags(text, unit, buf, t0, t1));
}

/** A compiled model: token-feature weights by hash, flag weights by name. */
export interface CompiledModel {
  bias: number;
  lookup(hash: number): number;
  flags: Map<string, number>;
}

/** unitScore returns the logit of the unit whose tokens are buf[t0, t1), the same sum unitFeatureNames() names. */
export function unitScore(text: string, unit: Unit, buf: TokenBuffer, t0: number, t1: number, model: CompiledModel): number {
  let z = model.bias;
  for (let t = t0; t < t1; t++) {
    const h = buf.hash[t]!;
    z += model.lookup(mix(h, SALT.word));
    if (t + 1 < t1) z += model.lookup(mix(mix(h, SALT.pair), buf.hash[t + 1]!));
  }
  const lead = leadIndex(buf, t0, t1);
  if (lead < t1) z += model.lookup(mix(buf.hash[lead]!, SALT.first));
  for (const name of unitFlags(text, unit, buf, t0, t1)) z += model.flags.get(name) ?? 0;
  return z;
}
