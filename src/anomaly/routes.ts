import { Router } from '@koa/router';
import { z } from 'zod';
import { Identifier } from '../checks/schema.js';
import type { Db } from '../db/knex.js';
import { requireRole } from '../http/auth.js';
import { principalOf, type AppState } from '../http/state.js';
import { pageQuery, queryDecimal, validate } from '../http/validate.js';

export const AnomaliesQuery = pageQuery.extend({
  min_score: queryDecimal(0, 1).optional(),
  agent_id: Identifier.optional(),
  decision: z.enum(['allow', 'pending', 'block']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

interface EventRow {
  id: string;
  check_id: string;
  agent_id: string;
  tool_name: string;
  score: number;
  features: unknown;
  decision: string;
  created_at: Date;
}

/** anomalyRoutes: GET /api/v1/anomalies — the org's layer-2 events, newest first. */
export function anomalyRoutes(db: Db): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });
  router.get('/anomalies', requireRole('admin', 'reviewer', 'viewer'), validate({ query: AnomaliesQuery }, async (ctx, { query }) => {
    const q = db('anomaly_events').where({ org_id: principalOf(ctx).orgId });
    if (query.min_score !== undefined) q.andWhere('score', '>=', query.min_score);
    if (query.agent_id) q.andWhere({ agent_id: query.agent_id });
    if (query.decision) q.andWhere({ decision: query.decision });
    if (query.from) q.andWhere('created_at', '>=', new Date(query.from));
    if (query.to) q.andWhere('created_at', '<=', new Date(query.to));
    const [rows, counts] = await Promise.all([
      q.clone().select('id', 'check_id', 'agent_id', 'tool_name', 'score', 'features', 'decision', 'created_at').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(query.limit).offset(query.offset),
      q.clone().count<{ total: number }[]>({ total: '*' }),
    ]);
    ctx.body = {
      data: (rows as EventRow[]).map((r) => ({ ...r, score: Math.round(r.score * 1e4) / 1e4, created_at: r.created_at.toISOString() })),
      limit: query.limit,
      offset: query.offset,
      total: Number(counts[0]?.total ?? 0),
    };
  }));
  return router;
}
