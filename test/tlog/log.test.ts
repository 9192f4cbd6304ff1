import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { leafHash } from '../../src/tlog/hash.js';
import { openNote, parseCheckpoint } from '../../src/tlog/note.js';
import { verifyConsistency, verifyInclusion } from '../../src/tlog/proof.js';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { pendingCheck, requireReview } from '../helpers/pending.js';
import { eventually } from '../helpers/wait.js';

let gw: TestGateway;
let second: TestGateway;
let org: TestOrg;
let other: TestOrg;
const env = { AEGIS_SIGNING_KEY: createHash('sha256').update(randomUUID()).digest('base64'), AEGIS_TASK_QUEUE: `tlog-${randomUUID()}` };

beforeAll(async () => {
  // Two replicas of one deployment: both run a sequencer; the advisory lock keeps one log.
  [gw, second] = await Promise.all([startTestGateway(env), startTestGateway(env)]);
  [org, other] = await Promise.all([newOrg(gw), newOrg(gw)]);
});
afterAll(async () => Promise.all([gw?.shutdown(), second?.shutdown()]));

const b = (s: string): Buffer => Buffer.from(s, 'base64');
const get = (g: TestGateway, url: string, o = org) => call(g.url, 'GET', `/api/v1/transparency-log${url}`, { key: o.adminKey });

async function vkeyOf(o: TestOrg): Promise<string> {
  const res = await get(gw, '/public-key', o);
  expect(res.body).toMatchObject({ key_name: expect.stringMatching(new RegExp(`/${o.orgId}$`)), vkey: expect.any(String), public_key: expect.any(String) });
  return res.body.vkey;
}

async function sth(g: TestGateway, o = org) {
  const res = await get(g, '/sth', o);
  expect(res.status).toBe(200);
  const opened = openNote(res.body.checkpoint, [await vkeyOf(o)]);
  const cp = parseCheckpoint(opened.text);
  expect(cp.size).toBe(res.body.tree_size);
  expect(cp.rootHash.toString('base64')).toBe(res.body.root_hash);
  return res.body as { tree_size: number; root_hash: string; timestamp: string; checkpoint: string };
}

