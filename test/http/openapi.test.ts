import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { call, startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let doc: any;

beforeAll(async () => {
  gw = await startTestGateway();
  const res = await call(gw.url, 'GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => gw?.shutdown());

// Every endpoint of the reference and the issues; the document is generated from the route table.
const EXPECTED: Array<[string, string]> = [
  ['post', '/api/v1/check'],
  ['get', '/api/v1/check/{id}'],
  ['get', '/api/v1/check/{id}/decision'],
  ['patch', '/api/v1/check/{id}'],
  ['get', '/api/v1/checks'],
  ['get', '/api/v1/policies'],
  ['post', '/api/v1/policies'],
  ['get', '/api/v1/policies/{id}'],
  ['put', '/api/v1/policies/{id}'],
  ['delete', '/api/v1/policies/{id}'],
  ['get', '/api/v1/policy-templates'],
  ['get', '/api/v1/anomalies'],
  ['get', '/api/v1/audit-log'],
  ['get', '/api/v1/kill-switches'],
  ['post', '/api/v1/kill-switches'],
  ['delete', '/api/v1/kill-switches/{id}'],
  ['get', '/api/v1/config'],
  ['patch', '/api/v1/config'],
  ['get', '/api/v1/me'],
  ['get', '/api/v1/api-keys'],
  ['post', '/api/v1/api-keys'],
  ['delete', '/api/v1/api-keys/{id}'],
  ['post', '/api/v1/scim-tokens'],
  ['post', '/api/v1/agents/{agent_id}/tokens'],
  ['get', '/api/v1/transparency-log/size'],
  ['get', '/api/v1/transparency-log/sth'],
  ['get', '/api/v1/transparency-log/proof/{leaf_index}'],
  ['get', '/api/v1/transparency-log/consistency'],
  ['get', '/api/v1/transparency-log/leaves/{leaf_index}'],
  ['get', '/api/v1/transparency-log/public-key'],
  ['post', '/api/v1/traces'],
  ['get', '/api/v1/traces'],
  ['get', '/api/v1/billing'],
  ['post', '/api/v1/stripe/webhook'],
  ['post', '/api/v1/proxy/{upstream}'],
  ['get', '/scim/v2/Users'],
  ['post', '/scim/v2/Users'],
  ['patch', '/scim/v2/Users/{id}'],
  ['delete', '/scim/v2/Users/{id}'],
  ['get', '/scim/v2/Groups'],
  ['post', '/scim/v2/Groups'],
  ['patch', '/scim/v2/Groups/{id}'],
  ['get', '/scim/v2/ServiceProviderConfig'],
  ['get', '/scim/v2/ResourceTypes'],
  ['get', '/scim/v2/Schemas'],
  ['get', '/health'],
  ['get', '/ready'],
  ['get', '/metrics'],
];

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('covers every endpoint with its request schema, roles and errors', () => {
    for (const [method, path] of EXPECTED) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    const check = doc.paths['/api/v1/check'].post;
    expect(check.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['agent_id', 'tool_name', 'arguments']) });
    expect(check.summary).toMatch(/roles: admin, agent/);
    expect(Object.keys(check.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '413', '429']));
    expect(doc.paths['/api/v1/audit-log'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['action', 'resource_type', 'q', 'from', 'to', 'limit', 'offset']));
    expect(doc.components.schemas.Error.properties.error.properties.code.enum.sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(doc.paths['/health'].get.security).toBeUndefined();
    expect(doc.paths['/api/v1/check'].post.security).toEqual([{ apiKey: [] }, { agentToken: [] }]);
  });

  it('says what particular operations answer: proxy, reviewer decisions, SCIM', () => {
    expect(Object.keys(doc.paths['/api/v1/proxy/{upstream}'].post.responses)).toEqual(expect.arrayContaining(['200', '202', '403', '502', '504']));
    expect(doc.paths['/api/v1/proxy/{upstream}'].post.responses['201']).toBeUndefined();
    expect(doc.paths['/api/v1/check/{id}'].patch.responses['409']).toBeDefined();
    const users = doc.paths['/scim/v2/Users'];
    expect(users.get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes']));
    expect(users.post.responses['409'].content['application/scim+json'].schema).toEqual({ $ref: '#/components/schemas/ScimError' });
    expect(doc.paths['/scim/v2/Users/{id}'].put.responses['412']).toBeDefined();
    expect(Object.keys(doc.paths['/scim/v2/Me'].get.responses).sort()).toEqual(['401', '501']);
  });
});
