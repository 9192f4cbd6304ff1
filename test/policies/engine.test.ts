import { describe, expect, it } from 'vitest';
import type { Signal } from '../../src/classify/types.js';
import { DEFAULT_SETTINGS } from '../../src/orgs/settings.js';
import { createAjv } from '../../src/policies/ajv.js';
import { PLATFORM_DEFAULTS } from '../../src/policies/defaults.js';
import { compilePolicy, evaluate } from '../../src/policies/engine.js';
import { resolvePolicy, type PolicyInput } from '../../src/policies/store.js';
import type { CallDocument, PolicyDefinition } from '../../src/policies/types.js';
import { toolKey } from '../../src/util/tool-key.js';

const mapping = DEFAULT_SETTINGS.risk_mapping;

function call(over: Partial<CallDocument> = {}, signals: Signal[] = []): CallDocument {
  const doc = { agent_id: 'a1', tool_name: 'db_query', arguments: { sql: 'SELECT 1' }, classification: { category: 'database' as const, signals }, anomaly_score: 0, context: {}, ...over };
  return { ...doc, tool_key: over.tool_key ?? toolKey(doc.tool_name) };
}

function policy(input: Partial<PolicyInput> & { id: string }): PolicyDefinition {
  const def = resolvePolicy({ name: input.id, description: '', enabled: true, mode: 'enforce', ...input });
  return { ...def, source: 'org', version: 1, created_at: null, updated_at: null };
}

const platform = () => PLATFORM_DEFAULTS.map((d) => compilePolicy(createAjv(), d));
const sqli: Signal = { id: 'sql_injection', severity: 'critical', path: '/arguments/sql', evidence: 'stacked statement: ; DROP TABLE users' };

