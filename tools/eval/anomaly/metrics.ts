/** sortedAscending returns a sorted copy, for rocAuc's negatives. */
export function sortedAscending(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** The number of sorted values below x, and equal to it. */
function rank(sorted: Float64Array, x: number): [number, number] {
  const bound = (strict: boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? sorted[mid]! < x : sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const below = bound(true);
  return [below, bound(false) - below];
}

/**
 * rocAuc is the area under the ROC curve of scores for negatives (normal calls, sorted ascending)
 * and positives (anomalies): the probability that a random anomaly outscores a random normal call,
 * ties counting half (Mann–Whitney U).
 */
export function rocAuc(negatives: Float64Array, positives: readonly number[]): number {
  if (negatives.length === 0 || positives.length === 0) return NaN;
  let wins = 0;
  for (const p of positives) {
    const [below, equal] = rank(negatives, p);
    wins += below + equal / 2;
  }
  return wins / (positives.length * negatives.length);
}

/** quantile of the values (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = sortedAscending(values);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** rate writes hits/n as a percentage: two decimals below 1 %, one above. */
export function rate(hits: number, n: number): string {
  if (n === 0) return '–';
  const pct = (100 * hits) / n;
  return `${pct.toFixed(pct === 0 || pct === 100 ? 0 : pct < 1 ? 2 : 1)} %`;
}
