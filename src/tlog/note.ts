import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { HASH_SIZE } from './hash.js';

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and the tlog-checkpoint note text
 * (c2sp.org/tlog-checkpoint). Byte-compatible with golang.org/x/mod/sumdb/note: the tests check a golden
 * note and key from its test suite.
 */

/** NoteError is thrown for a malformed note, checkpoint or verifier key, and for a failed signature. */
export class NoteError extends Error {
  override name = 'NoteError';
}

/** Checkpoint is a parsed tlog-checkpoint note text. */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  extensions: string[];
}

/** VerifierKey is a parsed `<name>+<hex key id>+<base64(0x01 ‖ public key)>` Ed25519 verifier key. */
export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
  rawPublicKey: Buffer;
  /** The key in its canonical encoding. */
  vkey: string;
}

export interface OpenedNote {
  /** The signed text, ending in a newline, without the blank line. */
  text: string;
  /** Names of the known keys whose signatures verified, in note order. */
  verifiedBy: string[];
}

const ED25519 = 0x01;
const SIG_PREFIX = '\u2014 '; // em dash, space
const MAX_SIGNATURES = 100; // sumdb/note's bound; the spec asks verifiers to accept at least 16.

/**
 * formatCheckpoint returns the checkpoint note text `origin\n<size>\n<base64 root>\n` followed by the
 * extension lines, each ending in a newline. This exact string is what signNote signs.
 * Requires a non-empty origin and non-empty extension lines without newlines or control characters,
 * 0 <= size <= 2^53 − 1 and a 32-byte root hash.
 */
export function formatCheckpoint(origin: string, size: number, rootHash: Uint8Array, extensionLines: readonly string[] = []): string {
  checkLine(origin, 'origin');
  if (!Number.isSafeInteger(size) || size < 0) throw new NoteError(`tree size ${size} is not an integer in [0, 2^53-1]`);
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE) {
    throw new NoteError(`root hash is ${rootHash?.length} bytes, want ${HASH_SIZE}`);
  }
  extensionLines.forEach((l, i) => checkLine(l, `extension line ${i}`));
  const root = Buffer.from(rootHash.buffer, rootHash.byteOffset, rootHash.length).toString('base64');
  return [origin, String(size), root, ...extensionLines].map((l) => `${l}\n`).join('');
}

/**
 * parseCheckpoint parses checkpoint note text (as returned by openNote — never parse text whose
 * signature was not verified). Strict: at least three non-empty lines each ending in a newline, a
 * decimal size without leading zeros up to 2^53 − 1, and a root that is canonical base64 of 32 bytes.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new NoteError('checkpoint text does not end in a newline');
  checkText(text, 'checkpoint');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError(`checkpoint has ${lines.length} lines, want at least 3`);
  const empty = lines.findIndex((l) => l === '');
  if (empty >= 0) throw new NoteError(`checkpoint line ${empty + 1} is empty`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw new NoteError(`checkpoint tree size ${JSON.stringify(sizeLine)} is not a decimal without leading zeros`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new NoteError(`checkpoint tree size ${sizeLine} exceeds 2^53-1`);
  const rootHash = decodeBase64(rootLine, 'checkpoint root hash');
  if (rootHash.length !== HASH_SIZE) throw new NoteError(`checkpoint root hash is ${rootHash.length} bytes, want ${HASH_SIZE}`);
  return { origin, size, rootHash, extensions };
}

/**
 * keyId returns the 4-byte C2SP key id of an Ed25519 key: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4].
 * (Not Rekor v1's DER-based key id.) publicKey is a KeyObject or the raw 32-byte key.
 */
export function keyId(name: string, publicKey: KeyObject | Uint8Array): Buffer {
  const raw = publicKey instanceof KeyObject ? rawEd25519PublicKey(publicKey) : checkRawKey(publicKey);
  return createHash('sha256').update(name, 'utf8').update(Buffer.of(0x0a, ED25519)).update(raw).digest().subarray(0, 4);
}

