import { Router } from '@koa/router';
import { requireRole } from '../http/auth.js';
import { principalOf, type AppState } from '../http/state.js';
import { billingOverview, type OverviewDeps } from './overview.js';
import { presentBilling } from './presenter.js';
import type { StripeWebhook } from './webhook.js';

/**
 * billingRoutes: POST /api/v1/stripe/webhook (authenticated by Stripe's signature, not an API key)
 * and GET /api/v1/billing (admin, viewer).
 */
export function billingRoutes(webhook: StripeWebhook, overview: OverviewDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });
  router.post('/stripe/webhook', async (ctx) => {
    const event = webhook.verify(ctx.state.rawBody, ctx.get('stripe-signature') || undefined);
    ctx.body = { received: true, ...(await webhook.handle(event, ctx.state.requestId)) };
  });
  router.get('/billing', requireRole('admin', 'viewer'), async (ctx) => {
    ctx.body = presentBilling(await billingOverview(overview, principalOf(ctx).orgId));
  });
  return router;
}
