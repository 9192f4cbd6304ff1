import { describe, expect, it } from 'vitest';
import { keepSignals } from '../../src/checks/signals.js';
import type { Signal } from '../../src/classify/types.js';

const sig = (id: Signal['id'], severity: Signal['severity'], n: number): Signal => ({ id, severity, path: `/arguments/k${n}`, evidence: `${id} ${n}` });

describe('keepSignals()', () => {
  it('keeps every signal up to the bound', () => {
    const all = [sig('pii', 'medium', 1), sig('pii', 'medium', 2)];
    expect(keepSignals(all, 2)).toEqual({ signals: all, omitted: 0 });
  });

  it('keeps the most severe of each kind before filling up by severity, in the original order', () => {
    const all = [...Array.from({ length: 5 }, (_, i) => sig('secret_leak', 'critical', i)), sig('ssrf', 'high', 9), ...Array.from({ length: 5 }, (_, i) => sig('pii', 'medium', 10 + i))];
    const kept = keepSignals(all, 4);
    expect(kept.omitted).toBe(7);
    expect(kept.signals.map((s) => s.evidence)).toEqual(['secret_leak 0', 'secret_leak 1', 'ssrf 9', 'pii 10']);
  });
});
