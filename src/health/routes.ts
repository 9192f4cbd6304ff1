import { Router } from '@koa/router';
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { AppState } from '../http/state.js';
import type { HealthProbe } from './health.js';

/** healthRoutes: /health (liveness + dependencies), /ready (traffic), /metrics (Prometheus). No key needed. */
export function healthRoutes(probe: HealthProbe, metrics: Metrics): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true });
  router.get('/health', async (ctx) => {
    ctx.body = await probe.health();
  });
  router.get('/ready', async (ctx) => {
    const r = await probe.readiness();
    if (!r.ready) {
      const missing = [!r.db && 'database unreachable', !r.temporal && 'Temporal unreachable', !r.migrations.done && 'migrations pending'].filter(Boolean);
      throw new AppError('UNAVAILABLE', `not ready: ${missing.join(', ')}`, { checks: r });
    }
    ctx.body = { status: 'ready', checks: r };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
