import { schemaFanoutProblem } from './fanout.js';

/**
 * Bounds on a policy's JSON Schema. AJV turns a schema into code, and that costs time before the
 * first check under it on every replica: ~0.5 ms per subschema and ~1 ms per `pattern` (RE2), growing
 * faster than linearly (1,000 patterns: 1 s; 2,000: 3.5 s; 5,000 properties overflow the stack). No
 * policy needs more than these; a schema past them is refused with the bound it crossed.
 */
export const POLICY_SCHEMA_LIMITS = { bytes: 65_536, depth: 32, subschemas: 500, patterns: 100 } as const;

/** schemaLimitProblem names the first bound `schema` crosses (size, depth, patterns, `$async`, fan-out), or returns undefined. */
export function schemaLimitProblem(schema: unknown): string | undefined {
  const { bytes, depth, subschemas, patterns } = POLICY_SCHEMA_LIMITS;
  let objects = 0;
  let regexes = 0;
  // Iterative, so a schema nested thousands deep is measured, not a stack overflow.
  const stack: Array<[unknown, number]> = [[schema, 1]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (level > depth) return `policy_schema is nested more than ${depth} levels deep`;
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, level + 1]);
      continue;
    }
    if (++objects > subschemas) return `policy_schema has more than ${subschemas} objects (subschemas)`;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      // An asynchronous schema returns a promise, which a check cannot wait for (AJV's `$async`).
      if (key === '$async') return 'policy_schema may not be asynchronous ($async): policies are evaluated while the check waits';
      if (key === 'pattern' && typeof value === 'string') regexes++;
      if (key === 'patternProperties' && value !== null && typeof value === 'object') regexes += Object.keys(value).length;
      if (regexes > patterns) return `policy_schema has more than ${patterns} patterns`;
      stack.push([value, level + 1]);
    }
  }
  if (JSON.stringify(schema).length > bytes) return `policy_schema is larger than ${bytes / 1024} KB`;
  return schemaFanoutProblem(schema);
}
