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
      // Only a \uD800–\uDFFF escape can put a surrogate in a parsed string (UTF-8 cannot encode one).
      const at = SURROGATE_ESCAPE.test(text) ? loneSurrogateAt(ctx.request.body, '') : undefined;
      if (at !== undefined) {
        invalid = new ValidationError(`the JSON body holds a lone surrogate escape at ${at || '(body)'}: strings must be valid Unicode (RFC 8259 §8.2, RFC 7493)`, [
          { path: at || '(body)', message: 'not valid Unicode (lone surrogate)' },
        ]);
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
// A high surrogate not followed by a low one, or a low one not preceded by a high one (code units: no `u` flag).
const LONE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const LONE_SURROGATE = new RegExp(LONE);
const LONE_SURROGATES = new RegExp(LONE, 'g');

/**
 * loneSurrogateAt is the dotted path of the first string or member name holding an unpaired UTF-16
 * surrogate, or undefined. Such a string cannot be stored as UTF-8, hashed as canonical JSON
 * (RFC 8785 rejects it) or shown faithfully: it is refused at the door, not half-way through a
 * batch of other requests' rows.
 */
export function loneSurrogateAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = loneSurrogateAt(value[i], path ? `${path}.${i}` : String(i));
      if (at !== undefined) return at;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const bad = LONE_SURROGATE.test(k);
    const name = bad ? k.replace(LONE_SURROGATES, '\uFFFD') : k;
    const here = path ? `${path}.${name}` : name;
    if (bad) return here;
    const at = loneSurrogateAt(v, here);
    if (at !== undefined) return at;
  }
  return undefined;
}
