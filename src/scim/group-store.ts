import { recordAudit } from '../audit/audit.js';
import type { Db } from '../db/knex.js';
import { caseKey } from './case-key.js';
import type { Json } from './coerce.js';
import { invalidValue, scimNotFound, uniqueness } from './errors.js';
import type { ListQuery } from './list-query.js';
import type { PatchOperation } from './patch.js';
import { patchGroupResource } from './resource-input.js';
import { GROUP_TYPE } from './schema.js';
import { checkIfMatch, isUuid, queryPage, touchVersions, uniqueViolation, type ScimWriter } from './store-common.js';

export interface GroupRow {
  id: string;
  org_id: string;
  resource: Json;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface MemberRef {
  id: string;
  display: string;
}

/** A group as stored, with its members when they were asked for. */
export interface GroupRecord {
  row: GroupRow;
  members?: MemberRef[];
}

const COLUMNS = ['g.id', 'g.org_id', 'g.resource', 'g.version', 'g.created_at', 'g.updated_at'];
const RETURNING = COLUMNS.map((c) => c.slice(2));
const CHUNK = 1000;

/**
 * columnsOf derives the indexed columns; members live in scim_group_members, not in `resource`.
 * display_name_key is the displayName's caseKey, unique per org (with display_name_dup: see the
 * migration that added it).
 */
function columnsOf(r: Json): Json {
  const { members: _members, ...rest } = r;
  return { display_name: r.displayName, display_name_key: caseKey(r.displayName as string), external_id: r.externalId ?? null, resource: JSON.stringify(rest) };
}

const memberIds = (r: Json): string[] => ((r.members ?? []) as Json[]).map((m) => m.value as string);

function auditView(id: string, r: Json): Json {
  return { id, ...r, members: memberIds(r) };
}

async function mapUnique<T>(displayName: () => unknown, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (uniqueViolation(err) === 'scim_groups_org_display_name_key') throw uniqueness(`a group named "${String(displayName())}" already exists in this organisation (displayName is case-insensitive)`);
    throw err;
  }
}

/** addMembers inserts memberships after checking that every id is a user of the org (else 400). */
async function addMembers(trx: Db, orgId: string, groupId: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const found = new Set(((await trx('scim_users').select('id').where({ org_id: orgId }).whereIn('id', chunk)) as Array<{ id: string }>).map((r) => r.id));
    const missing = chunk.find((id) => !found.has(id));
    if (missing) throw invalidValue(`members: there is no user ${missing} in this organisation`);
    try {
      await trx('scim_group_members')
        .insert(chunk.map((user_id) => ({ org_id: orgId, group_id: groupId, user_id })))
        .onConflict(['group_id', 'user_id'])
        .ignore();
    } catch (err) {
      // A user deleted between the check above and the insert.
      if ((err as { code?: string }).code === '23503') throw invalidValue('members: a user named in members was deleted meanwhile');
      throw err;
    }
  }
}

/** createGroup stores a new group and its members (whose `groups` change: new versions), audited as scim.group.create. */
export async function createGroup(db: Db, w: ScimWriter, resource: Json): Promise<GroupRecord> {
  return mapUnique(
    () => resource.displayName,
    () =>
      db.transaction(async (trx) => {
        const [row] = (await trx('scim_groups').insert({ org_id: w.orgId, ...columnsOf(resource) }).returning(RETURNING)) as GroupRow[];
        await touchVersions(trx, 'scim_users', memberIds(resource));
        await addMembers(trx, w.orgId, row!.id, memberIds(resource));
        await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: 'scim.group.create', resourceType: 'scim_group', resourceId: row!.id, before: null, after: auditView(row!.id, resource), requestId: w.requestId });
        return { row: row!, members: (await groupMembers(trx, w.orgId, [row!.id])).get(row!.id) ?? [] };
      }),
  );
}

async function lockGroup(trx: Db, w: ScimWriter, id: string): Promise<GroupRow> {
  const row = isUuid(id) ? ((await trx('scim_groups as g').select(COLUMNS).where({ 'g.id': id, 'g.org_id': w.orgId }).forUpdate().first()) as GroupRow | undefined) : undefined;
  if (!row) throw scimNotFound(`no group ${id}`);
  checkIfMatch(w.ifMatch, row.version);
  return row;
}

/**
 * updateGroup rewrites a group under a row lock after If-Match: `change` maps the stored resource
 * (with members as `{ value }`) to the new one; memberships change by difference, so a PATCH that
 * adds one member to a large group inserts one row. The users whose `groups` change — those added
 * or removed, or every member when the group is renamed — move to a new version with it.
 */
