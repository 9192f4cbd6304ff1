import { loadModule } from 'libpg-query';
import { openSqlBudget } from '../sql/analyze.js';
import { analyzeFragment, analyzeField } from '../sql/fields.js';
import type { DetectionInput, Signal } from '../types.js';

/** initSql loads PostgreSQL's parser (WASM); detectSql requires it. */
export async function initSql(): Promise<void> {
  await loadModule();
}

const RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * detectSql reports `sql_injection` and `destructive_operation` for SQL in a call's arguments: fields
 * named like SQL, every string of a database tool, and strings elsewhere that clearly are SQL. One
 * signal per id and field, the most severe finding's.
 */
export function detectSql(input: DetectionInput): Signal[] {
  if (!input.embedded) openSqlBudget();
  const out: Signal[] = [];
  for (const field of input.fields) {
    const findings = analyzeField(field, input.category) ?? analyzeFragment(field, input.category);
    const best = new Map<string, Signal>();
    for (const f of findings) {
      const prev = best.get(f.id);
      if (!prev || RANK[f.severity] > RANK[prev.severity]) best.set(f.id, { id: f.id, severity: f.severity, path: field.pointer, evidence: f.evidence });
    }
    out.push(...best.values());
  }
  return out;
}
