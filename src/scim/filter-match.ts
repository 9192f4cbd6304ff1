import type { AppError } from '../errors.js';
import { caseKey } from './case-key.js';
import { scimDateTime } from './coerce.js';
import type { CompValue, Filter } from './filter.js';
import { findAttr, type AttrDef } from './schema.js';

type Json = Record<string, unknown>;

/**
 * matchesValueFilter evaluates the filter of a value path (`emails[type eq "work"]`) against one
 * value of a multi-valued complex attribute, with the same semantics as the SQL compiler: strings
 * compare case-insensitively unless the sub-attribute is caseExact, `ne` and `not` are true for
 * unassigned sub-attributes, `pr` is false for null and "". An unknown sub-attribute is `onUnknown`.
 */
export function matchesValueFilter(attr: AttrDef, element: Json, filter: Filter, onUnknown: (detail: string) => AppError): boolean {
  switch (filter.kind) {
    case 'logical':
      return filter.op === 'and'
        ? matchesValueFilter(attr, element, filter.left, onUnknown) && matchesValueFilter(attr, element, filter.right, onUnknown)
        : matchesValueFilter(attr, element, filter.left, onUnknown) || matchesValueFilter(attr, element, filter.right, onUnknown);
    case 'not':
      return !matchesValueFilter(attr, element, filter.filter, onUnknown);
    case 'valuePath':
      throw onUnknown(`value filters cannot nest inside ${attr.name}[...]`);
    case 'present': {
      const v = element[subOf(attr, filter.path.attr, onUnknown).name];
      return v !== undefined && v !== null && v !== '';
    }
    case 'compare': {
      const sub = subOf(attr, filter.path.attr, onUnknown);
      return compareValues(sub, element[sub.name], filter.op, filter.value, onUnknown);
    }
  }
}

function subOf(attr: AttrDef, name: string, onUnknown: (detail: string) => AppError): AttrDef {
  const sub = findAttr(attr.subAttributes, name);
  if (!sub) throw onUnknown(`${attr.name} has no sub-attribute "${name}"`);
  return sub;
}

function compareValues(sub: AttrDef, actual: unknown, op: string, expected: CompValue, onUnknown: (detail: string) => AppError): boolean {
  if (expected === null) {
    if (op === 'eq') return actual === undefined || actual === null;
    if (op === 'ne') return actual !== undefined && actual !== null;
    throw onUnknown(`"${op} null" is not a comparison; use "pr" or "eq null"`);
  }
  if (actual === undefined || actual === null) return op === 'ne';
  if (sub.type === 'boolean') {
    const want = typeof expected === 'string' ? expected.toLowerCase() === 'true' : expected;
    if (op === 'eq') return actual === want;
    if (op === 'ne') return actual !== want;
    throw onUnknown(`${sub.name} is a boolean; only eq and ne apply`);
  }
  let a = String(actual);
  let b = String(expected);
  if (sub.type === 'dateTime') {
    const x = Date.parse(a);
    const parsed = scimDateTime(b);
    if (parsed === undefined) throw onUnknown(`${sub.name} is a dateTime; "${b}" is not one`);
    const y = Date.parse(parsed);
    return ordered(op, x - y, () => onUnknown(`${sub.name} is a dateTime; ${op} does not apply`));
  }
  if (!sub.caseExact) {
    a = caseKey(a);
    b = caseKey(b);
  }
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return ordered(op, a < b ? -1 : a > b ? 1 : 0, () => onUnknown(`unknown operator ${op}`));
  }
}

function ordered(op: string, diff: number, otherwise: () => AppError): boolean {
  switch (op) {
    case 'eq':
      return diff === 0;
    case 'ne':
      return diff !== 0;
    case 'gt':
      return diff > 0;
    case 'ge':
      return diff >= 0;
    case 'lt':
      return diff < 0;
    case 'le':
      return diff <= 0;
    default:
      throw otherwise();
  }
}

/**
 * equalityTerms returns the sub-attribute values a filter pins with `eq` (`type eq "work" and
 * primary eq true` → { type: "work", primary: true }), or undefined when it is not such a
 * conjunction. Entra ID's add/replace on `emails[type eq "work"].value` creates that value.
 */
export function equalityTerms(attr: AttrDef, filter: Filter): Json | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.value !== null) {
    const sub = findAttr(attr.subAttributes, filter.path.attr);
    if (!sub || sub.mutability === 'readOnly') return undefined;
    const value = sub.type === 'boolean' && typeof filter.value === 'string' ? filter.value.toLowerCase() === 'true' : filter.value;
    return { [sub.name]: sub.type === 'string' || sub.type === 'reference' ? String(value) : value };
  }
  if (filter.kind === 'logical' && filter.op === 'and') {
    const left = equalityTerms(attr, filter.left);
    const right = equalityTerms(attr, filter.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}
