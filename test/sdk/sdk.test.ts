import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AegisClient, GatewayUnavailableError, PendingApprovalError, PolicyViolationError } from '../../src/sdk/index.js';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { requireReview } from '../helpers/pending.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let org: TestOrg;

beforeAll(async () => {
  gw = await startTestGateway();
  org = await newOrg(gw);
  await requireReview(gw, org);
});
afterAll(async () => gw?.shutdown());

const client = (over: Partial<ConstructorParameters<typeof AegisClient>[0]> = {}) => new AegisClient({ baseUrl: gw.url, apiKey: org.adminKey, agentId: 'sdk-agent', ...over });

describe('AegisClient', () => {
  it('checks a call', async () => {
    const res = await client().check({ tool_name: 'db_query', arguments: { sql: 'SELECT 1' } });
    expect(res).toMatchObject({ decision: 'allow', policy_name: 'sql-injection', check_id: expect.any(String) });
  });

  it('guard runs an allowed tool with its arguments and records traces in batches', async () => {
    const aegis = client({ agentId: 'sdk-tracer', traceBatchSize: 3 });
    const tool = aegis.guard('lookup_order', async (args: { id: string }, suffix: string) => `order ${args.id}${suffix}`);
    await expect(tool({ id: 'A-1' }, '!')).resolves.toBe('order A-1!');
    const failing = aegis.guard('lookup_order', async () => {
      throw new Error('no such order');
    });
    await expect(failing({ id: 'A-2' })).rejects.toThrow('no such order');
    await aegis.close();
    await eventually(async () => {
      const traces = await call(gw.url, 'GET', '/api/v1/traces?agent_id=sdk-tracer', { key: org.adminKey });
      expect(traces.body.data).toHaveLength(2);
      const [err, ok] = traces.body.data;
      expect(ok).toMatchObject({ tool_name: 'lookup_order', arguments: { id: 'A-1' }, result: 'order A-1!', blocked: false, check_id: expect.any(String) });
      expect(err).toMatchObject({ error: 'no such order' });
    }, 3_000, 50);
  });

  it('guard throws PolicyViolationError with the counterfactual for a blocked call, without running it', async () => {
    let ran = false;
    const query = client().guard('db_query', async (_args: { sql: string }) => {
      ran = true;
    });
    const err = await query({ sql: "SELECT * FROM users WHERE id = '1' OR '1'='1'" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyViolationError);
    expect(err).toMatchObject({ policyName: 'sql-injection', counterfactual: expect.stringMatching(/^would be allowed if \/arguments\/sql had no /) });
    expect(ran).toBe(false);
  });

  it('guard in blocking mode waits for the reviewer and runs once approved', async () => {
    const aegis = client();
    const deploy = aegis.guard('deploy', async (args: { service: string }) => `deployed ${args.service}`);
    const running = deploy({ service: 'billing' });
    const pending = await eventually(async () => {
      const list = await call(gw.url, 'GET', '/api/v1/checks?status=pending&agent_id=sdk-agent', { key: org.adminKey });
      expect(list.body.total).toBeGreaterThan(0);
      return list.body.data[0].check_id as string;
    }, 5_000, 50);
    const patched = await call(gw.url, 'PATCH', `/api/v1/check/${pending}`, { key: org.adminKey, body: { decision: 'allow', decided_by: 'ops@acme.com' } });
    expect(patched.status).toBe(200);
    await expect(running).resolves.toBe('deployed billing');
  });

  it('guard in blocking mode throws when the reviewer blocks', async () => {
    const deploy = client({ agentId: 'sdk-agent-2' }).guard('deploy', async () => 'deployed');
    const running = deploy({ service: 'api' }).catch((e: unknown) => e);
    const id = await eventually(async () => {
      const list = await call(gw.url, 'GET', '/api/v1/checks?status=pending&agent_id=sdk-agent-2', { key: org.adminKey });
      expect(list.body.total).toBe(1);
      return list.body.data[0].check_id as string;
    }, 5_000, 50);
    await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: org.adminKey, body: { decision: 'block', decided_by: 'ops@acme.com', reason: 'not today' } });
    const err = await running;
    expect(err).toBeInstanceOf(PolicyViolationError);
    expect(err).toMatchObject({ checkId: id, decidedBy: 'ops@acme.com', reason: 'not today' });
  });

  it('guard in non-blocking mode throws PendingApprovalError with the check id', async () => {
    const deploy = client().guard('deploy', async () => 'deployed', { mode: 'non-blocking' });
    const err = await deploy({ service: 'web' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PendingApprovalError);
    const verdict = await call(gw.url, 'GET', `/api/v1/check/${(err as PendingApprovalError).checkId}/decision`, { key: org.adminKey });
    expect(verdict.body.status).toBe('pending');
  });

  it('fails closed when the gateway is unreachable, and open when asked to', async () => {
    const dead = new AegisClient({ baseUrl: 'http://127.0.0.1:9', apiKey: org.adminKey, agentId: 'a', retries: 2, timeoutMs: 500 });
    const closed = dead.guard('read_docs', async () => 'ran');
    await expect(closed({})).rejects.toBeInstanceOf(GatewayUnavailableError);
    const open = dead.guard('read_docs', async () => 'ran', { failMode: 'open' });
    await expect(open({})).resolves.toBe('ran');
  });

  it('retries 429 after Retry-After and 5xx with backoff', async () => {
    const answers = [429, 503, 200];
    const seen: number[] = [];
    const server = http.createServer((req, res) => {
      const status = answers.shift() ?? 200;
      seen.push(Date.now());
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) });
      res.end(JSON.stringify(status === 200 ? { decision: 'allow', check_id: 'x' } : { error: { code: status === 429 ? 'RATE_LIMITED' : 'UNAVAILABLE', message: 'try later' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const aegis = new AegisClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'aeg_x', agentId: 'a', retries: 3 });
      await expect(aegis.check({ tool_name: 't', arguments: {} })).resolves.toMatchObject({ decision: 'allow' });
      expect(seen).toHaveLength(3);
      expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(950);
    } finally {
      server.close();
    }
  });

  it('authenticates with an agent token as its own agent', async () => {
    const minted = await call(gw.url, 'POST', '/api/v1/agents/token-agent/tokens', { key: org.adminKey, body: {} });
    const aegis = new AegisClient({ baseUrl: gw.url, agentToken: minted.body.token, agentId: 'token-agent' });
    await expect(aegis.check({ tool_name: 'read_docs', arguments: {} })).resolves.toMatchObject({ decision: 'allow' });
    await expect(aegis.check({ tool_name: 'read_docs', arguments: {}, agent_id: 'someone-else' })).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});
