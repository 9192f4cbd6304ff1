import { assertHashSize, assertTreeIndex, EMPTY_ROOT, nodeHash } from './hash.js';

/**
 * Proof generation over a store of complete subtrees (RFC 9162 §2.1.3.1 and §2.1.4.1).
 *
 * Storage model: the store keeps every complete node. Node (level L, index i) is the Merkle hash of
 * leaves [i·2^L, (i+1)·2^L); level 0 holds the leaf hashes. A tree of any size is covered by its
 * complete nodes, so no proof ever needs a node that is not stored — except "ephemeral" right-edge
 * subtrees, which are rehashed here from the complete nodes they are made of.
 *
 * Sizes and indexes are JavaScript numbers up to 2^53 − 1. No 32-bit bitwise operator touches them
 * (TLOG-NOTES #5): powers of two are built by multiplication and nodes are located by exact division.
 */

export { rootFromConsistencyProof, rootFromInclusionProof, verifyConsistency, verifyInclusion, VerificationError } from './verify.js';

/** NodeSpan names a complete node: the hash of leaves [index·2^level, (index+1)·2^level). */
export interface NodeSpan {
  readonly level: number;
  readonly index: number;
}

/**
 * ProofNodes lists what the store must read to build a proof: one group per proof element, in proof
 * order. A group of one node is a complete subtree whose stored hash is the proof element. A group of
 * several nodes is an incomplete right-edge subtree: its nodes are listed left to right (decreasing
 * level) and the element is their fold from the right, h = nodeHash(g[0], nodeHash(g[1], … g[k])) —
 * the same way rootFromNodes folds a tree's frontier.
 */
export type ProofNodes = NodeSpan[][];

/**
 * NodeReader returns the stored hash of the complete node (level, index). It must return exactly 32
 * bytes; the builders throw naming the node if it returns anything else (e.g. undefined for a node
 * missing from the store).
 */
export type NodeReader = (level: number, index: number) => Uint8Array | undefined;

/**
 * inclusionProofNodes returns the nodes that make up the audit path of leaf index in a tree of size,
 * grouped per proof element, from the leaf upwards (RFC 9162 §2.1.3.1 PATH).
 * Requires 0 <= index < size <= 2^53 − 1.
 */
export function inclusionProofNodes(index: number, size: number): ProofNodes {
  assertTreeIndex(index, 'leaf index');
  assertTreeIndex(size, 'tree size');
  if (index >= size) throw new RangeError(`leaf index ${index} is not below the tree size ${size}`);

  // Walk PATH(m, D[start:start+n]) top-down; each step records the sibling subtree. Reversed at the end
  // because the proof lists the deepest sibling first.
  const groups: ProofNodes = [];
  let start = 0;
  let m = index;
  let n = size;
  while (n > 1) {
    const [k, level] = largestPowerOfTwoBelow(n);
    if (m < k) {
      groups.push(rangeNodes(start + k, n - k));
      n = k;
    } else {
      groups.push([{ level, index: start / k }]);
      start += k;
      m -= k;
      n -= k;
    }
  }
  return groups.reverse();
}

/**
 * consistencyProofNodes returns the nodes that make up the consistency proof between the trees of
 * sizes first and second, grouped per proof element, in RFC 9162 §2.1.4.1 order (SUBPROOF).
 * Requires 0 < first <= second <= 2^53 − 1; first == second gives an empty proof. first == 0 throws:
 * RFC 9162 defines consistency proofs only for 0 < first, and every tree is trivially consistent with
 * the empty one, so a caller asking for it has a bug worth surfacing (TLOG-NOTES #3).
 */
