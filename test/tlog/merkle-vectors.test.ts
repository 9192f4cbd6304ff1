import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyConsistency, verifyInclusion, VerificationError } from '../../src/tlog/proof.js';

/** transparency-dev/merkle's proofgen vectors (test/testdata/merkle/README.md). */
const DIR = fileURLToPath(new URL('../testdata/merkle/', import.meta.url));

/**
 * Upstream cases whose expectation we deliberately do not share, with the reason. Anything else that
 * disagrees with wantErr fails the test.
 */
const DEVIATIONS: Record<string, string> = {
  'consistency/additional/sizes-are-equal-one-and-proof-is-empty.json': 'first root hash is 12 bytes, want 32',
};

interface Vector {
  file: string;
  wantErr: boolean;
  desc: string;
  raw: Record<string, unknown>;
}

function loadVectors(kind: 'inclusion' | 'consistency'): Vector[] {
  const out: Vector[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const text = readFileSync(p, 'utf8');
        const raw = JSON.parse(text) as Record<string, unknown>;
        // JSON.parse rounds integers above 2^53 (two cases use 2^64 − 1); make sure we know which.
        for (const m of text.matchAll(/"(leafIdx|treeSize|size1|size2)":\s*(\d+)/g)) {
          if (BigInt(m[2]!) > BigInt(Number.MAX_SAFE_INTEGER)) expect(Number.isSafeInteger(raw[m[1]!])).toBe(false);
        }
        out.push({ file: relative(DIR, p), wantErr: raw.wantErr === true, desc: String(raw.desc), raw });
      }
    }
  };
  walk(join(DIR, kind));
  return out;
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : '', 'base64');
const proofOf = (v: unknown) => (Array.isArray(v) ? v.map(b64) : []);

function runInclusion(r: Record<string, unknown>): void {
  verifyInclusion(b64(r.leafHash), r.leafIdx as number, r.treeSize as number, proofOf(r.proof), b64(r.root));
}

function runConsistency(r: Record<string, unknown>): void {
  verifyConsistency(r.size1 as number, r.size2 as number, proofOf(r.proof), b64(r.root1), b64(r.root2));
}

describe.each([
  ['inclusion', runInclusion],
  ['consistency', runConsistency],
] as const)('transparency-dev %s vectors', (kind, run) => {
  const vectors = loadVectors(kind);

  it('are all present', () => {
    expect(vectors.length).toBe(98);
    expect(vectors.filter((v) => !v.wantErr).length).toBe(6);
  });

  it.each(vectors.map((v) => [v.file, v] as const))('%s', (file, v) => {
    const deviation = DEVIATIONS[file];
    if (deviation !== undefined) {
      expect(() => run(v.raw)).toThrow(deviation);
    } else if (v.wantErr) {
      expect(() => run(v.raw)).toThrow(VerificationError);
    } else {
      run(v.raw);
    }
  });
});

describe('the deliberate deviation', () => {
  it('accepts equal sizes with an empty proof when the equal roots are 32 bytes', () => {
    const root = Buffer.alloc(32, 7);
    verifyConsistency(1, 1, [], root, Buffer.from(root));
  });
});
