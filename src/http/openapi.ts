import type { Layer } from '@koa/router';
import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { VERSION } from '../version.js';
import { ROUTE_ROLES } from './auth.js';
import { ROUTE_SCHEMAS, type Schemas } from './validate.js';

type Json = Record<string, unknown>;

/** Successful answers that are not 200 (POST creates → 201 unless listed, DELETE → 204). */
const OK_200_POSTS = new Set(['/api/v1/check', '/api/v1/config/webhook-secret/rotate', '/api/v1/stripe/webhook', '/scim/v2/.search', '/scim/v2/Users/.search', '/scim/v2/Groups/.search']);

const PUBLIC_PATHS = new Set(['/health', '/ready', '/metrics', '/openapi.json', '/api/v1/stripe/webhook']);

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
      const operation: Json = {
        operationId: `${lower}${oaPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
        summary: `${method} ${path}${roles ? ` (roles: ${roles.join(', ')})` : ''}`,
        tags: [scim ? 'SCIM 2.0' : path.split('/')[3] ?? path.split('/')[1] ?? 'gateway'],
        parameters: [...parameters('path', schemas.params, pathParams), ...parameters('query', schemas.query, [])],
        responses: {
          [success]: {
            description: success === '204' ? 'done' : 'success',
            headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } },
            ...(success === '204' ? {} : { content: { [scim ? 'application/scim+json' : 'application/json']: { schema: {} } } }),
          },
          ...(schemas.body || schemas.query || schemas.params ? { '400': errorResponse('VALIDATION_ERROR: malformed JSON or invalid fields (details name each)') } : {}),
          ...(isPublic ? {} : { '401': errorResponse('UNAUTHORIZED: missing, unknown, revoked or wrong-kind credential') }),
          ...(roles ? { '403': errorResponse(`FORBIDDEN: needs the role ${roles.join(' or ')}`) } : {}),
          ...(pathParams.length > 0 ? { '404': errorResponse('NOT_FOUND: unknown id, or another org’s') } : {}),
          ...(schemas.body ? { '413': errorResponse('PAYLOAD_TOO_LARGE: body over 1 MiB'), '415': errorResponse('UNSUPPORTED_MEDIA_TYPE: the body is not JSON') } : {}),
          '429': { ...errorResponse('RATE_LIMITED'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds to wait' } } },
          '500': errorResponse('INTERNAL'),
          '503': errorResponse('UNAVAILABLE: a dependency cannot be reached'),
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
