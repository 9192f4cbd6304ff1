import { Router } from '@koa/router';
import { z } from 'zod';
import { requireRole } from '../http/auth.js';
import { principalOf, type AppState } from '../http/state.js';
import { pageQuery, uuidParam, validate } from '../http/validate.js';
import type { Db } from '../db/knex.js';
import type { AgentTokens } from './agent-tokens.js';
import { createCredential, listCredentials, revokeCredential } from './credentials.js';
import { presentApiKey, presentScimToken } from './presenters.js';
import { ROLES } from './roles.js';

const name = z.string().trim().min(1).max(128);
export const CreateApiKeyBody = z.strictObject({ name, role: z.enum(ROLES) });
export const CreateScimTokenBody = z.strictObject({ name: name.default('scim') });
export const AgentIdParam = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
export const MintAgentTokenBody = z
  .strictObject({ ttl_seconds: z.number().int().min(60).max(365 * 86_400).default(86_400) })
  .default({ ttl_seconds: 86_400 });

export interface IdentityRoutesDeps {
  db: Db;
  tokens: AgentTokens;
}

/** identityRoutes: who am I, API keys, SCIM tokens and agent tokens of the caller's org. */
export function identityRoutes({ db, tokens }: IdentityRoutesDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1' });

  router.get('/me', async (ctx) => {
    const p = principalOf(ctx);
    ctx.body = { org_id: p.orgId, org_name: p.orgName, role: p.role, key_id: p.credentialId, ...(p.agentId ? { agent_id: p.agentId } : {}) };
  });

  router.get('/api-keys', requireRole('admin'), validate({ query: pageQuery }, async (ctx, { query }) => {
    const page = await listCredentials(db, principalOf(ctx).orgId, 'api_key', query.limit, query.offset);
    ctx.body = { ...page, data: page.data.map(presentApiKey) };
  }));

  router.post('/api-keys', requireRole('admin'), validate({ body: CreateApiKeyBody }, async (ctx, { body }) => {
    const { row, secret } = await createCredential(db, { orgId: principalOf(ctx).orgId, kind: 'api_key', name: body.name, role: body.role });
    ctx.status = 201;
    ctx.body = { id: row.id, key: secret, prefix: row.prefix, name: row.name, role: row.role, created_at: row.created_at.toISOString() };
  }));

  router.delete('/api-keys/:id', requireRole('admin'), validate({ params: z.object({ id: uuidParam }) }, async (ctx, { params }) => {
    await revokeCredential(db, principalOf(ctx).orgId, 'api_key', params.id);
    ctx.status = 204;
  }));

  router.get('/scim-tokens', requireRole('admin'), validate({ query: pageQuery }, async (ctx, { query }) => {
    const page = await listCredentials(db, principalOf(ctx).orgId, 'scim_token', query.limit, query.offset);
    ctx.body = { ...page, data: page.data.map(presentScimToken) };
  }));

  router.post('/scim-tokens', requireRole('admin'), validate({ body: CreateScimTokenBody.optional() }, async (ctx, { body }) => {
    const { row, secret } = await createCredential(db, { orgId: principalOf(ctx).orgId, kind: 'scim_token', name: body?.name ?? 'scim' });
    ctx.status = 201;
    ctx.body = { id: row.id, token: secret, prefix: row.prefix, name: row.name, created_at: row.created_at.toISOString() };
  }));

  router.delete('/scim-tokens/:id', requireRole('admin'), validate({ params: z.object({ id: uuidParam }) }, async (ctx, { params }) => {
    await revokeCredential(db, principalOf(ctx).orgId, 'scim_token', params.id);
    ctx.status = 204;
  }));

  router.post('/agents/:agent_id/tokens', requireRole('admin'), validate({ params: z.object({ agent_id: AgentIdParam }), body: MintAgentTokenBody.optional() }, async (ctx, { params, body }) => {
    const ttl = body?.ttl_seconds ?? 86_400;
    const { token, claims } = await tokens.mint(principalOf(ctx).orgId, params.agent_id, ttl);
    ctx.status = 201;
    ctx.body = { token, agent_id: claims.agentId, token_id: claims.tokenId, expires_at: claims.expiresAt.toISOString() };
  }));

  return router;
}
