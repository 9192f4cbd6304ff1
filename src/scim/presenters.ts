import { isPlainObject, type Json } from './coerce.js';
import type { GroupRecord } from './group-store.js';
import { GROUP_SCHEMA, LIST_RESPONSE, USER_CORE, USER_SCHEMA, USER_TYPE, type AttrDef } from './schema.js';
import { etagOf } from './store-common.js';
import type { UserRecord } from './user-store.js';

/** ordered lays a stored value out in schema order (jsonb keeps its own key order). */
function ordered(attr: AttrDef | undefined, value: unknown): unknown {
  if (!attr?.subAttributes) return value;
  const one = (v: unknown): unknown => {
    if (!isPlainObject(v)) return v;
    const out: Json = {};
    for (const sub of attr.subAttributes!) if (v[sub.name] !== undefined) out[sub.name] = v[sub.name];
    return out;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

function meta(resourceType: string, row: { created_at: Date; updated_at: Date; version: number }, location: string): Json {
  return { resourceType, created: row.created_at.toISOString(), lastModified: row.updated_at.toISOString(), location, version: etagOf(row.version) };
}

/**
 * presentUser is the SCIM representation of a user (RFC 7643 §4.1): the stored attributes in
 * schema order, `active`, the read-only `groups`, the enterprise extension, and meta with an
 * absolute location under `base` (…/scim/v2). There is no password to leave out: none is stored.
 */
export function presentUser(rec: UserRecord, base: string): Json {
  const r = rec.row.resource;
  const out: Json = { schemas: Array.isArray(r.schemas) ? r.schemas : [USER_SCHEMA], id: rec.row.id };
  if (r.externalId !== undefined) out.externalId = r.externalId;
  for (const attr of USER_CORE.attributes) {
    if (attr.name === 'active') out.active = rec.row.active;
    else if (attr.name !== 'groups' && r[attr.name] !== undefined) out[attr.name] = ordered(attr, r[attr.name]);
  }
  if (rec.groups && rec.groups.length > 0) {
    out.groups = rec.groups.map((g) => ({ value: g.id, $ref: `${base}/Groups/${g.id}`, display: g.displayName, type: 'direct' }));
  }
  for (const ext of USER_TYPE.extensions) {
    const stored = r[ext.id];
    if (!isPlainObject(stored)) continue;
    const ext_: Json = {};
    for (const attr of ext.attributes) if (stored[attr.name] !== undefined) ext_[attr.name] = ordered(attr, stored[attr.name]);
    out[ext.id] = ext_;
  }
  out.meta = meta('User', rec.row, `${base}/Users/${rec.row.id}`);
  return out;
}

/** presentGroup is the SCIM representation of a group (RFC 7643 §4.2); members when loaded. */
export function presentGroup(rec: GroupRecord, base: string): Json {
  const r = rec.row.resource;
  const out: Json = { schemas: [GROUP_SCHEMA], id: rec.row.id };
  if (r.externalId !== undefined) out.externalId = r.externalId;
  out.displayName = r.displayName;
  if (rec.members) out.members = rec.members.map((m) => ({ value: m.id, $ref: `${base}/Users/${m.id}`, display: m.display, type: 'User' }));
  out.meta = meta('Group', rec.row, `${base}/Groups/${rec.row.id}`);
  return out;
}

/** listResponse wraps one page of resources (RFC 7644 §3.4.2): integers, 1-based startIndex. */
export function listResponse(resources: Json[], totalResults: number, startIndex: number): Json {
  return { schemas: [LIST_RESPONSE], totalResults, itemsPerPage: resources.length, startIndex, Resources: resources };
}
