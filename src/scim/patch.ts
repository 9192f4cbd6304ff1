import { clearsValue, coerceComplex, coerceMulti, coerceSimple, isPlainObject, sameValue, withoutNulls, type Json } from './coerce.js';
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget } from './errors.js';
import { equalityTerms, matchesValueFilter } from './filter-match.js';
import { parseScimPath, type Filter, type PatchPath } from './filter.js';
import { describePath, findAttr, findSchema, isReadOnly, resolveAttrPath, type AttrDef, type ResolvedAttr, type ResourceType } from './schema.js';

/** One operation of a PatchOp request; `op` in any case (Entra ID sends "Replace"). */
export interface PatchOperation {
  op: string;
  path?: string | null;
  value?: unknown;
}

type Op = 'add' | 'replace' | 'remove';

/** What a value object's keys that name no attribute do: PATCH refuses them, a POST or PUT body ignores them. */
export type UnknownAttributes = 'reject' | 'ignore';

/**
 * applyPatch applies PATCH operations (RFC 7644 §3.5.2) to a resource in its SCIM JSON form and
 * returns the new resource; the input is not modified. Beyond the RFC it accepts what Okta and
 * Entra ID send: ops in any case; string booleans; no-path values whose keys are attribute paths
 * (dotted, URN-qualified or value-filtered: applied exactly as those paths); `remove` of a
 * multi-valued attribute with a value list (removes only those values); add/replace on a value
 * filter that matches nothing (creates the value the filter describes); removing, nulling or
 * emptying the `value` of a multi-valued attribute's value (drops that value). Required attributes
 * are checked by the caller on the result.
 */
export function applyPatch(rt: ResourceType, resource: Json, operations: readonly PatchOperation[], unknown: UnknownAttributes = 'reject'): Json {
  const doc = structuredClone(resource);
  operations.forEach((raw, i) => {
    const op = raw.op.toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw invalidSyntax(`Operations[${i}].op is "${raw.op}"; expected add, replace or remove`);
    if (op !== 'remove' && raw.value === undefined) throw invalidSyntax(`Operations[${i}] (${op}) has no value`);
    if (raw.path === undefined || raw.path === null || raw.path.trim() === '') {
      if (op === 'remove') throw noTarget(`Operations[${i}] is a remove without a path`);
      if (!isPlainObject(raw.value)) throw invalidValue(`Operations[${i}] (${op} without a path) needs an object of attributes as its value`);
      applyValueObject(rt, doc, op, raw.value, undefined, unknown);
    } else {
      applyAtPath(rt, doc, op, raw.path.trim(), raw.value);
    }
  });
  return doc;
}

/**
 * applyValueObject applies each key of a value object (RFC 7644 §3.5.2.1, §3.5.2.3) as the path it
 * names, resolved and applied as an operation's path is; inside an extension's object the keys are
 * that extension's attributes. Read-only attributes are ignored (Okta sends `id`, Entra ID `meta`,
 * both `groups`), and so are attributes the server deliberately does not store and other schemas'
 * extensions; any other key is 400 invalidPath, or skipped when `unknown` is 'ignore'.
 */
function applyValueObject(rt: ResourceType, doc: Json, op: Op, value: Json, extension: string | undefined, unknown: UnknownAttributes): void {
  for (const [key, v] of Object.entries(value)) {
    const schema = extension === undefined ? findSchema(rt, key) : undefined;
    if (schema) {
      const ext = schema === rt.core ? undefined : schema.id;
      if (isPlainObject(v)) applyValueObject(rt, doc, op, v, ext, unknown);
      else if (v === null && op === 'replace') {
        if (ext !== undefined) delete doc[ext];
      } else throw invalidValue(`${schema.id} must be an object of its attributes`);
      continue;
    }
    if (key.toLowerCase() === 'schemas') continue;
    let parsed: PatchPath;
    try {
      parsed = parseScimPath(key);
    } catch (err) {
      // Another schema's URI as a key (Entra ID's group schema is an http: URL), or a body's junk.
      if (unknown === 'ignore' || SCHEMA_URI.test(key)) continue;
      throw err;
    }
    const target = resolveTarget(rt, parsed, key, extension, unknown);
    if (!target || isReadOnly(target)) continue;
    checkWritable(target, op);
    setTarget(doc, op, target, v, parsed.filter);
  }
}

