import type { Layer } from '@koa/router';
import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { VERSION } from '../version.js';
import { ROUTE_ROLES } from './auth.js';
import { ROUTE_SCHEMAS, type Schemas } from './validate.js';

type Json = Record<string, unknown>;

/** Successful answers that are not 200 (POST creates → 201 unless listed, DELETE → 204). */
const OK_200_POSTS = new Set(['/api/v1/check', '/api/v1/proxy/:upstream', '/api/v1/config/webhook-secret/rotate', '/api/v1/stripe/webhook', '/scim/v2/.search', '/scim/v2/Users/.search', '/scim/v2/Groups/.search']);

const PUBLIC_PATHS = new Set(['/health', '/ready', '/metrics', '/openapi.json', '/api/v1/stripe/webhook']);

/** Answers particular operations give beyond the ones every operation of their kind gives. */
const EXTRA: Record<string, (scim: boolean) => Json> = {
  'PATCH /api/v1/check/:id': () => ({ '409': errorResponse('CONFLICT: already decided (with who), or `allow` while a kill switch covers the check') }),
  'POST /api/v1/proxy/:upstream': () => ({
    '202': { description: 'pending: a reviewer must decide (`{ decision: "pending", check_id }`)', content: { 'application/json': { schema: {} } } },
    '403': errorResponse('POLICY_VIOLATION (blocked: policy_name, reason, counterfactual, check_id) or FORBIDDEN'),
    '502': errorResponse('PROXY_UPSTREAM_FAILED: the upstream could not be reached or answered 5xx'),
    '504': errorResponse('PROXY_UPSTREAM_TIMEOUT: the upstream did not answer in time'),
  }),
};

/** SCIM answers by method (RFC 7644): conflicts on writes, preconditions on single resources. */
function scimExtra(method: string, path: string): Json {
  const single = path.endsWith('/:id');
  return {
    ...(['POST', 'PUT', 'PATCH'].includes(method) && !path.endsWith('.search') ? { '409': scimErrorResponse('uniqueness: a duplicate userName or group displayName') } : {}),
    ...(single ? { '412': scimErrorResponse('If-Match names another version') } : {}),
    ...(single && method === 'GET' ? { '304': { description: 'If-None-Match names the current version' } } : {}),
  };
}

/** SCIM's query parameters (RFC 7644 §3.4.2, §3.9): a list's filter, sort and page; any answer's projection. */
function scimParameters(method: string, path: string): Json[] {
  const q = (name: string, schema: Json, description: string): Json => ({ name, in: 'query', required: false, schema, description });
  const resources = /\/(?:Users|Groups)(?:\/:id)?$/i.test(path);
  const list = method === 'GET' && /\/(?:Users|Groups)$/i.test(path);
  return [
    ...(list
      ? [
          q('filter', { type: 'string', maxLength: 8192 }, 'RFC 7644 §3.4.2.2 filter'),
          q('startIndex', { type: 'integer', minimum: 1 }, '1-based index of the first result'),
          q('count', { type: 'integer', minimum: 0 }, 'results per page'),
          q('sortBy', { type: 'string' }, 'attribute path to sort by'),
          q('sortOrder', { enum: ['ascending', 'descending'] }, 'sort order'),
        ]
      : []),
    ...(resources && method !== 'DELETE'
      ? [q('attributes', { type: 'string' }, 'comma-separated attributes to return'), q('excludedAttributes', { type: 'string' }, 'comma-separated attributes to leave out')]
      : []),
  ];
}

function scimErrorResponse(description: string): Json {
  return { description, content: { 'application/scim+json': { schema: { $ref: '#/components/schemas/ScimError' } } } };
}

function jsonSchema(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out.$schema;
  return out;
}

function parameters(where: 'path' | 'query', schema: z.ZodType | undefined, pathParams: string[]): Json[] {
  const params: Json[] = [];
  const props = schema ? ((jsonSchema(schema).properties ?? {}) as Record<string, Json>) : {};
  const required = schema ? new Set(((jsonSchema(schema).required ?? []) as string[])) : new Set<string>();
  const names = where === 'path' ? pathParams : Object.keys(props);
  for (const name of names) {
    params.push({ name, in: where, required: where === 'path' ? true : required.has(name), schema: props[name] ?? { type: 'string' } });
  }
  return params;
}

