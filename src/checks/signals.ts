import type { Signal } from '../classify/types.js';

/**
 * At most this many signals are answered and stored per check. A call can raise one per string (a
 * body of 20,000 e-mail addresses: 20,000 signals, a 2 MB answer and row); policies and the anomaly
 * model still see them all, and the record says how many were left out.
 */
export const MAX_SIGNALS = 100;

/**
 * keepSignals picks the signals to answer and store: the most severe of each kind first, so a flood
 * of one kind cannot hide another, then the rest by severity (the order classify() gives them).
 */
export function keepSignals(signals: Signal[], max = MAX_SIGNALS): { signals: Signal[]; omitted: number } {
  if (signals.length <= max) return { signals, omitted: 0 };
  const kept = new Set<Signal>();
  const kinds = new Set<string>();
  for (const s of signals) {
    if (kept.size >= max) break;
    if (!kinds.has(s.id)) {
      kinds.add(s.id);
      kept.add(s);
    }
  }
  for (const s of signals) {
    if (kept.size >= max) break;
    kept.add(s);
  }
  // Back in classify()'s order (most severe first).
  return { signals: signals.filter((s) => kept.has(s)), omitted: signals.length - kept.size };
}
