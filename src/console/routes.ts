import { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { NotFoundError } from '../errors.js';
import type { AppState } from '../http/state.js';
import { validate } from '../http/validate.js';
import { loadConsoleAssets, type ConsoleAsset } from './assets.js';

/**
 * Headers on every console response. The page runs only its own scripts and styles and talks only to
 * its own origin (the public API); it may not be framed (clickjacking a reviewer into approving).
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
});

export const ConsoleAssetParams = z.object({ file: z.string().min(1).max(64) });

function send(ctx: Context, asset: ConsoleAsset): void {
  // Revalidated on every load (cheap: an ETag match is a 304), so an upgraded gateway serves its own console.
  ctx.set('Cache-Control', 'no-cache');
  ctx.status = 200; // ctx.fresh compares validators only on a 2xx response
  ctx.type = asset.type;
  ctx.etag = asset.etag;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = asset.body;
}

/**
 * consoleRoutes serves the reviewer console — static HTML, CSS and ES modules read once at start-up —
 * at /console, without a key: the page signs in with an API key held in the tab's sessionStorage and
 * calls the public /api/v1 like any client.
 */
export function consoleRoutes(assets: Map<string, ConsoleAsset> = loadConsoleAssets()): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true });
  const index = assets.get('index.html');
  if (!index) throw new Error('the reviewer console has no index.html');
  router.use('/console', async (ctx, next) => {
    ctx.set(CONSOLE_HEADERS);
    await next();
  });
  router.get('/console', async (ctx) => send(ctx, index));
  router.get('/console/:file', validate({ params: ConsoleAssetParams }, async (ctx, { params }) => {
    const asset = assets.get(params.file);
    if (!asset) throw new NotFoundError(`the console has no file ${JSON.stringify(params.file)}`);
    send(ctx, asset);
  }));
  return router;
}
