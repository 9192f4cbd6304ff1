import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { decisionLeafData, type DecisionLeaf } from '../../src/tlog/leaf.js';

const FIELDS = ['check_id', 'org_id', 'agent_id', 'tool_name', 'arguments_sha256', 'decision', 'policy_name', 'risk_level', 'decided_by', 'decided_at'] as const;
// Strings that exercise every escaping rule: quotes, backslashes, control characters, U+2028/9,
// non-ASCII and astral characters. (No lone surrogates: RFC 8785 has no form for them, and the API
// refuses them at the door — test/http/conventions.test.ts.)
const TRICKY = ['plain', '', 'a"b\\c', 'tab\there\nnl\r\u0000\u001f\u007f', '\u2028\u2029', 'é✓日本', '🚀 rocket', '/\\/', '</script>'];

function sample(seed: number): DecisionLeaf {
  const pick = (i: number): string => TRICKY[(seed * 7 + i * 3) % TRICKY.length]!;
  return Object.fromEntries(FIELDS.map((f, i) => [f, `${pick(i)}${f}`])) as unknown as DecisionLeaf;
}

describe('decisionLeafData', () => {
  it('is the RFC 8785 canonical JSON of the decision, byte for byte', () => {
    for (let seed = 0; seed < 200; seed++) {
      const leaf = sample(seed);
      const { check_id, org_id, agent_id, tool_name, arguments_sha256, decision, policy_name, risk_level, decided_by, decided_at } = leaf;
      expect(decisionLeafData(leaf)).toBe(canonicalize({ check_id, org_id, agent_id, tool_name, arguments_sha256, decision, policy_name, risk_level, decided_by, decided_at }));
    }
  });

  it('commits to the decision fields only', () => {
    const leaf = { ...sample(1), reason: 'not part of the leaf' } as DecisionLeaf;
    expect(Object.keys(JSON.parse(decisionLeafData(leaf)))).toEqual([...FIELDS].sort());
  });
});
