import { z } from 'zod';

export const MAX_DEPTH = 32;
export const MAX_NODES = 20_000;

/** shapeOf measures a parsed JSON value: nesting depth and number of values. */
export function shapeOf(value: unknown): { depth: number; nodes: number } {
  let nodes = 0;
  let maxDepth = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    nodes++;
    if (d > maxDepth) maxDepth = d;
    if (nodes > MAX_NODES || maxDepth > MAX_DEPTH) break;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return { depth: maxDepth, nodes };
}

/** A JSON object bounded in nesting depth and size, so no request can make the classifier walk forever. */
export const boundedObject = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  const { depth, nodes } = shapeOf(v);
  if (depth > MAX_DEPTH) ctx.addIssue({ code: 'custom', message: `nested more than ${MAX_DEPTH} levels deep` });
  else if (nodes > MAX_NODES) ctx.addIssue({ code: 'custom', message: `more than ${MAX_NODES} values` });
});

/** Agent ids and tool names: 1–128 characters, no control characters. */
export const Identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'at most 128 characters')
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

export const CheckBody = z.strictObject({
  agent_id: Identifier,
  tool_name: Identifier,
  arguments: boundedObject,
  context: boundedObject.optional(),
});
export type CheckInput = z.infer<typeof CheckBody>;
