import type { Principal } from '../auth/authenticator.js';
import type { Db } from '../db/knex.js';
import { NotFoundError } from '../errors.js';
import type { CheckRecord } from './types.js';

const COLUMNS = [
  'id', 'org_id', 'agent_id', 'tool_name', 'arguments', 'arguments_sha256', 'context', 'category', 'signals', 'signals_omitted', 'anomaly_score', 'anomaly_features',
  'decision', 'status', 'policy_name', 'risk_level', 'reason', 'counterfactual', 'shadow_violations', 'credential_id',
  'created_at', 'expires_at', 'decided_at', 'decided_by', 'decided_credential', 'decision_reason',
];

export function fromCheckRow(r: Record<string, unknown>): CheckRecord {
  return { ...(r as unknown as CheckRecord), arguments_sha256: (r.arguments_sha256 as Buffer).toString('hex'), anomaly_event: false };
}

/**
 * getCheck returns one of the caller's org's checks. Another org's id and (for agent tokens) another
 * agent's check are NOT_FOUND, indistinguishable from an unknown id.
 */
export async function getCheck(db: Db, principal: Pick<Principal, 'orgId' | 'agentId'>, id: string): Promise<CheckRecord> {
  const q = db('checks').select(COLUMNS).where({ id, org_id: principal.orgId });
  if (principal.agentId !== undefined) q.andWhere({ agent_id: principal.agentId });
  const row = (await q.first()) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError(`no check ${id}`);
  return fromCheckRow(row);
}

export interface CheckFilter {
  status?: 'pending' | 'decided';
  agentId?: string;
  limit: number;
  offset: number;
}

/** listChecks pages an org's checks, newest first (agent tokens see only their own agent's). */
export async function listChecks(db: Db, principal: Pick<Principal, 'orgId' | 'agentId'>, f: CheckFilter): Promise<{ data: CheckRecord[]; total: number }> {
  const q = db('checks').where({ org_id: principal.orgId });
  if (f.status) q.andWhere({ status: f.status });
  if (f.agentId) q.andWhere({ agent_id: f.agentId });
  if (principal.agentId !== undefined) q.andWhere({ agent_id: principal.agentId });
  const [rows, counts] = await Promise.all([
    q.clone().select(COLUMNS).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(f.limit).offset(f.offset),
    q.clone().count<{ total: number }[]>({ total: '*' }),
  ]);
  return { data: (rows as Array<Record<string, unknown>>).map(fromCheckRow), total: Number(counts[0]?.total ?? 0) };
}
