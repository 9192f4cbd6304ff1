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

/** bounded refuses a JSON value nested too deep or holding too many values, so no request can make the classifier walk forever. */
export function bounded(v: unknown, ctx: z.RefinementCtx): void {
  const { depth, nodes } = shapeOf(v);
  if (depth > MAX_DEPTH) ctx.addIssue({ code: 'custom', message: `nested more than ${MAX_DEPTH} levels deep` });
  else if (nodes > MAX_NODES) ctx.addIssue({ code: 'custom', message: `more than ${MAX_NODES} values` });
}

/**
 * A JSON object bounded in nesting depth and size, checked in place rather than copied member by
 * member (as z.record() does): a copy drops a "__proto__" member — assigning it sets the copy's
 * prototype — so a payload under that name would reach the tool unclassified and outside the
 * arguments digest. In place is also twice as fast for a batch of traces.
 */
export const boundedObject = z
  .custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), { error: 'must be a JSON object' })
  .superRefine(bounded)
  .meta({ type: 'object' });

/** Agent ids and tool names: 1–128 characters, no control characters. */
export const Identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'at most 128 characters')
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const CheckBody = z.strictObject({
  agent_id: Identifier,
  tool_name: Identifier,
  arguments: boundedObject,
  context: boundedObject.optional(),
});
export type CheckInput = z.infer<typeof CheckBody>;
