import type { StoredTrace } from './store.js';

/** presentTrace is a stored trace as GET /api/v1/traces lists it (secrets masked). */
export function presentTrace(t: StoredTrace) {
  return {
    id: t.id,
    agent_id: t.agent_id,
    tool_name: t.tool_name,
    arguments: t.arguments,
    result: t.result,
    error: t.error,
    started_at: t.started_at.toISOString(),
    duration_ms: t.duration_ms,
    check_id: t.check_id,
    blocked: t.blocked,
    trace_id: t.trace_id,
    span_id: t.span_id,
    metadata: t.metadata,
    received_at: t.received_at.toISOString(),
  };
}
