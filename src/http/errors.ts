import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context, Next } from 'koa';
import { AppError, type ErrorCode } from '../errors.js';
import type { AppState } from './state.js';
import { SCIM_PATH } from './auth.js';

const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM_REALM = 'aegis-scim';

/** toAppError maps anything thrown to the catalog; unknown errors become INTERNAL (and are logged). */
function toAppError(err: unknown): { error: AppError; unexpected: boolean } {
  if (err instanceof AppError) return { error: err, unexpected: false };
  const e = err as { status?: number; expose?: boolean; message?: string; type?: string };
  // http-errors thrown by Koa or its helpers (ctx.throw, router.allowedMethods).
  if (typeof e?.status === 'number' && e.expose) {
    if (e.status === 404) return { error: new AppError('NOT_FOUND', e.message ?? 'not found'), unexpected: false };
    if (e.status === 413) return { error: new AppError('PAYLOAD_TOO_LARGE', e.message ?? 'payload too large'), unexpected: false };
    if (e.status === 400) return { error: new AppError('VALIDATION_ERROR', e.message ?? 'bad request'), unexpected: false };
  }
  if (isDatabaseUnreachable(err)) return { error: new AppError('UNAVAILABLE', 'the database cannot be reached; try again'), unexpected: false };
  return { error: new AppError('INTERNAL', 'internal error'), unexpected: true };
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03']);

/** isDatabaseUnreachable recognises connection failures (not query errors) of node-postgres and knex. */
function isDatabaseUnreachable(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string };
  if (!e || typeof e !== 'object') return false;
  if (e.name === 'KnexTimeoutError') return true;
  // Class 08 is connection exceptions, except 08P01: a protocol violation is a statement the server refused, not a lost connection.
  if (typeof e.code === 'string' && (CONNECTION_CODES.has(e.code) || (e.code.startsWith('08') && e.code !== '08P01'))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message ?? '');
}

/**
 * errorEnvelope is the one place errors become responses: `{ "error": { code, message, ...details } }`
 * on the API, the SCIM error schema (RFC 7644 §3.12) under /scim/v2. Stack traces and messages of
 * unexpected errors are logged with the request id, never sent.
 */
export async function errorEnvelope(ctx: Context & { state: AppState }, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.body === undefined || ctx.body === null) {
      // Nothing answered: no route (404), or the router knows the path but not the method (405/501).
      if (ctx.status === 404) throw new AppError('NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
      if (ctx.status === 405 || ctx.status === 501) throw new AppError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}`);
    }
  } catch (err) {
    const { error, unexpected } = toAppError(err);
    // A request rejected before its body was read (413, 415, 401 …) leaves bytes on the socket:
    // close the connection rather than let the client reuse it mid-body.
    if (!ctx.req.complete) ctx.set('Connection', 'close');
    if (unexpected) ctx.state.log.error({ err, request_id: ctx.state.requestId }, 'unhandled error');
    ctx.status = error.status;
    if (error.code === 'RATE_LIMITED' && typeof error.details.retry_after_seconds === 'number') {
      ctx.set('Retry-After', String(Math.ceil(error.details.retry_after_seconds)));
    }
    if (SCIM_PATH.test(ctx.path)) {
      ctx.type = 'application/scim+json';
      // RFC 6750 §3: a 401 carries the bearer challenge, with invalid_token when a bearer token was sent.
      if (error.status === 401) ctx.set('WWW-Authenticate', `Bearer realm="${SCIM_REALM}"${/^bearer\s+\S/i.test(ctx.get('authorization')) ? ', error="invalid_token"' : ''}`);
      const scimType = typeof error.details.scimType === 'string' ? error.details.scimType : undefined;
      ctx.body = { schemas: [SCIM_ERROR_SCHEMA], status: String(error.status), ...(scimType ? { scimType } : {}), detail: error.message };
    } else {
      ctx.body = { error: { code: error.code, message: error.message, ...error.details } };
    }
  }
}

/**
 * answerClientError writes what Node's HTTP parser refuses before any middleware runs (a malformed
 * request line, an invalid Content-Length, headers past the size limit) in the API's error envelope,
 * with an X-Request-Id, instead of Node's bare `400 Bad Request`; the connection is closed after it.
 */
export function answerClientError(err: NodeJS.ErrnoException & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') rawAnswer(socket, 431, 'Request Header Fields Too Large', 'VALIDATION_ERROR', 'the request headers are larger than the server accepts');
  else rawAnswer(socket, 400, 'Bad Request', 'VALIDATION_ERROR', 'the request is not valid HTTP/1.1');
}

/** rawAnswer writes an error in the API's envelope straight onto a socket, and closes the connection. */
function rawAnswer(socket: Duplex, status: number, reason: string, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${randomUUID()}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * requireHost answers an HTTP/1.1 request without a Host header with 400 in the envelope (RFC 9112
 * §3.2: a server MUST); Node's own check (turned off: requireHostHeader) answers with an empty body.
 */
export async function requireHost(ctx: Context, next: Next): Promise<void> {
  if (ctx.req.headers.host === undefined && ctx.req.httpVersion === '1.1') throw new AppError('VALIDATION_ERROR', 'an HTTP/1.1 request must carry a Host header (RFC 9112 §3.2)');
  await next();
}

/**
 * answerUnsupportedRequests puts in the envelope what Node would otherwise answer bare or not at all:
 * an `Expect` other than 100-continue (417, RFC 9110 §10.1.1) and CONNECT (no tunnels here: 405).
 */
export function answerUnsupportedRequests(server: Server): void {
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify({ error: { code: 'VALIDATION_ERROR', message: `Expect: ${String(req.headers.expect).slice(0, 60)} is not supported (only 100-continue)` } });
    res.writeHead(417, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Request-Id': randomUUID(), Connection: 'close' });
    res.end(body);
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => rawAnswer(socket, 405, 'Method Not Allowed', 'METHOD_NOT_ALLOWED', 'CONNECT is not allowed: this server is no proxy'));
}