/** verifierKey returns the verifier key `<name>+<8 hex key id>+<base64(0x01 ‖ public key)>`. Requires a valid key name. */
export function verifierKey(name: string, publicKey: KeyObject | Uint8Array): string {
  checkKeyName(name);
  const raw = publicKey instanceof KeyObject ? rawEd25519PublicKey(publicKey) : checkRawKey(publicKey);
  return `${name}+${keyId(name, raw).toString('hex')}+${Buffer.concat([Buffer.of(ED25519), raw]).toString('base64')}`;
}

/** parseVerifierKey parses and checks a verifier key: valid name, Ed25519 type byte, 32-byte key, and a key id that matches. */
export function parseVerifierKey(vkey: string): VerifierKey {
  const s = vkey.trim();
  const plus1 = s.indexOf('+');
  const plus2 = s.indexOf('+', plus1 + 1);
  if (plus1 < 0 || plus2 < 0) throw new NoteError('verifier key is not <name>+<key id>+<key>');
  const name = s.slice(0, plus1);
  const idHex = s.slice(plus1 + 1, plus2);
  checkKeyName(name);
  if (!/^[0-9a-fA-F]{8}$/.test(idHex)) throw new NoteError(`verifier key id ${JSON.stringify(idHex)} is not 8 hex digits`);
  const key = decodeBase64(s.slice(plus2 + 1), 'verifier public key');
  if (key[0] !== ED25519) throw new NoteError(`verifier key type 0x${(key[0] ?? 0).toString(16).padStart(2, '0')} is not Ed25519 (0x01)`);
  const raw = checkRawKey(key.subarray(1));
  const id = keyId(name, raw);
  if (id.toString('hex') !== idHex.toLowerCase()) throw new NoteError(`verifier key id ${idHex} does not match the key (${id.toString('hex')})`);
  return { name, keyId: id, publicKey: ed25519PublicKeyFromRaw(raw), rawPublicKey: Buffer.from(raw), vkey: verifierKey(name, raw) };
}

/**
 * signNote signs text with an Ed25519 private key and returns the note: text, a blank line, and
 * `— <name> <base64(key id ‖ signature)>\n`. The signature covers exactly text, which must end in a
 * newline (TLOG-NOTES #7). Requires a valid key name and text without control characters other than \n.
 */
