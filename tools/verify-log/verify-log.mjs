#!/usr/bin/env node
// verify-log: check an Aegis transparency log from the outside — signed checkpoints (C2SP
// tlog-checkpoint / signed-note, Ed25519), inclusion and consistency proofs (RFC 9162 §2.1.3.2 and
// §2.1.4.2, SHA-256). One file, only node: modules, no imports from the gateway's code: the algorithms
// are duplicated here on purpose so that anyone can audit the verifier without trusting the server.
//
// Run `node tools/verify-log/verify-log.mjs --help` for usage.

import { Buffer } from 'node:buffer';
import { createHash, createPublicKey, verify as ed25519Verify } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';

/* global fetch -- Node's built-in fetch (Node >= 18); no HTTP library needed. */

const USAGE = `usage: node tools/verify-log/verify-log.mjs <command> [options]

commands (offline: files; online: --url and --key instead of the files marked *):
  checkpoint   --vkey <vkey|file> --checkpoint <file>*
  inclusion    --vkey <vkey|file> --proof <file.json>* [--leaf <file.json>]
               online: --index <leaf index> [--tree-size <n>] (the leaf is fetched unless --leaf)
  consistency  --vkey <vkey|file> --old <checkpoint file> --new <checkpoint file>* --proof <file.json>*
  monitor      --url <base URL> --key <API key> --state <file> [--vkey <vkey|file>]
  --self-test <dir of transparency-dev vectors>

online mode: --url <gateway base URL, e.g. http://localhost:8080> --key <API key> (or AEGIS_API_KEY).
Without --vkey the log's key is fetched from the server and trusted on first use (a warning says so).
A checkpoint file is the signed note text, or a JSON object with a "checkpoint" field (an /sth response).
Exit status: 0 verified, 1 verification failed, 2 usage error.`;

const HASH_SIZE = 32;
const EMPTY_ROOT = sha256();
const API = '/api/v1/transparency-log';

/** Fail is a verification failure: exit 1 with its message. */
class Fail extends Error {}
/** UsageError is a bad command line: exit 2 with the usage. */
class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------------
// RFC 6962 hashing and RFC 9162 verification.

