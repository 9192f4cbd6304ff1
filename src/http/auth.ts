import type { Context, Next } from 'koa';
import type { Authenticator } from '../auth/authenticator.js';
import type { Role } from '../auth/roles.js';
import { ForbiddenError } from '../errors.js';
import type { AppState } from './state.js';

/** A path under /scim/v2, in any letter case (the SCIM router accepts any). */
export const SCIM_PATH = /^\/scim\/v2(?:\/|$)/i;

/** Routes under /api/v1 that authenticate themselves (Stripe signs its webhook). */
const SELF_AUTHENTICATED = new Set(['/api/v1/stripe/webhook']);

function header(ctx: Context, name: string): string | undefined {
  const v = ctx.get(name);
  return v === '' ? undefined : v;
}

/**
 * authenticate resolves the caller for /api/v1/* (API key or agent token) and /scim/v2/* (SCIM
 * bearer token) before any routing, so an unauthenticated caller learns nothing about routes.
 */
export function authenticate(auth: Authenticator) {
  return async (ctx: Context & { state: AppState }, next: Next): Promise<void> => {
    // Compared without case: whatever spelling a router would accept (`/SCIM/v2/users`) is authenticated.
    const path = ctx.path.toLowerCase();
    if (path === '/api/v1' || path.startsWith('/api/v1/')) {
      if (!SELF_AUTHENTICATED.has(path)) {
        ctx.state.principal = await auth.authenticateApi(header(ctx, 'x-aegis-api-key'), header(ctx, 'x-aegis-agent-token'));
      }
    } else if (path === '/scim/v2' || path.startsWith('/scim/v2/')) {
      ctx.state.scim = await auth.authenticateScim(header(ctx, 'authorization'));
    }
    await next();
  };
}

/** Marks the roles a route allows, for the OpenAPI generator. */
export const ROUTE_ROLES = Symbol('aegis.route.roles');

/** requireRole lets only callers with one of these roles through (403 FORBIDDEN otherwise). */
export function requireRole(...roles: Role[]) {
  const middleware = async (ctx: { state: AppState }, next: Next): Promise<void> => {
    const role = ctx.state.principal?.role;
    if (!role || !roles.includes(role)) {
      throw new ForbiddenError(`this action needs the role ${roles.join(' or ')}; the credential has the role ${role ?? 'none'}`);
    }
    await next();
  };
  return Object.assign(middleware, { [ROUTE_ROLES]: roles });
}
