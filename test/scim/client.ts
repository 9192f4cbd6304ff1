import { expect } from 'vitest';
import { call, type ApiResponse, type TestGateway, type TestOrg } from '../helpers/gateway.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A SCIM client of one org: requests under /scim/v2 with its bearer token. */
export interface Scim {
  token: string;
  tokenId: string;
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
}

/** scimFor creates a SCIM token for the org (as its admin would) and returns a client using it. */
export async function scimFor(gw: TestGateway, org: TestOrg, name = 'idp', contentType = 'application/scim+json'): Promise<Scim> {
  const created = await call(gw.url, 'POST', '/api/v1/scim-tokens', { key: org.adminKey, body: { name } });
  expect(created.status).toBe(201);
  const token = created.body.token as string;
  const client = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(gw.url, method, `/scim/v2${path}`, { scimToken: token, body, headers: body === undefined ? headers : { 'content-type': contentType, ...headers } });
  return Object.assign(client, { token, tokenId: created.body.id as string });
}

/** expectScimError checks the RFC 7644 §3.12 error shape, the status (a string) and scimType. */
export function expectScimError(res: ApiResponse, status: number, scimType?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(res.body).toEqual({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail: expect.any(String) });
}

export const q = (filter: string): string => encodeURIComponent(filter);
