import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({}, { worker: false });
});
afterAll(async () => gw?.shutdown());

const check = (g: TestGateway, o: TestOrg, agent = 'bot', key = o.adminKey) => call(g.url, 'POST', '/api/v1/check', { key, body: { agent_id: agent, tool_name: 'read_docs', arguments: {} } });
const limit = (g: TestGateway, o: TestOrg, rateLimits: Record<string, unknown>) => call(g.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { rate_limits: rateLimits } });
const traces = (g: TestGateway, o: TestOrg, n: number) =>
  call(g.url, 'POST', '/api/v1/traces', { key: o.adminKey, body: Array.from({ length: n }, () => ({ agent_id: 'bot', tool_name: 't', arguments: {}, started_at: new Date().toISOString(), duration_ms: 1 })) });

async function sequentially<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}

describe('rate limits (in memory)', () => {
  it('answer the 6th call over a limit of 5 per minute with 429 and Retry-After', async () => {
    const org = await newOrg(gw);
    expect((await limit(gw, org, { checks_per_minute_per_agent: 5 })).status).toBe(200);
    const answers = await sequentially(6, () => check(gw, org));
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = answers[5]!;
    expect(sixth.status).toBe(429);
    const retry = Number(sixth.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(sixth.body.error).toMatchObject({ code: 'RATE_LIMITED', retry_after_seconds: retry, rate_limit: 'checks_per_minute_per_agent', limit: 5 });
    expect(sixth.body.error.message).toMatch(/agent "bot" is over the rate limit checks_per_minute_per_agent \(5 per 60 s\)/);

    // Per agent, per org.
    expect((await check(gw, org, 'another-bot')).status).toBe(200);
    expect((await check(gw, await newOrg(gw))).status).toBe(200);
    // null lifts the limit at once.
    expect((await limit(gw, org, { checks_per_minute_per_agent: null })).body.rate_limits.checks_per_minute_per_agent).toBeNull();
    expect((await check(gw, org)).status).toBe(200);
  });

  it('limit an org per second across its agents', async () => {
    const org = await newOrg(gw);
    await limit(gw, org, { checks_per_second_per_org: 3 });
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((agent) => check(gw, org, agent)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429]);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await check(gw, org, 'f')).status).toBe(200);
  });

  it('count traces, not requests, against traces_per_second_per_org', async () => {
    const org = await newOrg(gw);
    await limit(gw, org, { traces_per_second_per_org: 10 });
    expect((await traces(gw, org, 8)).status).toBe(201);
    const over = await traces(gw, org, 5);
    expect(over.status).toBe(429);
    expect(over.body.error.rate_limit).toBe('traces_per_second_per_org');
    // Larger than the whole window: no wait can admit it, so it is not a 429 to retry after.
    const huge = await traces(gw, org, 11);
    expect(huge.status).toBe(413);
    expect(huge.headers.get('retry-after')).toBeNull();
    expect(huge.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', rate_limit: 'traces_per_second_per_org', limit: 10 });
    expect(huge.body.error.message).toMatch(/send at most 10 per request/);
  });

  it('let a kill switch answer first: a stopped agent is blocked, not rate limited', async () => {
    const org = await newOrg(gw);
    await limit(gw, org, { checks_per_minute_per_agent: 1 });
    expect((await check(gw, org, 'rogue')).status).toBe(200);
    expect((await check(gw, org, 'rogue')).status).toBe(429);
    await call(gw.url, 'POST', '/api/v1/kill-switches', { key: org.adminKey, body: { scope: 'agent', target: 'rogue', reason: 'test' } });
    const stopped = await check(gw, org, 'rogue');
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ decision: 'block', policy_name: 'kill-switch' });
  });

  it('apply to agent tokens too, and are validated in /api/v1/config', async () => {
    const org = await newOrg(gw);
    await limit(gw, org, { checks_per_minute_per_agent: 1 });
    const token = (await call(gw.url, 'POST', '/api/v1/agents/tok-bot/tokens', { key: org.adminKey, body: {} })).body.token as string;
    const viaToken = () => call(gw.url, 'POST', '/api/v1/check', { agentToken: token, body: { agent_id: 'tok-bot', tool_name: 'read_docs', arguments: {} } });
    expect((await viaToken()).status).toBe(200);
    expect((await viaToken()).status).toBe(429);
    for (const bad of [{ checks_per_second_per_org: 0 }, { checks_per_second_per_org: 1.5 }, { traces_per_second_per_org: 'many' }, { per_hour: 5 }] as Array<Record<string, unknown>>) {
      const res = await limit(gw, org, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const config = await call(gw.url, 'GET', '/api/v1/config', { key: await org.keyFor('viewer') });
    expect(config.body.rate_limits).toEqual({ checks_per_minute_per_agent: 1, checks_per_second_per_org: null, traces_per_second_per_org: null });
  });
});

describe('rate limits shared through Redis (REDIS_URL)', () => {
  let a: TestGateway;
  let b: TestGateway;
  let redis: Redis;

  beforeAll(async () => {
    const env = { REDIS_URL, AEGIS_TASK_QUEUE: `rl-${randomUUID()}` };
    [a, b] = await Promise.all([startTestGateway(env, { worker: false }), startTestGateway(env, { worker: false })]);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await Promise.all([a?.shutdown(), b?.shutdown()]);
    redis?.disconnect();
  });

  it('hold one limit across replicas', async () => {
    const org = await newOrg(a);
    await limit(a, org, { checks_per_minute_per_agent: 5 });
    const answers = await sequentially(6, (i) => check(i % 2 === 0 ? a : b, org));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(answers[5]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const keys = await redis.keys(`aegis:rl:checks_per_minute_per_agent:5:${org.orgId}:*`);
    expect(keys).toEqual([`aegis:rl:checks_per_minute_per_agent:5:${org.orgId}:bot`]);
    expect(Number(await redis.get(keys[0]!))).toBe(6);
  });

  it('fall back to each replica\'s memory while Redis cannot be reached', async () => {
    const down = await startTestGateway({ REDIS_URL: 'redis://127.0.0.1:1' }, { worker: false });
    try {
      const org = await newOrg(down);
      await limit(down, org, { checks_per_minute_per_agent: 2 });
      const answers = await sequentially(3, () => check(down, org));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
      expect(down.logs.some((l) => l.includes('Redis cannot be reached'))).toBe(true);
    } finally {
      await down.shutdown();
    }
  });
});
