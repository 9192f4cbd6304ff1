import Koa from 'koa';
import { Router } from '@koa/router';
import type { Authenticator } from '../auth/authenticator.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { authenticate } from './auth.js';
import { jsonBody } from './body.js';
import { errorEnvelope, requireHost } from './errors.js';
import { observe } from './observe.js';
import { buildOpenApi } from './openapi.js';
import type { AppState } from './state.js';

/** The route template of a method and path (`/api/v1/check/:id`), if a route answers them. */
export type RouteTemplate = (method: string, path: string) => string | undefined;

export interface AppParts {
  log: Logger;
  metrics: Metrics;
  auth: Authenticator;
  /** Route groups in order; each may carry its own prefix. */
  routers: Array<Router<AppState>>;
  /** Middleware that runs after authentication and before the body is parsed (load shedding). */
  beforeBody?: Array<Koa.Middleware<AppState>>;
}

/**
 * buildApp assembles the HTTP stack: observe (request id, metrics, access log) → error envelope →
 * authentication → JSON body → routes (a request no route answers becomes 404 NOT_FOUND in the
 * envelope). Domain logic lives in the routers' modules.
 */
export function buildApp({ log, metrics, auth, routers, beforeBody = [] }: AppParts): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: false });
  app.silent = true;
  app.use(observe(log, metrics));
  app.use(errorEnvelope);
  app.use(requireHost);
  app.use(authenticate(auth));
  for (const m of beforeBody) app.use(m);
  app.use(jsonBody);
  // One router holding every route: matching walks one route table instead of one per module.
  const root = new Router<AppState>({ sensitive: true });
  for (const router of routers) root.stack.push(...router.stack);
  let openapi: unknown;
  root.get('/openapi.json', async (ctx) => {
    openapi ??= buildOpenApi(root.stack as never);
    ctx.body = openapi;
  });
  app.use(root.routes());
  app.use(root.allowedMethods());
  // For the metrics and the access log of requests answered before routing (401, 413, 415, a body that
  // does not parse): the route they were for, not "(unmatched)".
  (app.context as unknown as { routeTemplate: RouteTemplate }).routeTemplate = (method, path) => {
    const layers = root.match(path, method).pathAndMethod.filter((l) => l.methods.length > 0);
    const last = layers[layers.length - 1];
    return last ? String(last.path) : undefined;
  };
  return app;
}
