import { describe, expect, it } from 'vitest';
import { SpanSet } from '../../src/classify/spans.js';
import { categorize } from '../../src/classify/category.js';
import { excerpt, maskSecret } from '../../src/classify/evidence.js';
import { collectStrings } from '../../src/classify/walk.js';

describe('collectStrings()', () => {
  it('finds every string with its JSON pointer and nearest key', () => {
    const fields = collectStrings({ sql: 'SELECT 1', opts: { 'a/b': ['x', 2, { url: 'http://h' }] }, n: 3 }, '/arguments');
    expect(fields).toEqual([
      { pointer: '/arguments/sql', key: 'sql', value: 'SELECT 1' },
      { pointer: '/arguments/opts/a~1b/0', key: 'a/b', value: 'x' },
      { pointer: '/arguments/opts/a~1b/2/url', key: 'url', value: 'http://h' },
    ]);
  });
});

describe('categorize()', () => {
  it.each([
    ['db_query', ['sql'], 'database'],
    ['shell', ['command'], 'shell'],
    ['read_file', ['path'], 'filesystem'],
    ['http_request', ['method', 'url'], 'network'],
    ['send_email', ['to', 'subject', 'body'], 'email'],
    ['create_refund', ['amount'], 'payment'],
    ['run_python', ['code'], 'code'],
    ['python_eval', ['code'], 'code'],
    ['lookup', ['url'], 'network'],
    ['do_thing', ['x'], 'general'],
  ])('%s(%j) is %s', (tool, keys, category) => {
    expect(categorize(tool, keys)).toBe(category);
  });
});

describe('evidence', () => {
  it('masks all but a prefix of a secret', () => {
    expect(maskSecret('ghp_abcdefghijklmnopqrstuvwxyz0123456789')).toBe('ghp_****************');
    expect(maskSecret('abc')).toBe('****');
  });
  it('keeps excerpts short and centred on the finding', () => {
    const text = `${'a'.repeat(200)}NEEDLE${'b'.repeat(200)}`;
    const e = excerpt(text, 200, 206);
    expect(e.length).toBeLessThanOrEqual(122);
    expect(e).toContain('NEEDLE');
  });
});

describe('SpanSet', () => {
  it('accepts only spans that overlap none before, with few spans and with many', () => {
    const set = new SpanSet(100_000);
    const accepted: Array<[number, number]> = [];
    // A fixed pseudo-random sequence of spans, checked against the plain quadratic definition.
    let seed = 7;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 3_000; i++) {
      const start = next(100_000) - 5;
      const end = start + 1 + next(40);
      const expected = !accepted.some(([s, e]) => start < e && s < end);
      expect(set.add(start, end)).toBe(expected);
      if (expected) accepted.push([start, end]);
    }
    expect(accepted.length).toBeGreaterThan(100);
  });
});
