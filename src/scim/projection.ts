import { isPlainObject, type Json } from './coerce.js';
import { parseAttrPath } from './filter.js';
import type { Projection } from './list-query.js';
import { resolveAttrPath, type ResourceType } from './schema.js';

/** One projected attribute: where it lives (the resource or an extension object), its name, a sub. */
interface Selector {
  container?: string;
  attr?: string;
  sub?: string;
}

/** selectorsOf resolves attribute paths; unknown ones select nothing (RFC 7644 leaves them open). */
function selectorsOf(rt: ResourceType, paths: string[]): Selector[] {
  const out: Selector[] = [];
  for (const text of paths) {
    const ext = rt.extensions.find((s) => s.id.toLowerCase() === text.toLowerCase());
    if (ext) {
      out.push({ container: ext.id });
      continue;
    }
    const raw = parseAttrPath(text);
    const resolved = raw && resolveAttrPath(rt, raw);
    if (!resolved || !resolved.ok) continue;
    const { extension, attr, sub } = resolved.path;
    if (extension) out.push({ container: extension, attr: attr.name, sub: sub?.name });
    else out.push({ attr: attr.name, sub: sub?.name });
  }
  return out;
}

/**
 * returns tells whether a top-level attribute (such as Group `members` or User `groups`) appears in
 * responses under this projection, so the store can skip loading it (Entra ID lists groups with
 * excludedAttributes=members).
 */
export function returns(rt: ResourceType, p: Projection, attr: string): boolean {
  if (p.attributes.length > 0) return selectorsOf(rt, p.attributes).some((s) => s.container === undefined && s.attr === attr);
  return !selectorsOf(rt, p.excludedAttributes).some((s) => s.container === undefined && s.attr === attr && s.sub === undefined);
}

function pickSub(value: unknown, subs: Set<string>): unknown {
  const pick = (el: unknown): unknown => (isPlainObject(el) ? Object.fromEntries(Object.entries(el).filter(([k]) => subs.has(k))) : el);
  return Array.isArray(value) ? value.map(pick) : pick(value);
}

function dropSub(value: unknown, sub: string): unknown {
  const drop = (el: unknown): unknown => (isPlainObject(el) ? Object.fromEntries(Object.entries(el).filter(([k]) => k !== sub)) : el);
  return Array.isArray(value) ? value.map(drop) : drop(value);
}

/**
 * project applies attributes / excludedAttributes to a presented resource. `schemas` and `id`
 * (returned "always") survive both, `schemas` naming only the extensions the result still holds;
 * key order follows the presented resource.
 */
export function project(rt: ResourceType, resource: Json, p: Projection): Json {
  if (p.attributes.length === 0 && p.excludedAttributes.length === 0) return resource;
  const out = p.attributes.length > 0 ? pick(rt, resource, p.attributes) : exclude(rt, resource, p.excludedAttributes);
  if (Array.isArray(out.schemas)) out.schemas = out.schemas.filter((s) => !rt.extensions.some((e) => e.id === s) || out[s as string] !== undefined);
  return out;
}

/** pick keeps `schemas`, `id` and the attributes (and sub-attributes) listed. */
function pick(rt: ResourceType, resource: Json, attributes: string[]): Json {
  const wanted = new Map<string, Map<string, Set<string> | 'all'> | 'all'>();
  for (const s of selectorsOf(rt, attributes)) {
    const key = s.container ?? '';
    if (s.attr === undefined) {
      wanted.set(key, 'all');
      continue;
    }
    const box = wanted.get(key) ?? new Map<string, Set<string> | 'all'>();
    if (box === 'all') continue;
    const current = box.get(s.attr);
    if (s.sub === undefined) box.set(s.attr, 'all');
    else if (current !== 'all') box.set(s.attr, new Set([...(current ?? []), s.sub]));
    wanted.set(key, box);
  }
  const pickFrom = (source: Json, spec: Map<string, Set<string> | 'all'>): Json => {
    const out: Json = {};
    for (const [k, v] of Object.entries(source)) {
      const want = spec.get(k);
      if (want === 'all') out[k] = v;
      else if (want) out[k] = pickSub(v, want);
    }
    return out;
  };
  const core = wanted.get('');
  const out: Json = {};
  for (const [k, v] of Object.entries(resource)) {
    if (k === 'schemas' || k === 'id') out[k] = v;
    else if (wanted.has(k) && isPlainObject(v)) {
      const spec = wanted.get(k)!;
      const picked = spec === 'all' ? v : pickFrom(v, spec);
      if (Object.keys(picked).length > 0) out[k] = picked;
    } else if (core && core !== 'all' && core.has(k)) {
      const spec = core.get(k)!;
      out[k] = spec === 'all' ? v : pickSub(v, spec);
    }
  }
  return out;
}

/** exclude drops the attributes (and sub-attributes) listed, never `id`. */
function exclude(rt: ResourceType, resource: Json, excludedAttributes: string[]): Json {
  const out: Json = { ...resource };
  for (const s of selectorsOf(rt, excludedAttributes)) {
    if (s.attr === 'id' && s.container === undefined) continue;
    const box = s.container === undefined ? out : isPlainObject(out[s.container]) ? { ...(out[s.container] as Json) } : undefined;
    if (!box) continue;
    if (s.attr === undefined) {
      delete out[s.container!];
      continue;
    }
    if (s.sub === undefined) delete box[s.attr];
    else if (box[s.attr] !== undefined) box[s.attr] = dropSub(box[s.attr], s.sub);
    if (s.container !== undefined) {
      if (Object.keys(box).length > 0) out[s.container] = box;
      else delete out[s.container];
    }
  }
  return out;
}
