import { hash } from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256. Leaves and interior nodes are domain-separated
 * by a one-byte prefix (0x00 and 0x01), so a leaf can never be passed off as an interior node.
 */

/** HASH_SIZE is the length of every hash in the tree: a SHA-256 digest. */
export const HASH_SIZE = 32;

/**
 * EMPTY_ROOT is the root of the empty tree, SHA-256 of the empty string (RFC 9162 §2.1.1).
 * Do not mutate it; it is shared.
 */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

// nodeHash runs ~once per leaf on the append path; one reused input buffer saves an allocation and a
// copy per call. Safe because hashing is synchronous and JavaScript is single-threaded per isolate.
const nodeInput = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);

/** leafHash returns SHA-256(0x00 ‖ data), the hash of a leaf whose content is data. */
export function leafHash(data: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + data.length);
  input[0] = 0x00;
  input.set(data, 1);
  return hash('sha256', input, 'buffer');
}

/**
 * nodeHash returns SHA-256(0x01 ‖ left ‖ right), the hash of an interior node.
 * Requires left and right to be exactly HASH_SIZE bytes; throws otherwise.
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  assertHashSize(left, 'left child hash');
  assertHashSize(right, 'right child hash');
  nodeInput[0] = 0x01;
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/** assertHashSize throws unless h is a Uint8Array of exactly HASH_SIZE bytes; what names it in the message. */
export function assertHashSize(h: unknown, what: string): asserts h is Uint8Array {
  if (!(h instanceof Uint8Array)) throw new TypeError(`${what} is not a byte array`);
  if (h.length !== HASH_SIZE) throw new RangeError(`${what} is ${h.length} bytes, want ${HASH_SIZE}`);
}

/** assertTreeIndex throws unless n is an integer in [0, 2^53 − 1]; what names it in the message. */
export function assertTreeIndex(n: unknown, what: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} ${String(n)} is not an integer in [0, 2^53-1]`);
  }
}
