import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { ValidationError } from '../errors.js';

export interface StoredTrace {
  id: string;
  agent_id: string;
  tool_name: string;
  arguments: Record<string, unknown>;
  result: unknown;
  error: unknown;
  started_at: Date;
  duration_ms: number;
  check_id: string | null;
  blocked: boolean;
  trace_id: string | null;
  span_id: string | null;
  metadata: Record<string, unknown>;
  received_at: Date;
}

export interface TraceFilter {
  agent_id?: string;
  tool_name?: string;
  check_id?: string;
  blocked?: boolean;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
  offset: number;
}

export interface TracePage {
  data: StoredTrace[];
  /** Exact up to COUNT_CAP matching traces; above it, the planner's estimate (total_exact false). */
  total: number;
  total_exact: boolean;
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

/** Up to this many matching traces are counted exactly: counting more costs more than the page itself (1,000 index entries take well under a millisecond; 10,000 took tens under load). */
export const COUNT_CAP = 1_000;

const COLUMNS = ['id', 'agent_id', 'tool_name', 'arguments', 'result', 'error', 'started_at', 'duration_ms', 'check_id', 'blocked', 'trace_id', 'span_id', 'metadata', 'received_at'];

/** A cursor is the (started_at, id) of the last trace of a page, opaque to clients. */
export function encodeCursor(t: Pick<StoredTrace, 'started_at' | 'id'>): string {
  return Buffer.from(`${t.started_at.toISOString()}|${t.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const startedAt = new Date(at ?? '');
  if (Number.isNaN(startedAt.getTime()) || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id ?? '')) {
    throw new ValidationError('cursor is not a next_cursor this API returned', [{ path: 'cursor', message: 'malformed' }]);
  }
  return { startedAt, id: id! };
}

/**
 * listTraces pages an org's traces, newest first (started_at, then id), filtered. Every filter has
 * an index that yields rows in this order, so a page costs its own rows whatever the table's size;
 * `cursor` (keyset) pages stay that cheap arbitrarily deep, `offset` pages cost the rows skipped.
 */
export async function listTraces(db: Db, orgId: string, f: TraceFilter): Promise<TracePage> {
  const filtered = (): Knex.QueryBuilder => {
    const q = db('traces').where({ org_id: orgId });
    if (f.agent_id !== undefined) q.andWhere({ agent_id: f.agent_id });
    if (f.tool_name !== undefined) q.andWhere({ tool_name: f.tool_name });
    if (f.check_id !== undefined) q.andWhere({ check_id: f.check_id });
    if (f.blocked !== undefined) q.andWhere({ blocked: f.blocked });
    if (f.from !== undefined) q.andWhere('started_at', '>=', new Date(f.from));
    if (f.to !== undefined) q.andWhere('started_at', '<=', new Date(f.to));
    return q;
  };
  const page = filtered().select(COLUMNS).orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(f.limit);
  if (f.cursor !== undefined) {
    const after = decodeCursor(f.cursor);
    page.andWhereRaw('(started_at, id) < (?, ?)', [after.startedAt, after.id]);
  } else if (f.offset > 0) page.offset(f.offset);
  const [rows, total] = await Promise.all([page as Promise<StoredTrace[]>, countTraces(db, filtered())]);
  const last = rows.length === f.limit ? rows[rows.length - 1] : undefined;
  return { data: rows, ...total, next_cursor: last ? encodeCursor(last) : null };
}

/** countTraces counts up to COUNT_CAP + 1 matching rows; beyond COUNT_CAP it asks the planner for an estimate. */
async function countTraces(db: Db, q: Knex.QueryBuilder): Promise<{ total: number; total_exact: boolean }> {
  const capped = (await db.from(q.clone().select(db.raw('1')).limit(COUNT_CAP + 1).as('t')).count({ n: '*' })) as Array<{ n: number }>;
  const n = Number(capped[0]?.n ?? 0);
  if (n <= COUNT_CAP) return { total: n, total_exact: true };
  const { sql, bindings } = q.clone().select(db.raw('1')).toSQL();
  const explained = (await db.raw(`explain (format json) ${sql}`, bindings)) as { rows: Array<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }> };
  const estimate = Math.round(explained.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
  return { total: Math.max(estimate, n), total_exact: false };
}
