import { Router } from '@koa/router';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { requireRole } from '../http/auth.js';
import { principalOf, type AppState } from '../http/state.js';
import { pageQuery, queryText, validate } from '../http/validate.js';
import { listAudit, presentAudit } from './audit.js';

export const AuditQuery = pageQuery.extend({
  action: queryText(100).optional(),
  resource_type: queryText(100).optional(),
  q: queryText(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** auditRoutes: GET /api/v1/audit-log for admins. */
export function auditRoutes(db: Db): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });
  router.get('/audit-log', requireRole('admin'), validate({ query: AuditQuery }, async (ctx, { query }) => {
    const page = await listAudit(db, principalOf(ctx).orgId, {
      action: query.action,
      resourceType: query.resource_type,
      q: query.q,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      limit: query.limit,
      offset: query.offset,
    });
    ctx.body = { ...page, data: page.data.map(presentAudit) };
  }));
  return router;
}