const SCHEMA_URI = /^(?:urn|https?):/i;

function applyAtPath(rt: ResourceType, doc: Json, op: Op, path: string, value: unknown): void {
  const parsed = parseScimPath(path);
  const ext = parsed.filter === undefined ? findSchema(rt, parsed.text) : undefined;
  if (ext === rt.core) {
    // The core schema's URN as the path: its attributes in the value, as a value object without a path.
    if (op === 'remove') throw invalidPath(`${ext.id} cannot be removed; remove its attributes one by one`);
    if (!isPlainObject(value)) throw invalidValue(`the value for ${ext.id} must be an object of its attributes`);
    applyValueObject(rt, doc, op, value, undefined, 'reject');
    return;
  }
  if (ext) {
    if (op === 'remove') delete doc[ext.id];
    else if (isPlainObject(value)) applyValueObject(rt, doc, op, value, ext.id, 'reject');
    else throw invalidValue(`the value for ${ext.id} must be an object of its attributes`);
    return;
  }
  const target = resolveTarget(rt, parsed, path, undefined, 'reject');
  if (!target) return;
  if (isReadOnly(target)) throw mutability(`${describePath(target)} is read-only`);
  checkWritable(target, op);
  setTarget(doc, op, target, value, parsed.filter);
}

/**
 * resolveTarget resolves a parsed path (`attr[.sub]` or `attr[filter][.sub]`; relative to
 * `extension` when given) against the resource type. undefined for what is ignored: attributes of
 * the standard schema this server does not store, other schemas' extensions, and — when `unknown`
 * is 'ignore' — any unknown attribute. Otherwise an unknown path is 400 invalidPath.
 */
function resolveTarget(rt: ResourceType, parsed: PatchPath, text: string, extension: string | undefined, unknown: UnknownAttributes): ResolvedAttr | undefined {
  const resolved = resolveAttrPath(rt, extension !== undefined && parsed.path.uri === undefined ? { ...parsed.path, uri: extension } : parsed.path);
  if (!resolved.ok) {
    if (resolved.reason === 'ignored' || resolved.reason === 'unknown-schema' || unknown === 'ignore') return undefined;
    throw invalidPath(`"${text}" names no attribute of ${rt.name}`);
  }
  const target = resolved.path;
  if (parsed.filter && !target.attr.multiValued) throw invalidPath(`"${text}": ${target.attr.name} is single-valued; value filters apply to multi-valued attributes`);
  if (parsed.sub === undefined) return target;
  const sub = findAttr(target.attr.subAttributes, parsed.sub);
  if (!sub) throw invalidPath(`"${text}": ${target.attr.name} has no sub-attribute "${parsed.sub}"`);
  return { ...target, sub };
}

/** checkWritable refuses to change an immutable attribute (adding one that is unassigned is allowed). */
function checkWritable(target: ResolvedAttr, op: Op): void {
  if (target.sub?.mutability === 'immutable' || (target.attr.mutability === 'immutable' && op !== 'add')) {
    throw mutability(`${describePath(target)} is immutable`);
  }
}

function container(doc: Json, extension: string | undefined): Json {
  if (extension === undefined) return doc;
  if (!isPlainObject(doc[extension])) doc[extension] = {};
  return doc[extension] as Json;
}

function setTarget(doc: Json, op: Op, target: ResolvedAttr, value: unknown, filter: Filter | undefined): void {
  const box = container(doc, target.extension);
  const where = describePath(target);
  if (target.attr.multiValued) setMulti(box, op, target.attr, target.sub, value, filter, where);
  else setSingle(box, op, target.attr, target.sub, value, where);
  const key = target.attr.name;
  if (box[key] === undefined || (Array.isArray(box[key]) && (box[key] as unknown[]).length === 0)) delete box[key];
  if (target.extension !== undefined && Object.keys(box).length === 0) delete doc[target.extension];
}

