import { describe, expect, it } from 'vitest';
import { TraceMasker } from '../../src/traces/masking.js';

const TOKEN = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';

describe('TraceMasker.mask()', () => {
  it('masks secrets in every string, however deep, and leaves other values alone', () => {
    const masked = new TraceMasker().mask({ a: [1, true, null, { b: `Bearer ${TOKEN}` }], n: 3.5, text: 'nothing to see here' }) as any;
    expect(masked.a.slice(0, 3)).toEqual([1, true, null]);
    expect(masked.a[3].b).toMatch(/^Bearer ghp_\*+$/);
    expect(masked).toMatchObject({ n: 3.5, text: 'nothing to see here' });
  });

  it('uses the member name as the field key (a password is a credential by its name)', () => {
    const masked = new TraceMasker().mask({ password: 'Tr0ub4dor&3xkcd-horse', note: 'Tr0ub4dor&3xkcd-horse' }) as any;
    expect(masked.password).not.toContain('Tr0ub4dor');
    expect(masked.note).toBe('Tr0ub4dor&3xkcd-horse');
  });

  it('masks a string that carries a token base64- or hex-encoded, whole', () => {
    const encoded = Buffer.from(`token=${TOKEN}`).toString('base64');
    const masked = new TraceMasker().mask({ body: `payload ${encoded}`, hex: Buffer.from(TOKEN).toString('hex'), image: Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 41) % 256)).toString('base64') }) as any;
    expect(JSON.stringify(masked)).not.toContain(encoded);
    expect(masked.body).toMatch(/^payl\*+$/);
    expect(masked.hex).toMatch(/^\w{4}\*+$/);
    expect(masked.image).not.toMatch(/\*/);
  });

  it('returns clean values as they are and never changes its input', () => {
    const masker = new TraceMasker();
    const clean = { sql: 'SELECT 1', rows: [{ id: 1 }] };
    expect(masker.mask(clean)).toBe(clean);
    const dirty = { keep: { a: 1 }, x: [`token ${TOKEN}`] };
    const masked = masker.mask(dirty) as typeof dirty;
    expect(dirty.x[0]).toContain(TOKEN);
    expect(masked.keep).toBe(dirty.keep);
    expect(masked.x[0]).not.toContain(TOKEN);
  });

  it('masks a secret every time it is seen, with the same answers once clean strings are remembered', () => {
    const masker = new TraceMasker(2);
    for (let round = 0; round < 3; round++) {
      expect(masker.mask({ sdk: 'python/1.2.3', path: '/srv/a.csv', other: '/srv/b.csv' })).toEqual({ sdk: 'python/1.2.3', path: '/srv/a.csv', other: '/srv/b.csv' });
      expect(JSON.stringify(masker.mask({ auth: `Bearer ${TOKEN}` }))).not.toContain(TOKEN);
      // The same text under a key that makes it a credential is not taken for the clean one.
      expect((masker.mask({ password: 'Tr0ub4dor&3xkcd-horse' }) as any).password).not.toContain('Tr0ub4dor');
      expect(masker.mask({ note: 'Tr0ub4dor&3xkcd-horse' })).toEqual({ note: 'Tr0ub4dor&3xkcd-horse' });
    }
  });

  it('keeps a "__proto__" member a member', () => {
    const input = JSON.parse(`{"__proto__": {"token": "${TOKEN}"}, "x": "${TOKEN}"}`);
    const masked = new TraceMasker().mask(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.keys(masked)).toEqual(['__proto__', 'x']);
    expect(JSON.stringify(masked)).not.toContain(TOKEN);
  });
});
