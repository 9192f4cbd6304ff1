/* global crypto, atob, btoa, TextEncoder */
// verify: checks a transparency-log receipt in the browser, with WebCrypto only — the same checks as
// tools/verify-log (which is the reference): the leaf hash SHA-256(0x00 ‖ data) from the leaf's
// exact data, the RFC 9162 §2.1.3.2 inclusion proof against the checkpoint's root, and the
// checkpoint's Ed25519 signature in the C2SP signed-note format with its key id
// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]. No code is shared with the gateway on purpose.

const HASH_SIZE = 32;
const SIG_PREFIX = '\u2014 '; // em dash, space
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextEncoder();

/** VerificationError is a receipt that does not verify; its message says precisely why. */
export class VerificationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'VerificationError';
  }
}

export function encodeBase64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** decodeBase64 reads canonical standard base64 (what the gateway and signed notes use). */
export function decodeBase64(s, what) {
  if (typeof s !== 'string' || s === '' || !BASE64.test(s)) throw new VerificationError(`${what} is not base64`);
  const bytes = Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  if (encodeBase64(bytes) !== s) throw new VerificationError(`${what} is not canonical base64`);
  return bytes;
}

export const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
}

/** leafHash is RFC 6962's leaf hash SHA-256(0x00 ‖ data). */
export const leafHash = (data) => sha256(Uint8Array.of(0x00), data);
const nodeHash = (left, right) => sha256(Uint8Array.of(0x01), left, right);

function checkSize(n, what) {
  if (!Number.isSafeInteger(n) || n < 0) throw new VerificationError(`${what} ${n} is not an integer in [0, 2^53-1]`);
}

function checkHash(h, what) {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new VerificationError(`${what} is ${h?.length} bytes, want ${HASH_SIZE}`);
}

const bitLength = (b) => (b === 0n ? 0 : b.toString(2).length);
const onesCount = (b) => [...b.toString(2)].filter((c) => c === '1').length;
const half = (n) => Math.floor(n / 2);

/**
 * rootFromInclusionProof computes the root that a leaf hash and its audit path imply (RFC 9162
 * §2.1.3.2 steps 1–4), after checking the proof has exactly the length the index and size call for.
 * Requires 0 <= index < size.
 */
