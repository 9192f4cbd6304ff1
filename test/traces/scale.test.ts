import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';

const TRACES = 1_000_000;
// Traces i with i % 100 = 20 carry this check id: 10,000 of them, about 330 a day.
const CHECK_ID = '00000000-0000-4000-8000-000000000020';
const DAY = 86_400_000;

let gw: TestGateway;
let org: TestOrg;

beforeAll(async () => {
  gw = await startTestGateway({}, { worker: false });
  org = await newOrg(gw);
  const neighbour = await newOrg(gw);
  // A million traces over 30 days: 50 agents, 10 tools, 2 % blocked, 5 % linked to one of 100 checks;
  // and a neighbour's 100,000 in the same indexes.
  for (const [o, n] of [[org, TRACES], [neighbour, 100_000]] as const) {
    await gw.db.raw(
      `insert into traces (org_id, started_at, id, agent_id, tool_name, arguments, result, duration_ms, check_id, blocked, metadata)
       select ?::uuid, now() - random() * interval '30 days', gen_random_uuid(), 'agent-' || (i % 50),
              (array['db_query','shell','read_file','write_file','http_request','send_email','create_payment','search','list_dir','deploy'])[1 + i % 10],
              json_build_object('path', '/srv/' || i), '{"ok":true}'::json, i % 500,
              case when i % 20 = 0 then ('00000000-0000-4000-8000-' || lpad((i % 100)::text, 12, '0'))::uuid end, i % 50 = 0, '{}'::json
       from generate_series(1, ?) as i`,
      [o.orgId, n],
    );
  }
  // What autovacuum does for an insert-only table soon after a bulk load (planner statistics, visibility map).
  await gw.db.raw('vacuum analyze traces');
}, 600_000);
afterAll(async () => gw?.shutdown());

async function medianMs(query: string): Promise<{ ms: number; body: any }> {
  const times: number[] = [];
  let body: any;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const res = await call(gw.url, 'GET', `/api/v1/traces${query}`, { key: org.adminKey });
    times.push(performance.now() - t0);
    expect(res.status, res.text).toBe(200);
    body = res.body;
  }
  return { ms: times.sort((a, b) => a - b)[3]!, body };
}

describe('GET /api/v1/traces over 1,000,000 traces', () => {
  const from = new Date(Date.now() - DAY).toISOString();
  const windowFrom = new Date(Date.now() - 10 * DAY).toISOString();
  const windowTo = new Date(Date.now() - 3 * DAY).toISOString();

  it.each([
    ['newest first', '?limit=50'],
    ['by agent', '?agent_id=agent-7'],
    ['by tool', '?tool_name=deploy'],
    ['blocked', '?blocked=true'],
    ['not blocked', '?blocked=false'],
    ['by check', `?check_id=${CHECK_ID}`],
    ['last 24 hours', `?from=${from}`],
    ['agent in a window', `?agent_id=agent-7&from=${windowFrom}&to=${windowTo}`],
    ['1,000 per page', '?tool_name=shell&limit=1000'],
  ])('answers a page %s within 100 ms', async (_name, query) => {
    const { ms, body } = await medianMs(query);
    expect(body.data.length).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(100);
  });

  it('counts exactly up to 1,000 and estimates beyond', async () => {
    const all = (await medianMs('?limit=1')).body;
    expect(all.total_exact).toBe(false);
    expect(all.total).toBeGreaterThan(TRACES * 0.8);
    expect(all.total).toBeLessThan(TRACES * 1.2);
    const linked = (await medianMs(`?check_id=${CHECK_ID}`)).body;
    expect(linked.total_exact).toBe(false);
    expect(linked.total).toBeGreaterThan(5_000);
    expect(linked.total).toBeLessThan(20_000);
    const few = (await medianMs(`?check_id=${CHECK_ID}&from=${new Date(Date.now() - DAY).toISOString()}`)).body;
    expect(few.total_exact).toBe(true);
    expect(few.total).toBeGreaterThan(0);
    expect(few.total).toBeLessThan(1_000);
  });

  it('pages deep with a cursor as fast as the first page', async () => {
    let cursor: string | null = null;
    for (let i = 0; i < 30; i++) {
      const res: { body: { next_cursor: string | null } } = await call(gw.url, 'GET', `/api/v1/traces?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, { key: org.adminKey });
      cursor = res.body.next_cursor;
    }
    const { ms, body } = await medianMs(`?limit=50&cursor=${cursor}`);
    expect(body.data).toHaveLength(50);
    expect(ms).toBeLessThanOrEqual(100);
  });
});
