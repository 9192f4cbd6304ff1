import type { DefaultContext } from 'koa';
import type { Router, RouterContext } from '@koa/router';
import type { Actor } from '../audit/audit.js';
import type { Principal, ScimPrincipal } from '../auth/authenticator.js';
import type { Logger } from '../log.js';

/** What middleware puts on ctx.state for the handlers after it. */
export interface AppState {
  requestId: string;
  log: Logger;
  principal?: Principal;
  scim?: ScimPrincipal;
  /** The request body exactly as received (webhook signatures are computed over it). */
  rawBody?: Buffer;
}

export type AppContext = RouterContext<AppState, DefaultContext>;
export type AppRouter = Router<AppState, DefaultContext>;

/** principalOf returns the authenticated caller of an /api/v1 route (the auth middleware ran). */
export function principalOf(ctx: { state: AppState }): Principal {
  const p = ctx.state.principal;
  if (!p) throw new Error('principalOf called on an unauthenticated route');
  return p;
}

/** actorOf names the caller for the audit log. */
export function actorOf(ctx: { state: AppState }): Actor {
  const p = principalOf(ctx);
  return { id: `${p.kind}:${p.credentialId}`, name: p.credentialName };
}

declare module 'koa' {
  interface Request {
    /** The parsed JSON body (see jsonBody). */
    body?: unknown;
  }
}