function sha256(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

function leafHash(data) {
  return sha256(Buffer.of(0x00), data);
}

function nodeHash(left, right) {
  return sha256(Buffer.of(0x01), left, right);
}

function checkSize(n, what) {
  if (!Number.isSafeInteger(n) || n < 0) throw new Fail(`${what} ${n} is not an integer in [0, 2^53-1]`);
}

function checkHash(h, what) {
  if (h.length !== HASH_SIZE) throw new Fail(`${what} is ${h.length} bytes, want ${HASH_SIZE}`);
}

const half = (n) => Math.floor(n / 2);
const bitLength = (b) => (b === 0n ? 0 : b.toString(2).length);
const onesCount = (b) => [...b.toString(2)].filter((c) => c === '1').length;
const isPowerOfTwo = (n) => n > 0 && (BigInt(n) & (BigInt(n) - 1n)) === 0n;
const trailingZeros = (n) => {
  const s = BigInt(n).toString(2);
  return s.length - 1 - s.lastIndexOf('1');
};

/** rootFromInclusionProof: RFC 9162 §2.1.3.2 steps 1–4, after checking the proof length exactly. */
function rootFromInclusionProof(hash, index, size, proof) {
  checkSize(index, 'leaf index');
  checkSize(size, 'tree size');
  if (index >= size) throw new Fail(`index ${index} is not below the tree size ${size}`);
  checkHash(hash, 'leaf hash');
  proof.forEach((p, i) => checkHash(p, `proof[${i}]`));
  const inner = bitLength(BigInt(index) ^ BigInt(size - 1));
  const want = inner + onesCount(BigInt(index) >> BigInt(inner));
  if (proof.length !== want) throw new Fail(`wrong proof size ${proof.length}, want ${want}`);

  let fn = index;
  let sn = size - 1;
  let r = hash;
  for (const p of proof) {
    if (sn === 0) throw new Fail('inclusion proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new Fail('inclusion proof is shorter than the path to the root');
  return r;
}

function verifyInclusion(hash, index, size, proof, root) {
  const calculated = rootFromInclusionProof(hash, index, size, proof);
  checkHash(root, 'root hash');
  if (!calculated.equals(root)) throw new Fail(`calculated root ${calculated.toString('hex')} does not match expected root ${root.toString('hex')}`);
}

/** verifyConsistency: RFC 9162 §2.1.4.2 for 0 < first <= second, after checking the proof length exactly. */
function verifyConsistency(first, second, proof, firstRoot, secondRoot) {
  checkSize(first, 'first tree size');
  checkSize(second, 'second tree size');
  if (first === 0) throw new Fail('first tree size is 0: RFC 9162 requires 0 < first for a consistency proof');
  if (first > second) throw new Fail(`first tree size ${first} is greater than the second tree size ${second}`);
  checkHash(firstRoot, 'first root hash');
  checkHash(secondRoot, 'second root hash');
  proof.forEach((p, i) => checkHash(p, `proof[${i}]`));
  if (first === second) {
    if (proof.length !== 0) throw new Fail(`wrong proof size ${proof.length}, want 0`);
    if (!firstRoot.equals(secondRoot)) throw new Fail(`the trees have the same size ${first} but different roots`);
    return;
  }
  const last = BigInt(first - 1);
  const inner = bitLength(last ^ BigInt(second - 1));
  const want = (isPowerOfTwo(first) ? 0 : 1) + inner - trailingZeros(first) + onesCount(last >> BigInt(inner));
  if (proof.length !== want) throw new Fail(`wrong proof size ${proof.length}, want ${want}`);

  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) throw new Fail('consistency proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new Fail('consistency proof is shorter than the path to the root');
  if (!fr.equals(firstRoot)) throw new Fail(`calculated first root ${fr.toString('hex')} does not match expected first root ${firstRoot.toString('hex')}`);
  if (!sr.equals(secondRoot)) throw new Fail(`calculated second root ${sr.toString('hex')} does not match expected second root ${secondRoot.toString('hex')}`);
}

// ---------------------------------------------------------------------------------------------------
// C2SP signed notes and checkpoints.

const SIG_PREFIX = '\u2014 '; // em dash, space

function decodeBase64(s, what) {
  if (typeof s !== 'string' || s === '' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) throw new Fail(`${what} is not base64`);
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw new Fail(`${what} is not canonical base64`);
  return b;
}

/** decodeHash reads a 32-byte hash from a JSON field: base64 (what the gateway sends) or 64 hex digits. */
function decodeHash(s, what) {
  if (typeof s === 'string' && /^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  const b = decodeBase64(s, what);
  checkHash(b, what);
  return b;
}

function checkKeyName(name) {
  if (name === '' || /[\p{White_Space}+]/u.test(name) || hasControlCharacter(name, false)) throw new Fail(`key name ${JSON.stringify(name)} is empty or contains a space, plus or control character`);
}

/** hasControlCharacter: signed notes allow no ASCII control character but (in the note) newline. */
function hasControlCharacter(s, allowNewline) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && !(allowNewline && c === 0x0a)) return true;
  }
  return false;
}

function keyId(name, rawPublicKey) {
  return sha256(Buffer.from(name, 'utf8'), Buffer.of(0x0a, 0x01), rawPublicKey).subarray(0, 4);
}

/** parseVerifierKey reads `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>` and checks the key id. */
function parseVerifierKey(vkey) {
  const s = vkey.trim();
  const p1 = s.indexOf('+');
  const p2 = s.indexOf('+', p1 + 1);
  if (p1 < 0 || p2 < 0) throw new Fail(`verifier key ${JSON.stringify(s)} is not <name>+<key id>+<key>`);
  const name = s.slice(0, p1);
  const idHex = s.slice(p1 + 1, p2).toLowerCase();
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new Fail(`verifier key id ${JSON.stringify(idHex)} is not 8 hex digits`);
  const key = decodeBase64(s.slice(p2 + 1), 'verifier public key');
  if (key[0] !== 0x01 || key.length !== 33) throw new Fail('verifier key is not an Ed25519 key (type byte 0x01 and 32 bytes)');
  const raw = key.subarray(1);
  if (keyId(name, raw).toString('hex') !== idHex) throw new Fail(`verifier key id ${idHex} does not match its key`);
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return { name, idHex, raw, publicKey, vkey: s };
}

/** openNote verifies a signed note against one verifier key; signatures by other keys are ignored. */
function openNote(note, vk, what) {
  if (hasControlCharacter(note, true)) throw new Fail(`${what} contains a control character`);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Fail(`${what} is not a signed note: no blank line before the signatures`);
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new Fail(`${what} is not a signed note: the signature block is missing or does not end in a newline`);
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > 100) throw new Fail(`${what} has ${lines.length} signatures, more than 100`);
  const signers = [];
  let verified = false;
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith(SIG_PREFIX)) throw new Fail(`${what} signature line ${i + 1} does not start with "\u2014 "`);
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    checkKeyName(name);
    const sig = decodeBase64(space < 0 ? '' : rest.slice(space + 1), `${what} signature line ${i + 1}`);
    if (sig.length < 5) throw new Fail(`${what} signature line ${i + 1} is too short`);
    const id = sig.subarray(0, 4).toString('hex');
    signers.push(`${name}+${id}`);
    if (name !== vk.name || id !== vk.idHex || verified) continue; // unknown key: witness cosignature or grease
    const signature = sig.subarray(4);
    if (signature.length !== 64 || !ed25519Verify(null, Buffer.from(text, 'utf8'), vk.publicKey, signature)) {
      throw new Fail(`${what} signature by ${name}+${id} does not verify`);
    }
    verified = true;
  }
  if (!verified) throw new Fail(`${what} is not signed by ${vk.name}+${vk.idHex} (signatures from: ${signers.join(', ')})`);
  return text;
}

