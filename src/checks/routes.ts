import { Router } from '@koa/router';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { requireRole } from '../http/auth.js';
import { principalOf, type AppState } from '../http/state.js';
import { freeText, nameText, pageQuery, queryInt, uuidParam, validate } from '../http/validate.js';
import { presentCheck, presentDecision, presentVerdict } from './presenter.js';
import { RESERVED_DECIDERS, type ReviewService } from './review.js';
import { CheckBody, Identifier } from './schema.js';
import type { CheckService } from './service.js';
import { getCheck, listChecks } from './store.js';
import { receiptOf } from '../tlog/store.js';


export const ReviewBody = z.strictObject({
  decision: z.enum(['allow', 'block']),
  // The names the gateway decides under: a reviewer's decision must not read as a timeout or a kill switch in the log.
  decided_by: nameText(256).refine((v) => !RESERVED_DECIDERS.test(v), 'names a decider the gateway reserves for itself (policy, timeout, kill-switch, anomaly, system:…)'),
  reason: freeText(2000).optional(),
});
export const DecisionQuery = z.object({ wait: queryInt(0, 60).default(0) });
export const ChecksQuery = pageQuery.extend({ status: z.enum(['pending', 'decided']).optional(), agent_id: Identifier.optional() });
const IdParams = z.object({ id: uuidParam });

/**
 * checkRoutes: POST /api/v1/check (admin, agent), GET /api/v1/check/:id and its /decision (any role;
 * agent tokens their own agent's), PATCH /api/v1/check/:id (admin, reviewer), GET /api/v1/checks.
 */
export function checkRoutes(db: Db, service: CheckService, reviews: ReviewService): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });

  router.post('/check', requireRole('admin', 'agent'), validate({ body: CheckBody }, async (ctx, { body }) => {
    const { record, evaluation, persisted } = await service.check(principalOf(ctx), body);
    if (!persisted) ctx.set('X-AEGIS-Degraded', 'not-recorded');
    ctx.body = presentDecision(record, evaluation);
  }));

  // Reads carry the transparency-log receipt ({ leaf_index, tree_size, … }) once integrated, else null.
  router.get('/check/:id', validate({ params: IdParams }, async (ctx, { params }) => {
    const check = await getCheck(db, principalOf(ctx), params.id);
    ctx.body = { ...presentCheck(check), log: await receiptOf(db, check.org_id, check.id) };
  }));

  router.get('/check/:id/decision', validate({ params: IdParams, query: DecisionQuery }, async (ctx, { params, query }) => {
    const check = await reviews.decision(principalOf(ctx), params.id, query.wait);
    ctx.body = { ...presentVerdict(check), log: check.status === 'decided' ? await receiptOf(db, check.org_id, check.id) : null };
  }));

  router.patch('/check/:id', requireRole('admin', 'reviewer'), validate({ params: IdParams, body: ReviewBody }, async (ctx, { params, body }) => {
    const check = await reviews.decide(principalOf(ctx), params.id, body);
    ctx.body = { ...presentCheck(check), log: await receiptOf(db, check.org_id, check.id) };
  }));

  router.get('/checks', requireRole('admin', 'reviewer', 'viewer'), validate({ query: ChecksQuery }, async (ctx, { query }) => {
    const { data, total } = await listChecks(db, principalOf(ctx), { status: query.status, agentId: query.agent_id, limit: query.limit, offset: query.offset });
    ctx.body = { data: data.map(presentCheck), limit: query.limit, offset: query.offset, total };
  }));

  return router;
}
