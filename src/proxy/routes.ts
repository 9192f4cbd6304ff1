import { Router } from '@koa/router';
import { z } from 'zod';
import type { NotifiedCache } from '../db/notified-cache.js';
import { AppError, NotFoundError } from '../errors.js';
import { requireRole } from '../http/auth.js';
import { principalOf, type AppState } from '../http/state.js';
import { queryInt, validate } from '../http/validate.js';
import type { OrgSettings } from '../orgs/settings.js';
import type { ReviewService } from '../checks/review.js';
import { CheckBody } from '../checks/schema.js';
import type { CheckService } from '../checks/service.js';
import { forward } from './forward.js';

export const ProxyParams = z.object({ upstream: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'an upstream name from the config') });
export const ProxyQuery = z.object({ wait: queryInt(0, 60).default(0) });

/** What the proxy learns of each forwarded call, so the caller can record it as a trace. */
export interface ProxyOutcome {
  orgId: string;
  agentId: string;
  toolName: string;
  arguments: Record<string, unknown>;
  checkId: string;
  startedAt: Date;
  durationMs: number;
  status?: number;
  error?: string;
}

/**
 * proxyRoutes: POST /api/v1/proxy/:upstream (admin, agent). The gateway checks the call; allowed →
 * forwards it to the org's configured upstream and returns its answer; blocked → 403 POLICY_VIOLATION;
 * pending → 202 with the check id, or with ?wait=<s> holds until decided, then forwards or refuses.
 */
export function proxyRoutes(checks: CheckService, reviews: ReviewService, settings: NotifiedCache<OrgSettings>, record: (o: ProxyOutcome) => void): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });
  router.post('/proxy/:upstream', requireRole('admin', 'agent'), validate({ params: ProxyParams, query: ProxyQuery, body: CheckBody }, async (ctx, { params, query, body }) => {
    const principal = principalOf(ctx);
    const upstream = (await settings.get(principal.orgId)).upstreams[params.upstream];
    if (!upstream) throw new NotFoundError(`no upstream "${params.upstream}" is configured (PATCH /api/v1/config { "upstreams": { "${params.upstream}": { "url": … } } })`);
    // The agent names the tool; the admin named the upstream: a tool kill switch on either stops the call.
    const { record: check, evaluation } = await checks.check(principal, body, { upstream: params.upstream });
    ctx.set('X-AEGIS-Check-Id', check.id);
    let decision = evaluation.decision;
    let reason = evaluation.reason;
    if (decision === 'pending') {
      const verdict = await reviews.decision(principal, check.id, query.wait);
      if (verdict.status === 'pending') {
        ctx.status = 202;
        ctx.body = { decision: 'pending', check_id: check.id, policy_name: check.policy_name, reason: check.reason, expires_at: check.expires_at?.toISOString() ?? null };
        return;
      }
      decision = verdict.decision;
      reason = verdict.decision_reason ?? reason;
    }
    if (decision !== 'allow') {
      throw new AppError('POLICY_VIOLATION', `the call was blocked by ${check.policy_name}${reason ? `: ${reason}` : ''}`, {
        policy_name: check.policy_name,
        reason: reason ?? null,
        counterfactual: evaluation.counterfactual ?? null,
        check_id: check.id,
      });
    }
    const startedAt = new Date();
    const outcome: ProxyOutcome = { orgId: principal.orgId, agentId: body.agent_id, toolName: body.tool_name, arguments: check.arguments, checkId: check.id, startedAt, durationMs: 0 };
    try {
      const answer = await forward(params.upstream, upstream, { agent_id: body.agent_id, tool_name: body.tool_name, arguments: body.arguments, check_id: check.id });
      outcome.status = answer.status;
      ctx.status = answer.status;
      if (answer.contentType) ctx.type = answer.contentType;
      ctx.body = answer.body;
    } catch (err) {
      outcome.error = (err as Error).message;
      throw err;
    } finally {
      outcome.durationMs = Date.now() - startedAt.getTime();
      record(outcome);
    }
  }));
  return router;
}