/** parseCheckpoint reads origin, decimal size (no leading zeros) and base64 root from verified note text. */
function parseCheckpoint(text, what) {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((l) => l === '')) throw new Fail(`${what} text is not origin, size and root hash on non-empty lines`);
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw new Fail(`${what} tree size ${JSON.stringify(sizeLine)} is not a decimal without leading zeros`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new Fail(`${what} tree size ${sizeLine} exceeds 2^53-1`);
  const root = decodeBase64(rootLine, `${what} root hash`);
  checkHash(root, `${what} root hash`);
  return { origin, size, root, extensions };
}

/** verifyCheckpoint opens a signed checkpoint note with the verifier key and parses it. */
function verifyCheckpoint(note, vk, what = 'checkpoint') {
  if (typeof note !== 'string' || note === '') throw new Fail(`${what} is missing`);
  const cp = { ...parseCheckpoint(openNote(note, vk, what), what), note };
  // The key names the log it signs for (c2sp.org/tlog-checkpoint): a checkpoint of another log whose
  // signature line was relabelled with this key's name must not pass as this log's.
  if (cp.origin !== vk.name) throw new Fail(`${what} is for log ${cp.origin}, not for the key's log ${vk.name}`);
  return cp;
}

// ---------------------------------------------------------------------------------------------------
// Inputs: files, or the gateway's API.

