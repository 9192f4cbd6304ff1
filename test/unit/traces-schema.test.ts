import { describe, expect, it } from 'vitest';
import { TraceInput, TracesBody, TracesQuery } from '../../src/traces/schema.js';

const trace = { agent_id: 'a', tool_name: 't', arguments: {}, started_at: '2026-11-28T18:00:00.123456Z', duration_ms: 1 };
const paths = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }) => r.error?.issues.map((i) => i.path.join('.'));

describe('TracesBody', () => {
  it('takes one trace or an array, saying which', () => {
    expect(TracesBody.parse(trace)).toEqual({ batch: false, traces: [{ ...trace, blocked: false }] });
    expect(TracesBody.parse([trace, trace]).traces).toHaveLength(2);
    expect(TracesBody.parse([trace]).batch).toBe(true);
  });

  it('names problems by their place in the body as sent', () => {
    expect(paths(TracesBody.safeParse({ ...trace, duration_ms: 'slow' }))).toEqual(['duration_ms']);
    expect(paths(TracesBody.safeParse([trace, { ...trace, started_at: '28/11/2026' }]))).toEqual(['1.started_at']);
    expect(paths(TracesBody.safeParse([]))).toEqual(['']);
    expect(paths(TracesBody.safeParse('trace'))).toEqual(['']);
  });

  it('bounds results like arguments', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(paths(TracesBody.safeParse({ ...trace, result: deep }))).toEqual(['result']);
  });
});

describe('TracesBody fast path', () => {
  const nest = (levels: number): unknown => {
    let v: unknown = 'x';
    for (let i = 1; i < levels; i++) v = [v];
    return v;
  };
  const full = {
    agent_id: 'agent-1',
    tool_name: 'db_query',
    arguments: { sql: 'select 1' },
    result: { rows: 1 },
    error: null,
    started_at: '2026-11-28T18:00:00.123Z',
    duration_ms: 12.5,
    check_id: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
    blocked: true,
    trace_id: 'abc',
    span_id: 'def',
    metadata: { sdk: 'x/1' },
  };
  const values: unknown[] = [
    undefined, null, '', 'x', 'x'.repeat(128), 'x'.repeat(129), 'a\u0000b', 'a\u007fb', 'a\u0085b', '\ud800', 0, -1, 1.5, 7 * 86_400_000, 7 * 86_400_000 + 1,
    Number.NaN, Number.POSITIVE_INFINITY, true, false, [], [1], {}, { a: 1 }, nest(31), { a: nest(31) }, nest(33), { a: nest(32) },
    { wide: Array.from({ length: 20_001 }, (_, i) => i) }, { wide: Array.from({ length: 19_990 }, (_, i) => i) },
    '6F1C2D3E-4B5A-4C7D-8E9F-0A1B2C3D4E5F', '6f1c2d3e-4b5a-4c7d-0e9f-0a1b2c3d4e5f', '6f1c2d3e4b5a4c7d8e9f0a1b2c3d4e5f', '00000000-0000-0000-0000-000000000000',
    '2026-11-28T18:00:00Z', '2026-11-28T18:00:00', '2026-02-30T00:00:00Z', '2026-11-28T18:00:00+05:30', '2026-11-28 18:00:00Z', '2026-11-28T18:00:00.123456789Z',
  ];
  const candidates: unknown[] = [full, { agent_id: 'a', tool_name: 't', arguments: {}, started_at: '2026-11-28T18:00:00Z', duration_ms: 0 }];
  for (const key of [...Object.keys(full), 'extra']) {
    for (const value of values) {
      const c: Record<string, unknown> = { ...full };
      if (value === undefined) delete c[key];
      else c[key] = value;
      candidates.push(c);
    }
  }
  candidates.push(JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(full).slice(1)}`), null, 'trace', 1);

  it('accepts exactly what TraceInput accepts, and gives what it gives', () => {
    // Every member of the schema is varied below: a new one must be added to `full`.
    expect(Object.keys(full).sort()).toEqual(Object.keys(TraceInput.shape).sort());
    let accepted = 0;
    for (const c of candidates) {
      const slow = TraceInput.safeParse(structuredClone(c));
      const fast = TracesBody.safeParse(structuredClone(c));
      expect(fast.success, JSON.stringify(c)?.slice(0, 200)).toBe(slow.success);
      if (slow.success && fast.success) {
        accepted++;
        expect(fast.data.traces).toEqual([slow.data]);
      }
    }
    // The corpus reaches both sides of every rule.
    expect(accepted).toBeGreaterThan(50);
    expect(candidates.length - accepted).toBeGreaterThan(150);
  });
});

describe('TracesQuery', () => {
  it('parses filters and refuses cursor with offset', () => {
    expect(TracesQuery.parse({ blocked: 'false', limit: '10' })).toMatchObject({ blocked: false, limit: 10, offset: 0 });
    expect(TracesQuery.safeParse({ cursor: 'x', offset: '5' }).success).toBe(false);
  });
});
