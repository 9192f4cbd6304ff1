import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendNodes } from '../../src/tlog/compact.js';
import { leafHash } from '../../src/tlog/hash.js';
import { buildConsistencyProof, buildInclusionProof, type NodeReader } from '../../src/tlog/proof.js';
import { formatCheckpoint, keyId, signNote, verifierKey } from '../../src/tlog/note.js';

const CLI = fileURLToPath(new URL('../../tools/verify-log/verify-log.mjs', import.meta.url));
const VECTORS = fileURLToPath(new URL('../testdata/merkle/', import.meta.url));
const ORIGIN = 'aegis.local/log/org_test';
const API_KEY = 'aeg_test_key';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** cli runs verify-log asynchronously (the test's HTTP server must keep serving meanwhile). */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

// A small log built with the library: 15 decisions, checkpoints signed once at sizes 12 and 15.
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const VKEY = verifierKey(ORIGIN, publicKey);
const KEY_LABEL = `${ORIGIN}+${keyId(ORIGIN, publicKey).toString('hex')}`;
const data = Array.from({ length: 15 }, (_, i) => JSON.stringify({ decision: i % 3 === 0 ? 'block' : 'allow', seq: i, tool: 'shell' }));
const hashes = data.map((d) => leafHash(Buffer.from(d)));
const store = new Map<string, Buffer>();
const read: NodeReader = (l, i) => store.get(`${l}/${i}`);
const roots = new Map<number, Buffer>();
const checkpoints = new Map<number, string>();
let size = 0;
let frontier: Buffer[] = [];
for (const next of [12, 15]) {
  const res = appendNodes(size, frontier, hashes.slice(size, next));
  for (const n of res.newNodes) store.set(`${n.level}/${n.index}`, n.hash);
  size = res.newSize;
  frontier = res.frontier.map((n) => n.hash);
  roots.set(size, res.root);
  checkpoints.set(size, signNote(formatCheckpoint(ORIGIN, size, res.root), ORIGIN, privateKey));
}
const b64 = (b: Buffer) => b.toString('base64');

/** tamperSignature changes one base64 character inside the Ed25519 signature (past the 4-byte key id). */
function tamperSignature(note: string): string {
  const at = note.lastIndexOf(' ') + 10;
  return note.slice(0, at) + (note[at] === 'A' ? 'B' : 'A') + note.slice(at + 1);
}

function proofResponse(index: number, treeSize: number) {
  return {
    leaf_index: index,
    tree_size: treeSize,
    leaf_hash: b64(hashes[index]!),
    root_hash: b64(roots.get(treeSize)!),
    audit_path: buildInclusionProof(index, treeSize, read).map(b64),
    checkpoint: checkpoints.get(treeSize)!,
  };
}

function consistencyResponse(first: number, second: number) {
  return { first, second, consistency: buildConsistencyProof(first, second, read).map(b64) };
}

const leafResponse = (index: number) => ({ leaf_index: index, leaf_hash: b64(hashes[index]!), data: data[index]! });

let dir: string;
const file = (name: string, content: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'verify-log-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify-log checkpoint', () => {
  it('verifies a signed checkpoint and prints it', async () => {
    const r = await cli('checkpoint', '--vkey', VKEY, '--checkpoint', file('cp15', checkpoints.get(15)!));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`origin ${ORIGIN}, tree size 15, root hash ${b64(roots.get(15)!)}`);
  });

  it('reads the key from a file and the checkpoint from an /sth JSON response', async () => {
    const r = await cli('checkpoint', '--vkey', file('vkey', `${VKEY}\n`), '--checkpoint', file('sth.json', { tree_size: 12, checkpoint: checkpoints.get(12) }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tree size 12');
  });

  it('rejects a tampered signature', async () => {
    const r = await cli('checkpoint', '--vkey', VKEY, '--checkpoint', file('bad-sig', tamperSignature(checkpoints.get(15)!)));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`verify-log: FAIL: checkpoint signature by ${KEY_LABEL} does not verify\n`);
  });

  it('rejects a tampered tree size under a valid-looking signature', async () => {
    const r = await cli('checkpoint', '--vkey', VKEY, '--checkpoint', file('bad-size', checkpoints.get(15)!.replace('\n15\n', '\n16\n')));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`checkpoint signature by ${KEY_LABEL} does not verify`);
  });

  it('rejects a checkpoint when the pinned key did not sign it', async () => {
    const other = verifierKey(ORIGIN, generateKeyPairSync('ed25519').publicKey);
    const r = await cli('checkpoint', '--vkey', other, '--checkpoint', file('cp15b', checkpoints.get(15)!));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`verify-log: FAIL: checkpoint is not signed by ${other.split('+').slice(0, 2).join('+')} (signatures from: ${KEY_LABEL})\n`);
  });

  it("rejects another log's checkpoint relabelled with this key's name (same signing key, other origin)", async () => {
    // One key signing two logs: a signature covers the text, not the key name, so org B's note re-signed
    // under org A's name verifies as a signature — the origin line must name the key's log.
    const otherLog = 'aegis.local/log/org_other';
    const forged = signNote(formatCheckpoint(otherLog, 15, roots.get(15)!), ORIGIN, privateKey);
    const r = await cli('checkpoint', '--vkey', VKEY, '--checkpoint', file('relabelled', forged));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`verify-log: FAIL: checkpoint is for log ${otherLog}, not for the key's log ${ORIGIN}\n`);
  });

  it('exits 2 with the usage on a bad command line', async () => {
    const r = await cli('checkpoint', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: node tools/verify-log/verify-log.mjs');
  });
});

