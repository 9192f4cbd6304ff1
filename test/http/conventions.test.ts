import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argumentsDigest } from '../../src/checks/service.js';
import { ERROR_CODES } from '../../src/errors.js';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';

let gw: TestGateway;
let org: TestOrg;

beforeAll(async () => {
  gw = await startTestGateway();
  org = await newOrg(gw);
});
afterAll(async () => gw?.shutdown());

/** raw sends bytes as they are and returns everything the server answers until it closes the connection. */
async function raw(request: string): Promise<string> {
  const { port, hostname } = new URL(gw.url);
  const socket = net.connect(Number(port), hostname);
  let out = '';
  socket.on('data', (d) => (out += d.toString()));
  await new Promise((r) => socket.on('connect', r));
  socket.write(request);
  await new Promise((r) => socket.on('close', r));
  return out;
}

function expectEnvelope(body: any, code: string): void {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack frames
}

describe('error envelope', () => {
  it('answers malformed JSON with 400 VALIDATION_ERROR', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, raw: '{"name": "x", "role":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'VALIDATION_ERROR');
    expect(res.body.error.message).toMatch(/malformed JSON/);
  });

  it('refuses a body that is not valid UTF-8 instead of replacing its bytes, and records nothing', async () => {
    const raw = Buffer.concat([Buffer.from('{"agent_id":"utf8-'), Buffer.from([0xff, 0xfe]), Buffer.from('","tool_name":"t","arguments":{}}')]);
    const res = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'VALIDATION_ERROR');
    expect(res.body.error.message).toBe('the request body is not valid UTF-8');
    // A byte-order mark is not an error: it is dropped.
    const bom = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, raw: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"agent_id":"bom","tool_name":"t","arguments":{}}')]), headers: { 'content-type': 'application/json' } });
    expect(bom.status).toBe(200);
    const listed = await call(gw.url, 'GET', '/api/v1/checks?limit=100', { key: org.adminKey });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain(bom.body.check_id);
    expect(JSON.stringify(listed.body)).not.toContain('utf8-');
  });

  it('refuses a lone surrogate escape anywhere in a body, naming where, and fails no other request with it', async () => {
    const check = (raw: string) => call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, raw, headers: { 'content-type': 'application/json' } });
    const fine = { agent_id: 'fine', tool_name: 'db_query', arguments: { sql: 'SELECT 1' } };
    // Sent together, so they would share the check writer's batch if the bad one got that far.
    const [bad, good] = await Promise.all([check('{"agent_id":"a\\ud800","tool_name":"t","arguments":{}}'), call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: fine })]);
    expect(bad.status).toBe(400);
    expectEnvelope(bad.body, 'VALIDATION_ERROR');
    expect(bad.body.error.details).toEqual([{ path: 'agent_id', message: 'not valid Unicode (lone surrogate)' }]);
    expect(good.status).toBe(200);
    for (const [raw, path] of [
      ['{"agent_id":"a","tool_name":"t","arguments":{"x":["ok","\\udc00"]}}', 'arguments.x.1'],
      ['{"agent_id":"a","tool_name":"t","arguments":{"k\\udbff":"v"}}', 'arguments.k\uFFFD'],
      ['{"agent_id":"a","tool_name":"t","arguments":{"x":"\\ud83d"}}', 'arguments.x'],
    ] as const) {
      const res = await check(raw);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ path, message: 'not valid Unicode (lone surrogate)' }]);
    }
    // Pairs are characters, however they are written; an escaped backslash before "ud800" is not an escape.
    for (const raw of ['{"agent_id":"rocket-\\ud83d\\ude80","tool_name":"t","arguments":{"x":"🚀"}}', '{"agent_id":"a","tool_name":"t","arguments":{"x":"\\\\ud800"}}']) {
      const res = await check(raw);
      expect(res.status).toBe(200);
    }
  });

  it('classifies and records a tool call holding a NUL, and refuses a NUL anywhere else', async () => {
    const args = { sql: "SELECT * FROM users WHERE name = 'x\u0000' OR 1=1 --'", 'note\u0000': 'a\\u0000b' };
    const res = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'nul', tool_name: 'db_query', arguments: args, context: { why: '\u0000' } } });
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe('block');
    // The digest commits to the call as received; the stored copy has U+FFFD where PostgreSQL cannot hold NUL.
    const stored = await call(gw.url, 'GET', `/api/v1/check/${res.body.check_id}`, { key: org.adminKey });
    expect(stored.status).toBe(200);
    expect(stored.body.arguments_sha256).toBe(argumentsDigest(args));
    expect(stored.body.arguments['note\ufffd']).toBe('a\\u0000b');
    expect(stored.body.arguments.sql).toContain("'x\ufffd' OR 1=1");
    expect(stored.body.context).toEqual({ why: '\ufffd' });

    const policy = await call(gw.url, 'POST', '/api/v1/policies', { key: org.adminKey, body: { id: 'nul-name', name: 'bad\u0000name', policy_schema: {}, risk_level: 'LOW' } });
    expect(policy.status).toBe(400);
    expectEnvelope(policy.body, 'VALIDATION_ERROR');
    expect(policy.body.error.details).toEqual([{ path: 'name', message: 'must not contain NUL (\\u0000)' }]);
    const key = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 'k\u0000', role: 'viewer' } });
    expect(key.status).toBe(400);
    expect(key.body.error.details[0].path).toBe('name');
  });

  it('refuses a number beyond a double, naming where; a tiny one is zero', async () => {
    const check = (raw: string) => call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, raw, headers: { 'content-type': 'application/json' } });
    for (const [raw, path] of [
      ['{"agent_id":"a","tool_name":"t","arguments":{"x":1e400}}', 'arguments.x'],
      ['{"agent_id":"a","tool_name":"t","arguments":{"x":[1,-2E+309]}}', 'arguments.x.1'],
      [`{"agent_id":"a","tool_name":"t","arguments":{"x":${'9'.repeat(400)}}}`, 'arguments.x'],
    ] as const) {
      const res = await check(raw);
      expect(res.status).toBe(400);
      expectEnvelope(res.body, 'VALIDATION_ERROR');
      expect(res.body.error.details).toEqual([{ path, message: 'number out of range' }]);
    }
    expect((await check('{"agent_id":"a","tool_name":"t","arguments":{"x":1e-400,"y":1e300}}')).status).toBe(200);
  });

  it('refuses a member name repeated within an object, naming where, and records nothing', async () => {
    // JSON.parse keeps the last "sql", a tool's parser may keep the first: the check would judge one statement while another runs.
    const post = (path: string, raw: string) => call(gw.url, 'POST', path, { key: org.adminKey, raw, headers: { 'content-type': 'application/json' } });
    const before = (await call(gw.url, 'GET', '/api/v1/checks?limit=1', { key: org.adminKey })).body.total;
    for (const [path, raw, at] of [
      ['/api/v1/check', '{"agent_id":"dup","tool_name":"db_query","arguments":{"sql":"DROP TABLE users","sql":"SELECT 1"}}', 'arguments.sql'],
      ['/api/v1/check', '{"agent_id":"dup","tool_name":"t","arguments":{"steps":[{"a":1},{"cmd":"ls","\\u0063md":"rm -rf /"}]}}', 'arguments.steps.1.cmd'],
      ['/api/v1/check', '{"agent_id":"dup","agent_id":"other","tool_name":"t","arguments":{}}', 'agent_id'],
      ['/api/v1/policies', '{"id":"dup-names","name":"x","risk_level":"LOW","policy_schema":{},"risk_level":"HIGH"}', 'risk_level'],
    ] as const) {
      const res = await post(path, raw);
      expect(res.status, raw).toBe(400);
      expectEnvelope(res.body, 'VALIDATION_ERROR');
      expect(res.body.error.details).toEqual([{ path: at, message: 'duplicate member name' }]);
    }
    expect((await call(gw.url, 'GET', '/api/v1/checks?limit=1', { key: org.adminKey })).body.total).toBe(before);
    // Equal names in different objects, and names that only look alike, are fine.
    expect((await post('/api/v1/check', '{"agent_id":"dup","tool_name":"t","arguments":{"a":{"x":1},"b":{"x":2},"x ":3,"X":4}}')).status).toBe(200);
  });

  it('classifies, digests and stores a "__proto__" member like any other', async () => {
    const raw = '{"agent_id":"proto","tool_name":"run","arguments":{"__proto__":{"command":"rm -rf /"},"y":1}}';
    const res = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.body.classification.signals.map((s: { id: string; path: string }) => `${s.id} ${s.path}`)).toContain('destructive_operation /arguments/__proto__/command');
    expect(res.body.decision).not.toBe('allow');
    const stored = await call(gw.url, 'GET', `/api/v1/check/${res.body.check_id}`, { key: org.adminKey });
    expect(Object.keys(stored.body.arguments).sort()).toEqual(['__proto__', 'y']);
    expect(stored.body.arguments_sha256).toBe(argumentsDigest(JSON.parse(raw).arguments));
  });

  it('answers wrong types with 400 VALIDATION_ERROR naming each field', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 42, role: 'superuser' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'VALIDATION_ERROR');
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['name', 'role']);
    for (const d of res.body.error.details) expect(d.message).toEqual(expect.any(String));
  });

  it('rejects unknown fields and a missing body', async () => {
    const extra = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 'a', role: 'viewer', admin: true } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details[0].message).toMatch(/admin/);
    const missing = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ path: '(body)', message: 'request body is required (JSON)' }]);
  });

  it('refuses control characters and bidirectional overrides in names and reasons people read, and creates nothing', async () => {
    const refused: Array<[string, string, Record<string, unknown>, string]> = [
      ['POST', '/api/v1/api-keys', { name: 'ci\u001b[2Jbot', role: 'viewer' }, 'name'],
      ['POST', '/api/v1/api-keys', { name: 'deploy\nrole: admin', role: 'viewer' }, 'name'],
      ['POST', '/api/v1/scim-tokens', { name: 'okta\u202egnp.exe' }, 'name'],
      ['POST', '/api/v1/policies', { id: 'ctl-name', name: 'no \u0007 bells', description: '', policy_schema: {}, risk_level: 'LOW' }, 'name'],
      ['POST', '/api/v1/policies', { id: 'ctl-desc', name: 'fine', description: 'hides\u0001 a control', policy_schema: {}, risk_level: 'LOW' }, 'description'],
      ['POST', '/api/v1/kill-switches', { scope: 'org', reason: 'incident\u0008\u0008\u0008 nothing to see' }, 'reason'],
    ];
    for (const [method, path, body, field] of refused) {
      const res = await call(gw.url, method, path, { key: org.adminKey, body });
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expectEnvelope(res.body, 'VALIDATION_ERROR');
      expect(res.body.error.details).toEqual([{ path: field, message: expect.stringMatching(/control characters/) }]);
    }
    const keys = await call(gw.url, 'GET', '/api/v1/api-keys?limit=200', { key: org.adminKey });
    expect(keys.body.data.map((k: { name: string }) => k.name)).not.toContain('deploy\nrole: admin');
    expect((await call(gw.url, 'GET', '/api/v1/policies/ctl-desc', { key: org.adminKey })).status).toBe(404);
    expect((await call(gw.url, 'GET', '/api/v1/kill-switches?active=true', { key: org.adminKey })).body.data).toEqual([]);
    // Line breaks and tabs stay allowed where text runs over lines, and non-ASCII names are names.
    const multiline = await call(gw.url, 'POST', '/api/v1/policies', { key: org.adminKey, body: { id: 'multi-line', name: 'Zugriff für Prüfer', description: 'line one\n\tline two', policy_schema: {}, risk_level: 'LOW' } });
    expect(multiline.status).toBe(201);
    expect(multiline.body).toMatchObject({ name: 'Zugriff für Prüfer', description: 'line one\n\tline two' });
  });

  it('answers bodies over 1 MiB with 413 PAYLOAD_TOO_LARGE and keeps nothing', async () => {
    const name = 'x'.repeat(1024 * 1024);
    const res = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name, role: 'viewer' } });
    expect(res.status).toBe(413);
    expectEnvelope(res.body, 'PAYLOAD_TOO_LARGE');
    const list = await call(gw.url, 'GET', '/api/v1/api-keys', { key: org.adminKey });
    expect(list.body.total).toBe(1);
  });

  it('applies the 1 MiB limit to chunked bodies without Content-Length', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await fetch(`${gw.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'x-aegis-api-key': org.adminKey, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers what the HTTP parser refuses (a malformed request line, headers too large) in the envelope, with a request id', async () => {
    for (const [request, status] of [
      ['GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
      [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ] as const) {
      const answer = await raw(request);
      expect(answer.startsWith(`HTTP/1.1 ${status} `), answer.slice(0, 60)).toBe(true);
      expect(answer).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}\r\n/);
      expectEnvelope(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)), 'VALIDATION_ERROR');
    }
  });

  it('answers a request without Host, an unknown Expect and CONNECT in the envelope too', async () => {
    for (const [request, status, code] of [
      ['GET /api/v1/me HTTP/1.1\r\nX-AEGIS-API-Key: x\r\nConnection: close\r\n\r\n', 400, 'VALIDATION_ERROR'],
      [`GET /api/v1/me HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nX-AEGIS-API-Key: ${org.adminKey}\r\n\r\n`, 417, 'VALIDATION_ERROR'],
      ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 405, 'METHOD_NOT_ALLOWED'],
    ] as const) {
      const answer = await raw(request);
      expect(answer.startsWith(`HTTP/1.1 ${status} `), answer.slice(0, 60)).toBe(true);
      expect(answer).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}\r\n/i);
      expectEnvelope(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)), code);
    }
    // HTTP/1.0 has no Host requirement.
    const old = await raw(`GET /api/v1/me HTTP/1.0\r\nX-AEGIS-API-Key: ${org.adminKey}\r\n\r\n`);
    expect(old.startsWith('HTTP/1.1 200 '), old.slice(0, 60)).toBe(true);
  });

  it('refuses a body whose framing or charset it would misread: a transfer coding, UTF-16, an unreadable Content-Type', async () => {
    const body = JSON.stringify({ agent_id: 'te', tool_name: 't', arguments: {} });
    const { port, hostname } = new URL(gw.url);
    const socket = net.connect(Number(port), hostname);
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    await new Promise((r) => socket.on('connect', r));
    socket.write(`POST /api/v1/check HTTP/1.1\r\nHost: x\r\nX-AEGIS-API-Key: ${org.adminKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 300));
    socket.destroy();
    expect(out.startsWith('HTTP/1.1 415 '), out.slice(0, 60)).toBe(true);
    expect(out).toMatch(/Transfer-Encoding gzip is not supported/);
    for (const [contentType, message] of [
      ['application/json; charset=utf-16', /charset utf-16 is not accepted/],
      [';;;==', /Content-Type ";;;==" is not accepted/],
    ] as const) {
      const res = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, raw: body, headers: { 'content-type': contentType } });
      expect(res.status, contentType).toBe(415);
      expectEnvelope(res.body, 'UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.error.message).toMatch(message);
    }
    for (const contentType of ['application/json; charset=UTF-8', 'application/json; charset=us-ascii', 'application/json;charset="utf-8"']) {
      expect((await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, raw: body, headers: { 'content-type': contentType } })).status, contentType).toBe(200);
    }
  });

  it('refuses a config patch nested too deep (the merge recurses) with 400, and changes nothing', async () => {
    const before = await call(gw.url, 'GET', '/api/v1/config', { key: org.adminKey });
    for (const depth of [40, 10_000]) {
      const raw = `{"rate_limits":${'{"a":'.repeat(depth)}1${'}'.repeat(depth + 1)}`;
      const res = await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, raw, headers: { 'content-type': 'application/json' } });
      expect(res.status, String(depth)).toBe(400);
      expectEnvelope(res.body, 'VALIDATION_ERROR');
      expect(res.text).toMatch(/nested more than 32 levels deep/);
    }
    expect((await call(gw.url, 'GET', '/api/v1/config', { key: org.adminKey })).body).toEqual(before.body);
  });

  it('marks API answers as not to be stored or sniffed, errors included', async () => {
    for (const res of [await call(gw.url, 'GET', '/api/v1/me', { key: org.adminKey }), await call(gw.url, 'GET', '/api/v1/me'), await call(gw.url, 'GET', '/scim/v2/Users')]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses a bracketed query parameter instead of answering an unfiltered list', async () => {
    for (const query of ['agent_id[]=x', 'filter[agent_id]=x']) {
      const res = await call(gw.url, 'GET', `/api/v1/traces?${query}`, { key: org.adminKey });
      expect(res.status, query).toBe(400);
      expectEnvelope(res.body, 'VALIDATION_ERROR');
      expect(res.body.error.message).toMatch(/bracketed parameters are not supported/);
    }
  });

  it('labels requests refused before routing with the route they were for in the metrics', async () => {
    expect((await call(gw.url, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await call(gw.url, 'POST', '/api/v1/traces', { key: org.adminKey, raw: '{"a":1,"a":2}', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/aegis_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/me",status="401"\} \d+/);
    expect(metrics).toMatch(/aegis_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/traces",status="400"\} \d+/);
  });

  it('answers a non-JSON content type with 415', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, raw: 'name=a&role=viewer', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expectEnvelope(res.body, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a compressed body with 415 instead of parsing its compressed bytes', async () => {
    const { gzipSync } = await import('node:zlib');
    const res = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, raw: gzipSync('{"agent_id":"gz","tool_name":"t","arguments":{}}'), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(res.status).toBe(415);
    expectEnvelope(res.body, 'UNSUPPORTED_MEDIA_TYPE');
    expect(res.body.error.message).toMatch(/Content-Encoding gzip/);
    const identity = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'id', tool_name: 't', arguments: {} }, headers: { 'content-encoding': 'identity' } });
    expect(identity.status).toBe(200);
  });

  it('refuses query numbers that are not decimal integers, and repeated parameters, by name', async () => {
    for (const [query, message] of [
      ['limit=0x10', 'must be a decimal integer'],
      ['limit=1e1', 'must be a decimal integer'],
      ['limit=%20', 'must be a decimal integer'],
      ['limit=1&limit=2', 'given more than once'],
    ]) {
      const res = await call(gw.url, 'GET', `/api/v1/checks?${query}`, { key: org.adminKey });
      expect(res.status, query).toBe(400);
      expect(res.body.error.details, query).toEqual([{ path: 'limit', message }]);
    }
    expect((await call(gw.url, 'GET', '/api/v1/checks?limit=5&offset=0', { key: org.adminKey })).body).toMatchObject({ limit: 5, offset: 0 });
  });

  it('answers unknown routes with 404 NOT_FOUND, after authentication under /api/v1', async () => {
    const open = await call(gw.url, 'GET', '/no/such/route');
    expect(open.status).toBe(404);
    expectEnvelope(open.body, 'NOT_FOUND');
    const api = await call(gw.url, 'GET', '/api/v1/no-such-thing', { key: org.adminKey });
    expect(api.status).toBe(404);
    expectEnvelope(api.body, 'NOT_FOUND');
  });

  it('authenticates every spelling of /api/v1 and /scim/v2, and matches API routes case-sensitively', async () => {
    // Without a credential, any spelling is 401 before routing: none runs a route unauthenticated.
    for (const [method, path] of [
      ['GET', '/Api/v1/transparency-log/size'],
      ['POST', '/API/V1/CHECK'],
      ['GET', '/api/v1/ME'],
    ] as const) {
      const res = await call(gw.url, method, path, { body: method === 'POST' ? { agent_id: 'a', tool_name: 't', arguments: {} } : undefined });
      expect(res.status, `${method} ${path}`).toBe(401);
      expectEnvelope(res.body, 'UNAUTHORIZED');
    }
    const scim = await call(gw.url, 'GET', '/SCIM/v2/Schemas');
    expect(scim.status).toBe(401);
    expect(scim.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    // With one, an API path spelt otherwise is no route (it was a 500: the route ran without a principal).
    for (const path of ['/API/V1/ME', '/api/v1/ME']) {
      const res = await call(gw.url, 'GET', path, { key: org.adminKey });
      expect(res.status, path).toBe(404);
      expectEnvelope(res.body, 'NOT_FOUND');
    }
    expect((await call(gw.url, 'GET', '/api/v1/me', { key: org.adminKey })).status).toBe(200);
  });

  it('answers a known route with the wrong method with 405 and Allow', async () => {
    const res = await call(gw.url, 'PUT', '/api/v1/api-keys', { key: org.adminKey, body: {} });
    expect(res.status).toBe(405);
    expectEnvelope(res.body, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toMatch(/GET/);
  });

  it('answers malformed ids with 400 and unknown ones with 404', async () => {
    const bad = await call(gw.url, 'DELETE', '/api/v1/api-keys/not-a-uuid', { key: org.adminKey });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('id');
    const unknown = await call(gw.url, 'DELETE', '/api/v1/api-keys/2b1f5d6e-1c7a-4a53-9a7e-0c8d1f2e3a4b', { key: org.adminKey });
    expect(unknown.status).toBe(404);
    expectEnvelope(unknown.body, 'NOT_FOUND');
  });
});

describe('request ids', () => {
  it('echoes a well-formed X-Request-Id and generates one otherwise', async () => {
    const given = await call(gw.url, 'GET', '/health', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const made = await call(gw.url, 'GET', '/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('error catalog', () => {
  it('documents every error code in the README', () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      expect(readme, `README error table lacks ${code}`).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
  });
});

describe('logs', () => {
  it('never contain keys or tokens', async () => {
    const mint = await call(gw.url, 'POST', '/api/v1/agents/log-agent/tokens', { key: org.adminKey, body: {} });
    const token: string = mint.body.token;
    await call(gw.url, 'GET', '/api/v1/me', { agentToken: token });
    await call(gw.url, 'GET', '/api/v1/me', { key: `${org.adminKey}x` });
    const created = await call(gw.url, 'POST', '/api/v1/api-keys', { key: org.adminKey, body: { name: 'logged', role: 'viewer' } });
    await new Promise((r) => setTimeout(r, 100));
    const all = gw.logs.join('\n');
    expect(gw.logs.length).toBeGreaterThan(3);
    for (const secret of [org.adminKey, token, created.body.key]) expect(all).not.toContain(secret);
  });
});
