import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let org: TestOrg;

beforeAll(async () => {
  gw = await startTestGateway();
  org = await newOrg(gw);
});
afterAll(async () => gw?.shutdown());

const at = (minutesAgo: number): string => new Date(Date.UTC(2026, 10, 20, 12, 0) - minutesAgo * 60_000).toISOString();

function trace(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { agent_id: 'tracer', tool_name: 'db_query', arguments: { sql: 'SELECT 1' }, result: { rows: 1 }, started_at: at(0), duration_ms: 12.5, ...over };
}

const post = (o: TestOrg, body: unknown, key = o.adminKey) => call(gw.url, 'POST', '/api/v1/traces', { key, body });
const list = (o: TestOrg, query = '', key = o.adminKey) => call(gw.url, 'GET', `/api/v1/traces${query}`, { key });

describe('POST /api/v1/traces', () => {
  it('answers 201 with a UUID v4 per trace, for one trace or an array', async () => {
    const one = await post(org, trace());
    expect(one.status, one.text).toBe(201);
    expect(one.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const many = await post(org, [trace(), trace({ agent_id: 'other' })]);
    expect(many.status, many.text).toBe(201);
    expect(many.body.ids).toHaveLength(2);
    expect(new Set(many.body.ids).size).toBe(2);
  });

  it('stores them within a second, secrets masked, with every field', async () => {
    const o = await newOrg(gw);
    const secret = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
    const sent = trace({
      arguments: { url: 'https://api.github.com', headers: { authorization: `token ${secret}` } },
      result: { echoed: `token ${secret}` },
      error: `401 for ${secret}`,
      check_id: randomUUID(),
      blocked: true,
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      metadata: { sdk: 'python/1.2', note: 'nul\u0000byte', 'key\u0000': '\\u0000 typed' },
    });
    const res = await post(o, sent);
    expect(res.status).toBe(201);
    const stored = await eventually(async () => {
      const page = await list(o);
      expect(page.body.data).toHaveLength(1);
      return page.body.data[0];
    }, 1_000, 20);
    expect(stored).toMatchObject({
      id: res.body.id,
      agent_id: 'tracer',
      tool_name: 'db_query',
      started_at: sent.started_at,
      duration_ms: 12.5,
      check_id: sent.check_id,
      blocked: true,
      trace_id: sent.trace_id,
      span_id: sent.span_id,
      metadata: { sdk: 'python/1.2', note: 'nul\uFFFDbyte', 'key\uFFFD': '\\u0000 typed' },
    });
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored.arguments.headers.authorization).toMatch(/^token ghp_\*+$/);
    expect(stored.result.echoed).toMatch(/^token ghp_\*+$/);
    expect(stored.error).toMatch(/^401 for ghp_\*+$/);
    expect(Date.parse(stored.received_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('stores every character as sent: backslashes, \\N, tabs and newlines, quotes, non-ASCII', async () => {
    const o = await newOrg(gw);
    const awkward = 'C:\\temp\\new\tline\nend \\N \\. "quoted" \'single\' ü 你好 😀 \u2028';
    const sent = trace({
      agent_id: 'agent\\N',
      tool_name: 'tool\\.\\',
      arguments: { [awkward]: awkward, list: [awkward, '\\', '\\N', ''], n: -0.5e-7 },
      result: awkward,
      error: { message: awkward },
      trace_id: '\\N',
      span_id: 'span "x"',
      metadata: { awkward },
    });
    const res = await post(o, sent);
    expect(res.status, res.text).toBe(201);
    const stored = await eventually(async () => {
      const page = await list(o);
      expect(page.body.data).toHaveLength(1);
      return page.body.data[0];
    }, 1_000, 20);
    expect(stored).toMatchObject({ agent_id: 'agent\\N', tool_name: 'tool\\.\\', arguments: sent.arguments, result: awkward, error: { message: awkward }, trace_id: '\\N', span_id: 'span "x"', metadata: { awkward } });
    expect((await list(o, `?agent_id=${encodeURIComponent('agent\\N')}`)).body.total).toBe(1);
  });

  it('validates every trace, naming the field (and its index in an array)', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...trace(), agent_id: '' }, 'agent_id'],
      [{ ...trace(), started_at: 'yesterday' }, 'started_at'],
      [{ ...trace(), duration_ms: -1 }, 'duration_ms'],
      [{ ...trace(), check_id: 'nope' }, 'check_id'],
      [{ ...trace(), extra: 1 }, '(body)'],
      [[trace(), { ...trace(), tool_name: 7 }], '1.tool_name'],
      [[], '(body)'],
      [Array.from({ length: 1001 }, () => ({})), '(body)'],
    ];
    for (const [body, path] of cases) {
      const res = await post(org, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey })).body.error.details[0].path).toBe('(body)');
  });

  it('is for admins and agents; an agent token writes only its own agent_id', async () => {
    const o = await newOrg(gw);
    for (const role of ['viewer', 'reviewer'] as const) expect((await post(o, trace(), await o.keyFor(role))).status).toBe(403);
    expect((await post(o, trace(), await o.keyFor('agent'))).status).toBe(201);
    const minted = await call(gw.url, 'POST', '/api/v1/agents/tracer/tokens', { key: o.adminKey, body: {} });
    const token = minted.body.token as string;
    const own = await call(gw.url, 'POST', '/api/v1/traces', { agentToken: token, body: [trace(), trace()] });
    expect(own.status, own.text).toBe(201);
    const foreign = await call(gw.url, 'POST', '/api/v1/traces', { agentToken: token, body: [trace(), trace({ agent_id: 'someone-else' })] });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toMatch(/someone-else/);
    await eventually(async () => expect((await list(o)).body.total).toBe(3), 1_000, 20);
  });
});