describe('verify-log inclusion', () => {
  const leaf = 3;

  it('verifies a proof, recomputing the leaf hash from its data', async () => {
    const r = await cli('inclusion', '--vkey', VKEY, '--proof', file('p.json', proofResponse(leaf, 15)), '--leaf', file('l.json', leafResponse(leaf)));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK leaf 3 is included in the tree of size 15');
    expect(r.stdout).toContain('recomputed from the leaf data');
  });

  it.each([0, 11, 14])('verifies leaf %i at both tree sizes', async (i) => {
    for (const n of [12, 15].filter((n) => i < n)) {
      const r = await cli('inclusion', '--vkey', VKEY, '--proof', file(`p${i}-${n}.json`, proofResponse(i, n)), '--leaf', file(`l${i}.json`, leafResponse(i)));
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('rejects tampered leaf data', async () => {
    const l = { ...leafResponse(leaf), leaf_hash: undefined, data: data[leaf]!.replace('"block"', '"allow"') };
    expect(l.data).not.toBe(data[leaf]);
    const r = await cli('inclusion', '--vkey', VKEY, '--proof', file('p.json', proofResponse(leaf, 15)), '--leaf', file('l-bad.json', l));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAIL: leaf 3: its data hashes to \S+ but the proof is for leaf_hash \S+/);
  });

  it('rejects leaf data that does not match its own leaf_hash', async () => {
    const l = { ...leafResponse(leaf), data: data[leaf]!.replace('shell', 'http') };
    const r = await cli('inclusion', '--vkey', VKEY, '--proof', file('p.json', proofResponse(leaf, 15)), '--leaf', file('l-bad2.json', l));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('leaf 3: its data hashes to');
  });

  it('rejects a tampered proof element', async () => {
    const p = proofResponse(leaf, 15);
    const h = Buffer.from(p.audit_path[1]!, 'base64');
    h[0]! ^= 0x10;
    p.audit_path[1] = b64(h);
    const r = await cli('inclusion', '--vkey', VKEY, '--proof', file('p-bad.json', p), '--leaf', file('l.json', leafResponse(leaf)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAIL: inclusion proof for leaf 3 in tree size 15 does not verify: calculated root [0-9a-f]{64} does not match expected root [0-9a-f]{64}/);
  });

  it('rejects a proof with an extra element', async () => {
    const p = proofResponse(leaf, 15);
    p.audit_path.push(p.root_hash);
    const r = await cli('inclusion', '--vkey', VKEY, '--proof', file('p-long.json', p));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`does not verify: wrong proof size ${p.audit_path.length}, want ${p.audit_path.length - 1}`);
  });

  it('rejects a tampered root hash', async () => {
    const p = { ...proofResponse(leaf, 15), root_hash: b64(roots.get(12)!) };
    const r = await cli('inclusion', '--vkey', VKEY, '--proof', file('p-root.json', p));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAIL: the proof's root_hash ${b64(roots.get(12)!)} does not match the checkpoint's root hash ${b64(roots.get(15)!)}`);
  });

  it('rejects a proof whose tree size is not the checkpoint size', async () => {
    const p = { ...proofResponse(leaf, 15), tree_size: 14 };
    const r = await cli('inclusion', '--vkey', VKEY, '--proof', file('p-size.json', p));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAIL: the proof is for tree size 14 but its checkpoint is for tree size 15');
  });

  it('rejects a tampered checkpoint signature and a wrong key', async () => {
    const p = { ...proofResponse(leaf, 15), checkpoint: tamperSignature(checkpoints.get(15)!) };
    let r = await cli('inclusion', '--vkey', VKEY, '--proof', file('p-sig.json', p));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`verify-log: FAIL: checkpoint signature by ${KEY_LABEL} does not verify\n`);
    r = await cli('inclusion', '--vkey', verifierKey('someone.else/log', publicKey), '--proof', file('p.json', proofResponse(leaf, 15)));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAIL: checkpoint is not signed by someone.else/log+');
  });
});

describe('verify-log consistency', () => {
  it('verifies that the tree of 15 extends the tree of 12', async () => {
    const r = await cli('consistency', '--vkey', VKEY, '--old', file('old', checkpoints.get(12)!), '--new', file('new', checkpoints.get(15)!), '--proof', file('c.json', consistencyResponse(12, 15)));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK the tree of size 15 is consistent with the tree of size 12');
  });

  it('rejects a tampered consistency proof', async () => {
    const c = consistencyResponse(12, 15);
    c.consistency[0] = b64(hashes[0]!);
    const r = await cli('consistency', '--vkey', VKEY, '--old', file('old', checkpoints.get(12)!), '--new', file('new', checkpoints.get(15)!), '--proof', file('c-bad.json', c));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAIL: consistency proof from 12 to 15 does not verify: calculated (first|second) root/);
  });

  it('rejects swapped checkpoints as a shrinking tree', async () => {
    const r = await cli('consistency', '--vkey', VKEY, '--old', file('new', checkpoints.get(15)!), '--new', file('old', checkpoints.get(12)!), '--proof', file('c.json', consistencyResponse(12, 15)));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('verify-log: FAIL: tree shrank from 15 to 12\n');
  });
});

describe('verify-log self-test', () => {
  it('passes on the transparency-dev vectors', async () => {
    const r = await cli('--self-test', VECTORS);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/11 happy paths verified, 184 modified cases rejected/);
  });

  it('fails when a vector disagrees', async () => {
    const copy = join(dir, 'vectors');
    cpSync(VECTORS, copy, { recursive: true });
    const f = join(copy, 'inclusion/1/happy-path.json');
    writeFileSync(f, readFileSync(f, 'utf8').replace('"wantErr": false', '"wantErr": true'));
    const r = await cli('--self-test', copy);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('inclusion/1/happy-path.json: happy path: should be rejected but verified');
  });
});

describe('verify-log online and monitor', () => {
  let server: Server;
  let url: string;
  // What the fake gateway currently serves.
  const serving = { size: 12, tamperConsistency: false, forkRoot: false };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-aegis-api-key'] !== API_KEY) return send(401, { error: { code: 'UNAUTHORIZED', message: 'missing or invalid credentials' } });
      const u = new URL(req.url!, 'http://x');
      const path = u.pathname.replace('/api/v1/transparency-log', '');
      let m: RegExpMatchArray | null;
      if (path === '/public-key') return send(200, { key_name: ORIGIN, vkey: VKEY, public_key: b64(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)) });
      if (path === '/sth') {
        // A forked log: a validly signed checkpoint of the same size with another root.
        const root = serving.forkRoot ? hashes[0]! : roots.get(serving.size)!;
        const cp = serving.forkRoot ? signNote(formatCheckpoint(ORIGIN, serving.size, root), ORIGIN, privateKey) : checkpoints.get(serving.size)!;
        return send(200, { tree_size: serving.size, root_hash: b64(root), timestamp: '2026-01-01T00:00:00Z', checkpoint: cp });
      }
      if ((m = /^\/proof\/(\d+)$/.exec(path))) return send(200, proofResponse(Number(m[1]), Number(u.searchParams.get('tree_size') ?? serving.size)));
      if ((m = /^\/leaves\/(\d+)$/.exec(path))) return send(200, leafResponse(Number(m[1])));
      if (path === '/consistency') {
        const c = consistencyResponse(Number(u.searchParams.get('first')), Number(u.searchParams.get('second')));
        if (serving.tamperConsistency) c.consistency.reverse();
        return send(200, c);
      }
      send(404, { error: { code: 'NOT_FOUND', message: path } });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => Object.assign(serving, { size: 12, tamperConsistency: false, forkRoot: false }));

  it('verifies the latest checkpoint, trusting the server key on first use and saying so', async () => {
    serving.size = 15;
    const r = await cli('checkpoint', '--url', url, '--key', API_KEY);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('trust on first use');
    expect(r.stdout).toContain('tree size 15');
  });

  it('verifies an inclusion proof fetched with the leaf, against a pinned key', async () => {
    serving.size = 15;
    const r = await cli('inclusion', '--url', url, '--key', API_KEY, '--vkey', VKEY, '--index', '7', '--tree-size', '12');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK leaf 7 is included in the tree of size 12');
  });

  it('verifies consistency from a saved checkpoint to the latest one', async () => {
    serving.size = 15;
    const r = await cli('consistency', '--url', url, '--key', API_KEY, '--vkey', VKEY, '--old', file('old', checkpoints.get(12)!));
    expect(r.code, r.stderr).toBe(0);
  });

  it('reports a rejected API key', async () => {
    const r = await cli('checkpoint', '--url', url, '--key', 'wrong', '--vkey', VKEY);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/api/v1/transparency-log/sth returned HTTP 401');
  });

  it('monitors: stores the first checkpoint, proves growth, rejects a shrink, a fork and a bad proof', async () => {
    const state = join(dir, 'monitor-state.json');
    const monitor = () => cli('monitor', '--url', url, '--key', API_KEY, '--state', state, '--vkey', VKEY);

    serving.size = 12;
    let r = await monitor();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('OK first checkpoint verified');
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ vkey: VKEY, tree_size: 12, checkpoint: checkpoints.get(12) });

    serving.size = 15;
    serving.tamperConsistency = true;
    r = await monitor();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAIL: consistency proof from 12 to 15 does not verify: /);
    expect(JSON.parse(readFileSync(state, 'utf8')).tree_size).toBe(12);

    serving.tamperConsistency = false;
    r = await monitor();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('OK tree grew from 12 to 15; consistency proof verified');
    expect(JSON.parse(readFileSync(state, 'utf8')).tree_size).toBe(15);

    r = await monitor();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK tree size unchanged at 15');

    serving.forkRoot = true;
    r = await monitor();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('two checkpoints for tree size 15 have different roots');
    serving.forkRoot = false;

    serving.size = 12;
    r = await monitor();
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('verify-log: FAIL: tree shrank from 15 to 12\n');
    expect(JSON.parse(readFileSync(state, 'utf8')).tree_size).toBe(15);
    expect(readdirSync(dir).filter((f) => f.startsWith('monitor-state.json.tmp'))).toEqual([]);
  });

  it('monitors with trust on first use, then holds the server to the pinned key', async () => {
    const state = join(dir, 'tofu-state.json');
    serving.size = 12;
    let r = await cli('monitor', '--url', url, '--key', API_KEY, '--state', state);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('trust on first use');
    serving.size = 15;
    r = await cli('monitor', '--url', url, '--key', API_KEY, '--state', state);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const other = verifierKey(ORIGIN, generateKeyPairSync('ed25519').publicKey);
    r = await cli('monitor', '--url', url, '--key', API_KEY, '--state', state, '--vkey', other);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('differs from the key pinned in');
  });
});
