import { recordAudit } from '../audit/audit.js';
import type { Db } from '../db/knex.js';
import { caseKey } from './case-key.js';
import type { Json } from './coerce.js';
import { scimNotFound, uniqueness } from './errors.js';
import type { ListQuery } from './list-query.js';
import type { PatchOperation } from './patch.js';
import { finalizeUser, patchUserResource } from './resource-input.js';
import { USER_TYPE } from './schema.js';
import { checkIfMatch, isUuid, queryPage, touchVersions, uniqueViolation, type ScimWriter } from './store-common.js';

export interface UserRow {
  id: string;
  org_id: string;
  user_name: string;
  active: boolean;
  resource: Json;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface GroupRef {
  id: string;
  displayName: string;
}

/** A user as stored, with the groups it belongs to when they were asked for. */
export interface UserRecord {
  row: UserRow;
  groups?: GroupRef[];
}

const COLUMNS = ['u.id', 'u.org_id', 'u.user_name', 'u.active', 'u.resource', 'u.version', 'u.created_at', 'u.updated_at'];

/**
 * columnsOf derives the indexed columns from the stored representation; user_name_key is the
 * userName's caseKey, unique per org (with user_name_dup: see the migration that added it).
 */
function columnsOf(r: Json): Json {
  const name = (r.name ?? {}) as Json;
  const emails = (r.emails ?? []) as Json[];
  const primary = emails.find((e) => e.primary === true) ?? emails[0];
  return {
    user_name: r.userName,
    user_name_key: caseKey(r.userName as string),
    external_id: r.externalId ?? null,
    active: r.active !== false,
    display_name: r.displayName ?? null,
    given_name: name.givenName ?? null,
    family_name: name.familyName ?? null,
    primary_email: typeof primary?.value === 'string' ? caseKey(primary.value) : null,
    resource: JSON.stringify(r),
  };
}

async function writeEmails(trx: Db, orgId: string, userId: string, r: Json, replace: boolean): Promise<void> {
  if (replace) await trx('scim_user_emails').where({ user_id: userId }).delete();
  const emails = (r.emails ?? []) as Json[];
  if (emails.length === 0) return;
  const rows = emails.map((e, i) => ({ org_id: orgId, user_id: userId, position: i, value: e.value, value_key: caseKey(e.value as string), type: e.type ?? null, is_primary: e.primary === true }));
  // Seven parameters a row: in statements well under PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < rows.length; i += 1000) await trx('scim_user_emails').insert(rows.slice(i, i + 1000));
}

function auditView(id: string, r: Json): Json {
  return { id, ...r };
}

/** mapUnique turns the userName unique-index violation into 409 uniqueness. */
async function mapUnique<T>(userName: () => unknown, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (uniqueViolation(err) === 'scim_users_org_user_name_key') throw uniqueness(`userName "${String(userName())}" is already taken in this organisation (userName is case-insensitive)`);
    throw err;
  }
}

/** createUser stores a new user (resource from readUserBody) and audits it as scim.user.create. */
export async function createUser(db: Db, w: ScimWriter, resource: Json): Promise<UserRecord> {
  return mapUnique(() => resource.userName, () =>
    db.transaction(async (trx) => {
      const [row] = (await trx('scim_users as u')
        .insert({ org_id: w.orgId, ...columnsOf(resource) })
        .returning(COLUMNS.map((c) => c.slice(2)))) as UserRow[];
      await writeEmails(trx, w.orgId, row!.id, resource, false);
      await trx('scim_provisioned_orgs').insert({ org_id: w.orgId }).onConflict('org_id').ignore();
      await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: 'scim.user.create', resourceType: 'scim_user', resourceId: row!.id, before: null, after: auditView(row!.id, resource), requestId: w.requestId });
      return { row: row!, groups: [] };
    }),
  );
}

/**
 * lockUser reads a user for an update and checks If-Match. FOR NO KEY UPDATE, not FOR UPDATE: a
 * concurrent membership insert holds KEY SHARE on the user and must not wait for (or deadlock with)
 * an attribute change.
 */