async function updateGroup(db: Db, w: ScimWriter, id: string, action: 'replace' | 'patch', change: (current: Json) => Json, withMembers: boolean): Promise<GroupRecord> {
  let displayName: unknown;
  return mapUnique(
    () => displayName,
    () =>
      db.transaction(async (trx) => {
        const before = await lockGroup(trx, w, id);
        // Members as a client sees them (display, type), so that a PATCH filter on either finds them (`members[display eq "Alice"]`).
        const currentMembers = (await groupMembers(trx, w.orgId, [id])).get(id) ?? [];
        const currentIds = currentMembers.map((m) => m.id);
        const current: Json = currentIds.length > 0 ? { ...before.resource, members: currentMembers.map((m) => ({ value: m.id, display: m.display, type: 'User' })) } : { ...before.resource };
        const next = change(current);
        displayName = next.displayName;
        const nextIds = memberIds(next);
        const had = new Set(currentIds);
        const has = new Set(nextIds);
        const added = nextIds.filter((m) => !had.has(m));
        const removed = currentIds.filter((m) => !has.has(m));
        const { members: _members, ...nextResource } = next;
        const resourceChanged = JSON.stringify(nextResource) !== JSON.stringify(before.resource);
        let row: GroupRow | undefined = before;
        if (resourceChanged || added.length > 0 || removed.length > 0) {
          const renamed = next.displayName !== before.resource.displayName;
          await touchVersions(trx, 'scim_users', renamed ? [...currentIds, ...added] : [...added, ...removed]);
          const columns = columnsOf(next);
          // A group that shared its key with an older one (before keys were Unicode) is alone once renamed.
          if (columns.display_name_key !== caseKey(String(before.resource.displayName))) columns.display_name_dup = 0;
          // In chunks: a group emptied of tens of thousands of members must stay under PostgreSQL's 65,535 parameters.
          for (let i = 0; i < removed.length; i += 1000) await trx('scim_group_members').where({ group_id: id }).whereIn('user_id', removed.slice(i, i + 1000)).delete();
          await addMembers(trx, w.orgId, id, added);
          [row] = (await trx('scim_groups')
            .where({ id })
            .update({ ...columns, version: trx.raw('version + 1'), updated_at: trx.fn.now() })
            .returning(RETURNING)) as GroupRow[];
          await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: `scim.group.${action}`, resourceType: 'scim_group', resourceId: id, before: auditView(id, current), after: auditView(id, next), requestId: w.requestId });
        }
        return { row: row!, members: withMembers ? ((await groupMembers(trx, w.orgId, [id])).get(id) ?? []) : undefined };
      }),
  );
}

/** replaceGroup is PUT: name, externalId and the member list become those of `resource`. */
export function replaceGroup(db: Db, w: ScimWriter, id: string, resource: Json, withMembers: boolean): Promise<GroupRecord> {
  return updateGroup(db, w, id, 'replace', () => resource, withMembers);
}

/** patchGroup applies PATCH operations (member adds and removes included). */
export function patchGroup(db: Db, w: ScimWriter, id: string, ops: readonly PatchOperation[], withMembers: boolean): Promise<GroupRecord> {
  return updateGroup(db, w, id, 'patch', (current) => patchGroupResource(current, ops), withMembers);
}

/** deleteGroup removes a group and its memberships (the users stay, in a new version without it). */
export async function deleteGroup(db: Db, w: ScimWriter, id: string): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await lockGroup(trx, w, id);
    const ids = ((await trx('scim_group_members').select('user_id').where({ group_id: id })) as Array<{ user_id: string }>).map((r) => ({ value: r.user_id }));
    await touchVersions(trx, 'scim_users', ids.map((m) => m.value));
    await trx('scim_groups').where({ id, org_id: w.orgId }).delete();
    await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: 'scim.group.delete', resourceType: 'scim_group', resourceId: id, before: auditView(id, { ...before.resource, members: ids }), after: null, requestId: w.requestId });
  });
}

/** getGroup reads one group of the org; another org's id, or no such id, is 404. */
export async function getGroup(db: Db, orgId: string, id: string, withMembers: boolean): Promise<GroupRecord> {
  const row = isUuid(id) ? ((await db('scim_groups as g').select(COLUMNS).where({ 'g.id': id, 'g.org_id': orgId }).first()) as GroupRow | undefined) : undefined;
  if (!row) throw scimNotFound(`no group ${id}`);
  return { row, members: withMembers ? ((await groupMembers(db, orgId, [id])).get(id) ?? []) : undefined };
}

/** groupMembers loads the members of some groups, in the order they were added. */
async function groupMembers(db: Db, orgId: string, groupIds: string[]): Promise<Map<string, MemberRef[]>> {
  const out = new Map<string, MemberRef[]>();
  if (groupIds.length === 0) return out;
  const rows = (await db('scim_group_members as m')
    .join('scim_users as u', 'u.id', 'm.user_id')
    .select('m.group_id', 'm.user_id', db.raw('coalesce(u.display_name, u.user_name) as display'))
    .where('m.org_id', orgId)
    .whereIn('m.group_id', groupIds)
    .orderBy('m.seq')) as Array<{ group_id: string; user_id: string; display: string }>;
  for (const r of rows) {
    const list = out.get(r.group_id) ?? [];
    list.push({ id: r.user_id, display: r.display });
    out.set(r.group_id, list);
  }
  return out;
}

/** listGroups answers a query with the total and one page (see queryPage). */
export async function listGroups(db: Db, orgId: string, q: ListQuery, withMembers: boolean): Promise<{ total: number; records: GroupRecord[] }> {
  const { total, rows } = await queryPage<GroupRow>(db, GROUP_TYPE, 'scim_groups', 'g', COLUMNS, orgId, q);
  const members = withMembers ? await groupMembers(db, orgId, rows.map((r) => r.id)) : undefined;
  return { total, records: rows.map((row) => ({ row, members: members ? (members.get(row.id) ?? []) : undefined })) };
}
