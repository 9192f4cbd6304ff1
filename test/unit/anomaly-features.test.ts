import { describe, expect, it } from 'vitest';
import { analyseArguments, classNames, hashKeys, stringShape } from '../../src/anomaly/features.js';
import { FrequencyTable } from '../../src/anomaly/frequency.js';
import { confidence, formatCount, formatShare, surpriseOfProbability, surpriseOfZ } from '../../src/anomaly/surprise.js';
import { combineFeatures } from '../../src/anomaly/combine.js';
import { hourOfWeek } from '../../src/anomaly/hours.js';

describe('stringShape()', () => {
  it.each<[string, number, string[]]>([
    ['aaaa', 0, ['lower-case letters']],
    ['abcd', 2, ['lower-case letters']],
    ["T-1' OR 1=1;", 3.02, ['upper-case letters', 'digits', 'spaces', 'punctuation', 'quotes', 'shell/SQL metacharacters']],
    ['Zoë\n', 2, ['lower-case letters', 'upper-case letters', 'line breaks', 'non-ASCII characters']],
    ['\u0000{}', 1.58, ['brackets', 'control characters']],
  ])('measures %j', (s, entropy, classes) => {
    const shape = stringShape(s);
    expect(shape.length).toBe(s.length);
    expect(shape.entropy).toBeCloseTo(entropy, 1);
    expect(classNames(shape.classes)).toEqual(classes);
  });
});

describe('analyseArguments()', () => {
  it('names the key set, the value paths and the destinations', () => {
    const a = analyseArguments({ to: 'anna@acme.com', items: [{ url: 'https://x.example.org/a', qty: 2 }], subject: 'Hi' });
    expect(a.keys).toEqual(['items', 'subject', 'to']);
    expect(a.keySet).toBe(hashKeys(['items', 'subject', 'to']));
    expect(a.values.map((v) => `${v.path}:${v.kind}`)).toEqual(['to:string', 'items[].url:string', 'items[].qty:number', 'subject:string']);
    expect(a.destinations.map((d) => `${d.kind}=${d.value}`)).toEqual([
      'recipient_domain=acme.com',
      'recipient=anna@acme.com',
      'domain=example.org',
      'host=x.example.org',
    ]);
    expect(a.size).toBeGreaterThan(JSON.stringify({ to: 1 }).length);
  });

  it('sees the same key set whatever the key order', () => {
    expect(analyseArguments({ a: 1, b: 2 }).keySet).toBe(analyseArguments({ b: 3, a: 4 }).keySet);
    expect(analyseArguments({ a: 1, b: 2 }).keySet).not.toBe(analyseArguments({ a: 1, c: 2 }).keySet);
  });

  it('measures size roughly as JSON does', () => {
    const args = { body: 'x'.repeat(10_000), n: 12, nested: { list: ['a', 'b'] } };
    const a = analyseArguments(args);
    expect(a.size / JSON.stringify(args).length).toBeGreaterThan(0.9);
    expect(a.size / JSON.stringify(args).length).toBeLessThan(1.2);
  });
});

describe('FrequencyTable', () => {
  it('estimates novelty from values seen once (Good–Turing), starting at 1', () => {
    const t = new FrequencyTable(16, 1000);
    expect(t.estimate('a').novelty).toBe(1);
    for (let i = 0; i < 100; i++) t.observe(['a', 'b'][i % 2]!);
    // Both values recur: only the add-one prior is left, 1/(total + 1).
    expect(t.estimate('c').novelty).toBeCloseTo(1 / 101, 2);
    t.observe('c');
    expect(t.estimate('d').novelty).toBeCloseTo(2 / 102, 2);
    expect(t.estimate('a')).toMatchObject({ known: true });
    expect(t.estimate('a').probability).toBeCloseTo(0.5, 1);
  });

  it('keeps the frequent values when one-offs flood it', () => {
    const t = new FrequencyTable(8, 1000);
    for (let i = 0; i < 50; i++) t.observe('favourite');
    for (let i = 0; i < 100; i++) t.observe(`once-${i}`);
    expect(t.size).toBe(8);
    expect(t.has('favourite')).toBe(true);
    // A stream of one-offs is the table's normal: new values are no surprise.
    expect(t.estimate('new').novelty).toBeGreaterThan(0.5);
  });
});

describe('calibration', () => {
  it.each([
    [1 / 10, 0],
    [1 / 20, 0],
    [1 / 100, 0.5],
    [1 / 500, 1],
    [1 / 5000, 1],
  ])('surpriseOfProbability(%d) = %d', (p, s) => {
    expect(surpriseOfProbability(p)).toBeCloseTo(s, 2);
  });

  it('maps z-scores linearly between the two points', () => {
    expect(surpriseOfZ(3, 3.5, 7)).toBe(0);
    expect(surpriseOfZ(5.25, 3.5, 7)).toBeCloseTo(0.5);
    expect(surpriseOfZ(9, 3.5, 7)).toBe(1);
  });

  it('trusts evidence gradually', () => {
    expect(confidence(0, 40)).toBe(0);
    expect(confidence(40, 40)).toBeCloseTo(0.63, 2);
    expect(confidence(400, 40)).toBeGreaterThan(0.99);
  });

  it('combines contributions by noisy-OR and describes only contributing features', () => {
    let described = 0;
    const d = (text: string) => () => {
      described += 1;
      return text;
    };
    const a = combineFeatures(
      [
        { name: 'tool', surprise: 1, describe: d('tool') },
        { name: 'burst', surprise: 0.5, describe: d('burst') },
        { name: 'hour', surprise: 0, describe: d('hour') },
      ],
      1,
    );
    expect(a.score).toBeCloseTo(1 - (1 - 0.95) * (1 - 0.475), 4);
    expect(a.features.map((f) => f.name)).toEqual(['tool', 'burst']);
    expect(described).toBe(2);
  });

  it('writes counts with thousands separators and shares with useful precision', () => {
    expect(formatCount(1240)).toBe('1,240');
    expect(formatCount(999)).toBe('999');
    expect([0.213, 0.0413, 0.00004, 0.0000004, 5e-9].map(formatShare)).toEqual(['21%', '4.1%', '0.004%', '<0.001%', '<0.001%']);
  });
});

describe('hourOfWeek()', () => {
  it.each([
    ['2025-01-05T00:30:00Z', 0],
    ['2025-01-06T09:15:00Z', 33],
    ['2025-01-11T23:59:00Z', 167],
    ['1969-12-31T23:00:00Z', 3 * 24 + 23],
  ])('puts %s in hour %d (Sunday 00:00 = 0)', (iso, hour) => {
    expect(hourOfWeek(Date.parse(iso))).toBe(hour);
  });
});