async function lockUser(trx: Db, w: ScimWriter, id: string): Promise<UserRow> {
  const row = isUuid(id) ? ((await trx('scim_users as u').select(COLUMNS).where({ 'u.id': id, 'u.org_id': w.orgId }).forNoKeyUpdate().first()) as UserRow | undefined) : undefined;
  if (!row) throw scimNotFound(`no user ${id}`);
  checkIfMatch(w.ifMatch, row.version);
  return row;
}

/** The display a group shows for its member (groupMembers: displayName, else userName). */
const memberDisplay = (r: Json): unknown => r.displayName ?? r.userName;

/** Thrown out of an attempt that finds it needs the user's groups locked (see updateUser). */
class GroupsNotLocked extends Error {}

/**
 * lockGroupsOf locks the groups a user belongs to, in id order, and returns their ids: taken before
 * the user's row, the order in which group writes take them (group row, then the member's rows).
 */
async function lockGroupsOf(trx: Db, userId: string): Promise<string[]> {
  const rows = (await trx('scim_groups')
    .select('id')
    .whereIn('id', trx('scim_group_members').select('group_id').where({ user_id: userId }))
    .orderBy('id')
    .forNoKeyUpdate()) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/**
 * updateUser rewrites a user under a row lock after If-Match: `change` maps the stored resource to
 * the new one (finalised). A change that alters nothing writes nothing and keeps the version. A
 * change of the user's display (displayName, or userName without one) also moves the user's groups
 * to a new version, as their `members` show it; those groups must be locked before the user, so the
 * first attempt, which locks only the user, starts over with them locked when it turns out to need
 * them — most writes (a deactivation, a title) never wait for a busy group.
 */
async function updateUser(db: Db, w: ScimWriter, id: string, action: 'replace' | 'patch', change: (current: Json) => Json, withGroups: boolean): Promise<UserRecord> {
  let userName: unknown;
  const attempt = (lockGroups: boolean): Promise<UserRecord> =>
    db.transaction(async (trx) => {
      const groupIds = lockGroups ? await lockGroupsOf(trx, id) : undefined;
      const before = await lockUser(trx, w, id);
      const next = change(before.resource);
      userName = next.userName;
      let row: UserRow | undefined = before;
      if (JSON.stringify(next) !== JSON.stringify(before.resource)) {
        if (memberDisplay(next) !== memberDisplay(before.resource)) {
          if (groupIds) await touchVersions(trx, 'scim_groups', groupIds);
          else if (await trx('scim_group_members').where({ user_id: id }).first()) throw new GroupsNotLocked();
        }
        const columns = columnsOf(next);
        // A user that shared its key with an older one (before keys were Unicode) is alone once renamed.
        if (columns.user_name_key !== caseKey(before.user_name)) columns.user_name_dup = 0;
        [row] = (await trx('scim_users as u')
          .where({ 'u.id': id })
          .update({ ...columns, version: trx.raw('version + 1'), updated_at: trx.fn.now() })
          .returning(COLUMNS.map((c) => c.slice(2)))) as UserRow[];
        await writeEmails(trx, w.orgId, id, next, true);
        await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: `scim.user.${action}`, resourceType: 'scim_user', resourceId: id, before: auditView(id, before.resource), after: auditView(id, next), requestId: w.requestId });
      }
      return { row: row!, groups: withGroups ? ((await userGroups(trx, w.orgId, [id])).get(id) ?? []) : undefined };
    });
  return mapUnique(
    () => userName,
    async () => {
      try {
        return await attempt(false);
      } catch (err) {
        if (err instanceof GroupsNotLocked) return attempt(true);
        throw err;
      }
    },
  );
}

/** replaceUser is PUT: the stored resource becomes `resource` (from readUserReplacement); left out, `active` keeps its stored value. */
export function replaceUser(db: Db, w: ScimWriter, id: string, resource: Json, withGroups: boolean): Promise<UserRecord> {
  return updateUser(db, w, id, 'replace', (current) => finalizeUser(resource, current.active !== false), withGroups);
}

