import { Router } from '@koa/router';
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
export function traceRoutes(db: Db, service: TraceService): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1' });

  // While the buffer is full, requests are refused before validation: shedding load must be cheap.
  const accepting = async (_ctx: unknown, next: () => Promise<unknown>): Promise<void> => {
    service.assertAccepting();
    await next();
  };
  router.post('/traces', requireRole('admin', 'agent'), accepting, validate({ body: TracesBody }, async (ctx, { body }) => {
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
