import { loadModule } from 'libpg-query';
import { openSqlBudget } from '../sql/analyze.js';
import { datastoreFindings } from '../sql/datastores.js';
import { analyzeFragment, analyzeField } from '../sql/fields.js';
import { excerpt } from '../evidence.js';
import type { DetectionInput, Signal, StringField } from '../types.js';

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
  const out: Signal[] = input.category === 'database' ? datastoreFindings(input.toolName, input.fields, input.args) : [];
  for (const field of input.fields) {
    const nosql = input.category === 'database' ? noSqlOperator(field) : undefined;
    if (nosql) {
      out.push(nosql);
      continue;
    }
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

/** A query operator on a credential field: `{"password": {"$ne": ""}}` matches every user (authentication bypass). */
const CREDENTIAL_OPERATOR = /\/(?:password|passwd|pass|pwd|passcode|pin|secret|token|api_?key|otp)\/\$(?:ne|gt|gte|lt|lte|regex|nin|exists|not)$/i;

/**
 * noSqlOperator reports the operator injections of document databases (MongoDB's query language) in a
 * database tool's arguments: `$where` runs JavaScript on the server (`sleep(5000)`, `this.password…`),
 * and a comparison operator where a credential's value belongs matches every record.
 */
function noSqlOperator(field: StringField): Signal | undefined {
  if (field.key === '$where' || field.key === '$function' || field.key === '$accumulator') {
    return { id: 'sql_injection', severity: 'high', path: field.pointer, evidence: excerpt(`NoSQL ${field.key} runs JavaScript on the server: ${field.value}`) };
  }
  if (CREDENTIAL_OPERATOR.test(field.pointer)) {
    return { id: 'sql_injection', severity: 'high', path: field.pointer, evidence: excerpt(`NoSQL operator on a credential field (matches every record): ${field.pointer.split('/').slice(-2).join(' ')}`) };
  }
  return undefined;
}