function errorResponse(description: string): Json {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

/**
 * buildOpenApi describes every route of the app from the route table itself: paths and methods from
 * the router, request schemas from the very zod schemas `validate()` checks requests against, roles
 * from `requireRole()`. A route cannot exist without appearing here, and cannot drift from it.
 */
export function buildOpenApi(stack: ReadonlyArray<Layer<never, never>>): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const layer of stack) {
    const methods = layer.methods.filter((m) => m !== 'HEAD');
    const path = String(layer.path);
    // The console's HTML and assets are pages for people, not API operations.
    if (methods.length === 0 || path === '/console' || path.startsWith('/console/')) continue;
    const pathParams = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
    const oaPath = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const middlewares = layer.stack as unknown as Array<Record<symbol, unknown>>;
    const schemas = (middlewares.find((m) => m[ROUTE_SCHEMAS])?.[ROUTE_SCHEMAS] ?? {}) as Schemas;
    const roles = middlewares.find((m) => m[ROUTE_ROLES])?.[ROUTE_ROLES] as string[] | undefined;
    for (const method of methods) {
      const lower = method.toLowerCase();
      const success = method === 'DELETE' ? '204' : method === 'POST' && !OK_200_POSTS.has(path) ? '201' : '200';
      const scim = path.startsWith('/scim/v2');
      const isPublic = PUBLIC_PATHS.has(path);
      const unsupported = scim && (path === '/scim/v2/Me' || path === '/scim/v2/Bulk');
      const error = (description: string): Json => (scim ? scimErrorResponse(description) : errorResponse(description));
      const operation: Json = {
        operationId: `${lower}${oaPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
        summary: `${method} ${path}${roles ? ` (roles: ${roles.join(', ')})` : ''}`,
        tags: [scim ? 'SCIM 2.0' : path.split('/')[3] ?? path.split('/')[1] ?? 'gateway'],
        parameters: [...parameters('path', schemas.params, pathParams), ...parameters('query', schemas.query, []), ...(scim && !unsupported ? scimParameters(method, path) : [])],
        responses: unsupported
          ? { '401': error('no valid SCIM token'), '501': error('not supported (RFC 7644 §3.11 for /Me; bulk.supported is false)') }
          : {
              [success]: {
                description: success === '204' ? 'done' : 'success',
                headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } },
                ...(success === '204' ? {} : { content: { [scim ? 'application/scim+json' : 'application/json']: { schema: {} } } }),
              },
              ...(schemas.body || schemas.query || schemas.params || scim ? { '400': error(scim ? 'invalidFilter, invalidPath, invalidValue, invalidSyntax, mutability, noTarget (scimType)' : 'VALIDATION_ERROR: malformed JSON or invalid fields (details name each)') } : {}),
              ...(isPublic ? {} : { '401': error('UNAUTHORIZED: missing, unknown, revoked or wrong-kind credential') }),
              ...(roles ? { '403': error(`FORBIDDEN: needs the role ${roles.join(' or ')}`) } : {}),
              ...(pathParams.length > 0 ? { '404': error('NOT_FOUND: unknown id, or another org’s') } : {}),
              ...(schemas.body || (scim && method !== 'GET' && method !== 'DELETE') ? { '413': error('PAYLOAD_TOO_LARGE: body over 1 MiB'), '415': error('UNSUPPORTED_MEDIA_TYPE: the body is not JSON') } : {}),
              ...(scim ? scimExtra(method, path) : {}),
              ...(EXTRA[`${method} ${path}`]?.(scim) ?? {}),
              '429': { ...error('RATE_LIMITED'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds to wait' } } },
              '500': error('INTERNAL'),
              '503': error('UNAVAILABLE: a dependency cannot be reached'),
            },
      };
      if (schemas.body) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(schemas.body) } } };
      if (!isPublic) operation.security = scim ? [{ scimBearer: [] }] : [{ apiKey: [] }, { agentToken: [] }];
      (paths[oaPath] ??= {})[lower] = operation;
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'AEGIS gateway', version: VERSION, description: 'Tool-call gateway for AI agents: allow / block / pending decisions, human review on Temporal, a signed Merkle transparency log.' },
    servers: [{ url: 'http://localhost:8080', description: 'self-host / desktop' }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-AEGIS-API-Key', description: 'An org API key (aeg_…); roles admin, reviewer, agent, viewer.' },
        agentToken: { type: 'apiKey', in: 'header', name: 'X-AEGIS-Agent-Token', description: 'An agent JWT (EdDSA) minted by an admin; acts only as its own agent.' },
        scimBearer: { type: 'http', scheme: 'bearer', description: 'A SCIM token (scim_…), valid only under /scim/v2.' },
      },
      headers: { RequestId: { description: 'The request id (the caller’s X-Request-Id when well-formed)', schema: { type: 'string' } } },
      schemas: {
        ScimError: {
          type: 'object',
          description: 'RFC 7644 §3.12',
          required: ['schemas', 'status'],
          properties: {
            schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:Error' } },
            status: { type: 'string' },
            scimType: { type: 'string' },
            detail: { type: 'string' },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: Object.keys(ERROR_CODES) },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
                retry_after_seconds: { type: 'number' },
                policy_name: { type: 'string' },
                counterfactual: { type: 'string' },
              },
              additionalProperties: true,
            },
          },
        },
      },
    },
  };
}