export async function rootFromInclusionProof(hash, index, size, proof) {
  checkSize(index, 'leaf index');
  checkSize(size, 'tree size');
  if (index >= size) throw new VerificationError(`leaf index ${index} is not below the tree size ${size}`);
  checkHash(hash, 'leaf hash');
  proof.forEach((p, i) => checkHash(p, `audit_path[${i}]`));
  const inner = bitLength(BigInt(index) ^ BigInt(size - 1));
  const want = inner + onesCount(BigInt(index) >> BigInt(inner));
  if (proof.length !== want) throw new VerificationError(`wrong proof size ${proof.length}, want ${want}`);
  let fn = index;
  let sn = size - 1;
  let r = hash;
  for (const p of proof) {
    if (sn === 0) throw new VerificationError('the inclusion proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new VerificationError('the inclusion proof is shorter than the path to the root');
  return r;
}

/** verifyInclusion throws unless the proof takes the leaf hash at index to root in a tree of size leaves. */
export async function verifyInclusion(hash, index, size, proof, root) {
  const calculated = await rootFromInclusionProof(hash, index, size, proof);
  checkHash(root, 'root hash');
  if (!equal(calculated, root)) throw new VerificationError(`the calculated root ${toHex(calculated)} does not match the checkpoint's root ${toHex(root)}`);
}

function checkKeyName(name) {
  // eslint-disable-next-line no-control-regex
  if (name === '' || /[\s+\u0000-\u001f]/u.test(name)) throw new VerificationError(`key name ${JSON.stringify(name)} is empty or contains a space, plus or control character`);
}

/**
 * parseVerifierKey reads `<name>+<8 hex key id>+<base64(0x01 ‖ Ed25519 key)>`, checks the key id
 * against the key, and imports the key for WebCrypto.
 */
export async function parseVerifierKey(vkey) {
  const s = String(vkey ?? '').trim();
  const p1 = s.indexOf('+');
  const p2 = s.indexOf('+', p1 + 1);
  if (p1 < 0 || p2 < 0) throw new VerificationError(`the verifier key ${JSON.stringify(s)} is not <name>+<key id>+<key>`);
  const name = s.slice(0, p1);
  const idHex = s.slice(p1 + 1, p2).toLowerCase();
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new VerificationError(`the verifier key id ${JSON.stringify(idHex)} is not 8 hex digits`);
  const key = decodeBase64(s.slice(p2 + 1), 'the verifier public key');
  if (key.length !== 33 || key[0] !== 0x01) throw new VerificationError('the verifier key is not an Ed25519 key (type byte 0x01 and 32 bytes)');
  const raw = key.subarray(1);
  const id = toHex((await sha256(utf8.encode(name), Uint8Array.of(0x0a, 0x01), raw)).subarray(0, 4));
  if (id !== idHex) throw new VerificationError(`the verifier key id ${idHex} does not match its key (${id})`);
  let cryptoKey;
  try {
    cryptoKey = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
  } catch (err) {
    throw new VerificationError(`this browser cannot verify Ed25519 signatures with WebCrypto (${err.message}); use tools/verify-log instead`);
  }
  return { name, idHex, raw, key: cryptoKey, vkey: s };
}

/**
 * openNote verifies a C2SP signed note with one verifier key and returns the signed text (ending in a
 * newline). Signatures by other keys (witnesses) are skipped; the note must carry a valid one by vk.
 */
export async function openNote(note, vk, what = 'the checkpoint') {
  if (typeof note !== 'string' || note === '') throw new VerificationError(`${what} is missing`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new VerificationError(`${what} contains a control character`);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new VerificationError(`${what} is not a signed note: no blank line before the signatures`);
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new VerificationError(`${what} is not a signed note: the signature block is missing or does not end in a newline`);
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > 100) throw new VerificationError(`${what} has ${lines.length} signatures, more than 100`);
  const signers = [];
  let verified = false;
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith(SIG_PREFIX)) throw new VerificationError(`${what}'s signature line ${i + 1} does not start with "\u2014 "`);
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    checkKeyName(name);
    const sig = decodeBase64(space < 0 ? '' : rest.slice(space + 1), `${what}'s signature line ${i + 1}`);
    if (sig.length < 5) throw new VerificationError(`${what}'s signature line ${i + 1} is too short`);
    const id = toHex(sig.subarray(0, 4));
    signers.push(`${name}+${id}`);
    if (name !== vk.name || id !== vk.idHex || verified) continue; // another key: a witness, or grease
    const signature = sig.subarray(4);
    if (signature.length !== 64 || !(await crypto.subtle.verify({ name: 'Ed25519' }, vk.key, signature, utf8.encode(text)))) {
      throw new VerificationError(`${what}'s signature by ${name}+${id} does not verify`);
    }
    verified = true;
  }
  if (verified) return text;
  throw new VerificationError(`${what} is not signed by ${vk.name}+${vk.idHex} (signatures from: ${signers.join(', ')})`);
}

/** parseCheckpoint reads origin, decimal size (no leading zeros) and base64 root from verified note text. */
export function parseCheckpoint(text, what = 'the checkpoint') {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((l) => l === '')) throw new VerificationError(`${what} is not origin, size and root hash on non-empty lines`);
  const [origin, sizeLine, rootLine] = lines;
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw new VerificationError(`${what}'s tree size ${JSON.stringify(sizeLine)} is not a decimal without leading zeros`);
  const size = Number(sizeLine);
  checkSize(size, `${what}'s tree size`);
  const root = decodeBase64(rootLine, `${what}'s root hash`);
  checkHash(root, `${what}'s root hash`);
  return { origin, size, root };
}

function intField(v, what) {
  if (!Number.isSafeInteger(v) || v < 0) throw new VerificationError(`${what} ${JSON.stringify(v)} is not a non-negative integer`);
  return v;
}

/**
 * verifyReceipt proves that a check's decision is in its org's log. fetchLog(path) GETs
 * /api/v1/transparency-log<path> as JSON. `expect` is what the leaf must say: { leafIndex, checkId,
 * decision, decidedBy, orgId }. `trustedVkey`, when given (pinned on first use), must be the key the
 * gateway sends. Resolves to { leafIndex, treeSize, keyName, keyId, vkey, rootHash }; throws
 * VerificationError naming the first check that failed.
 */
