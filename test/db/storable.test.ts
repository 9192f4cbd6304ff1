import { describe, expect, it } from 'vitest';
import { storableJson } from '../../src/db/storable.js';

describe('storableJson', () => {
  it('puts U+FFFD where a JSON text holds a NUL, and nowhere else', () => {
    const cases: Array<[unknown, unknown]> = [
      [{ a: 'x\u0000y' }, { a: 'x\ufffdy' }],
      [{ 'k\u0000': ['\u0000\u0000'] }, { 'k\ufffd': ['\ufffd\ufffd'] }],
      // A backslash before the NUL, and the six characters \u0000 typed as text, stay what they were.
      [{ a: '\\\u0000' }, { a: '\\\ufffd' }],
      [{ a: '\\u0000' }, { a: '\\u0000' }],
      [{ a: '\\\\u0000 and \\\\\u0000' }, { a: '\\\\u0000 and \\\\\ufffd' }],
      [{ a: 'no nul' }, { a: 'no nul' }],
    ];
    for (const [input, stored] of cases) expect(JSON.parse(storableJson(JSON.stringify(input)))).toEqual(stored);
  });
});
