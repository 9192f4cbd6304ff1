/**
 * How much work a policy's JSON Schema can make one check do, bounded before the policy is saved.
 *
 * AJV compiles a schema to code that runs every subschema an instance reaches. References make that
 * a graph, not a tree: `{"allOf": [{"$ref": "#"}]}` applies itself to the same value forever (a stack
 * overflow on every check), and a chain of definitions that each reference the next one twice doubles
 * the work per link (28 links: 1.4 s of the event loop per check). Schemas that recurse into the
 * value they validate (`{"properties": {"children": {"items": {"$ref": "#"}}}}`, a tree) are fine:
 * each level of the value is visited once.
 *
 * So this measures, for every depth of the value up to MAX_VALUE_DEPTH, the largest number of
 * subschemas the schema can apply at one location of that depth, adding what in-place applicators
 * (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas, $ref, $dynamicRef) apply there and the
 * most that the applicators of a member or item (properties, patternProperties, items, …) can apply
 * to any one member or item. A reference cycle that never moves into the value is refused outright;
 * a schema whose count passes MAX_APPLICATIONS anywhere is refused with that count.
 */

/** The deepest a call document's value goes (arguments and context: 32 levels, under the document). */
const MAX_VALUE_DEPTH = 34;
/** Subschemas one location of the call may have applied to it. */
export const MAX_APPLICATIONS = 1_000;

type Schema = Record<string, unknown> | boolean;

interface Node {
  /** Subschemas applied to the same value. */
  inPlace: Schema[];
  /** Subschemas of which one at most applies to a given member or item (`properties`, `prefixItems`): counted by the largest. */
  alternatives: Schema[][];
  /** Subschemas that may all apply to one member or item (`patternProperties`, `additionalProperties`, `items`…). */
  everyMember: Schema[];
}

const IN_PLACE_SINGLE = ['not', 'if', 'then', 'else'];
const IN_PLACE_LISTS = ['allOf', 'anyOf', 'oneOf'];
const IN_PLACE_MAPS = ['dependentSchemas', 'dependencies'];
const MEMBER_SINGLE = ['additionalProperties', 'unevaluatedProperties', 'propertyNames', 'items', 'additionalItems', 'contains', 'unevaluatedItems'];
/** Keywords whose values hold subschemas kept for reference only, or data (never applied as such). */
const CONTAINERS = ['$defs', 'definitions'];

const isSchema = (v: unknown): v is Schema => typeof v === 'boolean' || (v !== null && typeof v === 'object' && !Array.isArray(v));

