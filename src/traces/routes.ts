import { Router } from '@koa/router';
import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import { MAX_BODY_BYTES } from '../http/body.js';
import type { Db } from '../db/knex.js';
import { requireRole } from '../http/auth.js';
import { principalOf, type AppState } from '../http/state.js';
import { validate } from '../http/validate.js';
import { presentTrace } from './presenter.js';
import { TracesBody, TracesQuery } from './schema.js';
import type { TraceService } from './service.js';
import { listTraces } from './store.js';

/**
 * traceRoutes: POST /api/v1/traces (admin, agent; agent tokens their own agent's) answers 201 with
 * the ids before the traces are written; GET /api/v1/traces (admin, reviewer, viewer) lists them.
 */
/**
 * shedTraces refuses POST /api/v1/traces from callers allowed to send traces while the buffer is
 * (nearly) full, before the body is parsed: shedding load must be cheap. The body is read and
 * dropped so the connection stays usable.
 */
export function shedTraces(service: TraceService): Middleware<AppState> {
  return async (ctx, next) => {
    const role = ctx.state.principal?.role;
    // Decided before the body is read: the buffer may drain meanwhile, and a read body cannot be parsed again.
    const refusal = ctx.method === 'POST' && ctx.path === '/api/v1/traces' && (role === 'admin' || role === 'agent') ? service.refusal(ctx.state.principal?.orgId) : undefined;
    if (refusal) {
      await getRawBody(ctx.req, { limit: MAX_BODY_BYTES }).catch(() => undefined);
      throw refusal;
    }
    await next();
  };
}

export function traceRoutes(db: Db, service: TraceService): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });

  router.post('/traces', requireRole('admin', 'agent'), validate({ body: TracesBody }, async (ctx, { body }) => {
    const ids = await service.ingest(principalOf(ctx), body.traces);
    ctx.status = 201;
    ctx.body = body.batch ? { ids } : { id: ids[0] };
  }));

  router.get('/traces', requireRole('admin', 'reviewer', 'viewer'), validate({ query: TracesQuery }, async (ctx, { query }) => {
    const page = await listTraces(db, principalOf(ctx).orgId, query);
    ctx.body = { data: page.data.map(presentTrace), limit: query.limit, offset: query.offset, total: page.total, total_exact: page.total_exact, next_cursor: page.next_cursor };
  }));

  return router;
}