export async function verifyReceipt(fetchLog, expect, trustedVkey) {
  if (!globalThis.crypto?.subtle) throw new VerificationError('this page has no WebCrypto (crypto.subtle): open the console over HTTPS or from localhost');
  const index = intField(expect.leafIndex, 'the receipt leaf_index');
  const [pk, proof, leaf] = await Promise.all([fetchLog('/public-key'), fetchLog(`/proof/${index}`), fetchLog(`/leaves/${index}`)]);

  if (trustedVkey && pk.vkey !== trustedVkey) throw new VerificationError(`the log's key changed: this browser pinned ${trustedVkey} on first use, the gateway now sends ${pk.vkey}`);
  const vk = await parseVerifierKey(trustedVkey ?? pk.vkey);
  if (pk.public_key !== undefined && !equal(decodeBase64(pk.public_key, 'public_key'), vk.raw)) throw new VerificationError("the public-key response's public_key differs from its vkey");
  if (expect.orgId && vk.name.split('/').at(-1) !== expect.orgId) throw new VerificationError(`the log key ${vk.name} is not this organisation's (${expect.orgId})`);

  const cp = parseCheckpoint(await openNote(proof.checkpoint, vk));
  if (cp.origin !== vk.name) throw new VerificationError(`the checkpoint's origin ${cp.origin} is not the key's log ${vk.name}`);
  const size = intField(proof.tree_size, 'the proof tree_size');
  if (cp.size !== size) throw new VerificationError(`the proof is for tree size ${size} but its checkpoint is for tree size ${cp.size}`);
  if (intField(proof.leaf_index, 'the proof leaf_index') !== index) throw new VerificationError(`the proof is for leaf ${proof.leaf_index}, not leaf ${index}`);
  if (proof.root_hash !== undefined && !equal(decodeBase64(proof.root_hash, 'the proof root_hash'), cp.root)) {
    throw new VerificationError(`the proof's root_hash ${proof.root_hash} does not match the signed checkpoint's root ${encodeBase64(cp.root)}`);
  }

  if (intField(leaf.leaf_index, 'the leaf leaf_index') !== index) throw new VerificationError(`the gateway sent leaf ${leaf.leaf_index}, not leaf ${index}`);
  if (typeof leaf.data !== 'string') throw new VerificationError("the leaf's data is not the exact string that was hashed");
  const hash = await leafHash(utf8.encode(leaf.data));
  if (leaf.leaf_hash !== undefined && !equal(decodeBase64(leaf.leaf_hash, 'the leaf leaf_hash'), hash)) {
    throw new VerificationError(`leaf ${index}: its data hashes to ${encodeBase64(hash)}, not to its leaf_hash ${leaf.leaf_hash}`);
  }
  const proofHash = decodeBase64(proof.leaf_hash, 'the proof leaf_hash');
  if (!equal(hash, proofHash)) throw new VerificationError(`leaf ${index}: its data hashes to ${encodeBase64(hash)} but the proof is for leaf hash ${proof.leaf_hash}`);

  let data;
  try {
    data = JSON.parse(leaf.data);
  } catch {
    throw new VerificationError(`leaf ${index}'s data is not JSON`);
  }
  const fields = [
    ['check_id', expect.checkId],
    ['decision', expect.decision],
    ['decided_by', expect.decidedBy],
    ['org_id', expect.orgId],
  ];
  for (const [field, want] of fields) {
    if (want !== undefined && data[field] !== want) throw new VerificationError(`leaf ${index} records ${field} ${JSON.stringify(data[field])}, but the check says ${JSON.stringify(want)}`);
  }

  try {
    await verifyInclusion(hash, index, size, (proof.audit_path ?? []).map((p, i) => decodeBase64(p, `audit_path[${i}]`)), cp.root);
  } catch (err) {
    if (err instanceof VerificationError) throw new VerificationError(`the inclusion proof of leaf ${index} in tree size ${size} does not verify: ${err.message}`);
    throw err;
  }
  return { leafIndex: index, treeSize: size, keyName: vk.name, keyId: vk.idHex, vkey: vk.vkey, rootHash: encodeBase64(cp.root) };
}