describe('the transparency log', () => {
  it('starts empty with a signed checkpoint of size 0', async () => {
    const head = await sth(gw, other);
    expect(head.tree_size).toBe(0);
    expect(head.root_hash).toBe(createHash('sha256').update('').digest('base64'));
    expect((await get(gw, '/size', other)).body).toEqual({ tree_size: 0 });
    const text = await call(gw.url, 'GET', '/api/v1/transparency-log/sth', { key: other.adminKey, headers: { accept: 'text/plain' } });
    expect(text.headers.get('content-type')).toMatch(/text\/plain/);
    expect(text.text).toBe(head.checkpoint);
  });

  it('logs every decision from either replica; each receipt verifies against a signed checkpoint', async () => {
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const g = i % 2 ? gw : second;
        const res = await call(g.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: `a${i % 3}`, tool_name: i % 5 ? 'db_query' : 'shell', arguments: { sql: `SELECT ${i}`, command: i % 5 ? undefined : "ping -c1 x; cat /etc/shadow" } } });
        expect(res.status).toBe(200);
        ids.push(res.body.check_id);
      }),
    );
    const receipts = await eventually(async () => {
      const all = await Promise.all(ids.map(async (id) => (await call(gw.url, 'GET', `/api/v1/check/${id}`, { key: org.adminKey })).body));
      for (const c of all) expect(c.log).not.toBeNull();
      return all;
    }, 5_000, 100);
    const indexes = receipts.map((c) => c.log.leaf_index).sort((x, y) => x - y);
    expect(indexes).toEqual([...Array(40).keys()]);
    const head = await sth(gw);
    expect(head.tree_size).toBe(40);

    for (const c of receipts.slice(0, 10)) {
      const proof = (await get(second, `/proof/${c.log.leaf_index}`)).body;
      expect(proof).toMatchObject({ leaf_index: c.log.leaf_index, tree_size: 40, root_hash: head.root_hash, checkpoint: head.checkpoint });
      const leaf = (await get(gw, `/leaves/${c.log.leaf_index}`)).body;
      // The leaf is the canonical JSON of the decision, arguments by hash only.
      const data = JSON.parse(leaf.data);
      expect(Object.keys(data)).toEqual(['agent_id', 'arguments_sha256', 'check_id', 'decided_at', 'decided_by', 'decision', 'org_id', 'policy_name', 'risk_level', 'tool_name']);
      expect(data).toMatchObject({ check_id: c.check_id, org_id: org.orgId, decision: c.decision, policy_name: c.policy_name, arguments_sha256: c.arguments_sha256, decided_by: 'policy' });
      expect(leafHash(Buffer.from(leaf.data, 'utf8')).toString('base64')).toBe(proof.leaf_hash);
      verifyInclusion(b(proof.leaf_hash), proof.leaf_index, proof.tree_size, proof.audit_path.map(b), b(proof.root_hash));
    }
    // A pass may take entries committed after it began: none reads as integrated before it was decided.
    for (const c of receipts) {
      const leaf = (await get(gw, `/leaves/${c.log.leaf_index}`)).body;
      expect(Date.parse(leaf.integrated_at), leaf.data).toBeGreaterThanOrEqual(Date.parse(JSON.parse(leaf.data).decided_at));
    }
  });

  it('hashes a leaf as the UTF-8 of its data, whatever characters the decision holds', async () => {
    // The server fills leaves from the queue and hashes them itself: it must agree with RFC 9162 byte for byte.
    const res = await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'agent-é✓日本-🚀', tool_name: 'outil_données', arguments: { note: 'naïve' } } });
    expect(res.status).toBe(200);
    const c = await eventually(async () => {
      const got = (await call(gw.url, 'GET', `/api/v1/check/${res.body.check_id}`, { key: org.adminKey })).body;
      expect(got.log).not.toBeNull();
      return got;
    }, 5_000, 100);
    const leaf = (await get(gw, `/leaves/${c.log.leaf_index}`)).body;
    expect(JSON.parse(leaf.data)).toMatchObject({ agent_id: 'agent-é✓日本-🚀', tool_name: 'outil_données' });
    const proof = (await get(gw, `/proof/${c.log.leaf_index}`)).body;
    expect(proof.leaf_hash).toBe(leafHash(Buffer.from(leaf.data, 'utf8')).toString('base64'));
    verifyInclusion(b(proof.leaf_hash), proof.leaf_index, proof.tree_size, proof.audit_path.map(b), b(proof.root_hash));
  });

  it("shows an agent token its own agent's leaves only, as GET /check/:id does", async () => {
    const token = async (agent: string): Promise<string> => (await call(gw.url, 'POST', `/api/v1/agents/${agent}/tokens`, { key: org.adminKey, body: {} })).body.token as string;
    const [mine, theirs] = [await token('leaf-a'), await token('leaf-b')];
    const logged = async (agentToken: string, agent: string): Promise<number> => {
      const res = await call(gw.url, 'POST', '/api/v1/check', { agentToken, body: { agent_id: agent, tool_name: 'hr_lookup_salary', arguments: { employee: 'alice' } } });
      expect(res.status, res.text).toBe(200);
      return eventually(async () => {
        const got = (await call(gw.url, 'GET', `/api/v1/check/${res.body.check_id}`, { agentToken })).body;
        expect(got.log).not.toBeNull();
        return got.log.leaf_index as number;
      }, 5_000, 100);
    };
    const [a, bLeaf] = [await logged(mine, 'leaf-a'), await logged(theirs, 'leaf-b')];
    const read = (agentToken: string, i: number) => call(gw.url, 'GET', `/api/v1/transparency-log/leaves/${i}`, { agentToken });
    expect(JSON.parse((await read(mine, a)).body.data)).toMatchObject({ agent_id: 'leaf-a' });
    const refused = await read(mine, bLeaf);
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain('hr_lookup_salary');
    // Proofs carry hashes only, and an admin key reads every leaf.
    expect((await call(gw.url, 'GET', `/api/v1/transparency-log/proof/${bLeaf}`, { agentToken: mine })).status).toBe(200);
    expect((await get(gw, `/leaves/${bLeaf}`)).status).toBe(200);
  });

  it('proves any two kept sizes consistent, and answers bad indexes precisely', async () => {
    const before = await sth(gw);
    await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'late', tool_name: 'db_query', arguments: { sql: 'SELECT 1' } } });
    const after = await eventually(async () => {
      const h = await sth(second);
      expect(h.tree_size).toBe(before.tree_size + 1);
      return h;
    }, 5_000, 100);
    const proof = (await get(gw, `/consistency?first=${before.tree_size}&second=${after.tree_size}`)).body;
    // Each size comes with its signed checkpoint: a proof never authenticates a size by itself.
    expect(proof).toMatchObject({ first: before.tree_size, second: after.tree_size, first_checkpoint: before.checkpoint, second_checkpoint: after.checkpoint });
    verifyConsistency(before.tree_size, after.tree_size, proof.consistency.map(b), b(before.root_hash), b(after.root_hash));
    // An older size still proves inclusion with its own checkpoint.
    const old = (await get(gw, `/proof/3?tree_size=${before.tree_size}`)).body;
    expect(old.checkpoint).toBe(before.checkpoint);
    verifyInclusion(b(old.leaf_hash), 3, before.tree_size, old.audit_path.map(b), b(before.root_hash));

    const cases: Array<[string, number, RegExp]> = [
      ['/proof/abc', 400, /leaf_index must be a non-negative integer, got "abc"/],
      ['/proof/-1', 400, /leaf_index/],
      [`/proof/${after.tree_size}`, 404, new RegExp(`leaf_index ${after.tree_size} is beyond the log \\(${after.tree_size} leaves\\)`)],
      [`/proof/5?tree_size=${after.tree_size + 10}`, 404, new RegExp(`tree_size ${after.tree_size + 10} is larger than the log \\(${after.tree_size}\\)`)],
      ['/proof/7?tree_size=5', 400, /leaf_index 7 is not below tree_size 5/],
      ['/consistency?first=0&second=3', 400, /first must be at least 1/],
      ['/consistency?first=5&second=3', 400, /first \(5\) is larger than second \(3\)/],
      [`/consistency?first=1&second=${after.tree_size + 1}`, 404, /larger than the log/],
      ['/leaves/100000', 404, /beyond the log/],
    ];
    for (const [url, status, message] of cases) {
      const res = await get(gw, url);
      expect(res.status, url).toBe(status);
      expect(res.body.error.message, url).toMatch(message);
    }
  });

  it('appends a pending check once it is decided, with who decided', async () => {
    await requireReview(gw, org);
    const id = await pendingCheck(gw.url, org.adminKey, 'reviewed-agent');
    const pending = await call(gw.url, 'GET', `/api/v1/check/${id}`, { key: org.adminKey });
    expect(pending.body.log).toBeNull();
    expect((await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: org.adminKey, body: { decision: 'allow', decided_by: 'dana@acme.com' } })).status).toBe(200);
    const receipt = await eventually(async () => {
      const v = await call(gw.url, 'GET', `/api/v1/check/${id}/decision`, { key: org.adminKey });
      expect(v.body.log).not.toBeNull();
      return v.body.log;
    }, 5_000, 100);
    const leaf = JSON.parse((await get(gw, `/leaves/${receipt.leaf_index}`)).body.data);
    expect(leaf).toMatchObject({ check_id: id, decision: 'allow', decided_by: 'dana@acme.com', policy_name: 'review-deploy' });
  });

  it('is verified end to end by the zero-dependency CLI, online and in monitor mode', async () => {
    const cli = fileURLToPath(new URL('../../tools/verify-log/verify-log.mjs', import.meta.url));
    const dir = fs.mkdtempSync(path.join(inject('tmpRoot'), 'verify-log-'));
    const vkeyFile = path.join(dir, 'log.vkey');
    fs.writeFileSync(vkeyFile, `${await vkeyOf(org)}\n`);
    // Asynchronous: the gateway answering the CLI runs in this very process.
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, [cli, ...args, '--url', gw.url, '--vkey', vkeyFile], { env: { ...process.env, AEGIS_API_KEY: org.adminKey } }, (err, _stdout, stderr) => {
          resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
        });
      });
    const inclusion = await run('inclusion', '--index', '7');
    expect(inclusion.status, inclusion.stderr).toBe(0);
    const state = path.join(dir, 'monitor.json');
    const first = await run('monitor', '--state', state);
    expect(first.status, first.stderr).toBe(0);
    await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'monitored', tool_name: 'db_query', arguments: { sql: 'SELECT 42' } } });
    const size = (await sth(gw)).tree_size;
    await eventually(async () => expect((await sth(gw)).tree_size).toBe(size + 1), 5_000, 100);
    const again = await run('monitor', '--state', state);
    expect(again.status, again.stderr).toBe(0);
    // A wrong pinned key is refused.
    fs.writeFileSync(vkeyFile, `${await vkeyOf(other)}\n`);
    const wrong = await run('checkpoint');
    expect(wrong.status).not.toBe(0);
  });

  it('keeps proving old leaves and old checkpoints across a restart', async () => {
    const before = await sth(gw);
    const oldProof = (await get(gw, '/proof/2')).body;
    await gw.shutdown();
    gw = await startTestGateway(env);
    // The same proof is served for the same size, and the log grows consistently from it.
    expect((await get(gw, `/proof/2?tree_size=${before.tree_size}`)).body).toEqual(oldProof);
    await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'after-restart', tool_name: 'db_query', arguments: { sql: 'SELECT 7' } } });
    const after = await eventually(async () => {
      const h = await sth(gw);
      expect(h.tree_size).toBeGreaterThan(before.tree_size);
      return h;
    }, 5_000, 100);
    const proof = (await get(gw, `/consistency?first=${before.tree_size}&second=${after.tree_size}`)).body;
    verifyConsistency(before.tree_size, after.tree_size, proof.consistency.map(b), b(before.root_hash), b(after.root_hash));
  });

  it("keeps each org's log to itself", async () => {
    expect((await get(gw, '/size', other)).body.tree_size).toBe(0);
    expect((await get(gw, '/leaves/0', other)).status).toBe(404);
  });
});
