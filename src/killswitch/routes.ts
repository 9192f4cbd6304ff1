import { Router } from '@koa/router';
import { z } from 'zod';
import { requireRole } from '../http/auth.js';
import { actorOf, principalOf, type AppContext, type AppState } from '../http/state.js';
import { freeText, pageQuery, uuidParam, validate } from '../http/validate.js';
import { Identifier } from '../checks/schema.js';
import { listKillSwitches, presentKillSwitch, type Writer } from './store.js';
import type { KillSwitchService } from './service.js';
import type { Db } from '../db/knex.js';

export const EngageBody = z
  .strictObject({ scope: z.enum(['org', 'agent', 'tool']), target: Identifier.optional(), reason: freeText(1000).trim().min(1) })
  .superRefine((v, ctx) => {
    if (v.scope !== 'org' && !v.target) ctx.addIssue({ code: 'custom', path: ['target'], message: `required for scope "${v.scope}"` });
    if (v.scope === 'org' && v.target) ctx.addIssue({ code: 'custom', path: ['target'], message: 'must be absent for scope "org"' });
  });
export const KillSwitchQuery = pageQuery.extend({ active: z.enum(['true', 'false']).optional() });

function writer(ctx: AppContext): Writer {
  return { orgId: principalOf(ctx).orgId, actor: actorOf(ctx), requestId: ctx.state.requestId };
}

/** killSwitchRoutes: list (admin, reviewer, viewer), engage and release (admin); writes are audited. */
export function killSwitchRoutes(db: Db, service: KillSwitchService): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });
  router.get('/kill-switches', requireRole('admin', 'reviewer', 'viewer'), validate({ query: KillSwitchQuery }, async (ctx, { query }) => {
    const page = await listKillSwitches(db, principalOf(ctx).orgId, query.active === undefined ? undefined : query.active === 'true', query.limit, query.offset);
    ctx.body = { ...page, data: page.data.map(presentKillSwitch) };
  }));
  router.post('/kill-switches', requireRole('admin'), validate({ body: EngageBody }, async (ctx, { body }) => {
    const { killSwitch, resolved, unresolved } = await service.engage(writer(ctx), { scope: body.scope, target: body.target ?? null, reason: body.reason });
    ctx.status = 201;
    ctx.body = { ...presentKillSwitch(killSwitch), resolved_pending: resolved, unresolved_pending: unresolved };
  }));
  router.delete('/kill-switches/:id', requireRole('admin'), validate({ params: z.object({ id: uuidParam }) }, async (ctx, { params }) => {
    await service.release(writer(ctx), params.id);
    ctx.status = 204;
  }));
  return router;
}
