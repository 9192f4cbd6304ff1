import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT } from '../../src/tlog/hash.js';
import {
  buildConsistencyProof,
  buildInclusionProof,
  consistencyProofNodes,
  inclusionProofNodes,
  rootFromConsistencyProof,
  rootFromInclusionProof,
  rootFromNodes,
  rootNodes,
  verifyConsistency,
  verifyInclusion,
  VerificationError,
} from '../../src/tlog/proof.js';
import { denseTree, mulberry32, nodeReader, refConsistencyProof, refInclusionProof, refLeafHash, sparseTree } from './merkle-reference.js';

const MAX = 300;
const rand = mulberry32(6962);
const leafData = Array.from({ length: MAX }, (_, i) => Buffer.from(Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)).concat([i & 0xff])));
const tree = denseTree(leafData.map(refLeafHash));
const leaf = (i: number) => tree.mth(BigInt(i), BigInt(i) + 1n);
const root = (n: number) => tree.mth(0n, BigInt(n));
const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));
// Hot loops compare with this and assert once on the collected mismatches: expect() per pair is slow.
const same = (a: Buffer[], b: Buffer[]) => a.length === b.length && a.every((x, i) => x.equals(b[i]!));

describe('buildInclusionProof()', () => {
  it(`matches RFC 6962 PATH and verifies for every leaf of every tree of size 1..${MAX}`, () => {
    const mismatches: string[] = [];
    for (let n = 1; n <= MAX; n++) {
      const read = nodeReader(tree, n);
      const r = root(n);
      expect(rootFromNodes(n, read)).toEqual(r);
      for (let i = 0; i < n; i++) {
        const proof = buildInclusionProof(i, n, read);
        if (!same(proof, refInclusionProof(tree, BigInt(i), BigInt(n)))) mismatches.push(`${i}/${n}`);
        verifyInclusion(leaf(i), i, n, proof, r);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('reads each node at most once and only complete nodes of the tree', () => {
    for (const [i, n] of [[0, 1], [0, 300], [299, 300], [255, 257], [256, 257], [100, 255]] as const) {
      const reads: Array<[number, number]> = [];
      buildInclusionProof(i, n, nodeReader(tree, n, reads));
      expect(new Set(reads.map((r) => r.join('/'))).size).toBe(reads.length);
      expect(inclusionProofNodes(i, n).flat().length).toBe(reads.length);
    }
  });

  it('groups an incomplete right-edge subtree and folds it right to left', () => {
    // Leaf 0 of 7: siblings are leaf 1, node [2,4), and the right edge [4,7) = node [4,6) + leaf 6.
    expect(inclusionProofNodes(0, 7)).toEqual([[{ level: 0, index: 1 }], [{ level: 1, index: 1 }], [{ level: 1, index: 2 }, { level: 0, index: 6 }]]);
    expect(inclusionProofNodes(6, 7)).toEqual([[{ level: 1, index: 2 }], [{ level: 2, index: 0 }]]);
  });

  it.each([
    [0, 0],
    [5, 5],
    [9, 8],
  ])('rejects leaf index %i in a tree of size %i', (i, n) => {
    expect(() => inclusionProofNodes(i, n)).toThrow(`leaf index ${i} is not below the tree size ${n}`);
  });

  it.each([-1, 1.5, NaN, 2 ** 53])('rejects the non-index %s', (bad) => {
    expect(() => inclusionProofNodes(bad, 10)).toThrow(/not an integer in \[0, 2\^53-1\]/);
    expect(() => inclusionProofNodes(0, bad)).toThrow(/not an integer/);
  });

  it('names a node missing from the store', () => {
    expect(() => buildInclusionProof(0, 2, () => undefined)).toThrow('node (level 0, index 1) is not a byte array');
    expect(() => buildInclusionProof(0, 2, () => Buffer.alloc(31))).toThrow('node (level 0, index 1) is 31 bytes, want 32');
  });
});

describe('buildConsistencyProof()', () => {
  it(`matches RFC 6962 PROOF and verifies for every 0 < m <= n <= ${MAX}`, () => {
    const mismatches: string[] = [];
    for (let n = 1; n <= MAX; n++) {
      const read = nodeReader(tree, n);
      const rn = root(n);
      for (let m = 1; m <= n; m++) {
        const proof = buildConsistencyProof(m, n, read);
        if (!same(proof, refConsistencyProof(tree, BigInt(m), BigInt(n)))) mismatches.push(`${m}/${n}`);
        verifyConsistency(m, n, proof, root(m), rn);
      }
    }
    expect(mismatches).toEqual([]);
    expect(rootFromConsistencyProof(3, 300, buildConsistencyProof(3, 300, nodeReader(tree, 300)), root(3))).toEqual(root(300));
  });

  it('returns an empty proof for equal sizes', () => {
    expect(consistencyProofNodes(7, 7)).toEqual([]);
    expect(buildConsistencyProof(1, 1, () => undefined)).toEqual([]);
  });

  it('rejects first = 0 because RFC 9162 requires 0 < first', () => {
    expect(() => consistencyProofNodes(0, 5)).toThrow('first tree size is 0: RFC 9162 requires 0 < first for a consistency proof');
    expect(() => consistencyProofNodes(0, 0)).toThrow('RFC 9162 requires 0 < first');
  });

  it('rejects a first size past the second', () => {
    expect(() => consistencyProofNodes(9, 8)).toThrow('first tree size 9 is greater than the second tree size 8');
  });
});

describe('rootNodes()', () => {
  it('lists one complete node per set bit of the size, largest first', () => {
    expect(rootNodes(0)).toEqual([]);
    expect(rootNodes(1)).toEqual([{ level: 0, index: 0 }]);
    expect(rootNodes(13)).toEqual([{ level: 3, index: 0 }, { level: 2, index: 2 }, { level: 0, index: 12 }]);
    expect(rootNodes(2 ** 53 - 1)).toHaveLength(53);
    expect(rootNodes(2 ** 53 - 1).at(-1)).toEqual({ level: 0, index: 2 ** 53 - 2 });
    expect(rootNodes(2 ** 32 + 2 ** 31)).toEqual([{ level: 32, index: 0 }, { level: 31, index: 2 }]);
  });
});

describe('proofs in large sparse trees (beyond 2^31: no 32-bit arithmetic)', () => {
  const cases: Array<[number, number]> = [
    [0, 2 ** 31 + 1],
    [2 ** 31, 2 ** 31 + 1],
    [2 ** 31 - 1, 2 ** 32],
    [2 ** 32 - 1, 2 ** 32],
    [2 ** 32, 2 ** 32 + 7],
    [123_456_789_012, 2 ** 40 + 12_345],
    [2 ** 40 + 12_344, 2 ** 40 + 12_345],
    [2 ** 52 + 3, 2 ** 53 - 1],
    [2 ** 53 - 2, 2 ** 53 - 1],
    [0, 2 ** 53 - 1],
  ];
  it.each(cases)('leaf %i in a tree of size %i: inclusion and consistency match the reference', (index, size) => {
    const marks = [0, 1, index - 1, index, index + 1, size - 2, size - 1].filter((x) => x >= 0 && x < size).map(BigInt);
    const big = sparseTree(marks);
    const read = nodeReader(big, size);
    const r = big.mth(0n, BigInt(size));
    expect(rootFromNodes(size, read)).toEqual(r);

    const proof = buildInclusionProof(index, size, read);
    expect(hex(proof)).toEqual(hex(refInclusionProof(big, BigInt(index), BigInt(size))));
    verifyInclusion(big.leaf(BigInt(index)), index, size, proof, r);
    expect(() => verifyInclusion(big.leaf(BigInt(index)), index, size, proof.slice(1), r)).toThrow(VerificationError);

    const first = index + 1;
    const cproof = buildConsistencyProof(first, size, read);
    expect(hex(cproof)).toEqual(hex(refConsistencyProof(big, BigInt(first), BigInt(size))));
    verifyConsistency(first, size, cproof, big.mth(0n, BigInt(first)), r);
  });
});

describe('verifyInclusion()', () => {
  const n = 21;
  const read = nodeReader(tree, n);
  const r = root(n);

  it('accepts index 0 and the last leaf (TLOG-NOTES #1)', () => {
    verifyInclusion(leaf(0), 0, n, buildInclusionProof(0, n, read), r);
    verifyInclusion(leaf(n - 1), n - 1, n, buildInclusionProof(n - 1, n, read), r);
    verifyInclusion(leaf(0), 0, 1, [], root(1));
  });

  it('rejects index == size and past it', () => {
    const proof = buildInclusionProof(n - 1, n, read);
    expect(() => verifyInclusion(leaf(n - 1), n, n, proof, r)).toThrow(`index ${n} is not below the tree size ${n}`);
    expect(() => verifyInclusion(leaf(0), 9, 8, [], r)).toThrow('index 9 is not below the tree size 8');
  });

  it('rejects any leaf of the empty tree', () => {
    expect(() => verifyInclusion(leaf(0), 0, 0, [], EMPTY_ROOT)).toThrow('index 0 is not below the tree size 0');
  });

  it('requires the proof to be consumed exactly (TLOG-NOTES #2)', () => {
    const proof = buildInclusionProof(5, n, read);
    expect(() => verifyInclusion(leaf(5), 5, n, [...proof, r], r)).toThrow(`wrong proof size ${proof.length + 1}, want ${proof.length}`);
    expect(() => verifyInclusion(leaf(5), 5, n, proof.slice(0, -1), r)).toThrow(`wrong proof size ${proof.length - 1}, want ${proof.length}`);
    // Why the size must come from a signed checkpoint: leaf 5's path has the same shape in trees of
    // 21 and 22 leaves, so this proof and root "verify" for either size. Only the checkpoint binds them.
    expect(() => verifyInclusion(leaf(5), 5, n + 1, proof, r)).not.toThrow();
  });

  it('rejects a wrong leaf, root, element or order with the calculated root', () => {
    const proof = buildInclusionProof(5, n, read);
    expect(() => verifyInclusion(leaf(6), 5, n, proof, r)).toThrow(/^calculated root [0-9a-f]{64} does not match expected root [0-9a-f]{64}$/);
    expect(() => verifyInclusion(leaf(5), 5, n, proof, root(n - 1))).toThrow('does not match');
    const flipped = proof.map((p) => Buffer.from(p));
    flipped[1]![0]! ^= 1;
    expect(() => verifyInclusion(leaf(5), 5, n, flipped, r)).toThrow('does not match');
    expect(() => verifyInclusion(leaf(5), 5, n, [...proof].reverse(), r)).toThrow('does not match');
  });

  it('rejects hashes that are not exactly 32 bytes (TLOG-NOTES #6)', () => {
    const proof = buildInclusionProof(5, n, read);
    expect(() => verifyInclusion(leaf(5).subarray(0, 31), 5, n, proof, r)).toThrow('leaf hash is 31 bytes, want 32');
    expect(() => verifyInclusion(leaf(5), 5, n, proof, Buffer.concat([r, Buffer.of(0)]))).toThrow('root hash is 33 bytes, want 32');
    expect(() => verifyInclusion(leaf(5), 5, n, [proof[0]!, Buffer.alloc(0), ...proof.slice(2)], r)).toThrow('proof[1] is 0 bytes, want 32');
  });

  it('returns the implied root from rootFromInclusionProof()', () => {
    expect(rootFromInclusionProof(leaf(20), 20, n, buildInclusionProof(20, n, read))).toEqual(r);
  });
});

describe('verifyConsistency()', () => {
  const read = nodeReader(tree, 50);

  it('accepts equal sizes with an empty proof and equal roots (TLOG-NOTES #4)', () => {
    verifyConsistency(7, 7, [], root(7), root(7));
    expect(() => verifyConsistency(7, 7, [], root(7), root(8))).toThrow('the trees have the same size 7 but different roots');
    expect(() => verifyConsistency(7, 7, [root(7)], root(7), root(7))).toThrow('wrong proof size 1, want 0');
  });

  it('rejects an empty proof for different sizes', () => {
    expect(() => verifyConsistency(1, 2, [], root(1), root(2))).toThrow('wrong proof size 0, want 1');
    expect(() => verifyConsistency(6, 8, [], root(6), root(8))).toThrow('wrong proof size 0, want 3');
  });

  it('rejects first = 0, even against the empty tree (TLOG-NOTES #3)', () => {
    expect(() => verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toThrow('RFC 9162 requires 0 < first');
    expect(() => verifyConsistency(0, 5, [], EMPTY_ROOT, root(5))).toThrow('RFC 9162 requires 0 < first');
  });

  it('rejects a shrinking tree', () => {
    expect(() => verifyConsistency(8, 6, [], root(8), root(6))).toThrow('first tree size 8 is greater than the second tree size 6');
  });

  it('rejects swapped roots, wrong roots and extra or missing elements', () => {
    const proof = buildConsistencyProof(13, 50, read);
    verifyConsistency(13, 50, proof, root(13), root(50));
    expect(() => verifyConsistency(13, 50, proof, root(50), root(13))).toThrow(/calculated first root .* does not match/);
    expect(() => verifyConsistency(13, 50, proof, root(13), root(49))).toThrow(/calculated second root .* does not match/);
    expect(() => verifyConsistency(13, 50, [...proof, root(13)], root(13), root(50))).toThrow(`wrong proof size ${proof.length + 1}, want ${proof.length}`);
    expect(() => verifyConsistency(13, 50, proof.slice(1), root(13), root(50))).toThrow(`wrong proof size ${proof.length - 1}, want ${proof.length}`);
    expect(() => verifyConsistency(12, 50, proof, root(12), root(50))).toThrow(VerificationError);
  });

  it('rejects hashes that are not exactly 32 bytes', () => {
    const proof = buildConsistencyProof(3, 9, read);
    expect(() => verifyConsistency(3, 9, proof, root(3).subarray(1), root(9))).toThrow('first root hash is 31 bytes, want 32');
    expect(() => verifyConsistency(3, 9, proof, root(3), Buffer.alloc(12))).toThrow('second root hash is 12 bytes, want 32');
    expect(() => verifyConsistency(3, 9, [Buffer.alloc(33), ...proof.slice(1)], root(3), root(9))).toThrow('proof[0] is 33 bytes, want 32');
  });
});