describe('GET /api/v1/traces', () => {
  let o: TestOrg;
  const checkId = randomUUID();

  beforeAll(async () => {
    o = await newOrg(gw);
    const batch = [
      trace({ agent_id: 'alpha', tool_name: 'db_query', started_at: at(50) }),
      trace({ agent_id: 'alpha', tool_name: 'shell', started_at: at(40), blocked: true, check_id: checkId }),
      trace({ agent_id: 'beta', tool_name: 'db_query', started_at: at(30) }),
      trace({ agent_id: 'beta', tool_name: 'http_request', started_at: at(20), blocked: true }),
      trace({ agent_id: 'gamma', tool_name: 'shell', started_at: at(10) }),
    ];
    expect((await post(o, batch)).status).toBe(201);
    await eventually(async () => expect((await list(o)).body.total).toBe(5), 1_000, 20);
  });

  const agentsOf = (res: { body: { data: Array<{ agent_id: string; tool_name: string }> } }) => res.body.data.map((t) => `${t.agent_id}/${t.tool_name}`);

  it('lists newest first with { data, limit, offset, total }', async () => {
    const res = await list(o);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 50, offset: 0, total: 5, total_exact: true, next_cursor: null });
    expect(agentsOf(res)).toEqual(['gamma/shell', 'beta/http_request', 'beta/db_query', 'alpha/shell', 'alpha/db_query']);
  });

  it.each([
    ['?agent_id=alpha', ['alpha/shell', 'alpha/db_query']],
    ['?tool_name=shell', ['gamma/shell', 'alpha/shell']],
    ['?blocked=true', ['beta/http_request', 'alpha/shell']],
    ['?blocked=false', ['gamma/shell', 'beta/db_query', 'alpha/db_query']],
    [`?check_id=${checkId}`, ['alpha/shell']],
    [`?from=${at(35)}`, ['gamma/shell', 'beta/http_request', 'beta/db_query']],
    [`?to=${at(35)}`, ['alpha/shell', 'alpha/db_query']],
    [`?from=${at(45)}&to=${at(15)}&agent_id=beta`, ['beta/http_request', 'beta/db_query']],
    ['?limit=2&offset=1', ['beta/http_request', 'beta/db_query']],
  ])('filters %s', async (query, expected) => {
    const res = await list(o, query);
    expect(res.status, res.text).toBe(200);
    expect(agentsOf(res)).toEqual(expected);
    expect(res.body.total).toBe(query.includes('limit') ? 5 : expected.length);
  });

  it('pages with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(o, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).toBe(200);
      seen.push(...agentsOf(res));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(agentsOf(await list(o)));
    expect((await list(o, '?cursor=garbage')).status).toBe(400);
    expect((await list(o, '?cursor=abc&offset=2')).status).toBe(400);
  });

  it('validates the query', async () => {
    for (const q of ['?limit=1001', '?blocked=yes', '?from=today', '?check_id=1', '?offset=-1']) {
      const res = await list(o, q);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('is for admins, reviewers and viewers, and shows an org only its own traces', async () => {
    expect((await list(o, '', await o.keyFor('viewer'))).body.total).toBe(5);
    expect((await list(o, '', await o.keyFor('reviewer'))).body.total).toBe(5);
    expect((await list(o, '', await o.keyFor('agent'))).status).toBe(403);
    const stranger = await newOrg(gw);
    expect((await list(stranger)).body).toMatchObject({ data: [], total: 0 });
    expect((await list(stranger, `?check_id=${checkId}`)).body.total).toBe(0);
  });
});