export function consistencyProofNodes(first: number, second: number): ProofNodes {
  assertTreeIndex(first, 'first tree size');
  assertTreeIndex(second, 'second tree size');
  if (first === 0) throw new RangeError('first tree size is 0: RFC 9162 requires 0 < first for a consistency proof');
  if (first > second) throw new RangeError(`first tree size ${first} is greater than the second tree size ${second}`);
  if (first === second) return [];

  // SUBPROOF(m, D[start:start+n], b), iteratively. b turns false once the walk leaves the left edge;
  // from then on the old tree's subtree root is not known to the verifier and ends the proof.
  const groups: ProofNodes = [];
  let start = 0;
  let m = first;
  let n = second;
  let onLeftEdge = true;
  while (m !== n) {
    const [k, level] = largestPowerOfTwoBelow(n);
    if (m <= k) {
      groups.push(rangeNodes(start + k, n - k));
      n = k;
    } else {
      groups.push([{ level, index: start / k }]);
      start += k;
      m -= k;
      n -= k;
      onLeftEdge = false;
    }
  }
  // Having left the left edge, m == n can only be reached inside a perfect subtree ([start, start+n)
  // with n a power of two and start a multiple of n), so this is a complete node.
  if (!onLeftEdge) groups.push(rangeNodes(start, n));
  return groups.reverse();
}

/**
 * rootNodes returns the frontier of a tree of size: its complete nodes covering [0, size), one per set
 * bit of size, left to right (largest first). rootFromNodes folds them right-to-left into the root;
 * appendNodes takes their hashes. Requires 0 <= size <= 2^53 − 1 (size 0 has no nodes).
 */
export function rootNodes(size: number): NodeSpan[] {
  assertTreeIndex(size, 'tree size');
  return rangeNodes(0, size);
}

/**
 * rootFromNodes returns the root hash of the tree of size, read from its frontier (rootNodes); the
 * empty tree's root is EMPTY_ROOT. Requires 0 <= size <= 2^53 − 1.
 */
export function rootFromNodes(size: number, nodes: NodeReader): Buffer {
  const frontier = rootNodes(size);
  return frontier.length === 0 ? EMPTY_ROOT : foldGroup(frontier, nodes);
}

/** buildInclusionProof returns the audit path of leaf index in the tree of size. Requires 0 <= index < size. */
export function buildInclusionProof(index: number, size: number, nodes: NodeReader): Buffer[] {
  return inclusionProofNodes(index, size).map((group) => foldGroup(group, nodes));
}

/**
 * buildConsistencyProof returns the consistency proof between trees of sizes first and second.
 * Requires 0 < first <= second (see consistencyProofNodes for first == 0).
 */
export function buildConsistencyProof(first: number, second: number, nodes: NodeReader): Buffer[] {
  return consistencyProofNodes(first, second).map((group) => foldGroup(group, nodes));
}

/** foldGroup reads a group's hashes and folds them right-to-left into one subtree hash. */
function foldGroup(group: readonly NodeSpan[], nodes: NodeReader): Buffer {
  let acc: Buffer | undefined;
  for (let i = group.length - 1; i >= 0; i--) {
    const { level, index } = group[i]!;
    const h = nodes(level, index);
    assertHashSize(h, `node (level ${level}, index ${index})`);
    acc = acc === undefined ? Buffer.from(h) : nodeHash(h, acc);
  }
  if (acc === undefined) throw new Error('empty proof node group');
  return acc;
}

/**
 * rangeNodes covers [begin, begin+count) with complete nodes, left to right, largest first.
 * Requires begin to be a multiple of the largest power of two <= count (true for every range the
 * proof walks and the frontier ask for: they start at a multiple of a power of two above count).
 */
function rangeNodes(begin: number, count: number): NodeSpan[] {
  const out: NodeSpan[] = [];
  let p = 1;
  let level = 0;
  while (p * 2 <= count) {
    p *= 2;
    level++;
  }
  let pos = begin;
  for (; count > 0; p /= 2, level--) {
    if (p <= count) {
      out.push({ level, index: pos / p });
      pos += p;
      count -= p;
    }
  }
  return out;
}

/** largestPowerOfTwoBelow returns [k, log2 k] for the largest power of two k < n. Requires n >= 2. */
function largestPowerOfTwoBelow(n: number): [number, number] {
  let k = 1;
  let level = 0;
  while (k * 2 < n) {
    k *= 2;
    level++;
  }
  return [k, level];
}
