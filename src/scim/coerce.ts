import { caseKey } from './case-key.js';
import { invalidValue } from './errors.js';
import { findAttr, type AttrDef } from './schema.js';

export type Json = Record<string, unknown>;

/** Longest string stored in any attribute: keeps index entries well under PostgreSQL's limit. */
export const MAX_STRING = 2048;

export function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const EXCERPT = 40;

/**
 * describeValue names a client's value in an error message: its type, and for a string or number a
 * short excerpt. It never serialises arrays or objects, so a value nested 200,000 levels deep (which
 * JSON.stringify cannot even print) costs nothing to describe.
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  switch (typeof v) {
    case 'string':
      return v.length > EXCERPT ? `the string ${JSON.stringify(v.slice(0, EXCERPT))}… (${v.length} characters)` : `the string ${JSON.stringify(v)}`;
    case 'number':
    case 'boolean':
      return `the ${typeof v} ${String(v)}`;
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** xsd:dateTime (RFC 7643 §2.3.5): a date, a time, and an optional fraction and offset. */
const XSD_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?$/;

/**
 * scimDateTime reads an xsd:dateTime as the ISO instant it names (UTC, milliseconds), or undefined:
 * `2020-02-30T00:00:00Z` is no date (Date.parse would make it 1 March), and a year outside 0001–9999
 * is beyond what PostgreSQL stores and RFC 3339 writes. A value without an offset is read as UTC.
 */
export function scimDateTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = XSD_DATE_TIME.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec] = m.map(Number) as number[];
  if (y! < 1 || mo! < 1 || mo! > 12 || d! < 1 || d! > new Date(Date.UTC(y!, mo!, 0)).getUTCDate() || h! > 23 || mi! > 59 || sec! > 59) return undefined;
  const t = Date.parse(/(?:Z|[+-]\d{2}:\d{2})$/.test(value.trim()) ? value.trim() : `${value.trim()}Z`);
  if (Number.isNaN(t)) return undefined;
  const iso = new Date(t).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

/**
 * coerceSimple normalises a single simple value: strings (numbers are accepted as their decimal
 * text), booleans (Entra ID sends "True"/"False"), references, dateTimes. null means unassigned.
 */
export function coerceSimple(attr: AttrDef, value: unknown, where: string): string | boolean | null {
  if (value === null || value === undefined) return null;
  switch (attr.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      throw invalidValue(`${where} must be a boolean; got ${describeValue(value)}`);
    }
    case 'dateTime': {
      const at = scimDateTime(value);
      if (at !== undefined) return at;
      throw invalidValue(`${where} must be a dateTime (xsd:dateTime, such as 2026-12-07T10:00:00Z); got ${describeValue(value)}`);
    }
    case 'string':
    case 'reference': {
      const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
      if (text === undefined) throw invalidValue(`${where} must be a string; got ${describeValue(value)}`);
      if (text.length > MAX_STRING) throw invalidValue(`${where} is ${text.length} characters long; the limit is ${MAX_STRING}`);
      return text;
    }
    case 'complex':
      throw new Error(`coerceSimple called on the complex attribute ${attr.name}`);
  }
}

/**
 * coerceComplex normalises an object of sub-attributes: names are matched case-insensitively
 * ("Primary", "Department" and "Value" arrive from Entra ID's tooling), unknown and read-only
 * sub-attributes are dropped, null stays null (it unassigns the sub-attribute when merged). A bare
 * string stands for `{ value }` (Entra ID sets the enterprise manager to the manager's id).
 */
export function coerceComplex(attr: AttrDef, value: unknown, where: string): Json {
  if ((typeof value === 'string' || typeof value === 'number') && findAttr(attr.subAttributes, 'value')) value = { value };
  if (!isPlainObject(value)) throw invalidValue(`${where} must be an object of ${attr.name} sub-attributes; got ${describeValue(value)}`);
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = findAttr(attr.subAttributes, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    out[sub.name] = coerceSimple(sub, v, `${where}.${sub.name}`);
  }
  return out;
}

/** withoutNulls drops unassigned sub-attributes; undefined when nothing is left. */
export function withoutNulls(obj: Json): Json | undefined {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) if (v !== null && v !== undefined) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * clearsValue: a value of a multi-valued attribute whose `value` is given as null or "" is no value
 * at all — Entra ID clears an e-mail or phone number by removing, nulling or emptying its `value`.
 * A value that leaves `value` out is not this: it is incomplete (finalizeUser refuses it).
 */
export function clearsValue(el: Json): boolean {
  return Object.hasOwn(el, 'value') && (el.value === null || el.value === '');
}

/** Most values of a multi-valued attribute other than a group's members (e-mails, phone numbers…). */
export const MAX_VALUES = 1000;

/**
 * coerceMulti normalises a multi-valued attribute's values (one value is taken as a list of one);
 * values that clear their `value` are dropped. A value holding none of the attribute's
 * sub-attributes (`{"bogus": 1}`, `{}`, a typo such as `{"valu": …}`) is refused, not dropped: in a
 * PUT, dropping it would silently empty the attribute (a group's members, a user's e-mails).
 */
export function coerceMulti(attr: AttrDef, value: unknown, where: string): unknown[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (attr.name !== 'members' && list.length > MAX_VALUES) throw invalidValue(`${where} holds ${list.length} values; the limit is ${MAX_VALUES}`);
  const out: unknown[] = [];
  list.forEach((item, i) => {
    if (attr.type === 'complex') {
      const coerced = coerceComplex(attr, item, `${where}[${i}]`);
      if (clearsValue(coerced)) return;
      const obj = withoutNulls(coerced);
      if (!obj && Object.keys(coerced).length === 0) {
        throw invalidValue(`${where}[${i}] holds none of the sub-attributes of ${attr.name} (${(attr.subAttributes ?? []).filter((a) => a.mutability !== 'readOnly').map((a) => a.name).join(', ')})`);
      }
      if (obj) out.push(obj);
    } else {
      const v = coerceSimple(attr, item, `${where}[${i}]`);
      if (v !== null) out.push(v);
    }
  });
  return out;
}

/**
 * sameValue: two values of a multi-valued attribute are the same value — by `value` when present,
 * and by `type` when both have one; strings compare case-insensitively (Entra ID's legacy removal
 * names the e-mail to remove as `"type": "Work"`).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isPlainObject(a) && isPlainObject(b)) {
    if (typeof a.value === 'string' && typeof b.value === 'string') {
      return caseKey(a.value) === caseKey(b.value) && (a.type === undefined || b.type === undefined || sameText(a.type, b.type));
    }
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return sameText(a, b);
}

function sameText(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' ? caseKey(a) === caseKey(b) : a === b;
}
