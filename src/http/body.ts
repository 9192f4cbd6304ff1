import type { Context, Next } from 'koa';
import getRawBody from 'raw-body';
import { AppError, ValidationError } from '../errors.js';
import type { AppState } from './state.js';

export const MAX_BODY_BYTES = 1024 * 1024;

// text/plain too: fetch() sends it for a string body when the caller sets no Content-Type.
const JSON_TYPES = ['application/json', 'application/scim+json', 'application/merge-patch+json', 'text/plain'];

/**
 * jsonBody reads and parses a JSON request body (POST/PUT/PATCH) of at most 1 MiB, keeping the raw
 * bytes on ctx.state.rawBody. Over the limit → 413 PAYLOAD_TOO_LARGE (checked against
 * Content-Length before reading, and while reading); malformed JSON → 400 VALIDATION_ERROR.
 * A request without a body parses as undefined; route schemas decide whether that is allowed.
 */
export async function jsonBody(ctx: Context & { state: AppState }, next: Next): Promise<void> {
  if (!['POST', 'PUT', 'PATCH'].includes(ctx.method)) return next();
  const length = ctx.request.length;
  if (length !== undefined && length > MAX_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `request body is ${length} bytes; the limit is ${MAX_BODY_BYTES}`, { limit_bytes: MAX_BODY_BYTES });
  }
  if (!ctx.request.length && !ctx.get('transfer-encoding')) return next();
  const type = ctx.request.type;
  if (type && !JSON_TYPES.includes(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Type ${type} is not accepted; send application/json`);
  }
  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, { limit: MAX_BODY_BYTES, length });
  } catch (err) {
    const e = err as { type?: string; message?: string };
    if (e.type === 'entity.too.large') {
      throw new AppError('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${MAX_BODY_BYTES} bytes`, { limit_bytes: MAX_BODY_BYTES });
    }
    throw new ValidationError(`could not read the request body: ${e.message ?? 'aborted'}`);
  }
  ctx.state.rawBody = raw;
  if (raw.length > 0) {
    const text = raw.toString('utf8');
    let invalid: ValidationError | undefined;
    try {
      ctx.request.body = JSON.parse(text) as unknown;
      const body = ctx.request.body;
      // Only a \uD800–\uDFFF escape can put a surrogate in a parsed string (UTF-8 cannot encode one).
      const lone = SURROGATE_ESCAPE.test(text) ? unwantedAt(body, '', { text: LONE_SURROGATE }) : undefined;
      // A NUL can only come from a \u0000 escape too. Tool-call content may hold one (it is classified,
      // and stored with U+FFFD in its place); names, reasons and settings may not.
      const nul = lone === undefined && text.includes('\\u0000') && !(ctx.method === 'POST' && TOOL_CALL_ROUTES.test(ctx.path)) ? unwantedAt(body, '', { text: NUL }) : undefined;
      // JSON.parse turns a number beyond a double (1e400) into Infinity, which neither JSON nor RFC 8785
      // can write back: only a 3-digit exponent or a 309-digit run can overflow.
      const huge = HUGE_NUMBER.test(text) ? unwantedAt(body, '', { number: (n) => !Number.isFinite(n) }) : undefined;
      if (huge !== undefined) {
        invalid = new ValidationError(`the JSON body holds a number at ${huge || '(body)'} beyond the range of a double`, [{ path: huge || '(body)', message: 'number out of range' }]);
      } else if (lone !== undefined) {
        invalid = new ValidationError(`the JSON body holds a lone surrogate escape at ${lone || '(body)'}: strings must be valid Unicode (RFC 8259 §8.2, RFC 7493)`, [
          { path: lone || '(body)', message: 'not valid Unicode (lone surrogate)' },
        ]);
      } else if (nul !== undefined) {
        invalid = new ValidationError(`the JSON body holds a NUL character (\\u0000) at ${nul || '(body)'}, which cannot be stored`, [{ path: nul || '(body)', message: 'must not contain NUL (\\u0000)' }]);
      }
    } catch (err) {
      invalid = new ValidationError(`malformed JSON body: ${(err as Error).message}`, [{ path: '(body)', message: 'not valid JSON' }]);
    }
    if (invalid) {
      // RFC 7644 §3.12: a body that is not valid JSON is `invalidSyntax` to a SCIM client.
      if (ctx.path.startsWith('/scim/v2')) invalid.details.scimType = 'invalidSyntax';
      throw invalid;
    }
  }
  return next();
}

const SURROGATE_ESCAPE = /\\u[dD][89abcdefABCDEF]/;
// A digit run is only tried from its first digit (the lookbehind): tried from every digit, a 1 MiB
// body of 308-digit numbers costs 380 ms of scanning instead of 4.
export const HUGE_NUMBER = /[eE]\+?\d{3}|(?<!\d)\d{309}/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one (code units: no `u` flag).
const LONE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const LONE_SURROGATE = new RegExp(LONE);

/** The routes whose bodies are tool calls (arguments, results): their NULs are content, not names. */
const TOOL_CALL_ROUTES = /^\/api\/v1\/(?:check|traces|proxy\/[^/]+)$/;
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;

/** What a body must not hold: strings or member names `text` matches, numbers `number` refuses. */
interface Unwanted {
  text?: RegExp;
  number?: (n: number) => boolean;
}

/**
 * unwantedAt is the dotted path of the first string, member name or number of `value` that `bad`
 * refuses, or undefined. Used for what a JSON text can carry but PostgreSQL cannot store or RFC 8785
 * cannot canonicalise (a lone surrogate, a number beyond a double) — refused at the door, not
 * half-way through a batch of other requests' rows.
 */
export function unwantedAt(value: unknown, path: string, bad: Unwanted): string | undefined {
  if (typeof value === 'string') return bad.text?.test(value) ? path : undefined;
  if (typeof value === 'number') return bad.number?.(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = unwantedAt(value[i], path ? `${path}.${i}` : String(i), bad);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const refused = bad.text?.test(k) ?? false;
    const name = refused ? k.replace(new RegExp(bad.text!.source, 'g'), '\uFFFD') : k;
    const here = path ? `${path}.${name}` : name;
    if (refused) return here;
    const at = unwantedAt(v, here, bad);
    if (at !== undefined) return at;
  }
  return undefined;
}
