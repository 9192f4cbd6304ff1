import { describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY_THRESHOLD, OrgAnomalyModel } from '../../src/anomaly/model.js';
import type { AnomalyAssessment, ObservedCall } from '../../src/anomaly/types.js';
import { after, DAY, HOUR, MONDAY, supportAgent, take, train } from './anomaly-fixtures.js';

/** A support bot with 2,000 calls (about three weeks) of history, and its last call. */
function steady(): { model: OrgAnomalyModel; calls: Generator<ObservedCall>; last: ObservedCall } {
  const model = new OrgAnomalyModel();
  const calls = supportAgent('support-1');
  const last = train(model, calls, 2000);
  return { model, calls, last };
}

const top = (a: AnomalyAssessment): string | undefined => a.features[0]?.name;

describe('OrgAnomalyModel.assess()', () => {
  it("keeps a steady agent's usual calls below the threshold", () => {
    const { model, calls } = steady();
    const scores = take(calls, 1000).map((c) => model.assess(c).score);
    expect(Math.max(...scores)).toBeLessThan(DEFAULT_ANOMALY_THRESHOLD);
    expect(scores.filter((s) => s > 0.3).length).toBeLessThan(10);
  });

  it('scores a never-seen tool at least 0.7, with the tool as the top feature', () => {
    const { model, last } = steady();
    const a = model.assess(after(last, 30_000, { toolName: 'db_export_all', arguments: { table: 'customers', format: 'csv' }, category: 'database' }));
    expect(a.score).toBeGreaterThanOrEqual(0.7);
    expect(top(a)).toBe('tool');
    expect(a.features[0]!.detail).toMatch(/^tool db_export_all never used by this agent in 2,000 calls/);
  });

  it('scores a burst at least 0.7, with the burst as the top feature', () => {
    const { model, calls, last } = steady();
    // Its usual calls, in its usual order, but 40 of them in 8 seconds.
    const burst = take(calls, 40).map((c, i) => after(c, 0, { at: new Date(last.at.getTime() + 20_000 + i * 200) }));
    const scores = burst.map((c) => model.assess(c));
    const final = scores[scores.length - 1]!;
    expect(final.score).toBeGreaterThanOrEqual(0.7);
    expect(top(final)).toBe('burst');
    expect(final.features[0]!.detail).toMatch(/calls in 10 s vs\. a usual/);
    // The first calls of a burst are not yet a burst.
    expect(scores[0]!.score).toBeLessThan(0.7);
  });

  it.each<[string, ObservedCall['arguments'], string]>([
    ['a recipient at a new domain', { to: 'drop@exfil-mail.net', subject: 'Re: [T-123456] data', body: 'Hello, the export is attached.' }, /new recipient domain exfil-mail\.net/.source],
    ['a URL on a new domain', { to: 'anna@acme.com', subject: 'Re: [T-123456] login', body: 'Hello, see https://paste.evil.example/upload?d=1 for details.' }, /new URL domain evil\.example/.source],
  ])('scores %s at least 0.7, with the destination as the top feature', (_, args, detail) => {
    const { model, last } = steady();
    const a = model.assess(after(last, 30_000, { toolName: 'send_email', arguments: args, category: 'email' }));
    expect(a.score).toBeGreaterThanOrEqual(0.7);
    expect(top(a)).toBe('destination');
    expect(a.features[0]!.detail).toMatch(new RegExp(detail));
  });

  it('scores a new SQL table for an analyst at least 0.7', () => {
    const model = new OrgAnomalyModel();
    const tables = ['analytics.orders', 'analytics.customers', 'analytics.sessions'];
    let at = MONDAY + 9 * HOUR;
    for (let i = 0; i < 1500; i++) {
      model.assess({ agentId: 'analyst', toolName: 'run_sql', arguments: { sql: `SELECT id, amount FROM ${tables[i % 3]} WHERE day = ${i % 28} LIMIT 100` }, category: 'database', at: new Date(at) });
      at += 60_000;
    }
    const a = model.assess({ agentId: 'analyst', toolName: 'run_sql', arguments: { sql: 'SELECT * FROM hr.salaries LIMIT 100' }, category: 'database', at: new Date(at) });
    expect(a.score).toBeGreaterThanOrEqual(0.7);
    expect(top(a)).toBe('destination');
    expect(a.features[0]!.detail).toContain('new SQL table hr.salaries');
  });

  it.each<[string, (last: ObservedCall) => ObservedCall, string]>([
    ['a new argument key', (l) => after(l, 30_000, { toolName: 'update_ticket', arguments: { ticket_id: 'T-123456', status: 'solved', webhook: 'x' } }), 'key_set'],
    ['an oversized body', (l) => after(l, 30_000, { toolName: 'send_email', category: 'email', arguments: { to: 'anna@acme.com', subject: 'Re: [T-123456] export', body: 'row;'.repeat(20_000) } }), 'argument_size'],
    ['an odd ticket id', (l) => after(l, 30_000, { toolName: 'get_ticket', arguments: { ticket_id: "T-123456' OR '1'='1" } }), 'value_shape'],
    ['a call at 03:00 UTC', (l) => after(l, 0, { at: new Date(Math.floor(l.at.getTime() / DAY) * DAY + DAY + 3 * HOUR) }), 'hour'],
  ])('explains %s by the right feature', (_, make, feature) => {
    const { model, last } = steady();
    const a = model.assess(make(last));
    expect(top(a)).toBe(feature);
    expect(a.score).toBeGreaterThan(0.5);
  });

  it('masks a secret that names an argument in the detail it shows', () => {
    const { model, last } = steady();
    const token = `ghp_${'Q9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zXcVbNm'.slice(0, 36)}`;
    const a = model.assess(after(last, 30_000, { toolName: 'update_ticket', arguments: { ticket_id: 'T-123456', status: 'solved', [token]: 'x' } }));
    expect(top(a)).toBe('key_set');
    expect(JSON.stringify(a.features)).not.toContain(token);
    expect(a.features[0]!.detail).toContain('ghp_');
  });

  it('scores a brand-new agent low, however varied its first calls', () => {
    const model = new OrgAnomalyModel();
    const tools = ['http_get', 'run_sql', 'send_email', 'shell', 'read_file'];
    const scores: number[] = [];
    for (let i = 0; i < 30; i++) {
      const a = model.assess({
        agentId: 'newcomer',
        toolName: tools[i % 5]!,
        arguments: { url: `https://site${i}.example/x`, to: `u${i}@d${i}.example`, sql: `SELECT * FROM t${i}`, path: `/p${i}/f` },
        category: 'general',
        at: new Date(MONDAY + 3 * HOUR + i * 5_000),
      });
      scores.push(a.score);
    }
    expect(scores[0]).toBe(0);
    expect(Math.max(...scores)).toBeLessThan(0.3);
  });

  it('raises a signal this agent never had, but not above the threshold on its own', () => {
    const { model, last } = steady();
    const a = model.assess(after(last, 30_000, { toolName: 'get_ticket', arguments: { ticket_id: 'T-123456' }, signals: [{ id: 'secret_leak' }] }));
    expect(top(a)).toBe('signals');
    expect(a.features[0]!.detail).toBe("signal secret_leak never raised on this agent's 2,000 calls before");
    expect(a.score).toBeLessThan(0.7);
  });

  it('lists features largest first, and the score is their noisy-OR', () => {
    const { model, last } = steady();
    const a = model.assess(after(last, 0, { toolName: 'db_export_all', arguments: { url: 'https://x.evil.example' }, at: new Date(last.at.getTime() + DAY + 12 * HOUR) }));
    const scores = a.features.map((f) => f.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(a.score).toBeCloseTo(1 - a.features.reduce((keep, f) => keep * (1 - f.score), 1), 2);
  });

  it('rejects a call without a valid time', () => {
    expect(() => new OrgAnomalyModel().assess({ agentId: 'a', toolName: 't', arguments: {}, category: 'general', at: new Date(Number.NaN) })).toThrow(
      /call\.at must be a valid Date/,
    );
  });
});

describe('OrgAnomalyModel.peek()', () => {
  it('scores like assess() without learning the call', () => {
    const { model, last } = steady();
    const odd = after(last, 30_000, { toolName: 'db_export_all', arguments: {} });
    const peeked = model.peek(odd);
    expect(model.peek(odd)).toEqual(peeked);
    expect(model.callCount('support-1')).toBe(2000);
    expect(model.assess(odd)).toEqual(peeked);
    expect(model.callCount('support-1')).toBe(2001);
  });
});

describe('OrgAnomalyModel agents', () => {
  it('keeps one model per agent, and forgets one on request', () => {
    const model = new OrgAnomalyModel();
    train(model, supportAgent('a', 1), 10);
    train(model, supportAgent('b', 2), 10);
    expect(model.agents()).toEqual(['a', 'b']);
    expect(model.forget('a')).toBe(true);
    expect(model.forget('a')).toBe(false);
    expect(model.agents()).toEqual(['b']);
  });
});
