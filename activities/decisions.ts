import type { Db } from '../src/db/knex.js';

export interface RecordDecisionInput {
  check_id: string;
  org_id: string;
  decision: 'allow' | 'block';
  decided_by: string;
  decided_at: string;
  reason?: string | null;
  credential?: string | null;
}

export interface RecordedDecision {
  check_id: string;
  decision: 'allow' | 'block';
  decided_by: string;
  decided_at: string;
  reason: string | null;
}

/**
 * recordDecision stores a pending check's final decision, once: a retry (or a second writer) finds
 * the check decided and returns what was recorded first. The row's trigger wakes long-polls.
 */
export async function recordDecision(db: Db, d: RecordDecisionInput): Promise<RecordedDecision> {
  const [updated] = (await db('checks')
    .where({ id: d.check_id, org_id: d.org_id, status: 'pending' })
    .update({
      decision: d.decision,
      status: 'decided',
      decided_by: d.decided_by,
      decided_at: d.decided_at,
      decided_credential: d.credential ?? null,
      decision_reason: d.reason ?? null,
    })
    .returning(['id', 'decision', 'decided_by', 'decided_at', 'decision_reason'])) as Array<{ id: string; decision: 'allow' | 'block'; decided_by: string; decided_at: Date; decision_reason: string | null }>;
  const row =
    updated ??
    ((await db('checks').select('id', 'decision', 'decided_by', 'decided_at', 'decision_reason').where({ id: d.check_id, org_id: d.org_id }).first()) as
      | { id: string; decision: 'allow' | 'block'; decided_by: string; decided_at: Date; decision_reason: string | null }
      | undefined);
  if (!row) throw new Error(`check ${d.check_id} does not exist in org ${d.org_id}`);
  return { check_id: row.id, decision: row.decision, decided_by: row.decided_by, decided_at: row.decided_at.toISOString(), reason: row.decision_reason };
}
