import type { Knex } from 'knex';
import { escapeLike } from '../audit/audit.js';
import { caseKey } from './case-key.js';
import { scimDateTime } from './coerce.js';
import { invalidFilter, invalidValue } from './errors.js';
import type { CompValue, Filter } from './filter.js';
import { findAttr, resolveAttrPath, USER_TYPE, type AttrDef, type RawAttrPath, type ResourceType } from './schema.js';
import { isUuid } from './store-common.js';
import { SOURCES, type Scalar, type Source } from './sql-sources.js';

/** A WHERE fragment: SQL text built only from constants, every client value a `?` binding. */
export interface SqlFragment {
  sql: string;
  bindings: Knex.RawBinding[];
}

type Scope = { kind: 'resource' } | { kind: 'values'; attr: AttrDef; subs: Record<string, Scalar> };

/**
 * compileFilter turns a parsed filter into a parameterised WHERE fragment over the resource type's
 * table (alias `u` for users, `g` for groups). Multi-valued attributes become EXISTS over their
 * rows, so `emails[type eq "work" and value co "@acme"]` needs one email with both. Strings compare
 * case-insensitively unless the attribute is caseExact: by their stored caseKey where there is one
 * (userName, emails.value, a group's displayName: indexed), else through lower(). `not` and `ne`
 * treat unassigned attributes as not equal. An unknown attribute or a type mismatch is 400
 * invalidFilter.
 */
export function compileFilter(rt: ResourceType, filter: Filter): SqlFragment {
  return compile(rt, filter, { kind: 'resource' });
}

function compile(rt: ResourceType, f: Filter, scope: Scope): SqlFragment {
  switch (f.kind) {
    case 'logical': {
      const l = compile(rt, f.left, scope);
      const r = compile(rt, f.right, scope);
      return { sql: `(${l.sql} ${f.op} ${r.sql})`, bindings: [...l.bindings, ...r.bindings] };
    }
    case 'not': {
      // Three-valued logic would drop rows whose attribute is null; NOT of unknown is true here.
      const inner = compile(rt, f.filter, scope);
      return { sql: `(not coalesce(${inner.sql}, false))`, bindings: inner.bindings };
    }
    case 'valuePath': {
      if (scope.kind === 'values') throw invalidFilter('value filters cannot nest');
      const source = sourceOf(rt, f.path);
      if (f.path.sub !== undefined || source.source.kind === 'scalar') throw invalidFilter(`${text(f.path)}[...] needs a multi-valued or complex attribute`);
      const inner = compile(rt, f.filter, { kind: 'values', attr: source.attr, subs: source.source.subs });
      if (source.source.kind === 'complex') return inner;
      return { sql: `exists (select 1 ${source.source.from} and ${inner.sql})`, bindings: inner.bindings };
    }
    case 'present':
    case 'compare': {
      const op = f.kind === 'present' ? 'pr' : f.op;
      const value = f.kind === 'compare' ? f.value : null;
      if (scope.kind === 'values') {
        const sub = findAttr(scope.attr.subAttributes, f.path.attr);
        const scalar = sub && scope.subs[sub.name];
        if (!scalar) throw invalidFilter(`${scope.attr.name} has no filterable sub-attribute "${f.path.attr}"`);
        return leaf(scalar, op, value, `${scope.attr.name}.${sub.name}`);
      }
      return compileAttr(rt, f.path, op, value);
    }
  }
}

