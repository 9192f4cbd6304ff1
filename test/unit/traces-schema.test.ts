import { describe, expect, it } from 'vitest';
import { TracesBody, TracesQuery } from '../../src/traces/schema.js';

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

describe('TracesQuery', () => {
  it('parses filters and refuses cursor with offset', () => {
    expect(TracesQuery.parse({ blocked: 'false', limit: '10' })).toMatchObject({ blocked: false, limit: 10, offset: 0 });
    expect(TracesQuery.safeParse({ cursor: 'x', offset: '5' }).success).toBe(false);
  });
});
