import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { requireReview } from '../helpers/pending.js';
import { eventually } from '../helpers/wait.js';
import { forward } from '../../src/proxy/forward.js';

let gw: TestGateway;
let org: TestOrg;
let upstream: http.Server;
let base: string;
const received: Array<{ headers: http.IncomingHttpHeaders; body: any }> = [];

beforeAll(async () => {
  // A local upstream: /ok answers, /fail 500s, /stall never answers, /teapot 418s.
  upstream = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: data ? JSON.parse(data) : undefined });
      if (req.url === '/fail') return void res.writeHead(500).end('boom');
      if (req.url === '/stall') return;
      if (req.url === '/teapot') return void res.writeHead(418, { 'content-type': 'application/json' }).end('{"short":"and stout"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, echoed: JSON.parse(data).arguments }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gw = await startTestGateway();
  org = await newOrg(gw);
  await requireReview(gw, org);
  const cfg = await call(gw.url, 'PATCH', '/api/v1/config', {
    key: org.adminKey,
    body: {
      upstreams: {
        tools: { url: `${base}/ok`, timeout_ms: 2_000, headers: { authorization: 'Bearer upstream-secret' }, internal: true },
        failing: { url: `${base}/fail`, internal: true },
        stalling: { url: `${base}/stall`, timeout_ms: 300, internal: true },
        teapot: { url: `${base}/teapot`, internal: true },
      },
    },
  });
  expect(cfg.status, cfg.text).toBe(200);
});
afterAll(async () => {
  await gw?.shutdown();
  upstream?.closeAllConnections();
  upstream?.close();
});

const proxy = (name: string, body: unknown, query = '') => call(gw.url, 'POST', `/api/v1/proxy/${name}${query}`, { key: org.adminKey, body });