function compileAttr(rt: ResourceType, path: RawAttrPath, op: string, value: CompValue): SqlFragment {
  const { attr, sub, source } = sourceOf(rt, path);
  const name = text(path);
  if (source.kind === 'scalar') return leaf(source.scalar, op, value, name);
  if (source.kind === 'complex') {
    if (!sub) {
      if (op === 'pr') return { sql: `(${source.present} is not null)`, bindings: [] };
      throw invalidFilter(`${name} is complex; filter one of its sub-attributes, such as ${attr.name}.${attr.subAttributes![0]!.name}`);
    }
    return leaf(scalarOf(source.subs, sub, name), op, value, name);
  }
  if (op === 'pr' && !sub) return { sql: `exists (select 1 ${source.from})`, bindings: [] };
  // `emails co "x"` means `emails.value co "x"` (RFC 7644 §3.4.2.2).
  const scalar = sub ? scalarOf(source.subs, sub, name) : (source.value ?? source.subs.value);
  if (!scalar) throw invalidFilter(`${name} has no value to compare`);
  // Every operator, `ne` too, matches when some value matches (RFC 7644 §3.4.2.2: "the filter matches if
  // any of the values of the specified attribute match"): `emails.type ne "work"` finds a user with a home address.
  const cond = leaf(scalar, op, value, name);
  return { sql: `exists (select 1 ${source.from} and ${cond.sql})`, bindings: cond.bindings };
}

function scalarOf(subs: Record<string, Scalar>, sub: AttrDef, name: string): Scalar {
  const s = subs[sub.name];
  if (!s) throw invalidFilter(`${name} cannot be filtered`);
  return s;
}

function text(p: RawAttrPath): string {
  const base = p.sub ? `${p.attr}.${p.sub}` : p.attr;
  return p.uri ? `${p.uri}:${base}` : base;
}

function sourceOf(rt: ResourceType, path: RawAttrPath): { attr: AttrDef; sub?: AttrDef; source: Source } {
  const sources = SOURCES[rt.name];
  if (path.uri === undefined && path.attr.toLowerCase() === 'schemas' && path.sub === undefined) {
    return { attr: SCHEMAS_ATTR, source: sources.schemas };
  }
  // The API reference's own example filters on `email` (`email co "@acme"`): read as RFC 7643's `emails`.
  const aliased = rt.name === 'User' && path.uri === undefined && path.attr.toLowerCase() === 'email' ? { ...path, attr: 'emails' } : path;
  const resolved = resolveAttrPath(rt, aliased);
  if (!resolved.ok) throw invalidFilter(`${text(path)} is not an attribute of ${rt.name}`);
  const { attr, sub, extension } = resolved.path;
  const source = sources.byAttr.get(`${extension ?? ''}|${attr.name}`);
  if (!source) throw invalidFilter(`${text(path)} cannot be filtered`);
  return { attr, sub, source };
}

const SCHEMAS_ATTR: AttrDef = { name: 'schemas', type: 'reference', multiValued: true, description: '', required: true, caseExact: false, mutability: 'readOnly', returned: 'always', uniqueness: 'none' };

function leaf(s: Scalar, op: string, value: CompValue, name: string): SqlFragment {
  // No stored value holds a NUL (PostgreSQL text cannot), and a parameter holding one fails the query.
  if (typeof value === 'string' && value.includes('\u0000')) throw invalidFilter(`${name}: a filter value may not contain NUL (\\u0000)`);
  if (op === 'pr') return { sql: s.type === 'string' ? `(${s.sql} is not null and ${s.sql} <> '')` : `(${s.sql} is not null)`, bindings: [] };
  if (value === null) {
    if (op === 'eq') return { sql: `(${s.sql} is null)`, bindings: [] };
    if (op === 'ne') return { sql: `(${s.sql} is not null)`, bindings: [] };
    throw invalidFilter(`${name} ${op} null: only eq and ne compare with null (or use pr)`);
  }
  switch (s.type) {
    case 'boolean': {
      const b = typeof value === 'boolean' ? value : typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : undefined;
      if (b === undefined) throw invalidFilter(`${name} is a boolean; compare it with true or false, not ${JSON.stringify(value)}`);
      if (op === 'eq') return { sql: `(${s.sql} = ?)`, bindings: [b] };
      if (op === 'ne') return { sql: `(${s.sql} is distinct from ?)`, bindings: [b] };
      throw invalidFilter(`${name} is a boolean; only eq and ne apply, not ${op}`);
    }
    case 'dateTime': {
      const at = scimDateTime(value);
      if (at === undefined) throw invalidFilter(`${name} is a dateTime; ${JSON.stringify(value)} is not one (xsd:dateTime, such as "2026-12-07T10:00:00Z")`);
      const sqlOp = ORDER_OPS[op];
      if (!sqlOp) throw invalidFilter(`${name} is a dateTime; ${op} does not apply`);
      return op === 'ne' ? { sql: `(${s.sql} is distinct from ?::timestamptz)`, bindings: [at] } : { sql: `(${s.sql} ${sqlOp} ?::timestamptz)`, bindings: [at] };
    }
    case 'uuid':
      if (op === 'eq' || op === 'ne') {
        const v = String(value);
        if (!isUuid(v)) return { sql: op === 'eq' ? 'false' : 'true', bindings: [] };
        return { sql: op === 'eq' ? `(${s.sql} = ?::uuid)` : `(${s.sql} is distinct from ?::uuid)`, bindings: [v.toLowerCase()] };
      }
      return stringLeaf({ ...s, sql: `${s.sql}::text` }, op, value, name);
    case 'string':
      return stringLeaf(s, op, value, name);
  }
}

