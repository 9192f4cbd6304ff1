import { Router } from '@koa/router';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import type { AppContext, AppState } from '../http/state.js';
import { isPlainObject, type Json } from './coerce.js';
import { allSchemas, findResourceType, findSchemaDef, resourceTypeDoc, schemaDoc, serviceProviderConfig } from './discovery.js';
import { invalidFilter, invalidSyntax, scimNotFound } from './errors.js';
import { compileFilter, compileSort } from './filter-sql.js';
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from './group-store.js';
import { listRequestFrom, projectionFrom, searchRequestFrom, type ListQuery, type ListRequest, type Projection } from './list-query.js';
import type { PatchOperation } from './patch.js';
import { listResponse, presentGroup, presentUser } from './presenters.js';
import { project, returns } from './projection.js';
import { readGroupBody, readUserBody, readUserReplacement } from './resource-input.js';
import { ERROR_SCHEMA, GROUP_TYPE, PATCH_OP, RESOURCE_TYPES, USER_TYPE, type ResourceType } from './schema.js';
import { checkIfMatch, etagOf, matchesIfNoneMatch, type ScimWriter } from './store-common.js';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './user-store.js';

const SCIM_TYPE = 'application/scim+json';

/** The PATCH body (RFC 7644 §3.5.2); member names are matched case-insensitively. */
export const PatchRequestBody = z.looseObject({
  schemas: z.array(z.string()).optional(),
  operations: z.array(z.looseObject({ op: z.string(), path: z.string().nullish(), value: z.unknown().optional() })).min(1).max(10_000),
});

function lowerKeys(v: unknown): unknown {
  return isPlainObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), x])) : v;
}

