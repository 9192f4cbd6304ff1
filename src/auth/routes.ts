import { Router } from '@koa/router';
import { z } from 'zod';
import { requireRole } from '../http/auth.js';
import { recordAudit } from '../audit/audit.js';
import { actorOf, principalOf, type AppContext, type AppState } from '../http/state.js';
import { nameText, pageQuery, uuidParam, validate } from '../http/validate.js';
import type { Db } from '../db/knex.js';
import type { AgentTokens } from './agent-tokens.js';
import { AGENT_TOKEN_REVOCATIONS_CHANNEL, type TokenRevocations } from './token-revocations.js';
import { createCredential, listCredentials, revokeCredential } from './credentials.js';
import { presentApiKey, presentScimToken } from './presenters.js';
import { ValidationError } from '../errors.js';
import { isUserActive } from '../scim/reviewers.js';
import { ROLES } from './roles.js';

const name = nameText(128);
export const CreateApiKeyBody = z.strictObject({ name, role: z.enum(ROLES), user_id: z.uuid({ error: 'must be a UUID' }).optional() });
export const CreateScimTokenBody = z.strictObject({ name: name.default('scim') });
export const AgentIdParam = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
export const MintAgentTokenBody = z
  .strictObject({ ttl_seconds: z.number().int().min(60).max(365 * 86_400).default(86_400) })
  .default({ ttl_seconds: 86_400 });

/** audited runs a credential change and its audit entry in one transaction. */
function audited<T>(db: Db, ctx: AppContext, action: string, resourceType: string, change: (trx: Db) => Promise<{ result: T; id: string; before?: unknown; after?: unknown; unchanged?: boolean }>): Promise<T> {
  return db.transaction(async (trx) => {
    const { result, id, before, after, unchanged } = await change(trx);
    // A repeated revoke changes nothing, and records nothing.
    if (!unchanged) await recordAudit(trx, { orgId: principalOf(ctx).orgId, actor: actorOf(ctx), action, resourceType, resourceId: id, before, after, requestId: ctx.state.requestId });
    return result;
  });
}

export interface IdentityRoutesDeps {
  db: Db;
  tokens: AgentTokens;
  /** This replica's copy of the revocations, dropped at once when one is added. */
  revocations?: Pick<TokenRevocations, 'changed'>;
}