const ORDER_OPS: Record<string, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

function stringLeaf(s: Scalar, op: string, value: CompValue, name: string): SqlFragment {
  if (typeof value !== 'string' && typeof value !== 'number') throw invalidFilter(`${name} is a string; compare it with a "quoted string", not ${JSON.stringify(value)}`);
  const keyed = !s.caseExact && s.key !== undefined;
  const v = keyed ? caseKey(String(value)) : String(value);
  const l = s.caseExact ? s.sql : (s.key ?? `lower(${s.sql})`);
  const r = s.caseExact || keyed ? '?' : 'lower(?)';
  switch (op) {
    case 'eq':
      return { sql: `(${l} = ${r})`, bindings: [v] };
    case 'ne':
      return { sql: `(${l} is distinct from ${r})`, bindings: [v] };
    case 'co':
      return { sql: `(${l} like ${r})`, bindings: [`%${escapeLike(v)}%`] };
    case 'sw':
      return { sql: `(${l} like ${r})`, bindings: [`${escapeLike(v)}%`] };
    case 'ew':
      return { sql: `(${l} like ${r})`, bindings: [`%${escapeLike(v)}`] };
    default: {
      const sqlOp = ORDER_OPS[op];
      if (!sqlOp) throw invalidFilter(`unknown operator ${op}`);
      return { sql: `(${l} ${sqlOp} ${r})`, bindings: [v] };
    }
  }
}

/**
 * compileSort returns the ORDER BY expression for sortBy (RFC 7644 §3.4.2.3): a single-valued
 * attribute (its caseKey or lower() unless caseExact), or `emails` by the primary e-mail. Anything else
 * is 400 invalidValue.
 */
export function compileSort(rt: ResourceType, sortBy: RawAttrPath): string {
  const resolved = resolveAttrPath(rt, sortBy);
  if (!resolved.ok) throw invalidValue(`sortBy: ${text(sortBy)} is not an attribute of ${rt.name}`);
  const { attr, sub, extension } = resolved.path;
  if (rt === USER_TYPE && attr.name === 'emails' && extension === undefined && (!sub || sub.name === 'value')) return 'u.primary_email';
  const source = SOURCES[rt.name].byAttr.get(`${extension ?? ''}|${attr.name}`);
  const scalar = source?.kind === 'scalar' && !sub ? source.scalar : source?.kind === 'complex' && sub ? source.subs[sub.name] : undefined;
  if (!scalar) throw invalidValue(`sortBy: cannot sort by ${text(sortBy)}`);
  if (scalar.type !== 'string' || scalar.caseExact) return scalar.sql;
  return scalar.key ?? `lower(${scalar.sql})`;
}