/** readPatchBody validates a PatchOp body (400 invalidSyntax naming the field) into operations. */
function readPatchBody(body: unknown): PatchOperation[] {
  const top = lowerKeys(body);
  const parsed = PatchRequestBody.safeParse(isPlainObject(top) && Array.isArray(top.operations) ? { ...top, operations: top.operations.map(lowerKeys) } : top);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidSyntax(`invalid PatchOp request: ${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
  }
  const { schemas, operations } = parsed.data;
  if (schemas && !schemas.some((s) => s.toLowerCase() === PATCH_OP.toLowerCase())) throw invalidSyntax(`schemas must include ${PATCH_OP}`);
  return operations.map((o) => ({ op: o.op, path: o.path, value: o.value }));
}

function writer(ctx: AppContext): ScimWriter {
  const p = ctx.state.scim;
  if (!p) throw new Error('SCIM route reached without a SCIM principal');
  const ifMatch = ctx.get('if-match');
  return { orgId: p.orgId, actor: { id: `scim_token:${p.tokenId}`, name: p.tokenName }, requestId: ctx.state.requestId, ...(ifMatch ? { ifMatch } : {}) };
}

const orgOf = (ctx: AppContext): string => writer(ctx).orgId;

/** What the SCIM routes need of the configuration. */
export interface ScimOptions {
  /** The gateway's public URL (AEGIS_PUBLIC_URL, no trailing slash); unset = the request's own. */
  publicUrl?: string;
}

/**
 * baseUrlOf returns how the absolute /scim/v2 URL for meta.location, Location and $ref is found: the
 * configured public URL, or this request's scheme and Host. X-Forwarded-* headers are not trusted
 * (anyone can send them): behind a TLS-terminating proxy, set the public URL.
 */
function baseUrlOf(opts: ScimOptions): (ctx: AppContext) => string {
  if (opts.publicUrl !== undefined) {
    const base = `${opts.publicUrl}/scim/v2`;
    return () => base;
  }
  return (ctx) => `${ctx.protocol}://${ctx.host}/scim/v2`;
}

function respond(ctx: AppContext, status: number, body: Json, version?: number): void {
  ctx.status = status;
  ctx.type = SCIM_TYPE;
  if (version !== undefined) ctx.set('ETag', etagOf(version));
  ctx.body = body;
}

/**
 * What the routes need of one resource type. Users and Groups share every route; they differ in
 * their store functions and in the read-only attribute filled from the membership table (a user's
 * `groups`, a group's `members`), loaded only when the response will show it.
 */
interface ResourceKind<R extends { row: { version: number } }> {
  type: ResourceType;
  expand: 'groups' | 'members';
  /** Reads a POST body. */
  readBody(body: unknown): Json;
  /** Reads a PUT body (a user's replacement may leave `active` to the store). */
  readReplacement(body: unknown): Json;
  present(rec: R, base: string): Json;
  list(db: Db, orgId: string, query: ListQuery, withExpand: boolean): Promise<{ total: number; records: R[] }>;
  create(db: Db, w: ScimWriter, resource: Json): Promise<R>;
  get(db: Db, orgId: string, id: string, withExpand: boolean): Promise<R>;
  replace(db: Db, w: ScimWriter, id: string, resource: Json, withExpand: boolean): Promise<R>;
  patch(db: Db, w: ScimWriter, id: string, ops: readonly PatchOperation[], withExpand: boolean): Promise<R>;
  remove(db: Db, w: ScimWriter, id: string): Promise<void>;
}

/** A kind with its record type erased, for the table (each kind's functions agree on theirs). */
interface Kind {
  type: ResourceType;
  page(db: Db, orgId: string, query: ListQuery, projection: Projection, base: string): Promise<{ total: number; resources: Json[] }>;
  routes(router: Router<AppState>, db: Db, baseUrl: (ctx: AppContext) => string): void;
}

function kind<R extends { row: { version: number } }>(k: ResourceKind<R>): Kind {
  return {
    type: k.type,
    async page(db, orgId, query, projection, base) {
      const { total, records } = await k.list(db, orgId, query, returns(k.type, projection, k.expand));
      return { total, resources: records.map((r) => project(k.type, k.present(r, base), projection)) };
    },
    routes(router, db, baseUrl) {
      const path = k.type.endpoint;
      const answer = (ctx: AppContext, status: number, rec: R, projection: Projection): void =>
        respond(ctx, status, project(k.type, k.present(rec, baseUrl(ctx)), projection), rec.row.version);
      router.get(path, (ctx) => runList(db, ctx, k.type, listRequestFrom(ctx.query), baseUrl(ctx)));
      router.post(`${path}/.search`, (ctx) => runList(db, ctx, k.type, searchRequestFrom(ctx.request.body), baseUrl(ctx)));
      router.post(path, async (ctx) => {
        const rec = await k.create(db, writer(ctx), k.readBody(ctx.request.body));
        ctx.set('Location', (k.present(rec, baseUrl(ctx)).meta as Json).location as string);
        answer(ctx, 201, rec, projectionFrom(ctx.query));
      });
      router.get(`${path}/:id`, async (ctx) => {
        const projection = projectionFrom(ctx.query);
        const rec = await k.get(db, orgOf(ctx), ctx.params.id!, returns(k.type, projection, k.expand));
        // RFC 7232 §3.1: If-Match holds for GET too (412 when it names another version).
        checkIfMatch(ctx.get('if-match'), rec.row.version);
        if (matchesIfNoneMatch(ctx.get('if-none-match'), rec.row.version)) {
          ctx.status = 304;
          ctx.set('ETag', etagOf(rec.row.version));
          return;
        }
        answer(ctx, 200, rec, projection);
      });
      router.put(`${path}/:id`, async (ctx) => {
        const projection = projectionFrom(ctx.query);
        answer(ctx, 200, await k.replace(db, writer(ctx), ctx.params.id!, k.readReplacement(ctx.request.body), returns(k.type, projection, k.expand)), projection);
      });
      router.patch(`${path}/:id`, async (ctx) => {
        const projection = projectionFrom(ctx.query);
        answer(ctx, 200, await k.patch(db, writer(ctx), ctx.params.id!, readPatchBody(ctx.request.body), returns(k.type, projection, k.expand)), projection);
      });
      router.delete(`${path}/:id`, async (ctx) => {
        await k.remove(db, writer(ctx), ctx.params.id!);
        ctx.status = 204;
      });
    },
  };
}

const KINDS = new Map<ResourceType, Kind>(
  [
    kind({ type: USER_TYPE, expand: 'groups', readBody: readUserBody, readReplacement: readUserReplacement, present: presentUser, list: listUsers, create: createUser, get: getUser, replace: replaceUser, patch: patchUser, remove: deleteUser }),
    kind({ type: GROUP_TYPE, expand: 'members', readBody: readGroupBody, readReplacement: readGroupBody, present: presentGroup, list: listGroups, create: createGroup, get: getGroup, replace: replaceGroup, patch: patchGroup, remove: deleteGroup }),
  ].map((k) => [k.type, k]),
);

function kindOf(rt: ResourceType): Kind {
  const k = KINDS.get(rt);
  if (!k) throw new Error(`no SCIM resource kind for ${rt.name}`);
  return k;
}

/** runList answers a list or .search request for one resource type. */
async function runList(db: Db, ctx: AppContext, rt: ResourceType, { query, projection }: ListRequest, base: string): Promise<void> {
  const page = await listPage(db, orgOf(ctx), rt, query, projection, base);
  respond(ctx, 200, listResponse(page.resources, page.total, query.startIndex));
}

async function listPage(db: Db, orgId: string, rt: ResourceType, query: ListQuery, projection: Projection, base: string): Promise<{ total: number; resources: Json[] }> {
  return kindOf(rt).page(db, orgId, query, projection, base);
}

/**
 * rootSearch is POST /.search (RFC 7644 §3.4.3): the filter runs over every resource type it can
 * apply to (Users, then Groups); pages span the concatenation. A filter no type understands is
 * invalidFilter.
 */
async function rootSearch(db: Db, ctx: AppContext, { query, projection }: ListRequest, base: string): Promise<void> {
  let firstError: unknown;
  const types = RESOURCE_TYPES.filter((rt) => {
    try {
      if (query.filter) compileFilter(rt, query.filter);
      if (query.sortBy) compileSort(rt, query.sortBy);
      return true;
    } catch (err) {
      firstError ??= err;
      return false;
    }
  });
  if (types.length === 0) throw firstError ?? invalidFilter('the filter applies to no resource type');
  const orgId = orgOf(ctx);
  const totals = await Promise.all(types.map(async (rt) => (await listPage(db, orgId, rt, { ...query, count: 0 }, projection, base)).total));
  const resources: Json[] = [];
  let skip = query.startIndex - 1;
  for (const [i, rt] of types.entries()) {
    const total = totals[i]!;
    if (skip >= total) {
      skip -= total;
      continue;
    }
    const want = query.count - resources.length;
    if (want <= 0) break;
    resources.push(...(await listPage(db, orgId, rt, { ...query, startIndex: skip + 1, count: want }, projection, base)).resources);
    skip = 0;
  }
  respond(ctx, 200, listResponse(resources, totals.reduce((a, b) => a + b, 0), query.startIndex));
}

/**
 * notImplemented answers an endpoint of RFC 7644 this server does not offer with 501 in the SCIM
 * error schema: /Me (§3.11 asks for 501 when it is unsupported) and /Bulk (ServiceProviderConfig
 * says bulk is unsupported). The catalog has no 501, so the answer is written here.
 */
function notImplemented(detail: string) {
  return (ctx: AppContext): void => respond(ctx, 501, { schemas: [ERROR_SCHEMA], status: '501', detail });
}

/**
 * scimRoutes: SCIM 2.0 (RFC 7643/7644) under /scim/v2 for the org of the bearer SCIM token —
 * Users and Groups (GET, POST, PUT, PATCH, DELETE, .search), root .search and discovery; /Me and
 * /Bulk answer 501. Every answer is application/scim+json; single resources carry ETag and honour
 * If-Match.
 */
export function scimRoutes(db: Db, opts: ScimOptions = {}): Router<AppState> {
  // Case-insensitive, as IdPs spell resource endpoints (`/users`, `/Users`); authentication covers every spelling.
  const router = new Router<AppState>({ prefix: '/scim/v2' });
  const baseUrl = baseUrlOf(opts);

  // RFC 7644 §4: discovery ignores filters, and answers one with 403 so that no client takes a filter as applied.
  router.use(['/ServiceProviderConfig', '/ResourceTypes', '/Schemas'], async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.query.filter !== undefined) {
      respond(ctx, 403, { schemas: [ERROR_SCHEMA], status: '403', detail: 'the discovery endpoints do not filter (RFC 7644 §4); request them without a filter' });
      return;
    }
    await next();
  });
  router.get('/ServiceProviderConfig', (ctx) => respond(ctx, 200, serviceProviderConfig(baseUrl(ctx))));
  router.get('/ResourceTypes', (ctx) => {
    const docs = RESOURCE_TYPES.map((rt) => resourceTypeDoc(rt, baseUrl(ctx)));
    respond(ctx, 200, listResponse(docs, docs.length, 1));
  });
  router.get('/ResourceTypes/:id', (ctx) => {
    const rt = findResourceType(ctx.params.id!);
    if (!rt) throw scimNotFound(`no resource type ${ctx.params.id}`);
    respond(ctx, 200, resourceTypeDoc(rt, baseUrl(ctx)));
  });
  router.get('/Schemas', (ctx) => {
    const docs = allSchemas().map((s) => schemaDoc(s, baseUrl(ctx)));
    respond(ctx, 200, listResponse(docs, docs.length, 1));
  });
  router.get('/Schemas/:id', (ctx) => {
    const s = findSchemaDef(ctx.params.id!);
    if (!s) throw scimNotFound(`no schema ${ctx.params.id}`);
    respond(ctx, 200, schemaDoc(s, baseUrl(ctx)));
  });
  router.post('/.search', (ctx) => rootSearch(db, ctx, searchRequestFrom(ctx.request.body), baseUrl(ctx)));
  router.register('/Me', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], notImplemented('/Me is not supported: a SCIM token acts for an organisation, not for a user (RFC 7644 §3.11)'));
  router.post('/Bulk', notImplemented('bulk operations are not supported (see bulk.supported in /ServiceProviderConfig); send each operation as its own request'));

  for (const kind of KINDS.values()) kind.routes(router, db, baseUrl);

  return router;
}
