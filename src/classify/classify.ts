import { categorize } from './category.js';
import { DETECTORS, INITIALIZERS } from './detectors/index.js';
import type { Classification, DetectionInput, Signal } from './types.js';
import { collectStrings } from './walk.js';

let ready: Promise<void> | undefined;

/** initClassifier loads the parsers detectors need (PostgreSQL's parser as WASM…); call once at start. */
export function initClassifier(): Promise<void> {
  ready ??= Promise.all(INITIALIZERS.map((init) => init())).then(() => undefined);
  return ready;
}

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * classify names a tool call's category and runs every detector over every string in its arguments.
 * Requires initClassifier() to have resolved. Signals are de-duplicated per (id, path), keeping the
 * most severe, and ordered most severe first.
 */
export function classify(toolName: string, args: Record<string, unknown>): Classification {
  const input: DetectionInput = {
    toolName,
    category: categorize(toolName, Object.keys(args)),
    fields: collectStrings(args, '/arguments'),
  };
  const best = new Map<string, Signal>();
  for (const detect of DETECTORS) {
    for (const s of detect(input)) {
      const key = `${s.id}\u0000${s.path}`;
      const prev = best.get(key);
      if (!prev || SEVERITY_RANK[s.severity] > SEVERITY_RANK[prev.severity]) best.set(key, s);
    }
  }
  const signals = [...best.values()].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  return { category: input.category, signals };
}