describe('proxy mode', () => {
  it('forwards an allowed call with the check id and returns the upstream’s answer', async () => {
    const res = await proxy('tools', { agent_id: 'p', tool_name: 'lookup', arguments: { q: 'x' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, echoed: { q: 'x' } });
    const sent = received.at(-1)!;
    expect(sent.body).toEqual({ agent_id: 'p', tool_name: 'lookup', arguments: { q: 'x' }, check_id: res.headers.get('x-aegis-check-id') });
    expect(sent.headers.authorization).toBe('Bearer upstream-secret');
    // …and records the call as a trace.
    await eventually(async () => {
      const traces = await call(gw.url, 'GET', `/api/v1/traces?check_id=${res.headers.get('x-aegis-check-id')}`, { key: org.adminKey });
      expect(traces.body.data).toEqual([expect.objectContaining({ tool_name: 'lookup', agent_id: 'p', metadata: { via: 'proxy' } })]);
    }, 2_000, 50);
  });

  it('stops a call by the upstream it goes to, whatever tool name the agent gives it', async () => {
    const o = await newOrg(gw);
    expect((await call(gw.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { upstreams: { shell: { url: `${base}/ok`, internal: true } } } })).status).toBe(200);
    const engaged = await call(gw.url, 'POST', '/api/v1/kill-switches', { key: o.adminKey, body: { scope: 'tool', target: 'shell', reason: 'stop shell' } });
    expect(engaged.status).toBe(201);
    const before = received.length;
    for (const tool of ['shell', 'bash_mailer', 'notes_append']) {
      const res = await call(gw.url, 'POST', '/api/v1/proxy/shell', { key: o.adminKey, body: { agent_id: 'p', tool_name: tool, arguments: { command: 'ls' } } });
      expect(res.status, tool).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'POLICY_VIOLATION', policy_name: 'kill-switch' });
    }
    expect(received.length).toBe(before);
  });

  it('never shows upstream header values back', async () => {
    const cfg = await call(gw.url, 'GET', '/api/v1/config', { key: org.adminKey });
    expect(cfg.body.upstreams.tools.headers).toEqual({ authorization: '[redacted]' });
    const audit = await call(gw.url, 'GET', '/api/v1/audit-log?action=config.update', { key: org.adminKey });
    expect(JSON.stringify(audit.body)).not.toContain('upstream-secret');
  });

  it('shows tokens in upstream and webhook URLs to admins only', async () => {
    const o = await newOrg(gw);
    const token = `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`;
    const hook = `https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/${'q8W2e4R6t8Y0u2I4o6P8a0S2'}`;
    const patched = await call(gw.url, 'PATCH', '/api/v1/config', { key: o.adminKey, body: { upstreams: { pay: { url: `https://tools.example/run?api_key=${token}` } }, reviewer_webhook_url: hook } });
    expect(patched.status, patched.text).toBe(200);
    const admin = await call(gw.url, 'GET', '/api/v1/config', { key: o.adminKey });
    expect(admin.body.upstreams.pay.url).toContain(token);
    for (const role of ['viewer', 'reviewer'] as const) {
      const seen = await call(gw.url, 'GET', '/api/v1/config', { key: await o.keyFor(role) });
      expect(seen.status).toBe(200);
      expect(JSON.stringify(seen.body), role).not.toContain(token);
      expect(JSON.stringify(seen.body), role).not.toContain('q8W2e4R6t8Y0u2I4o6P8a0S2');
      expect(seen.body.upstreams.pay.url).toMatch(/^https:\/\/tools\.example\/run\?api_key=sk_l\*+$/);
    }
  });

  it('answers a blocked call with 403 POLICY_VIOLATION and does not forward it', async () => {
    const before = received.length;
    const res = await proxy('tools', { agent_id: 'p', tool_name: 'read_file', arguments: { path: '../../../etc/shadow' } });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'POLICY_VIOLATION', policy_name: 'path-traversal', counterfactual: expect.stringMatching(/^would be allowed if/), check_id: expect.any(String) });
    expect(received.length).toBe(before);
  });

  it('answers a pending call with 202, or holds it with ?wait until a reviewer decides', async () => {
    const queued = await proxy('tools', { agent_id: 'p', tool_name: 'deploy', arguments: { service: 'a' } });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ decision: 'pending', check_id: expect.any(String) });

    const held = proxy('tools', { agent_id: 'p2', tool_name: 'deploy', arguments: { service: 'b' } }, '?wait=20');
    const id = await eventually(async () => {
      const list = await call(gw.url, 'GET', '/api/v1/checks?status=pending&agent_id=p2', { key: org.adminKey });
      expect(list.body.total).toBe(1);
      return list.body.data[0].check_id;
    }, 5_000, 50);
    await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: org.adminKey, body: { decision: 'allow', decided_by: 'ops@acme.com' } });
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, echoed: { service: 'b' } });
  });

  it('maps upstream failures and stalls to 502 and 504, and passes other answers through', async () => {
    const failed = await proxy('failing', { agent_id: 'p', tool_name: 'lookup', arguments: {} });
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatchObject({ code: 'PROXY_UPSTREAM_FAILED', upstream_status: 500 });
    const started = Date.now();
    const stalled = await proxy('stalling', { agent_id: 'p', tool_name: 'lookup', arguments: {} });
    expect(stalled.status).toBe(504);
    expect(stalled.body.error.code).toBe('PROXY_UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
    const teapot = await proxy('teapot', { agent_id: 'p', tool_name: 'lookup', arguments: {} });
    expect(teapot.status).toBe(418);
    expect(teapot.body).toEqual({ short: 'and stout' });
  });

  it('refuses unknown upstreams and internal URLs not marked internal', async () => {
    expect((await proxy('nope', { agent_id: 'p', tool_name: 'x', arguments: {} })).status).toBe(404);
    const bad = await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { upstreams: { meta: { url: 'http://169.254.169.254/latest' } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/upstreams\.meta\.url is not allowed/);
    // Settings are shown to viewers: credentials in a URL would be too.
    const withCredentials = await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { upstreams: { billing: { url: 'https://svc:s3cret@billing.example.com/' } }, reviewer_webhook_url: null } });
    expect(withCredentials.status).toBe(400);
    expect(withCredentials.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'upstreams.billing.url' }] });
    const hook = await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { reviewer_webhook_url: 'https://bot:s3cret@hooks.example.com/x' } });
    expect(hook.status).toBe(400);
    expect(hook.body.error.message).toMatch(/must not carry credentials/);
    expect(JSON.stringify((await call(gw.url, 'GET', '/api/v1/config', { key: org.adminKey })).body)).not.toContain('s3cret');
    // A header value no request can carry is refused, not stored to fail each call later.
    const split = await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { upstreams: { b: { url: 'https://tools.example.com/x', headers: { authorization: 'Bearer abc\nX-Extra: 1' } } } } });
    expect(split.status).toBe(400);
    expect(split.body.error.details).toEqual([{ path: 'upstreams.b.headers.authorization', message: 'not a valid header value' }]);
  });

  it('never quotes an upstream\'s header values or URL credentials in its errors', async () => {
    const secret = 'MHZfMKElQvsgS0JQDTFf26loyeEIL8FT';
    // Stored before PATCH checked them: fetch's own message repeats the value.
    const bad = forward('b', { url: 'http://127.0.0.1:9/x', timeout_ms: 1_000, internal: true, headers: { authorization: `Bearer ${secret}\nX-Extra: 1` } }, { check_id: 'c' });
    await expect(bad).rejects.toMatchObject({ code: 'PROXY_UPSTREAM_FAILED' });
    await expect(bad).rejects.not.toThrow(secret);
    // A port nothing listens on (taken, then released).
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = forward('r', { url: `http://127.0.0.1:${port}/x`, timeout_ms: 1_000, internal: true, headers: { authorization: `Bearer ${secret}` } }, { check_id: 'c' });
    await expect(refused).rejects.toThrow(/ECONNREFUSED/);
    await expect(refused).rejects.not.toThrow(secret);
  });
});
