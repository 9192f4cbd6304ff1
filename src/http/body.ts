import type { Context, Next } from 'koa';
import getRawBody from 'raw-body';
import { AppError, ValidationError } from '../errors.js';
import type { AppState } from './state.js';
import { SCIM_PATH } from './auth.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Fatal: invalid byte sequences are refused, not replaced. A leading BOM is dropped (RFC 8259 §8.1 lets parsers ignore it). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

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
  const send = SCIM_PATH.test(ctx.path) ? 'application/scim+json or application/json' : 'application/json';
  if ((type && !JSON_TYPES.includes(type)) || (!type && ctx.get('content-type').trim() !== '')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Type ${type || JSON.stringify(ctx.get('content-type').slice(0, 60))} is not accepted; send ${send}`);
  }
  // RFC 8259 §8.1: JSON exchanged between systems is UTF-8. A UTF-16 or UTF-32 body would only be refused
  // as "malformed"; an ASCII-compatible label (us-ascii, iso-8859-1, as some clients send) is read as UTF-8.
  const charset = ctx.request.charset.toLowerCase();
  if (/^(?:utf-?(?:16|32)|ucs-?[24]|unicode)/.test(charset)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `charset ${charset.slice(0, 40)} is not accepted; send ${send} in UTF-8`);
  }
  // Node's parser takes the chunked framing off; any other transfer coding (gzip, chunked) would be parsed as its coded bytes.
  const transfer = ctx.get('transfer-encoding').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'chunked');
  if (transfer.length > 0) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Transfer-Encoding ${transfer.join(', ').slice(0, 40)} is not supported; send the body uncompressed (chunked framing is fine)`);
  }
  // A compressed body would be parsed as its compressed bytes (RFC 9110 §8.4.1: an unsupported coding is 415).
  const coding = ctx.get('content-encoding').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${coding.slice(0, 40)} is not supported; send the body uncompressed`);
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
    let invalid: ValidationError | undefined;
    let text = '';
    try {
      text = UTF8.decode(raw);
    } catch {
      // Replacing the bytes (U+FFFD) would make different bodies the same call, and the digest and the
      // log would commit to text that was never sent (RFC 8259 §8.1: JSON text is UTF-8).
      invalid = new ValidationError('the request body is not valid UTF-8', [{ path: '(body)', message: 'not valid UTF-8' }]);
    }
    if (!invalid) {
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
        const repeated = huge === undefined && lone === undefined && nul === undefined ? repeatedName(text) : undefined;
        if (huge !== undefined) {
          invalid = new ValidationError(`the JSON body holds a number at ${huge || '(body)'} beyond the range of a double`, [{ path: huge || '(body)', message: 'number out of range' }]);
        } else if (lone !== undefined) {
          invalid = new ValidationError(`the JSON body holds a lone surrogate escape at ${lone || '(body)'}: strings must be valid Unicode (RFC 8259 §8.2, RFC 7493)`, [
            { path: lone || '(body)', message: 'not valid Unicode (lone surrogate)' },
          ]);
        } else if (nul !== undefined) {
          invalid = new ValidationError(`the JSON body holds a NUL character (\\u0000) at ${nul || '(body)'}, which cannot be stored`, [{ path: nul || '(body)', message: 'must not contain NUL (\\u0000)' }]);
        } else if (repeated !== undefined) {
          // JSON.parse keeps the last of two equal names, other parsers the first: what was checked must be what runs.
          invalid = new ValidationError(`the JSON body repeats the member name at ${repeated}: names within an object must be unique (RFC 7493 §2.3)`, [{ path: repeated, message: 'duplicate member name' }]);
        }
      } catch (err) {
        invalid = new ValidationError(`malformed JSON body: ${(err as Error).message}`, [{ path: '(body)', message: 'not valid JSON' }]);
      }
    }
    if (invalid) {
      // RFC 7644 §3.12: a body that is not valid JSON is `invalidSyntax` to a SCIM client.
      if (SCIM_PATH.test(ctx.path)) invalid.details.scimType = 'invalidSyntax';
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

interface Frame {
  array: boolean;
  /** Objects: the names seen so far (the first alone until there is a second). */
  first?: string;
  names?: Set<string>;
  /** The member name or item index the parser is in. */
  at: string;
  items: number;
}

/**
 * repeatedName is the dotted path of the first member whose name repeats an earlier one of the same
 * object (`{"sql":"SELECT 1","sql":"DROP TABLE t"}` → `sql`), or undefined. `text` must be valid JSON
 * (JSON.parse accepted it). Names are compared decoded, so `"a"` and `"\u0061"` are the same name.
 * One pass over the text, no allocation for objects of one member.
 */
export function repeatedName(text: string): string | undefined {
  const stack: Frame[] = [];
  let expectName = false;
  // Names can be long: the path names each by its first 100 characters.
  const pathTo = (last: string): string => [...stack.slice(0, -1).map((f) => f.at), last].filter((p) => p !== '').map((p) => (p.length > 100 ? `${p.slice(0, 100)}…` : p)).join('.');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: a member name where one is expected, else a value.
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      if (!expectName) continue;
      const frame = stack[stack.length - 1]!;
      const name = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      if (frame.first === undefined && frame.names === undefined) frame.first = name;
      else {
        if (!frame.names) frame.names = new Set([frame.first!]);
        if (frame.names.has(name)) return pathTo(name);
        frame.names.add(name);
      }
      frame.at = name;
      expectName = false;
    } else if (c === 0x7b) {
      stack.push({ array: false, at: '', items: 0 });
      expectName = true;
    } else if (c === 0x5b) {
      stack.push({ array: true, at: '0', items: 0 });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectName = false;
    } else if (c === 0x2c) {
      const frame = stack[stack.length - 1];
      if (frame?.array) frame.at = String(++frame.items);
      else expectName = true;
    }
  }
  return undefined;
}
