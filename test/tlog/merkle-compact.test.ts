import { describe, expect, it } from 'vitest';
import { appendNodes, type StoredNode } from '../../src/tlog/compact.js';
import { EMPTY_ROOT, leafHash } from '../../src/tlog/hash.js';
import { rootFromNodes, rootNodes } from '../../src/tlog/proof.js';
import { denseTree, mulberry32, refLeafHash, sparseTree, type RefTree } from './merkle-reference.js';

const key = (level: number, index: number) => `${level}/${index}`;

/** expectNodesMatch checks every node against the reference: a complete node of the tree, right hash. */
function expectNodesMatch(nodes: StoredNode[], ref: RefTree, size: number): void {
  const bad = nodes.filter((n) => {
    const width = 2n ** BigInt(n.level);
    const start = BigInt(n.index) * width;
    return start + width > BigInt(size) || !n.hash.equals(ref.mth(start, start + width));
  });
  expect(bad).toEqual([]);
}

describe('appendNodes()', () => {
  it('builds, in random batches, exactly the complete nodes and roots of the RFC 6962 reference', () => {
    for (const seed of [1, 2, 3]) {
      const rand = mulberry32(seed);
      const total = 300;
      const data = Array.from({ length: total }, (_, i) => Buffer.from(`leaf ${seed}/${i}/${rand()}`));
      const ref = denseTree(data.map(refLeafHash));
      const store = new Map<string, Buffer>();
      let size = 0;
      while (size < total) {
        const batch = Math.min(total - size, Math.floor(rand() * 40));
        const frontier = rootNodes(size).map((n) => store.get(key(n.level, n.index))!);
        const res = appendNodes(size, frontier, data.slice(size, size + batch).map(leafHash));

        expect(res.newSize).toBe(size + batch);
        expect(res.root).toEqual(res.newSize === 0 ? EMPTY_ROOT : ref.mth(0n, BigInt(res.newSize)));
        expectNodesMatch(res.newNodes, ref, res.newSize);
        for (const n of res.newNodes) {
          expect(store.has(key(n.level, n.index)), `node ${key(n.level, n.index)} created twice`).toBe(false);
          store.set(key(n.level, n.index), n.hash);
        }
        expect(res.frontier.map((n) => ({ level: n.level, index: n.index }))).toEqual(rootNodes(res.newSize));
        expect(rootFromNodes(res.newSize, (l, i) => store.get(key(l, i)))).toEqual(res.root);
        size = res.newSize;
      }
      // Every complete node of the final tree exists: sum over levels of floor(total / 2^level).
      let complete = 0;
      for (let w = 1; w <= total; w *= 2) complete += Math.floor(total / w);
      expect(store.size).toBe(complete);
    }
  });

  it('creates a leaf and its completed parents in order', () => {
    const leaves = [0, 1, 2, 3].map((i) => leafHash(Buffer.of(i)));
    const res = appendNodes(0, [], leaves);
    expect(res.newNodes.map((n) => key(n.level, n.index))).toEqual(['0/0', '0/1', '1/0', '0/2', '0/3', '1/1', '2/0']);
    expect(res.frontier).toHaveLength(1);
    expect(res.root).toEqual(res.frontier[0]!.hash);
  });

  it('returns no nodes and the same root for an empty batch', () => {
    const first = appendNodes(0, [], [1, 2, 3, 4, 5].map((i) => leafHash(Buffer.of(i))));
    const again = appendNodes(5, first.frontier.map((n) => n.hash), []);
    expect(again.newNodes).toEqual([]);
    expect(again.newSize).toBe(5);
    expect(again.root).toEqual(first.root);
  });

  it.each([
    [2 ** 31 - 3, 9],
    [2 ** 32 - 1, 2],
    [2 ** 40 - 5, 17],
    [2 ** 53 - 12, 11],
  ])('appends to a sparse tree of size %i (%i leaves) without 32-bit arithmetic', (size, batch) => {
    const indexes = Array.from({ length: batch }, (_, j) => BigInt(size + j));
    const ref = sparseTree([0n, BigInt(size - 1), ...indexes]);
    const frontier = rootNodes(size).map((n) => {
      const w = 2n ** BigInt(n.level);
      return ref.mth(BigInt(n.index) * w, BigInt(n.index + 1) * w);
    });
    const res = appendNodes(size, frontier, indexes.map((i) => ref.leaf(i)));
    expect(res.newSize).toBe(size + batch);
    expect(res.root).toEqual(ref.mth(0n, BigInt(size + batch)));
    expectNodesMatch(res.newNodes, ref, size + batch);
  });

  it('rejects a frontier of the wrong length, wrong-size hashes and overflow', () => {
    const h = leafHash(Buffer.of(1));
    expect(() => appendNodes(3, [h], [h])).toThrow('frontier has 1 hashes, want 2 for tree size 3');
    expect(() => appendNodes(1, [h.subarray(1)], [h])).toThrow('frontier[0] (level 0, index 0) is 31 bytes, want 32');
    expect(() => appendNodes(1, [h], [h, Buffer.alloc(33)])).toThrow('leafHashes[1] is 33 bytes, want 32');
    expect(() => appendNodes(2 ** 53 - 1, rootNodes(2 ** 53 - 1).map(() => h), [h])).toThrow('new tree size 9007199254740992 is not an integer');
    expect(() => appendNodes(-1, [], [h])).toThrow('tree size -1 is not an integer');
  });

  it('integrates well over 20,000 leaves a second onto a tree of a million leaves', () => {
    const size = 1_000_000;
    const frontier = rootNodes(size).map((n) => leafHash(Buffer.from(`${n.level}/${n.index}`)));
    const leaves = Array.from({ length: 10_000 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
    const t = performance.now();
    const res = appendNodes(size, frontier, leaves);
    const seconds = (performance.now() - t) / 1000;
    expect(res.newNodes.length).toBeGreaterThanOrEqual(19_990);
    expect(leaves.length / seconds).toBeGreaterThan(20_000);
  });
});
