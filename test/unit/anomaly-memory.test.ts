import { describe, expect, it } from 'vitest';
import { OrgAnomalyModel } from '../../src/anomaly/model.js';
import type { ObservedCall } from '../../src/anomaly/types.js';
import { MONDAY } from './anomaly-fixtures.js';

const long = (n: number, c: string): string => c.repeat(n);

/** The i-th call of an agent that never repeats itself: new tools, keys, values and destinations, with long names. */
function floodCall(i: number): ObservedCall {
  const args: Record<string, unknown> = {};
  for (let k = 0; k < 40; k++) args[`${i}_${k}_${long(100, 'k')}`] = { [`nested_${i}_${long(100, 'n')}`]: `v${i}` };
  args.url = `https://h${i}.${long(300, 'd')}${i}.com/x`;
  args.to = `u${i}@${long(300, 'm')}${i}.com`;
  args.sql = `SELECT * FROM ${long(300, 't')}${i} JOIN b${i} ON true`;
  args.path = `/root${i}${long(300, 'p')}/f/g`;
  return {
    agentId: 'flood',
    toolName: `${long(100, 'x')}${i % 40}_${i % 7}`,
    category: `category_${i}`,
    signals: [{ id: `signal_${i}` }],
    arguments: args,
    at: new Date(MONDAY + i * 1000),
  };
}

describe('memory bounds', () => {
  it('stays bounded per agent under a flood of distinct tools, keys, values and destinations', () => {
    const model = new OrgAnomalyModel();
    const sizes: number[] = [];
    for (let i = 0; i < 3000; i++) {
      model.assess(floodCall(i));
      if (i === 1500 || i === 2999) sizes.push(JSON.stringify(model.toJSON()).length);
    }
    const agent = model.toJSON().agents[0]![1];
    expect(agent.tools.entries.length).toBeLessThanOrEqual(64);
    expect(agent.profiles.length).toBeLessThanOrEqual(32);
    expect(agent.transitions.length).toBeLessThanOrEqual(33);
    for (const t of agent.transitions) expect(t[1].entries.length).toBeLessThanOrEqual(16);
    for (const [, p] of agent.profiles) {
      expect(p.keySets.entries.length).toBeLessThanOrEqual(16);
      expect(p.keys.entries.length).toBeLessThanOrEqual(32);
      expect(p.values.length).toBeLessThanOrEqual(16);
    }
    for (const table of Object.values(agent.destinations)) {
      expect(table.entries.length).toBeLessThanOrEqual(128);
      for (const [value] of table.entries) expect(value.length).toBeLessThanOrEqual(200);
    }
    expect(agent.categories.entries.length).toBeLessThanOrEqual(16);
    expect(agent.signals.entries.length).toBeLessThanOrEqual(16);
    // Full at half-time already: twice the calls, (about) the same size, and under 0.7 MB.
    expect(sizes[1]!).toBeLessThan(sizes[0]! * 1.1);
    expect(sizes[1]!).toBeLessThan(700_000);
  });

  it('evicts the same entries after a round trip through JSON', () => {
    const model = new OrgAnomalyModel();
    for (let i = 0; i < 400; i++) model.assess(floodCall(i));
    const copy = OrgAnomalyModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    for (let i = 400; i < 800; i++) expect(copy.assess(floodCall(i))).toEqual(model.assess(floodCall(i)));
    expect(copy.toJSON()).toEqual(model.toJSON());
  });

  it('keeps at most maxAgents agents, forgetting the least recently active', () => {
    const model = new OrgAnomalyModel({ maxAgents: 3 });
    for (const [i, id] of ['a', 'b', 'c', 'a', 'd'].entries()) {
      model.assess({ agentId: id, toolName: 't', arguments: {}, category: 'general', at: new Date(MONDAY + i * 1000) });
    }
    expect(model.agents()).toEqual(['c', 'a', 'd']);
    expect(model.size).toBe(3);
  });

  it('refuses a maxAgents that is not a positive integer', () => {
    expect(() => new OrgAnomalyModel({ maxAgents: 0 })).toThrow('maxAgents must be a positive integer, got 0');
  });
});
