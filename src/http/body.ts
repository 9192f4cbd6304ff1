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
    try {
      ctx.request.body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch (err) {
      const invalid = new ValidationError(`malformed JSON body: ${(err as Error).message}`, [{ path: '(body)', message: 'not valid JSON' }]);
      // RFC 7644 §3.12: a body that is not valid JSON is `invalidSyntax` to a SCIM client.
      if (ctx.path.startsWith('/scim/v2')) invalid.details.scimType = 'invalidSyntax';
      throw invalid;
    }
  }
  return next();
}