function setSingle(box: Json, op: Op, attr: AttrDef, sub: AttrDef | undefined, value: unknown, where: string): void {
  const key = attr.name;
  if (attr.type !== 'complex') {
    box[key] = op === 'remove' ? undefined : (coerceSimple(attr, value, where) ?? undefined);
    return;
  }
  const current = isPlainObject(box[key]) ? (box[key] as Json) : {};
  let next: Json;
  if (sub) next = { ...current, [sub.name]: op === 'remove' ? null : coerceSimple(sub, value, where) };
  else if (op === 'remove') next = {};
  // add and replace both set the sub-attributes given and keep the others (RFC 7644 §3.5.2.1, .3).
  else next = value === null ? {} : { ...current, ...coerceComplex(attr, value, where) };
  box[key] = withoutNulls(next);
}

function setMulti(box: Json, op: Op, attr: AttrDef, sub: AttrDef | undefined, value: unknown, filter: Filter | undefined, where: string): void {
  let list = Array.isArray(box[attr.name]) ? [...(box[attr.name] as unknown[])] : [];
  const touched = new Set<number>();
  const asObject = (i: number): Json => (isPlainObject(list[i]) ? { ...(list[i] as Json) } : {});
  if (!filter && !sub) {
    if (op === 'remove') {
      // No value: remove them all. A value list (Entra ID's legacy member removal): only those.
      const gone = value === undefined || value === null ? undefined : coerceMulti(attr, value, where);
      list = gone ? list.filter((el) => !gone.some((g) => sameValue(el, g))) : [];
    } else if (op === 'replace') {
      list = coerceMulti(attr, value, where);
      list.forEach((_, i) => touched.add(i));
    } else {
      for (const item of coerceMulti(attr, value, where)) {
        const at = list.findIndex((el) => sameValue(el, item));
        if (at >= 0) list[at] = isPlainObject(item) ? { ...asObject(at), ...item } : item;
        else list.push(item);
        touched.add(at >= 0 ? at : list.length - 1);
      }
    }
  } else if (!filter && sub) {
    if (op === 'remove') list = list.map((_, i) => ({ ...asObject(i), [sub.name]: null }));
    else {
      const v = coerceSimple(sub, value, where);
      if (list.length === 0) list = [{}];
      list = list.map((_, i) => ({ ...asObject(i), [sub.name]: v }));
      list.forEach((_, i) => touched.add(i));
    }
  } else {
    const onBad = (detail: string) => invalidPath(`${where}[…]: ${detail}`);
    const matched = list.map((el, i) => (isPlainObject(el) && matchesValueFilter(attr, el, filter!, onBad) ? i : -1)).filter((i) => i >= 0);
    if (op === 'remove') {
      list = sub ? list.map((el, i) => (matched.includes(i) ? { ...asObject(i), [sub.name]: null } : el)) : list.filter((_, i) => !matched.includes(i));
    } else if (matched.length === 0) {
      // Clearing the value of a value that is not there changes nothing.
      if (sub?.name === 'value' && (value === null || value === '')) return;
      const base = equalityTerms(attr, filter!);
      if (!base) throw noTarget(`no value of ${attr.name} matches the filter of ${where}`);
      list.push(sub ? { ...base, [sub.name]: coerceSimple(sub, value, where) } : { ...base, ...coerceComplex(attr, value, where) });
      touched.add(list.length - 1);
    } else {
      for (const i of matched) {
        if (sub) list[i] = { ...asObject(i), [sub.name]: coerceSimple(sub, value, where) };
        else list[i] = op === 'replace' ? coerceComplex(attr, value, where) : { ...asObject(i), ...coerceComplex(attr, value, where) };
        touched.add(i);
      }
    }
  }
  box[attr.name] = onePrimary(
    list.map((el) => (isPlainObject(el) ? (clearsValue(el) ? undefined : withoutNulls(el)) : el)),
    touched,
  ).filter((el) => el !== undefined);
}

/**
 * onePrimary keeps at most one `primary: true` (RFC 7643 §2.4): the last value this operation
 * set primary wins, as RFC 7644 §3.5.2 asks when a primary value is added.
 */
function onePrimary(list: unknown[], touched: Set<number>): unknown[] {
  const primaries = list.flatMap((el, i) => (isPlainObject(el) && el.primary === true ? [i] : []));
  if (primaries.length <= 1) return list;
  const keep = [...primaries].reverse().find((i) => touched.has(i)) ?? primaries[0]!;
  return list.map((el, i) => (i !== keep && isPlainObject(el) && el.primary === true ? { ...el, primary: false } : el));
}