function readText(file, what) {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${e.message}`);
  }
}

function readJson(file, what) {
  const text = readText(file, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Fail(`${what} ${file} is not JSON: ${e.message}`);
  }
}

/** readCheckpointFile accepts the signed note itself or a JSON object with a "checkpoint" field. */
function readCheckpointFile(file, what) {
  const text = readText(file, what);
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text).checkpoint;
    } catch (e) {
      throw new Fail(`${what} ${file} is not JSON: ${e.message}`);
    }
  }
  return text;
}

function client(opts) {
  const base = opts.url.replace(/\/+$/, '');
  const key = opts.key ?? process.env.AEGIS_API_KEY;
  if (!key) throw new UsageError('--url needs --key <API key> (or AEGIS_API_KEY)');
  return async (path) => {
    const url = `${base}${API}${path}`;
    let res;
    try {
      res = await fetch(url, { headers: { 'X-AEGIS-API-Key': key, accept: 'application/json' } });
    } catch (e) {
      throw new Fail(`GET ${url} failed: ${e.cause?.message ?? e.message}`);
    }
    const body = await res.text();
    if (!res.ok) throw new Fail(`GET ${url} returned HTTP ${res.status}: ${body.slice(0, 300)}`);
    try {
      return JSON.parse(body);
    } catch {
      throw new Fail(`GET ${url} did not return JSON`);
    }
  };
}

/** loadVerifierKey: --vkey (a key or a file holding one) pins the key; otherwise the server's key is trusted on first use. */
async function loadVerifierKey(opts, get, pinned) {
  if (opts.vkey) {
    const v = existsSync(opts.vkey) ? readText(opts.vkey, 'verifier key file') : opts.vkey;
    return parseVerifierKey(v);
  }
  if (pinned) return parseVerifierKey(pinned);
  if (!get) throw new UsageError('--vkey is required without --url');
  const pk = await get('/public-key');
  if (typeof pk?.vkey !== 'string') throw new Fail('the public-key response has no vkey');
  const vk = parseVerifierKey(pk.vkey);
  if (pk.key_name !== undefined && pk.key_name !== vk.name) throw new Fail(`the public-key response names ${pk.key_name} but its vkey is for ${vk.name}`);
  if (pk.public_key !== undefined && !decodeBase64(pk.public_key, 'public_key').equals(vk.raw)) throw new Fail('the public-key response has a public_key that differs from its vkey');
  process.stderr.write(`WARNING: no --vkey given: trusting the key the server sent (trust on first use): ${vk.vkey}\n` + `         pin it with --vkey to detect a server that swaps keys.\n`);
  return vk;
}

function int(v, what) {
  const n = typeof v === 'string' && /^(0|[1-9][0-9]*)$/.test(v) ? Number(v) : v;
  if (!Number.isSafeInteger(n) || n < 0) throw new Fail(`${what} ${JSON.stringify(v)} is not a non-negative integer`);
  return n;
}

function hashList(v, what) {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new Fail(`${what} is not an array`);
  return v.map((h, i) => decodeHash(h, `${what}[${i}]`));
}

const out = (line) => process.stdout.write(`${line}\n`);
const b64 = (b) => b.toString('base64');

function printCheckpoint(cp, vk, label = 'checkpoint') {
  out(`${label}: origin ${cp.origin}, tree size ${cp.size}, root hash ${b64(cp.root)} (signed by ${vk.name}+${vk.idHex})`);
}

// ---------------------------------------------------------------------------------------------------
// Commands.

async function cmdCheckpoint(opts) {
  const get = opts.url ? client(opts) : undefined;
  const vk = await loadVerifierKey(opts, get);
  let cp;
  if (opts.checkpoint) cp = verifyCheckpoint(readCheckpointFile(opts.checkpoint, 'checkpoint file'), vk);
  else if (get) {
    const sth = await get('/sth');
    cp = verifyCheckpoint(sth.checkpoint, vk);
    checkSthMatches(sth, cp);
  } else throw new UsageError('checkpoint needs --checkpoint <file> or --url');
  out('OK checkpoint signature verified');
  printCheckpoint(cp, vk);
}

/** checkSthMatches: the JSON fields next to the signed note must say what the note says. */
function checkSthMatches(sth, cp) {
  if (sth.tree_size !== undefined && int(sth.tree_size, 'sth tree_size') !== cp.size) throw new Fail(`sth tree_size ${sth.tree_size} does not match its checkpoint's tree size ${cp.size}`);
  if (sth.root_hash !== undefined && !decodeHash(sth.root_hash, 'sth root_hash').equals(cp.root)) throw new Fail(`sth root_hash ${sth.root_hash} does not match its checkpoint's root hash ${b64(cp.root)}`);
}