export function signNote(text: string, name: string, privateKey: KeyObject): string {
  if (!text.endsWith('\n')) throw new NoteError('note text does not end in a newline');
  checkText(text, 'note text');
  checkKeyName(name);
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new NoteError('signing key is not an Ed25519 private key');
  const id = keyId(name, createPublicKey(privateKey));
  const sig = sign(null, Buffer.from(text, 'utf8'), privateKey);
  return `${text}\n${SIG_PREFIX}${name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
}

/**
 * openNote splits a signed note at its last blank line, checks every signature line's syntax, verifies
 * the signatures of known keys (matched by name and key id) and returns the text. Signatures from
 * unknown keys (witness cosignatures, grease) are ignored, as the spec requires (TLOG-NOTES #8). Throws
 * NoteError if the note is malformed, if a known key's signature fails, or if no known key signed it.
 */
export function openNote(note: string | Uint8Array, verifiers: ReadonlyArray<string | VerifierKey>): OpenedNote {
  const msg = typeof note === 'string' ? note : decodeUtf8(note);
  checkText(msg, 'note');
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = msg.slice(0, split + 1);
  const sigBlock = msg.slice(split + 2);
  if (sigBlock === '' || !sigBlock.endsWith('\n')) throw new NoteError('malformed note: signature block missing or not ending in a newline');

  const known = new Map<string, VerifierKey>();
  for (const v of verifiers) {
    const k = typeof v === 'string' ? parseVerifierKey(v) : v;
    const key = `${k.name}+${k.keyId.toString('hex')}`;
    const prev = known.get(key);
    if (prev && !prev.rawPublicKey.equals(k.rawPublicKey)) throw new NoteError(`ambiguous verifier key ${key}`);
    known.set(key, k);
  }

  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`note has ${lines.length} signatures, more than ${MAX_SIGNATURES}`);
  const verifiedBy: string[] = [];
  const seen = new Set<string>();
  const textBytes = Buffer.from(text, 'utf8');
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith(SIG_PREFIX)) throw new NoteError(`malformed note: signature line ${i + 1} does not start with "\u2014 "`);
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const b64 = space < 0 ? '' : rest.slice(space + 1);
    checkKeyName(name);
    const sig = decodeBase64(b64, `signature line ${i + 1}`);
    if (sig.length < 5) throw new NoteError(`malformed note: signature line ${i + 1} is ${sig.length} bytes, want at least 5`);
    const key = `${name}+${sig.subarray(0, 4).toString('hex')}`;
    const v = known.get(key);
    if (v === undefined || seen.has(key)) continue;
    seen.add(key);
    const signature = sig.subarray(4);
    if (signature.length !== 64 || !verify(null, textBytes, v.publicKey, signature)) throw new NoteError(`signature by ${key} does not verify`);
    verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) {
    const names = lines.map((l) => l.slice(SIG_PREFIX.length).split(' ')[0]).join(', ');
    throw new NoteError(`note has no signature by a known key (signed by: ${names}; known: ${[...known.keys()].join(', ') || 'none'})`);
  }
  return { text, verifiedBy };
}

/** rawEd25519PublicKey returns the 32-byte raw encoding of an Ed25519 public (or private) KeyObject. */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new NoteError(`key type ${pub.asymmetricKeyType} is not ed25519`);
  const { x } = pub.export({ format: 'jwk' });
  return Buffer.from(x ?? '', 'base64url');
}

/** ed25519PublicKeyFromRaw returns the KeyObject for a raw 32-byte Ed25519 public key. */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  const x = Buffer.from(checkRawKey(raw)).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

function checkRawKey(raw: Uint8Array): Uint8Array {
  if (raw.length !== 32) throw new NoteError(`Ed25519 public key is ${raw.length} bytes, want 32`);
  return raw;
}

/** checkKeyName enforces the signed-note rule: non-empty, no Unicode white space, no plus. */
function checkKeyName(name: string): void {
  if (name === '' || /[\p{White_Space}+]/u.test(name) || controlCharacter(name, false) >= 0) {
    throw new NoteError(`key name ${JSON.stringify(name)} is empty or contains a space, plus or control character`);
  }
}

/** checkText enforces the signed-note rule: valid Unicode, no ASCII control characters but newline. */
function checkText(s: string, what: string): void {
  const ctl = controlCharacter(s, true);
  if (ctl >= 0) throw new NoteError(`${what} contains control character U+${ctl.toString(16).padStart(4, '0')}`);
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) throw new NoteError(`${what} is not valid Unicode`);
}

/** controlCharacter returns the first ASCII control character (below U+0020) in s, or -1. */
function controlCharacter(s: string, allowNewline: boolean): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && !(allowNewline && c === 0x0a)) return c;
  }
  return -1;
}

function checkLine(s: string, what: string): void {
  if (typeof s !== 'string' || s === '') throw new NoteError(`${what} is empty`);
  if (s.includes('\n')) throw new NoteError(`${what} contains a newline`);
  checkText(s, what);
}

/** decodeBase64 accepts only canonical padded standard base64 (RFC 4648 §4), unlike Buffer.from. */
function decodeBase64(s: string, what: string): Buffer {
  if (s === '' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
    throw new NoteError(`${what} is not base64`);
  }
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw new NoteError(`${what} is not canonical base64`);
  return b;
}

function decodeUtf8(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    throw new NoteError('note is not valid UTF-8');
  }
}
