import canonicalize from 'canonicalize';

/** What the log commits to for a final decision (arguments by hash only). */
export interface DecisionLeaf {
  check_id: string;
  org_id: string;
  agent_id: string;
  tool_name: string;
  /** Hex SHA-256 of the RFC 8785 canonical JSON of the call's arguments. */
  arguments_sha256: string;
  decision: 'allow' | 'block';
  policy_name: string;
  risk_level: string;
  decided_by: string;
  /** ISO 8601, UTC. */
  decided_at: string;
}

/** decisionLeafData is the exact leaf data: the RFC 8785 canonical JSON of the decision. */
export function decisionLeafData(leaf: DecisionLeaf): string {
  const { check_id, org_id, agent_id, tool_name, arguments_sha256, decision, policy_name, risk_level, decided_by, decided_at } = leaf;
  return canonicalize({ check_id, org_id, agent_id, tool_name, arguments_sha256, decision, policy_name, risk_level, decided_by, decided_at })!;
}
