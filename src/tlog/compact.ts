import { assertHashSize, assertTreeIndex, EMPTY_ROOT, nodeHash } from './hash.js';
import { rootNodes } from './proof.js';

/**
 * Appending to the tree without rehashing it. The frontier of a tree (rootNodes(size): one complete node
 * per set bit of size) is all that appending needs: every new complete node is either a new leaf or the
 * parent of two complete nodes that end up adjacent on the frontier — the "compact range" of
 * transparency-dev/merkle, or binary addition with carries.
 */

/** StoredNode is a complete node and its hash, as the store keeps it. */
export interface StoredNode {
  level: number;
  index: number;
  hash: Buffer;
}

export interface AppendResult {
  /** Every complete node created by the append, leaves (level 0) included, in creation order. */
  newNodes: StoredNode[];
  newSize: number;
  /** Root of the tree of newSize (EMPTY_ROOT if it is 0). Not a stored node unless newSize is a power of two. */
  root: Buffer;
  /** The frontier of the new tree (rootNodes(newSize) with hashes): pass its hashes to the next append. */
  frontier: StoredNode[];
}

/**
 * appendNodes appends leaves with hashes leafHashes to the tree of size whose frontier hashes are
 * frontier (in rootNodes(size) order, i.e. read from the store for rootNodes(size)), and returns the new
 * complete nodes to store and the new root. Hashing is O(batch + log size); nothing else is read.
 * Requires 0 <= size, size + leafHashes.length <= 2^53 − 1, frontier.length == rootNodes(size).length,
 * and every hash exactly 32 bytes.
 */
export function appendNodes(size: number, frontier: readonly Uint8Array[], leafHashes: readonly Uint8Array[]): AppendResult {
  assertTreeIndex(size, 'tree size');
  const spans = rootNodes(size);
  if (frontier.length !== spans.length) {
    throw new RangeError(`frontier has ${frontier.length} hashes, want ${spans.length} for tree size ${size}`);
  }
  const newSize = size + leafHashes.length;
  assertTreeIndex(newSize, 'new tree size');

  const stack: StoredNode[] = spans.map((s, i) => {
    const h = frontier[i];
    assertHashSize(h, `frontier[${i}] (level ${s.level}, index ${s.index})`);
    return { level: s.level, index: s.index, hash: asBuffer(h) };
  });
  const newNodes: StoredNode[] = [];
  for (let j = 0; j < leafHashes.length; j++) {
    const h = leafHashes[j];
    assertHashSize(h, `leafHashes[${j}]`);
    let node: StoredNode = { level: 0, index: size + j, hash: asBuffer(h) };
    newNodes.push(node);
    // Two complete nodes of the same level at the top of the stack are siblings: merge them, like a carry.
    let left = stack[stack.length - 1];
    while (left !== undefined && left.level === node.level) {
      stack.pop();
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      newNodes.push(node);
      left = stack[stack.length - 1];
    }
    stack.push(node);
  }

  let root: Buffer = EMPTY_ROOT;
  for (let i = stack.length - 1; i >= 0; i--) {
    const n = stack[i]!;
    root = i === stack.length - 1 ? n.hash : nodeHash(n.hash, root);
  }
  return { newNodes, newSize, root, frontier: stack };
}

function asBuffer(h: Uint8Array): Buffer {
  return Buffer.isBuffer(h) ? h : Buffer.from(h.buffer, h.byteOffset, h.length);
}