async function cmdInclusion(opts) {
  const get = opts.url ? client(opts) : undefined;
  const vk = await loadVerifierKey(opts, get);
  let leaf = opts.leaf ? readJson(opts.leaf, 'leaf file') : undefined;
  let proof;
  if (opts.proof) proof = readJson(opts.proof, 'proof file');
  else if (get) {
    const index = opts.index ?? leaf?.leaf_index;
    if (index === undefined) throw new UsageError('inclusion with --url needs --index <leaf index> (or --leaf)');
    const i = int(index, '--index');
    proof = await get(`/proof/${i}${opts['tree-size'] ? `?tree_size=${int(opts['tree-size'], '--tree-size')}` : ''}`);
    leaf ??= await get(`/leaves/${i}`);
  } else throw new UsageError('inclusion needs --proof <file> or --url');

  const index = int(proof.leaf_index, 'proof leaf_index');
  const size = int(proof.tree_size, 'proof tree_size');
  const cp = verifyCheckpoint(proof.checkpoint, vk);
  if (cp.size !== size) throw new Fail(`the proof is for tree size ${size} but its checkpoint is for tree size ${cp.size}`);
  if (proof.root_hash !== undefined && !decodeHash(proof.root_hash, 'proof root_hash').equals(cp.root)) {
    throw new Fail(`the proof's root_hash ${proof.root_hash} does not match the checkpoint's root hash ${b64(cp.root)}`);
  }
  let hash = decodeHash(proof.leaf_hash, 'proof leaf_hash');
  if (leaf !== undefined) {
    if (int(leaf.leaf_index, 'leaf leaf_index') !== index) throw new Fail(`the leaf is leaf ${leaf.leaf_index} but the proof is for leaf ${index}`);
    if (typeof leaf.data !== 'string') throw new Fail(`the leaf's data must be the exact canonical JSON string that was hashed (got ${leaf.data === null ? 'null' : typeof leaf.data})`);
    const computed = leafHash(Buffer.from(leaf.data, 'utf8'));
    if (leaf.leaf_hash !== undefined && !decodeHash(leaf.leaf_hash, 'leaf leaf_hash').equals(computed)) {
      throw new Fail(`leaf ${index}: its data hashes to ${b64(computed)}, not to its leaf_hash ${leaf.leaf_hash}`);
    }
    if (!computed.equals(hash)) throw new Fail(`leaf ${index}: its data hashes to ${b64(computed)} but the proof is for leaf_hash ${b64(hash)}`);
    hash = computed;
  }
  try {
    verifyInclusion(hash, index, size, hashList(proof.audit_path, 'audit_path'), cp.root);
  } catch (e) {
    if (e instanceof Fail) throw new Fail(`inclusion proof for leaf ${index} in tree size ${size} does not verify: ${e.message}`);
    throw e;
  }
  out(`OK leaf ${index} is included in the tree of size ${size}`);
  printCheckpoint(cp, vk);
  out(`leaf hash: ${b64(hash)}${leaf === undefined ? ' (leaf data not checked: pass --leaf to recompute it)' : ' (recomputed from the leaf data)'}`);
}

async function cmdConsistency(opts) {
  const get = opts.url ? client(opts) : undefined;
  const vk = await loadVerifierKey(opts, get);
  if (!opts.old) throw new UsageError('consistency needs --old <checkpoint file>');
  const old = verifyCheckpoint(readCheckpointFile(opts.old, 'old checkpoint file'), vk, 'old checkpoint');
  let cur;
  if (opts.new) cur = verifyCheckpoint(readCheckpointFile(opts.new, 'new checkpoint file'), vk, 'new checkpoint');
  else if (get) {
    const sth = await get('/sth');
    cur = verifyCheckpoint(sth.checkpoint, vk, 'new checkpoint');
    checkSthMatches(sth, cur);
  } else throw new UsageError('consistency needs --new <checkpoint file> or --url');
  let proof;
  if (opts.proof) proof = readJson(opts.proof, 'proof file');
  else if (get && old.size > 0 && old.size < cur.size) proof = await get(`/consistency?first=${old.size}&second=${cur.size}`);
  checkConsistent(old, cur, proof);
  out(`OK the tree of size ${cur.size} is consistent with the tree of size ${old.size}`);
  printCheckpoint(old, vk, 'old');
  printCheckpoint(cur, vk, 'new');
}