describe('evaluate()', () => {
  it('allows a clean call under the riskiest governing policy, as the reference shows', () => {
    const e = evaluate(platform(), call(), mapping);
    expect(e).toMatchObject({ decision: 'allow', policy_name: 'sql-injection', risk_level: 'LOW' });
    expect(e.counterfactual).toBeUndefined();
  });

  it('blocks a CRITICAL signal guard with a counterfactual naming the path and the kind', () => {
    const e = evaluate(platform(), call({}, [sqli]), mapping);
    expect(e.decision).toBe('block');
    expect(e.policy_name).toBe('sql-injection');
    expect(e.risk_level).toBe('CRITICAL');
    expect(e.reason).toContain('/arguments/sql');
    expect(e.counterfactual).toBe('would be allowed if /arguments/sql had no stacked statement');
  });

  it('names what every blocking violation needs in the counterfactual, not only the deciding one', () => {
    const needs = (id: string, key: string, risk: 'LOW' | 'CRITICAL') =>
      compilePolicy(createAjv(), policy({ id, risk_level: risk, action: 'block', match: { tool_names: ['sw_t'] }, policy_schema: { properties: { arguments: { required: [key] } } } }));
    const e = evaluate([needs('p4', 'd', 'LOW'), needs('p5', 'e', 'CRITICAL')], call({ tool_name: 'sw_t', arguments: {} }), mapping);
    expect(e).toMatchObject({ decision: 'block', policy_name: 'p5' });
    expect(e.counterfactual).toBe('would be allowed if /arguments/e were present and, for policy p4, if /arguments/d were present');
  });

  it('treats a policy whose validator throws as violated, without failing the others', () => {
    const broken = compilePolicy(createAjv(), policy({ id: 'broken', risk_level: 'CRITICAL', policy_schema: { type: 'object' } }));
    const throwing = Object.assign(() => {
      throw new RangeError('Maximum call stack size exceeded');
    }, { errors: null });
    const e = evaluate([{ ...broken, validate: throwing as never }, ...platform()], call(), mapping);
    expect(e).toMatchObject({ decision: 'block', policy_name: 'broken' });
    expect(e.reason).toMatch(/could not be evaluated/);
    const shadow = evaluate([{ ...broken, def: { ...broken.def, mode: 'shadow' }, validate: throwing as never }], call(), mapping);
    expect(shadow.decision).toBe('allow');
    expect(shadow.shadow_violations).toHaveLength(1);
  });

  it('explains with the error that tells: the failing item of a list, the failing member name', () => {
    const mail = compilePolicy(createAjv(), policy({ id: 'mail', template: 'email-recipient-domains', params: { domains: ['acme.com'] } }));
    const e = evaluate([mail], call({ tool_name: 'send_email', arguments: { to: ['a@acme.com', 'b@evil.com'] }, classification: { category: 'email', signals: [] } }), mapping);
    expect(e.reason).toMatch(/^mail: \/arguments\/to\/1 is "b@evil\.com", which does not match/);
    expect(e.counterfactual).toMatch(/^would be allowed if \/arguments\/to\/1 matched/);
    const names = compilePolicy(createAjv(), policy({ id: 'names', risk_level: 'CRITICAL', policy_schema: { properties: { arguments: { propertyNames: { maxLength: 2 } } } } }));
    const n = evaluate([names], call({ arguments: { ab: 1, abc: 2 } }), mapping);
    expect(n.reason).toBe('names: /arguments has a member named "abc", which must NOT have more than 2 characters');
    expect(n.counterfactual).toBe('would be allowed if /arguments had no member named "abc"');
  });

  it('checks every recipient field of a message against the allowed domains, bcc included', () => {
    const mail = compilePolicy(createAjv(), policy({ id: 'mail', template: 'email-recipient-domains', params: { domains: ['acme.com'] } }));
    const send = (args: Record<string, unknown>) => evaluate([mail], call({ tool_name: 'send_email', arguments: args, classification: { category: 'email', signals: [] } }), mapping).decision;
    expect(send({ to: 'a@acme.com', cc: ['b@acme.com'], bcc: 'c@sub.acme.com' })).toBe('allow');
    for (const args of [{ to: 'a@acme.com', bcc: 'drop@evil.example' }, { to: 'a@acme.com', cc: ['x@evil.example'] }, { recipients: ['a@acme.com', 'y@evil.example'] }]) {
      expect(send(args), JSON.stringify(args)).not.toBe('allow');
    }
  });

  it('sees only the members a call has, not those of Object.prototype', () => {
    const requires = compilePolicy(createAjv(), policy({ id: 'req', risk_level: 'CRITICAL', policy_schema: { properties: { arguments: { required: ['constructor'] } } } }));
    expect(evaluate([requires], call({ arguments: { x: 1 } }), mapping).decision).toBe('block');
    const typed = compilePolicy(createAjv(), policy({ id: 'typed', risk_level: 'CRITICAL', policy_schema: { properties: { arguments: { properties: { toString: { type: 'string' } } } } } }));
    expect(evaluate([typed], call({ arguments: { x: 1 } }), mapping).decision).toBe('allow');
  });

  it('ignores signals below the guard’s minimum severity', () => {
    const e = evaluate(platform(), call({}, [{ ...sqli, severity: 'low' }]), mapping);
    expect(e.decision).toBe('allow');
  });

  it('lets the strictest violation decide (block over pending) and reports all', () => {
    const destructive: Signal = { id: 'destructive_operation', severity: 'high', path: '/arguments/sql', evidence: 'DROP TABLE' };
    const e = evaluate(platform(), call({}, [destructive, sqli]), mapping);
    expect(e.decision).toBe('block');
    expect(e.violations.map((v) => v.policy_name).sort()).toEqual(['destructive-sql', 'sql-injection']);
    const onlyDestructive = evaluate(platform(), call({}, [destructive]), mapping);
    expect(onlyDestructive).toMatchObject({ decision: 'pending', policy_name: 'destructive-sql', risk_level: 'HIGH' });
  });

  it('uses the org risk mapping when a policy names no action, and the action when it does', () => {
    const p = compilePolicy(createAjv(), policy({ id: 'small', risk_level: 'MEDIUM', policy_schema: { properties: { arguments: { properties: { n: { maximum: 5 } } } } } }));
    const big = call({ arguments: { n: 9 } });
    expect(evaluate([p], big, mapping).decision).toBe('allow');
    expect(evaluate([p], big, { ...mapping, MEDIUM: 'block' }).decision).toBe('block');
    const withAction = compilePolicy(createAjv(), policy({ id: 'small', risk_level: 'LOW', action: 'pending', policy_schema: { properties: { arguments: { properties: { n: { maximum: 5 } } } } } }));
    expect(evaluate([withAction], big, mapping).decision).toBe('pending');
  });

  it.each([
    [{ properties: { arguments: { properties: { amount: { maximum: 100 } } } } }, { amount: 250 }, 'would be allowed if /arguments/amount were at most 100'],
    [{ properties: { arguments: { properties: { env: { enum: ['dev', 'staging'] } } } } }, { env: 'prod' }, 'would be allowed if /arguments/env were one of "dev", "staging"'],
    [{ properties: { arguments: { required: ['ticket'] } } }, {}, 'would be allowed if /arguments/ticket were present'],
    [{ properties: { arguments: { properties: { q: { maxLength: 3 } } } } }, { q: 'abcdef' }, 'would be allowed if /arguments/q had at most 3 characters'],
    [{ properties: { arguments: { properties: { host: { pattern: '^internal\\.' } } } } }, { host: 'evil.com' }, 'would be allowed if /arguments/host matched /^internal\\./'],
  ])('derives the counterfactual from the failing keyword (%#)', (schema, args, counterfactual) => {
    const p = compilePolicy(createAjv(), policy({ id: 'p', risk_level: 'CRITICAL', policy_schema: schema }));
    const e = evaluate([p], call({ arguments: args }), mapping);
    expect(e.decision).toBe('block');
    expect(e.counterfactual).toBe(counterfactual);
  });

  it('reports shadow violations without letting them decide', () => {
    const p = compilePolicy(createAjv(), policy({ id: 'shadowy', risk_level: 'CRITICAL', mode: 'shadow', policy_schema: { properties: { tool_name: { const: 'other' } } } }));
    const e = evaluate([p], call(), mapping);
    expect(e.decision).toBe('allow');
    expect(e.shadow_violations).toEqual([expect.objectContaining({ policy_name: 'shadowy', decision: 'block' })]);
  });

  it('applies a policy only to the calls its match governs (globs, categories, agents)', () => {
    const p = compilePolicy(createAjv(), policy({ id: 'no-prod', risk_level: 'CRITICAL', match: { tool_names: ['db_*'], agent_ids: ['billing-*'] }, policy_schema: { not: {} } }));
    expect(evaluate([p], call({ agent_id: 'billing-bot' }), mapping).decision).toBe('block');
    expect(evaluate([p], call({ agent_id: 'support-bot' }), mapping).decision).toBe('allow');
    expect(evaluate([p], call({ agent_id: 'billing-bot', tool_name: 'shell' }), mapping).decision).toBe('allow');
  });

  it('skips disabled policies', () => {
    const p = compilePolicy(createAjv(), policy({ id: 'off', risk_level: 'CRITICAL', enabled: false, policy_schema: { not: {} } }));
    expect(evaluate([p], call(), mapping).decision).toBe('allow');
  });
});

