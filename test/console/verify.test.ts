import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpoint, rawEd25519PublicKey, signNote, verifierKey } from '../../src/tlog/note.js';
import { denseTree, refInclusionProof, refLeafHash } from '../tlog/merkle-reference.js';

/**
 * The console's in-browser verifier (src/console/static/verify.js, plain JS on WebCrypto), run on
 * Node's WebCrypto: transparency-dev's inclusion vectors, and receipts built with the gateway's
 * signer and the reference tree — intact, and altered in each way a lying gateway could.
 */
const MODULE = new URL('../../src/console/static/verify.js', import.meta.url).href;
const VECTORS = fileURLToPath(new URL('../testdata/merkle/inclusion/', import.meta.url));

let verify: any;
beforeAll(async () => {
  verify = await import(MODULE);
});

const b64 = (v: unknown) => new Uint8Array(Buffer.from(typeof v === 'string' ? v : '', 'base64'));

describe('verifyInclusion() on the transparency-dev vectors', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.json')) files.push(join(dir, e.name));
    }
  };
  walk(VECTORS);

  it.each(files.map((f) => [f.slice(VECTORS.length), f]))('%s', async (_name, file) => {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    const run = () => verify.verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (Array.isArray(v.proof) ? v.proof : []).map(b64), b64(v.root));
    if (v.wantErr) await expect(run()).rejects.toThrow(verify.VerificationError);
    else await run();
  });
});

describe('verifyReceipt()', () => {
  const orgId = randomUUID();
  const name = `aegis.local/log/${orgId}`;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const checkId = randomUUID();
  const leaves = Array.from({ length: 7 }, (_, i) =>
    JSON.stringify({ check_id: i === 3 ? checkId : randomUUID(), decided_by: 'dana@example.com', decision: 'allow', org_id: orgId }),
  );
  const hashes = leaves.map((d) => refLeafHash(Buffer.from(d)));
  const tree = denseTree(hashes);
  const root = tree.mth(0n, 7n);
  const checkpoint = signNote(formatCheckpoint(name, 7, root), name, privateKey);
  const expected = { leafIndex: 3, checkId, decision: 'allow', decidedBy: 'dana@example.com', orgId };

  type Log = Record<string, any>;
  const honest = (): Log => ({
    '/public-key': { key_name: name, vkey: verifierKey(name, publicKey), public_key: rawEd25519PublicKey(publicKey).toString('base64') },
    '/proof/3': { leaf_index: 3, tree_size: 7, leaf_hash: hashes[3]!.toString('base64'), root_hash: root.toString('base64'), audit_path: refInclusionProof(tree, 3n, 7n).map((h) => h.toString('base64')), checkpoint },
    '/leaves/3': { leaf_index: 3, leaf_hash: hashes[3]!.toString('base64'), data: leaves[3] },
  });
  const serve = (log: Log) => async (path: string) => structuredClone(log[path]);

  it('verifies an honest receipt and names the log', async () => {
    const result = await verify.verifyReceipt(serve(honest()), expected);
    expect(result).toMatchObject({ leafIndex: 3, treeSize: 7, keyName: name, keyId: verifierKey(name, publicKey).split('+')[1], rootHash: root.toString('base64') });
  });

  const flip = (s: string) => {
    const b = Buffer.from(s, 'base64');
    b[b.length - 1]! ^= 1;
    return b.toString('base64');
  };
  const cases: Array<[string, (log: Log) => void, RegExp, string?]> = [
    ['leaf data changed', (l) => (l['/leaves/3'].data = leaves[3]!.replace('allow', 'block')), /leaf 3: its data hashes to \S+, not to its leaf_hash/],
    ['leaf data and hash changed', (l) => ((l['/leaves/3'].data = leaves[3]!.replace('allow', 'block')), delete l['/leaves/3'].leaf_hash), /leaf 3: its data hashes to \S+ but the proof is for leaf hash/],
    ['another check’s leaf', (l) => ((l['/leaves/3'] = { leaf_index: 3, data: leaves[4] }), (l['/proof/3'].leaf_hash = hashes[4]!.toString('base64'))), /leaf 3 records check_id "[^"]+", but the check says/],
    ['an audit path node changed', (l) => (l['/proof/3'].audit_path[1] = flip(l['/proof/3'].audit_path[1])), /inclusion proof of leaf 3 in tree size 7 does not verify: the calculated root [0-9a-f]{64} does not match/],
    ['an audit path node dropped', (l) => l['/proof/3'].audit_path.pop(), /wrong proof size 2, want 3/],
    ['a signature byte flipped', (l) => (l['/proof/3'].checkpoint = checkpoint.replace(/ (\S+)\n$/, (_: string, sig: string) => ` ${flip(sig)}\n`)), /the checkpoint's signature by aegis\.local\/log\/\S+ does not verify/],
    ['signed by another key', (l) => (l['/proof/3'].checkpoint = signNote(formatCheckpoint(name, 7, root), name, other.privateKey)), /the checkpoint is not signed by aegis\.local\/log\/\S+\+[0-9a-f]{8} \(signatures from: /],
    ['a checkpoint of another size', (l) => (l['/proof/3'].tree_size = 8), /the proof is for tree size 8 but its checkpoint is for tree size 7/],
    ['another org’s log', (l) => (l['/public-key'].vkey = verifierKey('aegis.local/log/other', publicKey)), /the log key aegis\.local\/log\/other is not this organisation's/],
    ['a key id that does not match', (l) => (l['/public-key'].vkey = verifierKey(name, publicKey).replace(/\+([0-9a-f]{8})\+/, '+00000000+')), /the verifier key id 00000000 does not match its key/],
    ['a key other than the pinned one', (l) => (l['/public-key'].vkey = verifierKey(name, other.publicKey)), /the log's key changed: this browser pinned \S+ on first use, the gateway now sends/, verifierKey(name, publicKey)],
  ];

  it.each(cases)('rejects %s, saying why', async (_what, tamper, message, pinned) => {
    const log = honest();
    tamper(log);
    await expect(verify.verifyReceipt(serve(log), expected, pinned)).rejects.toThrow(message);
  });
});