/** checkConsistent: same log, no shrinking, no fork at equal sizes, and a consistency proof that verifies. */
function checkConsistent(old, cur, proof) {
  if (old.origin !== cur.origin) throw new Fail(`origin changed from ${old.origin} to ${cur.origin}`);
  if (cur.size < old.size) throw new Fail(`tree shrank from ${old.size} to ${cur.size}`);
  if (cur.size === old.size) {
    if (!cur.root.equals(old.root)) throw new Fail(`two checkpoints for tree size ${cur.size} have different roots ${b64(old.root)} and ${b64(cur.root)}: the log forked`);
    return;
  }
  if (old.size === 0) {
    // RFC 9162 defines no proof from the empty tree: every tree extends it. Its root must still be right.
    if (!old.root.equals(EMPTY_ROOT)) throw new Fail(`the old checkpoint is for the empty tree but its root is not SHA-256("")`);
    return;
  }
  if (proof === undefined) throw new UsageError('consistency needs --proof <file.json> or --url');
  const first = int(proof.first, 'proof first');
  const second = int(proof.second, 'proof second');
  if (first !== old.size || second !== cur.size) throw new Fail(`the proof is from ${first} to ${second} but the checkpoints are for tree sizes ${old.size} and ${cur.size}`);
  try {
    verifyConsistency(first, second, hashList(proof.consistency, 'consistency'), old.root, cur.root);
  } catch (e) {
    if (e instanceof Fail) throw new Fail(`consistency proof from ${first} to ${second} does not verify: ${e.message}`);
    throw e;
  }
}

