/**
 * The calibration of every feature: how a probability, a z-score or a lift becomes a surprise in
 * [0, 1], and how much evidence it takes to trust one. All mappings are linear in log-space between a
 * "not surprising" and a "fully surprising" point, so a detail string can state the numbers behind a
 * score and a reader can redo the arithmetic.
 */

/** A value with this probability (1 in 20) or higher is not surprising. */
export const P_EXPECTED = 1 / 20;
/** A value with this probability (1 in 500) or lower is fully surprising. */
export const P_UNHEARD_OF = 1 / 500;
/** Known-but-rare values weigh this much of a never-seen one ("rarely used" < "never used"). */
export const RARE_DISCOUNT = 0.8;

/** clamp01 clamps x to [0, 1] (NaN becomes 0). */
export function clamp01(x: number): number {
  return x > 0 ? (x < 1 ? x : 1) : 0;
}

/** surpriseOfProbability maps p to [0, 1]: 0 at p ≥ 1/20, 1 at p ≤ 1/500, linear in log p between. */
export function surpriseOfProbability(p: number): number {
  return clamp01(Math.log(P_EXPECTED / p) / Math.log(P_EXPECTED / P_UNHEARD_OF));
}

/** surpriseOfZ maps a z-score to [0, 1]: 0 at z ≤ from, 1 at z ≥ to, linear between. Requires from < to. */
export function surpriseOfZ(z: number, from: number, to: number): number {
  return clamp01((z - from) / (to - from));
}

/**
 * surpriseOfRatio maps a ratio (observed / expected) to [0, 1]: 0 at ratio ≥ high, 1 at ratio ≤ low,
 * linear in log ratio between. Requires 0 < low < high.
 */
export function surpriseOfRatio(ratio: number, high: number, low: number): number {
  return clamp01(Math.log(high / ratio) / Math.log(high / low));
}

/**
 * confidence is how much `n` observations are worth, 1 − e^(−n/n0): 0 with no evidence, 0.63 at n0,
 * 0.95 at 3·n0. Novelty estimates carry their own prior; this shrinks every surprise further while an
 * agent, a tool or an argument key is young (the cold start).
 */
export function confidence(n: number, n0: number): number {
  return n <= 0 ? 0 : 1 - Math.exp(-n / n0);
}

/** formatCount writes a count with thousands separators: 1240 → "1,240". */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** formatBytes writes a size: "620 B", "48.2 KB", "3.1 MB". */
export function formatBytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} KB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** formatShare writes a probability as a percentage with useful precision: "21%", "0.4%", "0.02%", "<0.001%". */
export function formatShare(p: number): string {
  const pct = p * 100;
  if (pct >= 10) return `${Math.round(pct)}%`;
  if (pct >= 1) return `${pct.toFixed(1)}%`;
  if (pct >= 0.001) return `${Number(pct.toPrecision(1))}%`;
  return '<0.001%';
}

/** formatNumber writes a number compactly: 3 significant digits, no exponent below 1e15. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return formatCount(x);
  return Math.abs(x) >= 100 ? formatCount(x) : String(Number(x.toPrecision(3)));
}
