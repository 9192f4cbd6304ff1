import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTracingEnabled } from '../../src/telemetry/tracing.js';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { pendingCheck, requireReview } from '../helpers/pending.js';
import { eventually } from '../helpers/wait.js';

const exporter = new InMemorySpanExporter();
let gw: TestGateway;
let org: TestOrg;

beforeAll(async () => {
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  setTracingEnabled(true);
  gw = await startTestGateway();
  org = await newOrg(gw);
  await requireReview(gw, org);
});
afterAll(async () => {
  setTracingEnabled(false);
  await gw?.shutdown();
});

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('OpenTelemetry', () => {
  it('traces a check: the request by route template, its pipeline stages and database calls as children', async () => {
    exporter.reset();
    const res = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'traced', tool_name: 'db_query', arguments: { sql: 'SELECT 1' } }, headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    expect(res.status).toBe(200);
    const spans = await eventually(() => {
      const all = exporter.getFinishedSpans();
      expect(all.map((s) => s.name)).toEqual(expect.arrayContaining(['POST /api/v1/check', 'check.classify', 'check.anomaly', 'check.policies', 'check.persist']));
      return all;
    }, 3_000, 50);
    const server = spans.find((s) => s.name === 'POST /api/v1/check')!;
    // The caller's traceparent is continued.
    expect(server.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(server.attributes).toMatchObject({ 'http.route': '/api/v1/check', 'http.response.status_code': 200 });
    for (const stage of ['check.classify', 'check.anomaly', 'check.policies', 'check.persist']) {
      expect(spans.find((s) => s.name === stage)!.parentSpanId).toBe(server.spanContext().spanId);
    }
  });

  it('names spans by templates, never ids, and traces Temporal client calls and queries', async () => {
    const id = await pendingCheck(gw.url, org.adminKey, 'traced');
    exporter.reset();
    await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: org.adminKey, body: { decision: 'allow', decided_by: 'a@b.c' } });
    const spans = await eventually(() => {
      const all = exporter.getFinishedSpans();
      expect(all.map((s) => s.name)).toEqual(expect.arrayContaining(['PATCH /api/v1/check/:id', 'temporal update decide']));
      return all;
    }, 3_000, 50);
    expect(spans.some((s) => s.name.startsWith('db select checks'))).toBe(true);
    for (const s of spans) expect(s.name).not.toMatch(UUID);
  });

  it('does not trace /metrics, /health and /ready', async () => {
    exporter.reset();
    await call(gw.url, 'GET', '/health');
    await call(gw.url, 'GET', '/ready');
    await call(gw.url, 'GET', '/metrics');
    await new Promise((r) => setTimeout(r, 200));
    expect(exporter.getFinishedSpans().filter((s) => /health|ready|metrics/.test(s.name))).toEqual([]);
  });
});