async function cmdMonitor(opts) {
  if (!opts.url) throw new UsageError('monitor needs --url and --key');
  if (!opts.state) throw new UsageError('monitor needs --state <file>');
  const get = client(opts);
  let state;
  if (existsSync(opts.state)) {
    state = readJson(opts.state, 'state file');
    if (typeof state?.vkey !== 'string' || typeof state?.checkpoint !== 'string') throw new Fail(`state file ${opts.state} has no vkey and checkpoint`);
  }
  const vk = await loadVerifierKey(opts, get, state?.vkey);
  if (state && parseVerifierKey(state.vkey).vkey !== vk.vkey) {
    throw new Fail(`--vkey ${vk.vkey} differs from the key pinned in ${opts.state} (${state.vkey}); start a new state file if the log rotated its key`);
  }
  const sth = await get('/sth');
  const cur = verifyCheckpoint(sth.checkpoint, vk);
  checkSthMatches(sth, cur);
  if (state) {
    const old = verifyCheckpoint(state.checkpoint, vk, 'stored checkpoint');
    let proof;
    if (old.size > 0 && old.size < cur.size) proof = await get(`/consistency?first=${old.size}&second=${cur.size}`);
    checkConsistent(old, cur, proof);
    out(old.size === cur.size ? `OK tree size unchanged at ${cur.size}, same root` : `OK tree grew from ${old.size} to ${cur.size}; consistency proof verified`);
  } else {
    out(`OK first checkpoint verified and stored in ${opts.state}`);
  }
  printCheckpoint(cur, vk);
  const next = { vkey: vk.vkey, checkpoint: cur.note, tree_size: cur.size, root_hash: b64(cur.root), verified_at: new Date().toISOString() };
  const tmp = `${opts.state}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(tmp, opts.state);
}

// ---------------------------------------------------------------------------------------------------
// Self-test against transparency-dev/merkle's vectors.

/** Upstream happy paths we reject on purpose, with the error we expect. */
const DEVIATIONS = {
  'consistency/additional/sizes-are-equal-one-and-proof-is-empty.json': 'first root hash is 12 bytes, want 32',
};

const RFC6962_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** naiveRoot is RFC 6962 MTH, recursively: checks our hashing against the RFC's published roots. */
function naiveRoot(leaves) {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

function selfTest(dir) {
  const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
  const problems = [];
  RFC6962_ROOTS.forEach((want, i) => {
    if (naiveRoot(leaves.slice(0, i + 1)).toString('hex') !== want) problems.push(`RFC 6962 root of size ${i + 1} is wrong`);
  });

  const base = existsSync(join(dir, 'inclusion')) ? dir : join(dir, 'testdata');
  const raw = (v) => Buffer.from(typeof v === 'string' ? v : '', 'base64'); // vectors carry wrong-length hashes on purpose
  const runners = {
    inclusion: (v) => verifyInclusion(raw(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(raw), raw(v.root)),
    consistency: (v) => verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(raw), raw(v.root1), raw(v.root2)),
  };
  const counts = { verified: 0, rejected: 0, deviations: 0 };
  for (const kind of ['inclusion', 'consistency']) {
    const files = [];
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.json')) files.push(join(d, e.name));
      }
    };
    if (!existsSync(join(base, kind))) throw new UsageError(`no ${kind}/ directory under ${dir}`);
    walk(join(base, kind));
    for (const file of files.sort()) {
      const name = relative(base, file).split('\\').join('/');
      const v = JSON.parse(readFileSync(file, 'utf8'));
      let err;
      try {
        runners[kind](v);
      } catch (e) {
        if (!(e instanceof Fail)) throw e;
        err = e;
      }
      const deviation = DEVIATIONS[name];
      if (deviation !== undefined) {
        if (err?.message.includes(deviation)) counts.deviations++;
        else problems.push(`${name}: expected our deliberate rejection "${deviation}", got ${err ? err.message : 'success'}`);
      } else if (v.wantErr && err === undefined) problems.push(`${name}: ${v.desc}: should be rejected but verified`);
      else if (!v.wantErr && err !== undefined) problems.push(`${name}: ${v.desc}: should verify but failed: ${err.message}`);
      else counts[err ? 'rejected' : 'verified']++;
    }
  }
  if (problems.length > 0) throw new Fail(`self-test failed:\n  ${problems.join('\n  ')}`);
  out(`OK self-test: RFC 6962 roots 1..8 match; ${counts.verified} happy paths verified, ${counts.rejected} modified cases rejected`);
  out(`   ${counts.deviations} deliberate deviation(s): ${Object.keys(DEVIATIONS).join(', ')} — an upstream happy path with 12-byte roots; we require 32-byte hashes`);
}

// ---------------------------------------------------------------------------------------------------

async function run(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: Object.fromEntries(
        ['vkey', 'checkpoint', 'proof', 'leaf', 'old', 'new', 'url', 'key', 'index', 'tree-size', 'state', 'self-test'].map((o) => [o, { type: 'string' }]).concat([['help', { type: 'boolean', short: 'h' }]]),
      ),
    });
  } catch (e) {
    throw new UsageError(e.message);
  }
  const { values: opts, positionals } = parsed;
  if (opts.help) return out(USAGE);
  if (opts['self-test'] !== undefined) return selfTest(opts['self-test']);
  const commands = { checkpoint: cmdCheckpoint, inclusion: cmdInclusion, consistency: cmdConsistency, monitor: cmdMonitor };
  const command = commands[positionals[0]];
  if (!command || positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'no command given' : `unknown command ${positionals.join(' ')}`);
  await command(opts);
}

run(process.argv.slice(2)).catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`verify-log: ${err.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(err instanceof Fail ? `verify-log: FAIL: ${err.message}\n` : `verify-log: error: ${err.stack ?? err}\n`);
  process.exit(1);
});
