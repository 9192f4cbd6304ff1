import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { serverSpan, tracingEnabled } from '../telemetry/tracing.js';
import type { AppState } from './state.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const API_PATH = /^\/(?:api\/v1|scim\/v2)(?:\/|$)/i;
const UNOBSERVED = new Set(['/metrics']);
/** Not traced: scrape and probe noise (the reference: "/metrics … not traced"). */
const UNTRACED = new Set(['/metrics', '/health', '/ready']);

/**
 * observe gives every request an id (the caller's X-Request-Id when well-formed, else a new UUID),
 * echoes it, times the request into aegis_http_request_duration_seconds by route template, and logs
 * one line per request: method, route, status, duration. Never headers or bodies.
 */
export function observe(log: Logger, metrics: Metrics) {
  return async (ctx: Context & { state: AppState }, next: Next): Promise<void> => {
    const start = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    // The request's logger is made on first use: most requests log one line or none.
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', {
      get: () => (child ??= log.child({ request_id: requestId })),
      set: (v: Logger) => (child = v),
      enumerable: true,
      configurable: true,
    });
    ctx.set('X-Request-Id', requestId);
    // API answers hold secrets shown once (a new key, the webhook secret) and org data: never stored by a
    // browser or proxy, never sniffed into another type.
    if (API_PATH.test(ctx.path)) {
      ctx.set('Cache-Control', 'no-store');
      ctx.set('X-Content-Type-Options', 'nosniff');
    }
    const matchedRoute = (): string => {
      const c = ctx as unknown as { _matchedRoute?: string | RegExp; routeTemplate?: (method: string, path: string) => string | undefined };
      if (typeof c._matchedRoute === 'string') return c._matchedRoute;
      // Answered before routing (authentication, the body): the route it was for, when one exists.
      return (ctx.status >= 400 ? c.routeTemplate?.(ctx.method, ctx.path) : undefined) ?? '(unmatched)';
    };
    try {
      if (tracingEnabled() && !UNTRACED.has(ctx.path)) {
        await serverSpan(ctx.method, ctx.headers, async (span) => {
          try {
            await next();
          } finally {
            span.end(matchedRoute(), ctx.status);
          }
        });
      } else {
        await next();
      }
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = matchedRoute();
      if (!UNOBSERVED.has(ctx.path)) {
        metrics.httpDuration.observe({ method: ctx.method, route, status: String(ctx.status) }, seconds);
        const level = ctx.status >= 500 ? 'error' : 'info';
        if (log.isLevelEnabled(level)) {
          const orgId = ctx.state.principal?.orgId ?? ctx.state.scim?.orgId;
          ctx.state.log[level]({ method: ctx.method, route, status: ctx.status, ms: Math.round(seconds * 1e5) / 100, ...(orgId ? { org_id: orgId } : {}) }, 'request');
        }
      }
    }
  };
}
