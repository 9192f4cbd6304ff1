import { HASH_SIZE, nodeHash } from './hash.js';

/**
 * Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), with two
 * checks up front that the RFC loops imply but do not name: every hash is exactly 32 bytes
 * (TLOG-NOTES #6), and the proof has exactly the length the sizes dictate (TLOG-NOTES #2), computed
 * independently of the generator in proof.ts (as transparency-dev/merkle does) so the error says
 * "wrong proof size 5, want 4" instead of a root mismatch.
 *
 * Sizes and indexes are numbers up to 2^53 − 1; the RFC's right shifts are divisions by two, and the
 * bit counting for proof lengths uses BigInt (TLOG-NOTES #5).
 */

/** VerificationError is thrown for every proof that does not verify, with a message naming the values. */
export class VerificationError extends Error {
  override name = 'VerificationError';
}

/**
 * verifyInclusion checks that proof proves the leaf with hash leafHash is at index in the tree of size
 * whose root is root; it throws VerificationError otherwise. Requires 0 <= index < size: anything else
 * is rejected. The size must come from a verified checkpoint — a proof never authenticates it.
 */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): void {
  const calculated = rootFromInclusionProof(leafHash, index, size, proof);
  checkHash(root, 'root hash');
  if (!calculated.equals(root)) {
    throw new VerificationError(`calculated root ${hex(calculated)} does not match expected root ${hex(root)}`);
  }
}

/**
 * rootFromInclusionProof returns the root of the tree of size implied by an inclusion proof for the leaf
 * with hash leafHash at index (RFC 9162 §2.1.3.2 steps 1–4). Requires 0 <= index < size; throws
 * VerificationError otherwise or if the proof is not exactly the right length.
 */
export function rootFromInclusionProof(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Buffer {
  checkIndex(index, 'leaf index');
  checkIndex(size, 'tree size');
  if (index >= size) throw new VerificationError(`index ${index} is not below the tree size ${size}`);
  checkHash(leafHash, 'leaf hash');
  checkProof(proof);
  const want = inclusionProofSize(index, size);
  if (proof.length !== want) throw new VerificationError(`wrong proof size ${proof.length}, want ${want}`);

  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) throw new VerificationError('inclusion proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // Step 4.b.ii: if LSB(fn) is not set, shift until it is or fn is 0.
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
  if (sn !== 0) throw new VerificationError('inclusion proof is shorter than the path to the root');
  return r;
}

/**
 * verifyConsistency checks that proof proves the tree of size second (root secondRoot) extends the tree
 * of size first (root firstRoot); it throws VerificationError otherwise. Requires 0 < first <= second;
 * equal sizes need an empty proof and equal roots. first == 0 is rejected as RFC 9162 requires (the
 * empty tree is a prefix of every tree; there is nothing to prove).
 */
export function verifyConsistency(first: number, second: number, proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): void {
  const calculated = rootFromConsistencyProof(first, second, proof, firstRoot);
  checkHash(secondRoot, 'second root hash');
  if (first === second && !calculated.equals(secondRoot)) {
    throw new VerificationError(`the trees have the same size ${first} but different roots ${hex(firstRoot)} and ${hex(secondRoot)}`);
  }
  if (!calculated.equals(secondRoot)) {
    throw new VerificationError(`calculated second root ${hex(calculated)} does not match expected second root ${hex(secondRoot)}`);
  }
}

/**
 * rootFromConsistencyProof checks the first root against the proof and returns the root of the tree of
 * size second that the proof implies (RFC 9162 §2.1.4.2). Requires 0 < first <= second.
 */
export function rootFromConsistencyProof(first: number, second: number, proof: readonly Uint8Array[], firstRoot: Uint8Array): Buffer {
  checkIndex(first, 'first tree size');
  checkIndex(second, 'second tree size');
  if (first === 0) throw new VerificationError('first tree size is 0: RFC 9162 requires 0 < first for a consistency proof');
  if (first > second) throw new VerificationError(`first tree size ${first} is greater than the second tree size ${second}`);
  checkHash(firstRoot, 'first root hash');
  checkProof(proof);
  const want = consistencyProofSize(first, second);
  if (proof.length !== want) throw new VerificationError(`wrong proof size ${proof.length}, want ${want}`);
  if (first === second) return Buffer.from(firstRoot);

  // Step 2: a power-of-two first tree is itself a node of the second tree; the proof omits it.
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new VerificationError('consistency proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // Step 6.b.iii: if LSB(fn) is not set, shift until it is or fn is 0.
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
  if (sn !== 0) throw new VerificationError('consistency proof is shorter than the path to the root');
  if (!fr.equals(firstRoot)) {
    throw new VerificationError(`calculated first root ${hex(fr)} does not match expected first root ${hex(firstRoot)}`);
  }
  return sr;
}

/** inclusionProofSize is the audit path length for index in size: inner levels plus right-border ones. */
function inclusionProofSize(index: number, size: number): number {
  const inner = bitLength(BigInt(index) ^ BigInt(size - 1));
  return inner + onesCount(BigInt(index) >> BigInt(inner));
}

/** consistencyProofSize is the proof length for 0 < first <= second (transparency-dev's decomposition). */
function consistencyProofSize(first: number, second: number): number {
  if (first === second) return 0;
  const last = BigInt(first - 1);
  const inner = bitLength(last ^ BigInt(second - 1));
  const border = onesCount(last >> BigInt(inner));
  const shift = trailingZeros(BigInt(first));
  return (isPowerOfTwo(first) ? 0 : 1) + inner - shift + border;
}

function checkIndex(n: unknown, what: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new VerificationError(`${what} ${String(n)} is not an integer in [0, 2^53-1]`);
  }
}

function checkHash(h: unknown, what: string): asserts h is Uint8Array {
  if (!(h instanceof Uint8Array)) throw new VerificationError(`${what} is not a byte array`);
  if (h.length !== HASH_SIZE) throw new VerificationError(`${what} is ${h.length} bytes, want ${HASH_SIZE}`);
}

function checkProof(proof: readonly Uint8Array[]): void {
  if (!Array.isArray(proof)) throw new VerificationError('proof is not an array');
  proof.forEach((p, i) => checkHash(p, `proof[${i}]`));
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  const b = BigInt(n);
  return b > 0n && (b & (b - 1n)) === 0n;
}

function bitLength(b: bigint): number {
  return b === 0n ? 0 : b.toString(2).length;
}

function onesCount(b: bigint): number {
  let c = 0;
  for (const ch of b.toString(2)) if (ch === '1') c++;
  return c;
}

function trailingZeros(b: bigint): number {
  const s = b.toString(2);
  return s.length - 1 - s.lastIndexOf('1');
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}
