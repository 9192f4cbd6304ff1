import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendNodes } from '../../src/tlog/compact.js';
import { EMPTY_ROOT, leafHash, nodeHash } from '../../src/tlog/hash.js';
import { rootFromNodes } from '../../src/tlog/proof.js';

// RFC 6962 test leaves and the roots of their first 1..8 (test/testdata/merkle/README.md).
const RFC6962_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
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

describe('leafHash() and nodeHash()', () => {
  it('prefix leaves with 0x00 and interior nodes with 0x01', () => {
    const data = Buffer.from('hello');
    expect(leafHash(data)).toEqual(createHash('sha256').update(Buffer.concat([Buffer.of(0), data])).digest());
    const l = Buffer.alloc(32, 0xaa);
    const r = Buffer.alloc(32, 0xbb);
    expect(nodeHash(l, r)).toEqual(createHash('sha256').update(Buffer.concat([Buffer.of(1), l, r])).digest());
    expect(nodeHash(l, r)).not.toEqual(nodeHash(r, l));
  });

  it('hashes the empty leaf to the RFC 6962 size-1 root', () => {
    expect(leafHash(new Uint8Array(0)).toString('hex')).toBe(RFC6962_ROOTS[0]);
  });

  it('does not corrupt earlier results through its reused buffer', () => {
    const a = nodeHash(Buffer.alloc(32, 1), Buffer.alloc(32, 2));
    const copy = Buffer.from(a);
    nodeHash(Buffer.alloc(32, 3), Buffer.alloc(32, 4));
    expect(a).toEqual(copy);
  });

  it.each([0, 31, 33, 64])('rejects a %i-byte child hash', (n) => {
    expect(() => nodeHash(Buffer.alloc(n), Buffer.alloc(32))).toThrow(`left child hash is ${n} bytes, want 32`);
    expect(() => nodeHash(Buffer.alloc(32), Buffer.alloc(n))).toThrow(`right child hash is ${n} bytes, want 32`);
  });

  it('defines EMPTY_ROOT as SHA-256 of the empty string', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('RFC 6962 roots', () => {
  it.each(RFC6962_ROOTS.map((root, i) => [i + 1, root] as const))('computes the root of the first %i test leaves', (size, root) => {
    const { newNodes, root: got } = appendNodes(0, [], RFC6962_LEAVES.slice(0, size).map(leafHash));
    expect(got.toString('hex')).toBe(root);
    const store = new Map(newNodes.map((n) => [`${n.level}/${n.index}`, n.hash]));
    expect(rootFromNodes(size, (l, i) => store.get(`${l}/${i}`)).toString('hex')).toBe(root);
  });

  it('gives the empty tree EMPTY_ROOT', () => {
    expect(rootFromNodes(0, () => undefined)).toEqual(EMPTY_ROOT);
    expect(appendNodes(0, [], []).root).toEqual(EMPTY_ROOT);
  });
});
