import type { Next } from 'koa';
import { z } from 'zod';
import { ValidationError, type FieldProblem } from '../errors.js';
import type { AppContext } from './state.js';

export interface Schemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

type Input<S extends Schemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.infer<S[K]> : never;
};

/** What a validating middleware tells the OpenAPI generator (the same schemas it validates with). */
export const ROUTE_SCHEMAS = Symbol('aegis.route.schemas');

/** problemsOf turns zod issues into `{ path, message }` with dotted paths (`arguments.sql`, `items.0`). */
export function problemsOf(error: z.ZodError, where: string): FieldProblem[] {
  return error.issues.map((i) => ({
    path: i.path.length > 0 ? i.path.map(String).join('.') : `(${where})`,
    message: i.message,
  }));
}

/**
 * validate parses a route's body, query and params with its zod schemas and calls the handler with
 * the typed result; any mismatch is a 400 VALIDATION_ERROR whose details name each field. A route
 * with a body schema and no body gets "request body is required"; a bracketed query parameter
 * (`agent_id[]`) is refused rather than ignored.
 */
export function validate<S extends Schemas>(schemas: S, handler: (ctx: AppContext, input: Input<S>) => Promise<void>) {
  const middleware = async (ctx: AppContext, _next: Next): Promise<void> => {
    const input: Record<string, unknown> = {};
    const problems: FieldProblem[] = [];
    for (const where of ['params', 'query', 'body'] as const) {
      const schema = schemas[where];
      if (!schema) continue;
      const value = where === 'body' ? ctx.request.body : where === 'query' ? ctx.query : ctx.params;
      if (where === 'query') {
        // `?agent_id[]=x` or `?filter[agent_id]=x` would otherwise be ignored as an unknown name and answer
        // an unfiltered list: a filter that silently does not apply is refused instead.
        for (const key of Object.keys(ctx.query)) {
          const base = /^([^[\]]+)\[[^\]]*\]/.exec(key)?.[1];
          if (base !== undefined) problems.push({ path: key, message: `bracketed parameters are not supported; give ${base} once, as ${base}=…` });
        }
      }
      if (where === 'body' && value === undefined && !schema.safeParse(undefined).success) {
        problems.push({ path: '(body)', message: 'request body is required (JSON)' });
        continue;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) input[where] = parsed.data;
      else problems.push(...problemsOf(parsed.error, where));
    }
    if (problems.length > 0) {
      const first = problems[0]!;
      throw new ValidationError(`invalid request: ${first.path}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
    }
    await handler(ctx, input as Input<S>);
  };
  return Object.assign(middleware, { [ROUTE_SCHEMAS]: schemas });
}

/**
 * queryNumber is a query parameter whose text must be `pattern` (named `what` in the error) before it
 * becomes a number: `0x10`, `1e1`, a blank or a repeated parameter (an array) is refused by name, not
 * coerced into some number.
 */
function queryNumber(pattern: RegExp, what: string) {
  return z
    .string({ error: (i) => (Array.isArray(i.input) ? 'given more than once' : `must be ${what}`) })
    .regex(pattern, { error: `must be ${what}` })
    .transform(Number);
}

/**
 * queryText is a query parameter holding text of at most `max` characters: once, and without NUL
 * (`?q=%00`), which no stored text holds and PostgreSQL refuses in a parameter (a 500 otherwise).
 */
export function queryText(max: number) {
  return z
    .string({ error: (i) => (Array.isArray(i.input) ? 'given more than once' : 'must be text') })
    .max(max)
    .refine((v) => !v.includes('\u0000'), { error: 'must not contain NUL (%00)' });
}

/** queryInt is a query parameter holding a decimal integer in [min, max]. */
export function queryInt(min: number, max: number) {
  return queryNumber(/^(?:0|[1-9][0-9]{0,15})$/, 'a decimal integer').pipe(z.number().int().min(min).max(max));
}

/** queryDecimal is a query parameter holding a plain decimal number (`0.7`) in [min, max]. */
export function queryDecimal(min: number, max: number) {
  return queryNumber(/^[0-9]{1,16}(?:\.[0-9]{1,16})?$/, 'a decimal number').pipe(z.number().min(min).max(max));
}

/** Pagination query shared by every list endpoint: limit 1..1000 (default 50), offset ≥ 0. */
export const pageQuery = z.object({
  limit: queryInt(1, 1000).default(50),
  offset: queryInt(0, 10_000_000).default(0),
});

/** A UUID in any letter case, as the lower-case form every id is stored and named in (workflow ids, long-poll channels). */
export const uuidParam = z.uuid({ error: 'must be a UUID' }).transform((id) => id.toLowerCase());

/** Characters that have no place in a name: C0 and C1 controls (line breaks included), DEL, and the bidirectional overrides that make text read other than it is stored ("Trojan Source"). */
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const NAME_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The same in free text (a reason, a description), which may hold tabs and line breaks. */
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const TEXT_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** nameText: a one-line name people read (a key's, a policy's), trimmed, 1..max characters, without control characters. */
export const nameText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !NAME_FORBIDDEN.test(v), 'must not contain control characters, line breaks or bidirectional overrides');

/** freeText: text people read (a reason, a description), up to max characters; tabs and line breaks allowed, other control characters not. */
export const freeText = (max: number) => z.string().max(max).refine((v) => !TEXT_FORBIDDEN.test(v), 'must not contain control characters or bidirectional overrides');