describe('policy regexes', () => {
  it('evaluate a catastrophic-backtracking pattern in linear time (RE2)', () => {
    const p = compilePolicy(createAjv(), policy({ id: 'redos', risk_level: 'HIGH', policy_schema: { properties: { arguments: { properties: { q: { pattern: '^(a+)+$' } } } } } }));
    const evil = call({ arguments: { q: `${'a'.repeat(50_000)}!` } });
    const start = performance.now();
    const e = evaluate([p], evil, mapping);
    const ms = performance.now() - start;
    expect(e.decision).toBe('pending');
    // A backtracking engine needs longer than the age of the universe here; RE2 takes milliseconds.
    expect(ms).toBeLessThan(1_000);
  });

  it('check uniqueItems as JSON Schema equates items, in linear time', () => {
    const p = compilePolicy(createAjv(), policy({ id: 'unique', risk_level: 'HIGH', policy_schema: { properties: { arguments: { properties: { ids: { uniqueItems: true } } } } } }));
    const decide = (ids: unknown[]) => evaluate([p], call({ arguments: { ids } }), mapping);
    // Equal regardless of member order, numbers by value; different shapes are different items.
    expect(decide([{ a: 1, b: [2] }, { b: [2], a: 1 }]).decision).toBe('pending');
    expect(decide([1, 1.0]).decision).toBe('pending');
    expect(decide([1, '1', [1], { 1: 1 }, null, true]).decision).toBe('allow');
    // Compared pairwise, 10,000 objects took AJV a second; through a map, milliseconds.
    const many = Array.from({ length: 10_000 }, (_, i) => ({ id: i }));
    const start = performance.now();
    expect(decide(many).decision).toBe('allow');
    expect(decide([...many, { id: 9_999 }]).decision).toBe('pending');
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('check format "url" without backtracking on a huge argument', () => {
    const p = compilePolicy(createAjv(), policy({ id: 'web', risk_level: 'HIGH', policy_schema: { properties: { arguments: { properties: { url: { format: 'url' } } } } } }));
    const decide = (url: string) => evaluate([p], call({ arguments: { url } }), mapping).decision;
    expect(decide('https://example.com/a?b=1')).toBe('allow');
    expect(decide('http://10.0.0.1/')).toBe('pending');
    // ajv-formats' own pattern took 0.6 s for 40,000 colons and grows with the square of the length.
    const start = performance.now();
    expect(decide(`http://${':'.repeat(200_000)}!`)).toBe('pending');
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('refuses patterns RE2 cannot run (look-around), naming the problem', () => {
    expect(() => policy({ id: 'x', risk_level: 'LOW', policy_schema: { properties: { q: { pattern: '(?<=a)b' } } } })).toThrow(/policy_schema is invalid: .*(?:invalid|look)/i);
  });

  it('refuses invalid schemas with AJV’s words', () => {
    expect(() => policy({ id: 'x', risk_level: 'LOW', policy_schema: { properties: { q: { maxLenght: 3 } } } })).toThrow(/policy_schema is invalid: strict mode: unknown keyword: "maxLenght"/);
    expect(() => policy({ id: 'x', risk_level: 'LOW', policy_schema: { type: 'strnig' } })).toThrow(/policy_schema is invalid/);
  });
});

describe('reasons that quote a value', () => {
  it('mask the secrets in it, as the stored arguments do', () => {
    const token = `ghp_${'Q1w2E3r4T5'.repeat(3)}Q1w2E3`;
    const p = compilePolicy(createAjv(), policy({ id: 'vault-only', risk_level: 'HIGH', policy_schema: { properties: { arguments: { properties: { api_key: { pattern: '^vault:' }, config: { enum: [{}] } } } } } }));
    const byKey = evaluate([p], call({ arguments: { api_key: token } }), mapping);
    expect(byKey.reason).toContain('/arguments/api_key is "ghp_');
    expect(byKey.reason).not.toContain(token.slice(4, 20));
    const inObject = evaluate([p], call({ arguments: { config: { token } } }), mapping);
    expect(inObject.reason).toContain('/arguments/config is {"token":"ghp_');
    expect(JSON.stringify(inObject)).not.toContain(token.slice(4, 20));
    // Values that are not secrets are quoted as they are.
    expect(evaluate([p], call({ arguments: { api_key: 'plain-text' } }), mapping).reason).toContain('"plain-text"');
  });
});

describe('templates', () => {
  it('instantiate with params and validate them', () => {
    const p = compilePolicy(createAjv(), policy({ id: 'cap', template: 'amount-limit', params: { max: 100 } }));
    expect(p.def.risk_level).toBe('HIGH');
    const pay = call({ tool_name: 'create_payment', arguments: { amount: 500 }, classification: { category: 'payment', signals: [] } });
    expect(evaluate([p], pay, mapping)).toMatchObject({ decision: 'pending', counterfactual: 'would be allowed if /arguments/amount were at most 100' });
    expect(() => policy({ id: 'cap', template: 'amount-limit', params: { max: -1 } })).toThrow(/params.max/);
    expect(() => policy({ id: 'cap', template: 'nope' })).toThrow(/unknown template/);
  });

  it('domain-allowlist rejects userinfo tricks and other hosts', () => {
    const p = compilePolicy(createAjv(), policy({ id: 'hosts', template: 'domain-allowlist', params: { domains: ['example.com'] } }));
    const at = (url: string) => evaluate([p], call({ tool_name: 'http_request', arguments: { url } }), mapping).decision;
    expect(at('https://api.example.com/v1')).toBe('allow');
    expect(at('https://EXAMPLE.com')).toBe('allow');
    expect(at('https://example.com@evil.net/')).toBe('pending');
    expect(at('https://example.com.evil.net/')).toBe('pending');
    expect(at('ftp://example.com/')).toBe('pending');
  });
});
