import { describe, expect, it } from 'vitest';
import { HUGE_NUMBER, unwantedAt } from '../../src/http/body.js';

describe('the JSON body screens', () => {
  it('find every number that may overflow a double, in one pass over the text', () => {
    expect(HUGE_NUMBER.test('{"x":1e400}')).toBe(true);
    expect(HUGE_NUMBER.test('{"x":1E+308}')).toBe(true);
    expect(HUGE_NUMBER.test(`{"x":${'9'.repeat(309)}}`)).toBe(true);
    expect(HUGE_NUMBER.test(`{"x":${'9'.repeat(308)},"y":1e99,"z":1e-400}`)).toBe(false);
    // 1 MiB of 308-digit numbers: each run is scanned once (a scan from every digit took ~380 ms).
    const adversarial = `[${`${'1'.repeat(308)},`.repeat(3300)}1]`;
    const started = performance.now();
    expect(HUGE_NUMBER.test(adversarial)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('name the first unwanted string, member name or number by its path', () => {
    const body = { a: [1, { 'b~': 'x' }], c: Infinity, d: 'ok' };
    expect(unwantedAt(body, '', { text: /~/ })).toBe('a.1.b\uFFFD');
    expect(unwantedAt(body, '', { number: (n) => !Number.isFinite(n) })).toBe('c');
    expect(unwantedAt(body, '', { text: /nothing/ })).toBeUndefined();
  });
});