/** schemaFanoutProblem names why `schema` could make a check do unbounded work, or returns undefined. */
export function schemaFanoutProblem(root: unknown): string | undefined {
  if (!isSchema(root)) return undefined;
  const resources = new Map<object, Record<string, unknown>>(); // subschema → the schema resource ($id) it is in
  const anchors = new Map<string, Schema[]>();
  const ids = new Map<string, Record<string, unknown>>();
  const all: Array<Record<string, unknown>> = [];

  // Every subschema, with the resource its `#` references resolve against.
  const visit = (s: unknown, resource: Record<string, unknown>): void => {
    if (s === null || typeof s !== 'object' || Array.isArray(s) || resources.has(s)) return;
    const obj = s as Record<string, unknown>;
    const own = typeof obj.$id === 'string' ? obj : resource;
    if (typeof obj.$id === 'string') ids.set(obj.$id.replace(/#$/, ''), obj);
    for (const k of ['$anchor', '$dynamicAnchor']) if (typeof obj[k] === 'string') anchors.set(obj[k], [...(anchors.get(obj[k]) ?? []), obj]);
    resources.set(obj, own);
    all.push(obj);
    for (const [key, value] of Object.entries(obj)) {
      if (key === 'const' || key === 'enum' || key === 'examples' || key === 'default') continue;
      if (CONTAINERS.includes(key) || key === 'properties' || key === 'patternProperties' || IN_PLACE_MAPS.includes(key)) {
        if (isSchema(value) && typeof value === 'object') for (const v of Object.values(value)) visit(v, own);
      } else if (Array.isArray(value)) {
        for (const v of value) visit(v, own);
      } else visit(value, own);
    }
  };
  visit(root, root as Record<string, unknown>);

  const resolve = (ref: string, from: Record<string, unknown>): Schema[] | string => {
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    const start = base === '' ? resources.get(from) : ids.get(base);
    if (!start) return `policy_schema refers to ${JSON.stringify(ref.slice(0, 100))}, which is not inside it`;
    if (fragment === '') return [start];
    if (!fragment.startsWith('/')) return anchors.get(decodeURIComponent(fragment)) ?? `policy_schema refers to the anchor ${JSON.stringify(fragment.slice(0, 100))}, which it does not define`;
    let at: unknown = start;
    for (const raw of fragment.slice(1).split('/')) {
      const token = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[token] : undefined;
    }
    return isSchema(at) ? [at] : `policy_schema refers to ${JSON.stringify(ref.slice(0, 100))}, which is not a subschema`;
  };

  const nodes = new Map<object, Node>();
  for (const obj of all) {
    const node: Node = { inPlace: [], alternatives: [], everyMember: [] };
    for (const k of IN_PLACE_SINGLE) if (isSchema(obj[k])) node.inPlace.push(obj[k]);
    for (const k of IN_PLACE_LISTS) if (Array.isArray(obj[k])) node.inPlace.push(...(obj[k] as unknown[]).filter(isSchema));
    for (const k of IN_PLACE_MAPS) if (isSchema(obj[k]) && typeof obj[k] === 'object') node.inPlace.push(...Object.values(obj[k]).filter(isSchema));
    for (const k of ['$ref', '$dynamicRef', '$recursiveRef']) {
      if (typeof obj[k] !== 'string') continue;
      const targets = resolve(obj[k], obj);
      if (typeof targets === 'string') return targets;
      node.inPlace.push(...targets);
    }
    if (isSchema(obj.properties) && typeof obj.properties === 'object') node.alternatives.push(Object.values(obj.properties).filter(isSchema));
    if (Array.isArray(obj.prefixItems)) node.alternatives.push(obj.prefixItems.filter(isSchema));
    if (Array.isArray(obj.items)) node.alternatives.push(obj.items.filter(isSchema)); // draft-07 tuples
    if (isSchema(obj.patternProperties) && typeof obj.patternProperties === 'object') node.everyMember.push(...Object.values(obj.patternProperties).filter(isSchema));
    for (const k of MEMBER_SINGLE) if (isSchema(obj[k])) node.everyMember.push(obj[k]);
    nodes.set(obj, node);
  }

  // A cycle of in-place applicators applies itself to the same value without end.
  const state = new Map<object, 'open' | 'done'>();
  const cycle = (s: Schema): boolean => {
    if (typeof s === 'boolean') return false;
    const st = state.get(s);
    if (st === 'open') return true;
    if (st === 'done') return false;
    state.set(s, 'open');
    for (const c of nodes.get(s)?.inPlace ?? []) if (cycle(c)) return true;
    state.set(s, 'done');
    return false;
  };
  for (const obj of all) if (cycle(obj)) return 'policy_schema applies itself to the same value without end (a $ref cycle that never moves into a member or item)';

  // applied(s, d): the most subschemas `s` applies at one location d levels below the value it is applied to.
  const memo = new Map<object, number[]>();
  const applied = (s: Schema, d: number): number => {
    if (typeof s === 'boolean') return d === 0 ? 1 : 0;
    let row = memo.get(s);
    if (!row) memo.set(s, (row = []));
    const known = row[d];
    if (known !== undefined) return known;
    const node = nodes.get(s)!;
    let n = d === 0 ? 1 : 0;
    for (const c of node.inPlace) n += applied(c, d);
    if (d > 0) {
      for (const group of node.alternatives) n += Math.max(0, ...group.map((c) => applied(c, d - 1)));
      for (const c of node.everyMember) n += applied(c, d - 1);
    }
    row[d] = Math.min(n, Number.MAX_SAFE_INTEGER);
    return row[d]!;
  };
  for (let d = 0; d <= MAX_VALUE_DEPTH; d++) {
    const n = applied(root, d);
    if (n > MAX_APPLICATIONS) {
      return `policy_schema can apply ${n >= 1e6 ? 'millions of' : n} subschemas to one value of a call (references that fan out); the limit is ${MAX_APPLICATIONS}`;
    }
  }
  return undefined;
}
