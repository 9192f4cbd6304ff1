import type { Db } from '../db/knex.js';
import { AppError, NotFoundError } from '../errors.js';
import type { Role } from './roles.js';
import { displayPrefix, generateSecret, hashSecret, type SecretKind } from './secrets.js';

export interface CredentialRow {
  id: string;
  org_id: string;
  kind: SecretKind;
  name: string;
  role: Role | null;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  /** The SCIM user the key belongs to (a person reviewing), if any. */
  user_id: string | null;
}

const COLUMNS = ['id', 'org_id', 'kind', 'name', 'role', 'prefix', 'created_at', 'last_used_at', 'revoked_at', 'user_id'] as const;

export interface NewCredential {
  orgId: string;
  kind: SecretKind;
  name: string;
  /** Required for API keys, absent for SCIM tokens. */
  role?: Role;
  /** A given secret (bootstrap); default: a new random one. */
  secret?: string;
  /** Binds an API key to a SCIM user (the caller checked it is an active user of the org). */
  userId?: string;
}

/**
 * createCredential stores a new API key or SCIM token (its hash only) and returns the row and the
 * secret, which exists nowhere else afterwards. With a given secret it is idempotent: an existing
 * credential with that secret (even a revoked one) is returned as is, with `created: false`.
 */
export async function createCredential(db: Db, c: NewCredential): Promise<{ row: CredentialRow; secret: string; created: boolean }> {
  const secret = c.secret ?? generateSecret(c.kind);
  const hash = hashSecret(secret);
  const inserted = await db('credentials')
    .insert({ org_id: c.orgId, kind: c.kind, name: c.name, role: c.kind === 'api_key' ? c.role : null, prefix: displayPrefix(secret), secret_hash: hash, user_id: c.userId ?? null })
    .onConflict('secret_hash')
    .ignore()
    .returning([...COLUMNS]);
  if (inserted.length > 0) return { row: inserted[0] as CredentialRow, secret, created: true };
  const existing = (await db('credentials').select([...COLUMNS]).where({ secret_hash: hash }).first()) as CredentialRow;
  return { row: existing, secret, created: false };
}

export interface Page<T> {
  data: T[];
  limit: number;
  offset: number;
  total: number;
}

/** listCredentials pages an org's credentials of one kind, newest first. */
export async function listCredentials(db: Db, orgId: string, kind: SecretKind, limit: number, offset: number): Promise<Page<CredentialRow>> {
  const base = db('credentials').where({ org_id: orgId, kind });
  const [rows, counts] = await Promise.all([
    base.clone().select([...COLUMNS]).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit).offset(offset),
    base.clone().count<{ total: number }[]>({ total: '*' }),
  ]);
  return { data: rows as CredentialRow[], limit, offset, total: Number(counts[0]?.total ?? 0) };
}

/**
 * revokeCredential revokes one of an org's credentials of the given kind. Revoking twice is fine
 * (`revokedNow` false: nothing changed, nothing to audit); another org's id is NOT_FOUND. The
 * table's trigger tells every replica's auth cache.
 */
export async function revokeCredential(db: Db, orgId: string, kind: SecretKind, id: string): Promise<{ row: CredentialRow; revokedNow: boolean }> {
  const [row] = await db('credentials').where({ id, org_id: orgId, kind }).whereNull('revoked_at').update({ revoked_at: db.fn.now() }).returning([...COLUMNS]);
  if (row) return { row: row as CredentialRow, revokedNow: true };
  const already = (await db('credentials').select([...COLUMNS]).where({ id, org_id: orgId, kind }).first()) as CredentialRow | undefined;
  if (!already) throw new NotFoundError(`no ${kind === 'api_key' ? 'API key' : 'SCIM token'} with id ${id} in this org`);
  return { row: already, revokedNow: false };
}

/** revokeCredentialByPrefix revokes the one live credential whose display prefix is `prefix` (CLI). */
export async function revokeCredentialByPrefix(db: Db, prefix: string): Promise<CredentialRow> {
  const matches = (await db('credentials').select([...COLUMNS]).where({ prefix }).whereNull('revoked_at')) as CredentialRow[];
  if (matches.length === 0) throw new NotFoundError(`no live credential has the prefix "${prefix}"`);
  if (matches.length > 1) {
    throw new AppError('CONFLICT', `the prefix "${prefix}" matches ${matches.length} credentials (${matches.map((m) => m.id).join(', ')}); revoke by id over HTTP`);
  }
  const [row] = await db('credentials').where({ id: matches[0]!.id }).update({ revoked_at: db.fn.now() }).returning([...COLUMNS]);
  return row as CredentialRow;
}

export interface CredentialIdentity {
  id: string;
  name: string;
  orgId: string;
  orgName: string;
  kind: SecretKind;
  role: Role | null;
  /** Revoked, or bound to a SCIM user who is deactivated or deleted. */
  revoked: boolean;
  user: { id: string; userName: string } | null;
}

/**
 * findCredentialByHash is the auth lookup (one indexed read, joined with the org's name and, for a
 * key bound to a person, that SCIM user: the key works only while the user exists and is active).
 */
export async function findCredentialByHash(db: Db, hash: Buffer): Promise<CredentialIdentity | undefined> {
  const row = (await db('credentials as c')
    .join('orgs as o', 'o.id', 'c.org_id')
    .leftJoin('scim_users as u', function () {
      this.on('u.id', '=', 'c.user_id').andOn('u.org_id', '=', 'c.org_id');
    })
    .select('c.id', 'c.name', 'c.org_id', 'o.name as org_name', 'c.kind', 'c.role', 'c.revoked_at', 'c.user_id', 'u.user_name', 'u.active')
    .where('c.secret_hash', hash)
    .first()) as
    | { id: string; name: string; org_id: string; org_name: string; kind: SecretKind; role: Role | null; revoked_at: Date | null; user_id: string | null; user_name: string | null; active: boolean | null }
    | undefined;
  if (!row) return undefined;
  const userGone = row.user_id !== null && row.active !== true;
  return {
    id: row.id,
    name: row.name,
    orgId: row.org_id,
    orgName: row.org_name,
    kind: row.kind,
    role: row.role,
    revoked: row.revoked_at !== null || userGone,
    user: row.user_id && row.user_name ? { id: row.user_id, userName: row.user_name } : null,
  };
}

/**
 * touchCredentials records use of credentials (batched by the auth cache, not per request) at the
 * time each was used, not the time of the write: a key used, then revoked, must not read as used
 * after its revocation. A later time never moves back (replicas flush in any order).
 */
export async function touchCredentials(db: Db, uses: ReadonlyArray<readonly [id: string, atMs: number]>): Promise<void> {
  if (uses.length === 0) return;
  await db.raw(
    `update credentials c set last_used_at = greatest(c.last_used_at, u.at)
     from unnest(?::uuid[], ?::timestamptz[]) as u(id, at) where c.id = u.id`,
    [uses.map(([id]) => id), uses.map(([, at]) => new Date(at).toISOString())],
  );
}
