import { createHash } from 'node:crypto';

/**
 * A naive RFC 6962 §2.1 reference for the tests: MTH, PATH and PROOF written as the RFC's recursive
 * definitions, over BigInt positions, sharing no code with src/tlog (its own SHA-256 calls, its own
 * split points). Slow on purpose; the tests compare the library against it.
 */

export function refLeafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(data).digest();
}

export function refNodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** A tree as the reference sees it: the hash of any range of leaves, MTH(D[start:end]). */
export interface RefTree {
  mth(start: bigint, end: bigint): Buffer;
}

/** splitPoint is the RFC's k: the largest power of two smaller than n (n > 1). */
function splitPoint(n: bigint): bigint {
  let k = 1n;
  while (k * 2n < n) k *= 2n;
  return k;
}

/** denseTree is MTH over an explicit list of leaf hashes, memoised on (start, end). */
export function denseTree(leafHashes: Buffer[]): RefTree {
  const memo = new Map<string, Buffer>();
  const mth = (start: bigint, end: bigint): Buffer => {
    const n = end - start;
    if (n === 0n) return createHash('sha256').digest();
    if (n === 1n) return leafHashes[Number(start)]!;
    const key = `${start},${end}`;
    let h = memo.get(key);
    if (h === undefined) {
      const k = splitPoint(n);
      h = refNodeHash(mth(start, start + k), mth(start + k, end));
      memo.set(key, h);
    }
    return h;
  };
  return { mth };
}

/**
 * sparseTree is a consistent tree of up to 2^53 leaves that is cheap to hash: every leaf is
 * leafHash("filler") except the marked ones, leafHash("leaf <i>"). A range without marked leaves of
 * a power-of-two size has a precomputed hash per level, so MTH costs O(marks · height).
 */
export function sparseTree(marked: Iterable<bigint>): RefTree & { leaf(i: bigint): Buffer } {
  const marks = [...new Set(marked)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const uniform: Buffer[] = [refLeafHash(Buffer.from('filler'))];
  for (let l = 1; l <= 64; l++) uniform.push(refNodeHash(uniform[l - 1]!, uniform[l - 1]!));
  const hasMark = (start: bigint, end: bigint) => marks.some((m) => m >= start && m < end);
  const leaf = (i: bigint) => (hasMark(i, i + 1n) ? refLeafHash(Buffer.from(`leaf ${i}`)) : uniform[0]!);
  const memo = new Map<string, Buffer>();
  const mth = (start: bigint, end: bigint): Buffer => {
    const n = end - start;
    if (n === 0n) return createHash('sha256').digest();
    if (n === 1n) return leaf(start);
    if (!hasMark(start, end) && (n & (n - 1n)) === 0n) return uniform[n.toString(2).length - 1]!;
    const key = `${start},${end}`;
    let h = memo.get(key);
    if (h === undefined) {
      const k = splitPoint(n);
      h = refNodeHash(mth(start, start + k), mth(start + k, end));
      memo.set(key, h);
    }
    return h;
  };
  return { mth, leaf };
}

/** refInclusionProof is RFC 6962 §2.1.1 PATH(m, D[0:n]). */
export function refInclusionProof(tree: RefTree, m: bigint, n: bigint): Buffer[] {
  const path = (m: bigint, start: bigint, end: bigint): Buffer[] => {
    const n = end - start;
    if (n <= 1n) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, start, start + k), tree.mth(start + k, end)] : [...path(m - k, start + k, end), tree.mth(start, start + k)];
  };
  return path(m, 0n, n);
}

/** refConsistencyProof is RFC 6962 §2.1.2 PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true). */
export function refConsistencyProof(tree: RefTree, m: bigint, n: bigint): Buffer[] {
  const subproof = (m: bigint, start: bigint, end: bigint, b: boolean): Buffer[] => {
    const n = end - start;
    if (m === n) return b ? [] : [tree.mth(start, end)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, start + k, b), tree.mth(start + k, end)]
      : [...subproof(m - k, start + k, end, false), tree.mth(start, start + k)];
  };
  return subproof(m, 0n, n, true);
}

/**
 * nodeReader serves complete node (level, index) of a tree of size from the reference, and fails the
 * test if the builder asks for a node that is not complete in that tree.
 */
export function nodeReader(tree: RefTree, size: number, reads?: Array<[number, number]>): (level: number, index: number) => Buffer {
  return (level, index) => {
    const width = 2n ** BigInt(level);
    const start = BigInt(index) * width;
    if (!Number.isSafeInteger(level) || !Number.isSafeInteger(index) || level < 0 || index < 0 || start + width > BigInt(size)) {
      throw new Error(`builder read node (level ${level}, index ${index}), which is not complete in a tree of size ${size}`);
    }
    reads?.push([level, index]);
    return tree.mth(start, start + width);
  };
}

/** mulberry32 is a small seeded PRNG so randomized tests are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
