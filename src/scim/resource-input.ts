import { isPlainObject, type Json } from './coerce.js';
import { invalidSyntax, invalidValue } from './errors.js';
import { applyPatch, type PatchOperation } from './patch.js';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, GROUP_TYPE, USER_SCHEMA, USER_TYPE, type ResourceType } from './schema.js';
import { isUuid } from './store-common.js';

/**
 * readResourceBody turns a POST or PUT body into the stored representation: the body is applied
 * like a no-path replace onto an empty resource, so attribute names match case-insensitively,
 * `"True"` is true, `id`, `meta`, `groups` and other read-only attributes are ignored, and so is
 * what this server does not store (`password`, `roles`, other schemas' extensions) or know.
 */
export function readResourceBody(rt: ResourceType, body: unknown): Json {
  if (!isPlainObject(body)) throw invalidSyntax(`the request body must be a ${rt.name} object`);
  const schemasKey = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  if (schemasKey !== undefined) {
    const schemas = body[schemasKey];
    if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) throw invalidSyntax('schemas must be a list of schema URNs');
    if (!schemas.some((s) => (s as string).toLowerCase() === rt.core.id.toLowerCase())) {
      throw invalidSyntax(`schemas ${JSON.stringify(schemas).slice(0, 300)} does not include ${rt.core.id}; is this a ${rt.name}?`);
    }
  }
  return applyPatch(rt, {}, [{ op: 'replace', value: body }], 'ignore');
}

function requireValues(list: unknown, name: string): void {
  if (!Array.isArray(list)) return;
  list.forEach((el, i) => {
    if (!isPlainObject(el) || typeof el.value !== 'string' || el.value === '') throw invalidValue(`${name}[${i}].value is required`);
  });
}

/**
 * Blanks and the invisible format characters (zero-width space and joiners, word joiner, BOM) at
 * either end of a name: `"page2@x.com\u200b"` must not be a second user beside `page2@x.com`.
 */
const BLANK = /[\s\u200b-\u200d\u2060]/;
function trimName(name: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && BLANK.test(name[start]!)) start++;
  while (end > start && BLANK.test(name[end - 1]!)) end--;
  return name.slice(start, end);
}

/**
 * finalizeUser checks a user resource after a create, replace or patch and completes it:
 * userName is required and trimmed (a trailing blank must not make a second user), each e-mail and
 * phone number needs a value, `schemas` lists the core schema and the enterprise extension when it
 * holds anything. An unassigned `active` becomes `unassignedActive`: true on create, the stored value
 * on patch (a `remove` of `active` must not reactivate a deactivated user, and with them the API keys
 * bound to them); 'leave' keeps it unassigned for the store to decide (replace: the stored value too).
 */
export function finalizeUser(r: Json, unassignedActive: boolean | 'leave' = true): Json {
  const userName = typeof r.userName === 'string' ? trimName(r.userName) : '';
  if (userName === '') throw invalidValue('userName is required');
  requireValues(r.emails, 'emails');
  requireValues(r.phoneNumbers, 'phoneNumbers');
  const out: Json = { ...r, userName };
  if (out.active === undefined && unassignedActive !== 'leave') out.active = unassignedActive;
  out.schemas = out[ENTERPRISE_SCHEMA] ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA];
  return out;
}

/**
 * finalizeGroup checks a group resource: displayName is required (and trimmed), members name users by id
 * (value only: display, $ref and type are presented from the user). Duplicates collapse.
 */
export function finalizeGroup(r: Json): Json {
  if (typeof r.displayName !== 'string' || trimName(r.displayName) === '') throw invalidValue('displayName is required');
  requireValues(r.members, 'members');
  const seen = new Set<string>();
  const members: Json[] = [];
  for (const m of (r.members as Json[] | undefined) ?? []) {
    const id = (m.value as string).toLowerCase();
    if (!isUuid(id)) throw invalidValue(`members: "${m.value as string}" is not the id of a user of this service`);
    if (m.type !== undefined && String(m.type).toLowerCase() !== 'user') throw invalidValue(`members: ${m.value as string} has type ${JSON.stringify(m.type)}; only users can be members`);
    if (!seen.has(id)) members.push({ value: id });
    seen.add(id);
  }
  // Trimmed like userName: `"Eng "` must not be a second group beside `"Eng"` (displayName is unique).
  const out: Json = { ...r, displayName: trimName(r.displayName), schemas: [GROUP_SCHEMA] };
  if (members.length > 0) out.members = members;
  else delete out.members;
  return out;
}

/** readUserBody reads a POST body: left out, `active` is true. */
export const readUserBody = (body: unknown): Json => finalizeUser(readResourceBody(USER_TYPE, body));
/** readUserReplacement reads a PUT body: left out, `active` stays unassigned for replaceUser to keep the stored value. */
export const readUserReplacement = (body: unknown): Json => finalizeUser(readResourceBody(USER_TYPE, body), 'leave');
export const readGroupBody = (body: unknown): Json => finalizeGroup(readResourceBody(GROUP_TYPE, body));
/** patchUserResource applies a PATCH: an `active` the operations leave unassigned keeps its stored value. */
export const patchUserResource = (current: Json, ops: readonly PatchOperation[]): Json =>
  finalizeUser(applyPatch(USER_TYPE, current, ops), typeof current.active === 'boolean' ? current.active : true);
export const patchGroupResource = (current: Json, ops: readonly PatchOperation[]): Json => finalizeGroup(applyPatch(GROUP_TYPE, current, ops));
