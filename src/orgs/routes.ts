import { Router } from '@koa/router';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import type { NotifiedCache } from '../db/notified-cache.js';
import { requireRole } from '../http/auth.js';
import { actorOf, principalOf, type AppState } from '../http/state.js';
import { validate } from '../http/validate.js';
import { recordAudit } from '../audit/audit.js';
import { bounded } from '../checks/schema.js';
import { webhookSecret } from '../checks/webhook.js';
import { ssrfProblem } from '../classify/detectors/urls.js';
import { ValidationError } from '../errors.js';
import { patchSettings, presentSettings, type OrgSettings } from './settings.js';

/**
 * A JSON merge patch of the settings; the merged result is validated as a whole. Bounded in depth
 * and size first: the merge recurses, and no setting is nested more than a few levels.
 */
export const PatchConfigBody = z.record(z.string(), z.unknown()).superRefine(bounded);

/**
 * credentialsIn: a URL with user:password. Settings are shown to every reader of the org (viewers
 * too), so credentials go where they are never shown back: an upstream's headers; webhooks are signed.
 */
function credentialsIn(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false; // the schema reports a URL that does not parse
  }
}

/**
 * checkWebhookUrl refuses reviewer webhooks aimed at loopback, private or metadata addresses (the
 * gateway would otherwise make requests into its own network for any admin), unless the operator
 * allows them with AEGIS_WEBHOOK_ALLOW_PRIVATE=true; and any carrying credentials.
 */
function checkWebhookUrl(body: Record<string, unknown>, allowPrivate: boolean): void {
  const url = body.reviewer_webhook_url;
  if (typeof url === 'string' && credentialsIn(url)) {
    throw new ValidationError('reviewer_webhook_url must not carry credentials (user:password@): settings are shown to every reader of the org; check the X-AEGIS-Signature of each delivery instead', [{ path: 'reviewer_webhook_url', message: 'must not carry credentials' }]);
  }
  if (typeof url !== 'string' || allowPrivate) return;
  const problem = ssrfProblem(url);
  if (problem) throw new ValidationError(`reviewer_webhook_url is not allowed: ${problem} (set AEGIS_WEBHOOK_ALLOW_PRIVATE=true to allow private addresses)`, [{ path: 'reviewer_webhook_url', message: problem }]);
}

/** checkUpstreams refuses proxy upstreams on internal addresses unless the admin marks them `internal`, URLs with credentials, and header values no request can carry. */
function checkUpstreams(body: Record<string, unknown>): void {
  const upstreams = body.upstreams;
  if (!upstreams || typeof upstreams !== 'object') return;
  for (const [name, u] of Object.entries(upstreams as Record<string, unknown>)) {
    const up = u as { url?: unknown; internal?: unknown; headers?: unknown } | null;
    if (up && typeof up.url === 'string' && credentialsIn(up.url)) {
      throw new ValidationError(`upstreams.${name}.url must not carry credentials (user:password@): give them as headers, which are never shown back`, [{ path: `upstreams.${name}.url`, message: 'must not carry credentials' }]);
    }
    const headers = up?.headers && typeof up.headers === 'object' ? (up.headers as Record<string, unknown>) : {};
    for (const [header, value] of Object.entries(headers)) {
      // RFC 9110 §5.5: visible characters, spaces and tabs; a CR or LF would split the request (and fetch refuses it).
      if (typeof value === 'string' && !/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) {
        throw new ValidationError(`upstreams.${name}.headers.${header} holds a character a header value cannot (a line break, a control character or one above U+00FF)`, [{ path: `upstreams.${name}.headers.${header}`, message: 'not a valid header value' }]);
      }
    }
    if (!up || typeof up.url !== 'string' || up.internal === true) continue;
    const problem = ssrfProblem(up.url);
    if (problem) throw new ValidationError(`upstreams.${name}.url is not allowed: ${problem} (mark the upstream "internal": true if it is meant to be)`, [{ path: `upstreams.${name}.url`, message: problem }]);
  }
}

/** configRoutes: GET /api/v1/config (admins, reviewers, viewers) and PATCH (admins, audited). */
export function configRoutes(db: Db, settings: NotifiedCache<OrgSettings>, opts: { allowPrivateWebhooks: boolean }): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });
  router.get('/config', requireRole('admin', 'reviewer', 'viewer'), async (ctx) => {
    const principal = principalOf(ctx);
    ctx.body = presentSettings(await settings.get(principal.orgId), { maskUrls: principal.role !== 'admin' });
  });
  router.patch('/config', requireRole('admin'), validate({ body: PatchConfigBody }, async (ctx, { body }) => {
    const orgId = principalOf(ctx).orgId;
    checkWebhookUrl(body, opts.allowPrivateWebhooks);
    checkUpstreams(body);
    const updated = await patchSettings(db, orgId, body, actorOf(ctx), ctx.state.requestId);
    settings.invalidate(orgId);
    ctx.body = presentSettings(updated);
  }));
  // The secret that signs reviewer webhooks (X-AEGIS-Signature); created on first read.
  router.get('/config/webhook-secret', requireRole('admin'), async (ctx) => {
    ctx.body = { secret: await webhookSecret(db, principalOf(ctx).orgId) };
  });
  // Nothing to give: an empty object or no body; anything else is refused rather than ignored.
  router.post('/config/webhook-secret/rotate', requireRole('admin'), validate({ body: z.strictObject({}).optional() }, async (ctx) => {
    const orgId = principalOf(ctx).orgId;
    const secret = await db.transaction(async (trx) => {
      const s = await webhookSecret(trx, orgId, true);
      await recordAudit(trx, { orgId, actor: actorOf(ctx), action: 'config.webhook_secret.rotate', resourceType: 'config', resourceId: orgId, requestId: ctx.state.requestId });
      return s;
    });
    ctx.body = { secret };
  }));
  return router;
}
