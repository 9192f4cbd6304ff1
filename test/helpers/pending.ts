import { call, type TestGateway, type TestOrg } from './gateway.js';

/** requireReview adds an org policy that sends every call of `tool` to a reviewer (pending). */
export async function requireReview(gw: TestGateway, org: TestOrg, tool = 'deploy'): Promise<void> {
  const res = await call(gw.url, 'POST', '/api/v1/policies', {
    key: org.adminKey,
    body: { id: `review-${tool}`, name: `Review ${tool}`, risk_level: 'HIGH', match: { tool_names: [tool] }, policy_schema: { not: {} } },
  });
  if (res.status !== 201) throw new Error(`could not create the review policy: ${res.status} ${res.text}`);
}

/** pendingCheck creates a check that the review policy sends to a reviewer and returns its id. */
export async function pendingCheck(base: string, key: string, agent = 'deployer', tool = 'deploy'): Promise<string> {
  const res = await call(base, 'POST', '/api/v1/check', { key, body: { agent_id: agent, tool_name: tool, arguments: { service: 'billing', version: '1.2.3' } } });
  if (res.status !== 200 || res.body.decision !== 'pending') throw new Error(`expected a pending check, got ${res.status} ${res.text}`);
  return res.body.check_id;
}
