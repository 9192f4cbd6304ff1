import type { Actor } from '../audit/audit.js';
import type { Db } from '../db/knex.js';
import { preconditionFailed } from './errors.js';
import { compileFilter, compileSort } from './filter-sql.js';
import type { ListQuery } from './list-query.js';
import type { ResourceType } from './schema.js';

/** Who writes, for the audit log and If-Match: the SCIM token's org and name. */
export interface ScimWriter {
  orgId: string;
  actor: Actor;
  requestId?: string;
  /** The request's If-Match header, if any. */
  ifMatch?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** etagOf is the weak entity tag of a resource version: W/"<version>". */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * checkIfMatch enforces If-Match (RFC 7232 §3.1, weak comparison as SCIM's weak ETags need):
 * `*` or a list of tags, one of which must name the current version; otherwise 412.
 */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '') return;
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*')) return;
  const current = `"${version}"`;
  if (tags.some((t) => t.replace(/^W\//i, '') === current)) return;
  throw preconditionFailed(`If-Match ${ifMatch} does not match the current version ${etagOf(version)}`);
}

/** matchesIfNoneMatch: an If-None-Match header naming the current version (GET answers 304). */
export function matchesIfNoneMatch(header: string | undefined, version: number): boolean {
  if (header === undefined || header.trim() === '') return false;
  const tags = header.split(',').map((t) => t.trim());
  return tags.includes('*') || tags.some((t) => t.replace(/^W\//i, '') === `"${version}"`);
}

const TOUCH_CHUNK = 1000;

/**
 * touchVersions moves resources to a new version (and lastModified) whose representation changed
 * through another resource — a user's `groups` when a group gains, loses or renames it, a group's
 * `members[].display` when a member is renamed — so their ETags change with it (RFC 7644 §3.14).
 * Rows are locked in id order first, so transactions touching overlapping sets cannot deadlock.
 */
export async function touchVersions(trx: Db, table: 'scim_users' | 'scim_groups', ids: Iterable<string>): Promise<void> {
  const sorted = [...new Set(ids)].sort();
  for (let i = 0; i < sorted.length; i += TOUCH_CHUNK) {
    const chunk = sorted.slice(i, i + TOUCH_CHUNK);
    await trx(table).select('id').whereIn('id', chunk).orderBy('id').forNoKeyUpdate();
    await trx(table).whereIn('id', chunk).update({ version: trx.raw('version + 1'), updated_at: trx.fn.now() });
  }
}

/** uniqueViolation returns the constraint name of a PostgreSQL unique violation, if err is one. */
export function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? '') : undefined;
}

/**
 * queryPage answers a query (filter, sort, 1-based startIndex, count) over one resource table of an
 * org — `table` as `alias`, the alias the filter and sort SQL name — with the total and one page, in
 * a stable order: the sort key, then creation time and id.
 */
export async function queryPage<Row>(db: Db, rt: ResourceType, table: string, alias: string, columns: string[], orgId: string, q: ListQuery): Promise<{ total: number; rows: Row[] }> {
  const base = db(`${table} as ${alias}`).where(`${alias}.org_id`, orgId);
  if (q.filter) {
    const where = compileFilter(rt, q.filter);
    base.whereRaw(where.sql, where.bindings);
  }
  const order = q.sortBy ? `${compileSort(rt, q.sortBy)} ${q.descending ? 'desc' : 'asc'}, ` : '';
  const [counted, rows] = await Promise.all([
    base.clone().count<{ total: number }[]>({ total: '*' }),
    q.count === 0 ? Promise.resolve([]) : (base.clone().select(columns).orderByRaw(`${order}${alias}.created_at, ${alias}.id`).offset(q.startIndex - 1).limit(q.count) as Promise<Row[]>),
  ]);
  return { total: Number(counted[0]?.total ?? 0), rows };
}