/** identityRoutes: who am I, API keys, SCIM tokens and agent tokens of the caller's org. */
export function identityRoutes({ db, tokens, revocations }: IdentityRoutesDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });

  router.get('/me', async (ctx) => {
    const p = principalOf(ctx);
    let user: { id: string; userName: string; emails: string[] } | undefined;
    if (p.user) {
      const emails = (await db('scim_user_emails').select('value').where({ org_id: p.orgId, user_id: p.user.id }).orderBy('value')) as Array<{ value: string }>;
      user = { id: p.user.id, userName: p.user.userName, emails: emails.map((e) => e.value) };
    }
    ctx.body = { org_id: p.orgId, org_name: p.orgName, role: p.role, key_id: p.credentialId, ...(p.agentId ? { agent_id: p.agentId } : {}), ...(user ? { user } : {}) };
  });

  router.get('/api-keys', requireRole('admin'), validate({ query: pageQuery }, async (ctx, { query }) => {
    const page = await listCredentials(db, principalOf(ctx).orgId, 'api_key', query.limit, query.offset);
    ctx.body = { ...page, data: page.data.map(presentApiKey) };
  }));

  router.post('/api-keys', requireRole('admin'), validate({ body: CreateApiKeyBody }, async (ctx, { body }) => {
    const orgId = principalOf(ctx).orgId;
    if (body.user_id && !(await isUserActive(db, orgId, body.user_id))) {
      throw new ValidationError(`user_id ${body.user_id} is not an active SCIM user of this org`, [{ path: 'user_id', message: 'not an active user of this org' }]);
    }
    const { row, secret } = await audited(db, ctx, 'api_key.create', 'api_key', async (trx) => {
      const created = await createCredential(trx, { orgId, kind: 'api_key', name: body.name, role: body.role, userId: body.user_id });
      return { result: created, id: created.row.id, after: presentApiKey(created.row) };
    });
    ctx.status = 201;
    ctx.body = { id: row.id, key: secret, prefix: row.prefix, name: row.name, role: row.role, user_id: row.user_id, created_at: row.created_at.toISOString() };
  }));

  router.delete('/api-keys/:id', requireRole('admin'), validate({ params: z.object({ id: uuidParam }) }, async (ctx, { params }) => {
    await audited(db, ctx, 'api_key.revoke', 'api_key', async (trx) => {
      const { row, revokedNow } = await revokeCredential(trx, principalOf(ctx).orgId, 'api_key', params.id);
      return { result: row, id: row.id, before: revokedNow ? presentApiKey({ ...row, revoked_at: null }) : undefined, after: presentApiKey(row), unchanged: !revokedNow };
    });
    ctx.status = 204;
  }));

  router.get('/scim-tokens', requireRole('admin'), validate({ query: pageQuery }, async (ctx, { query }) => {
    const page = await listCredentials(db, principalOf(ctx).orgId, 'scim_token', query.limit, query.offset);
    ctx.body = { ...page, data: page.data.map(presentScimToken) };
  }));

  router.post('/scim-tokens', requireRole('admin'), validate({ body: CreateScimTokenBody.optional() }, async (ctx, { body }) => {
    const { row, secret } = await audited(db, ctx, 'scim_token.create', 'scim_token', async (trx) => {
      const created = await createCredential(trx, { orgId: principalOf(ctx).orgId, kind: 'scim_token', name: body?.name ?? 'scim' });
      return { result: created, id: created.row.id, after: presentScimToken(created.row) };
    });
    ctx.status = 201;
    ctx.body = { id: row.id, token: secret, prefix: row.prefix, name: row.name, created_at: row.created_at.toISOString() };
  }));

  router.delete('/scim-tokens/:id', requireRole('admin'), validate({ params: z.object({ id: uuidParam }) }, async (ctx, { params }) => {
    await audited(db, ctx, 'scim_token.revoke', 'scim_token', async (trx) => {
      const { row, revokedNow } = await revokeCredential(trx, principalOf(ctx).orgId, 'scim_token', params.id);
      return { result: row, id: row.id, before: revokedNow ? presentScimToken({ ...row, revoked_at: null }) : undefined, after: presentScimToken(row), unchanged: !revokedNow };
    });
    ctx.status = 204;
  }));

  router.post('/agents/:agent_id/tokens', requireRole('admin'), validate({ params: z.object({ agent_id: AgentIdParam }), body: MintAgentTokenBody.optional() }, async (ctx, { params, body }) => {
    const ttl = body?.ttl_seconds ?? 86_400;
    const { token, claims } = await audited(db, ctx, 'agent_token.create', 'agent_token', async () => {
      const minted = await tokens.mint(principalOf(ctx).orgId, params.agent_id, ttl);
      return { result: minted, id: minted.claims.tokenId, after: { agent_id: params.agent_id, expires_at: minted.claims.expiresAt.toISOString() } };
    });
    ctx.status = 201;
    ctx.body = { token, agent_id: claims.agentId, token_id: claims.tokenId, expires_at: claims.expiresAt.toISOString() };
  }));

  /**
   * Revokes one agent token (by the token_id it was minted with) or, without one, every token of the
   * agent minted before now: refused on every replica from the next request on. Idempotent (204).
   */
  const revoke = async (ctx: AppContext, agentId: string, tokenId: string | undefined): Promise<void> => {
    const orgId = principalOf(ctx).orgId;
    await audited(db, ctx, tokenId ? 'agent_token.revoke' : 'agent_token.revoke_all', 'agent_token', async (trx) => {
      const actor = actorOf(ctx);
      const inserted = (await trx('agent_token_revocations')
        .insert({ org_id: orgId, agent_id: agentId, token_id: tokenId ?? null, revoked_by: actor.name ? `${actor.id} (${actor.name})` : actor.id })
        .onConflict(trx.raw('(org_id, token_id) where token_id is not null'))
        .ignore()
        .returning(['revoked_at'])) as Array<{ revoked_at: Date }>;
      await trx.raw('select pg_notify(?, ?)', [AGENT_TOKEN_REVOCATIONS_CHANNEL, orgId]);
      const revokedAt = inserted[0]?.revoked_at;
      return { result: undefined, id: tokenId ?? agentId, after: { agent_id: agentId, token_id: tokenId ?? null, revoked_at: revokedAt?.toISOString() ?? null }, unchanged: inserted.length === 0 };
    });
    revocations?.changed(orgId);
    ctx.status = 204;
  };
  router.delete('/agents/:agent_id/tokens/:token_id', requireRole('admin'), validate({ params: z.object({ agent_id: AgentIdParam, token_id: uuidParam }) }, async (ctx, { params }) => {
    await revoke(ctx, params.agent_id, params.token_id);
  }));
  router.delete('/agents/:agent_id/tokens', requireRole('admin'), validate({ params: z.object({ agent_id: AgentIdParam }) }, async (ctx, { params }) => {
    await revoke(ctx, params.agent_id, undefined);
  }));

  return router;
}