/** patchUser applies PATCH operations to the stored resource. */
export function patchUser(db: Db, w: ScimWriter, id: string, ops: readonly PatchOperation[], withGroups: boolean): Promise<UserRecord> {
  return updateUser(db, w, id, 'patch', (current) => patchUserResource(current, ops), withGroups);
}

/**
 * deleteUser removes a user, its e-mails and memberships; the groups it was in move to a new
 * version. Groups are locked (in id order) before the user, the order a group PATCH takes them in
 * (group row, then the user's), so the two cannot deadlock; If-Match is checked on the row deleted.
 */
export async function deleteUser(db: Db, w: ScimWriter, id: string): Promise<void> {
  await db.transaction(async (trx) => {
    const read = (): Promise<UserRow | undefined> => trx('scim_users as u').select(COLUMNS).where({ 'u.id': id, 'u.org_id': w.orgId }).first() as Promise<UserRow | undefined>;
    const before = isUuid(id) ? await read() : undefined;
    if (!before) throw scimNotFound(`no user ${id}`);
    checkIfMatch(w.ifMatch, before.version);
    await touchVersions(trx, 'scim_groups', await lockGroupsOf(trx, id));
    const deleted = await trx('scim_users').where({ id, org_id: w.orgId, ...(w.ifMatch ? { version: before.version } : {}) }).delete();
    if (deleted === 0) {
      const now = await read();
      if (!now) throw scimNotFound(`no user ${id}`);
      checkIfMatch(w.ifMatch, now.version);
      await trx('scim_users').where({ id, org_id: w.orgId }).delete();
    }
    await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: 'scim.user.delete', resourceType: 'scim_user', resourceId: id, before: auditView(id, before.resource), after: null, requestId: w.requestId });
  });
}

/** getUser reads one user of the org; another org's id, or no such id, is 404. */
export async function getUser(db: Db, orgId: string, id: string, withGroups: boolean): Promise<UserRecord> {
  const row = isUuid(id) ? ((await db('scim_users as u').select(COLUMNS).where({ 'u.id': id, 'u.org_id': orgId }).first()) as UserRow | undefined) : undefined;
  if (!row) throw scimNotFound(`no user ${id}`);
  return { row, groups: withGroups ? ((await userGroups(db, orgId, [id])).get(id) ?? []) : undefined };
}

/** userGroups loads the groups of some users, by user id, ordered by group name. */
async function userGroups(db: Db, orgId: string, userIds: string[]): Promise<Map<string, GroupRef[]>> {
  const out = new Map<string, GroupRef[]>();
  if (userIds.length === 0) return out;
  const rows = (await db('scim_group_members as m')
    .join('scim_groups as g', 'g.id', 'm.group_id')
    .select('m.user_id', 'g.id', 'g.display_name')
    .where('m.org_id', orgId)
    .whereIn('m.user_id', userIds)
    .orderBy([{ column: 'g.display_name' }, { column: 'g.id' }])) as Array<{ user_id: string; id: string; display_name: string }>;
  for (const r of rows) {
    const list = out.get(r.user_id) ?? [];
    list.push({ id: r.id, displayName: r.display_name });
    out.set(r.user_id, list);
  }
  return out;
}

/** listUsers answers a query with the total and one page (see queryPage). */
export async function listUsers(db: Db, orgId: string, q: ListQuery, withGroups: boolean): Promise<{ total: number; records: UserRecord[] }> {
  const { total, rows } = await queryPage<UserRow>(db, USER_TYPE, 'scim_users', 'u', COLUMNS, orgId, q);
  const groups = withGroups ? await userGroups(db, orgId, rows.map((r) => r.id)) : undefined;
  return { total, records: rows.map((row) => ({ row, groups: groups ? (groups.get(row.id) ?? []) : undefined })) };
}
