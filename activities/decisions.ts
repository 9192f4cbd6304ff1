import type { Db } from '../src/db/knex.js';
import { decisionLeafData } from '../src/tlog/leaf.js';

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

interface DecidedRow {
  id: string;
  org_id: string;
  agent_id: string;
  tool_name: string;
  arguments_sha256: Buffer;
  decision: 'allow' | 'block';
  policy_name: string;
  risk_level: string;
  decided_by: string;
  decided_at: Date;
  decision_reason: string | null;
}

const RETURNING = ['id', 'org_id', 'agent_id', 'tool_name', 'arguments_sha256', 'decision', 'policy_name', 'risk_level', 'decided_by', 'decided_at', 'decision_reason'];

/**
 * recordDecision stores a pending check's final decision and queues it for the transparency log,
 * in one transaction, once: a retry (or a second writer) finds the check decided and returns what
 * was recorded first. The row's trigger wakes long-polls.
 */
export async function recordDecision(db: Db, d: RecordDecisionInput): Promise<RecordedDecision> {
  const row = await db.transaction(async (trx) => {
    const [updated] = (await trx('checks')
      .where({ id: d.check_id, org_id: d.org_id, status: 'pending' })
      .update({
        decision: d.decision,
        status: 'decided',
        decided_by: d.decided_by,
        decided_at: d.decided_at,
        decided_credential: d.credential ?? null,
        decision_reason: d.reason ?? null,
      })
      .returning(RETURNING)) as DecidedRow[];
    if (updated) {
      const data = decisionLeafData({
        check_id: updated.id,
        org_id: updated.org_id,
        agent_id: updated.agent_id,
        tool_name: updated.tool_name,
        arguments_sha256: updated.arguments_sha256.toString('hex'),
        decision: updated.decision,
        policy_name: updated.policy_name,
        risk_level: updated.risk_level,
        decided_by: updated.decided_by,
        decided_at: updated.decided_at.toISOString(),
      });
      await trx('tlog_queue').insert({ org_id: updated.org_id, kind: 'decision', ref_id: updated.id, data });
      // The check's anomaly event (if it reached the threshold) carries the final decision, not "pending".
      await trx('anomaly_events').where({ org_id: updated.org_id, check_id: updated.id }).update({ decision: updated.decision });
      return updated;
    }
    return (await trx('checks').select(RETURNING).where({ id: d.check_id, org_id: d.org_id }).first()) as DecidedRow | undefined;
  });
  if (!row) throw new Error(`check ${d.check_id} does not exist in org ${d.org_id}`);
  return { check_id: row.id, decision: row.decision, decided_by: row.decided_by, decided_at: row.decided_at.toISOString(), reason: row.decision_reason };
}
