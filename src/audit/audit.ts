import type { Db } from '../db/knex.js';
import type { Page } from '../auth/credentials.js';

/** Who did it: the credential behind the request (an API key, an agent token, a SCIM token, a system job). */
export interface Actor {
  /** `api_key:<id>`, `agent_token:<jti>`, `scim_token:<id>`, `system:<job>`. */
  id: string;
  /** Human-readable: the key's or token's name, the agent id. */
  name?: string;
}

export interface AuditEntry {
  orgId: string;
  actor: Actor;
  action: string;
  resourceType: string;
  resourceId?: string;
  before?: unknown;
  after?: unknown;
  requestId?: string;
}

export interface AuditRow {
  id: string;
  org_id: string;
  actor: string;
  actor_name: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  created_at: Date;
}

/**
 * recordAudit writes one audit entry. Call it with the transaction that makes the change, so the
 * change and its record commit (or fail) together.
 */
export async function recordAudit(trx: Db, e: AuditEntry): Promise<void> {
  await trx('audit_log').insert({
    org_id: e.orgId,
    actor: e.actor.id,
    actor_name: e.actor.name ?? null,
    action: e.action,
    resource_type: e.resourceType,
    resource_id: e.resourceId ?? null,
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
    request_id: e.requestId ?? null,
    // The time of the write, not of the transaction's start (now()): a transaction that waited on a lock
    // for a resource must not list its change before the one it waited for.
    created_at: trx.raw('clock_timestamp()'),
  });
}

export interface AuditFilter {
  action?: string;
  resourceType?: string;
  q?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** escapeLike makes user text literal inside a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** listAudit pages an org's audit log, newest first; q is a case-insensitive substring over the whole entry. */
export async function listAudit(db: Db, orgId: string, f: AuditFilter): Promise<Page<AuditRow>> {
  const q = db('audit_log').where({ org_id: orgId });
  if (f.action) q.andWhere('action', f.action);
  if (f.resourceType) q.andWhere('resource_type', f.resourceType);
  if (f.from) q.andWhere('created_at', '>=', f.from);
  if (f.to) q.andWhere('created_at', '<=', f.to);
  if (f.q) {
    const pattern = `%${escapeLike(f.q)}%`;
    q.andWhereRaw(
      `concat_ws(' ', actor, actor_name, action, resource_type, resource_id, request_id, before::text, after::text) ilike ?`,
      [pattern],
    );
  }
  const [rows, counts] = await Promise.all([
    q.clone().select('*').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(f.limit).offset(f.offset),
    q.clone().count<{ total: number }[]>({ total: '*' }),
  ]);
  return { data: rows as AuditRow[], limit: f.limit, offset: f.offset, total: Number(counts[0]?.total ?? 0) };
}

export function presentAudit(r: AuditRow) {
  return {
    id: r.id,
    actor: r.actor,
    actor_name: r.actor_name,
    action: r.action,
    resource_type: r.resource_type,
    resource_id: r.resource_id,
    before: r.before,
    after: r.after,
    created_at: r.created_at.toISOString(),
    request_id: r.request_id,
  };
}
