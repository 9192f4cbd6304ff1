import { Router } from '@koa/router';
import { z } from 'zod';
import { CATEGORIES } from '../classify/types.js';
import type { Db } from '../db/knex.js';
import { ValidationError } from '../errors.js';
import { requireRole } from '../http/auth.js';
import { actorOf, principalOf, type AppContext, type AppState } from '../http/state.js';
import { freeText, nameText, pageQuery, validate } from '../http/validate.js';
import { DECISIONS, RISK_LEVELS } from '../orgs/settings.js';
import type { PolicyCache } from './cache.js';
import { PLATFORM_DEFAULTS } from './defaults.js';
import { presentPolicy } from './presenter.js';
import { createPolicy, deletePolicy, getPolicy, listOrgPolicies, replacePolicy, type WriteContext } from './store.js';
import { TEMPLATES } from './templates.js';

export const PolicyId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" and "-", at most 64, starting with a letter or digit');
const globs = z.array(z.string().min(1).max(200)).max(100);
export const PolicyMatchSchema = z.strictObject({ tool_names: globs.optional(), agent_ids: globs.optional(), categories: z.array(z.enum(CATEGORIES)).max(8).optional() });

const policyFields = {
  name: nameText(200),
  description: freeText(2000).default(''),
  policy_schema: z.record(z.string(), z.unknown()).optional(),
  risk_level: z.enum(RISK_LEVELS).optional(),
  match: PolicyMatchSchema.nullable().optional(),
  action: z.enum(DECISIONS).nullable().optional(),
  template: z.string().max(64).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  enabled: z.boolean().default(true),
  mode: z.enum(['enforce', 'shadow']).default('enforce'),
};

function eitherSchemaOrTemplate(v: { policy_schema?: unknown; template?: unknown; risk_level?: unknown; params?: unknown }, ctx: z.RefinementCtx): void {
  if (v.template !== undefined && v.policy_schema !== undefined) ctx.addIssue({ code: 'custom', path: ['policy_schema'], message: 'give either policy_schema or template (+ params), not both' });
  if (v.template === undefined && v.policy_schema === undefined) ctx.addIssue({ code: 'custom', path: ['policy_schema'], message: 'required (or a template)' });
  if (v.template === undefined && v.risk_level === undefined) ctx.addIssue({ code: 'custom', path: ['risk_level'], message: 'required' });
  if (v.template === undefined && v.params !== undefined) ctx.addIssue({ code: 'custom', path: ['params'], message: 'params belong to a template' });
}

export const CreatePolicyBody = z.strictObject({ id: PolicyId, ...policyFields }).superRefine(eitherSchemaOrTemplate);
export const ReplacePolicyBody = z.strictObject({ id: PolicyId.optional(), ...policyFields }).superRefine(eitherSchemaOrTemplate);
const IdParams = z.object({ id: PolicyId });

function writer(ctx: AppContext): WriteContext {
  return { orgId: principalOf(ctx).orgId, actor: actorOf(ctx), requestId: ctx.state.requestId };
}

/** policyRoutes: the org's policies (with platform defaults) and the template catalogue. */
export function policyRoutes(db: Db, cache: PolicyCache): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1', sensitive: true });
  const readers = requireRole('admin', 'reviewer', 'viewer');

  router.get('/policies', readers, validate({ query: pageQuery }, async (ctx, { query }) => {
    const own = await listOrgPolicies(db, principalOf(ctx).orgId);
    const ownIds = new Set(own.map((p) => p.id));
    const all = [...PLATFORM_DEFAULTS.filter((p) => !ownIds.has(p.id)), ...own];
    ctx.body = { data: all.slice(query.offset, query.offset + query.limit).map(presentPolicy), limit: query.limit, offset: query.offset, total: all.length };
  }));

  router.get('/policies/:id', readers, validate({ params: IdParams }, async (ctx, { params }) => {
    ctx.body = presentPolicy(await getPolicy(db, principalOf(ctx).orgId, params.id));
  }));

  router.post('/policies', requireRole('admin'), validate({ body: CreatePolicyBody }, async (ctx, { body }) => {
    const policy = await createPolicy(db, writer(ctx), body);
    cache.invalidate(principalOf(ctx).orgId);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/policies/${policy.id}`);
    ctx.body = presentPolicy(policy);
  }));

  router.put('/policies/:id', requireRole('admin'), validate({ params: IdParams, body: ReplacePolicyBody }, async (ctx, { params, body }) => {
    if (body.id !== undefined && body.id !== params.id) throw new ValidationError(`the body's id "${body.id}" differs from the URL's "${params.id}"`, [{ path: 'id', message: 'must equal the id in the URL' }]);
    const { policy, created } = await replacePolicy(db, writer(ctx), { ...body, id: params.id });
    cache.invalidate(principalOf(ctx).orgId);
    ctx.status = created ? 201 : 200;
    if (created) ctx.set('Location', `/api/v1/policies/${policy.id}`);
    ctx.body = presentPolicy(policy);
  }));

  router.delete('/policies/:id', requireRole('admin'), validate({ params: IdParams }, async (ctx, { params }) => {
    await deletePolicy(db, writer(ctx), params.id);
    cache.invalidate(principalOf(ctx).orgId);
    ctx.status = 204;
  }));

  router.get('/policy-templates', readers, validate({ query: pageQuery }, async (ctx, { query }) => {
    const data = TEMPLATES.map((t) => ({ id: t.id, description: t.description, risk_level: t.risk_level, params: z.toJSONSchema(t.params, { io: 'input' }) }));
    ctx.body = { data: data.slice(query.offset, query.offset + query.limit), limit: query.limit, offset: query.offset, total: data.length };
  }));

  return router;
}
