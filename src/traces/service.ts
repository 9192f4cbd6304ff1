import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/authenticator.js';
import { ForbiddenError, type AppError } from '../errors.js';
import type { OrgSettings } from '../orgs/settings.js';
import type { Admission } from '../ratelimit/admission.js';
import type { TraceBuffer, TraceRow } from './buffer.js';
import type { TraceInput } from './schema.js';

export interface TraceServiceDeps {
  buffer: Pick<TraceBuffer, 'assertRoom' | 'push' | 'refusal'>;
  settings: { get(orgId: string): Promise<OrgSettings> };
  admission: Pick<Admission, 'admitTraces'>;
}

/**
 * TraceService accepts traces: authorise the agent → room in the buffer → rate limit and quota →
 * queue for the batch writer. Nothing on this path waits for the database; the ids it returns are
 * the ids the traces will be stored under.
 */
export class TraceService {
  constructor(private readonly deps: TraceServiceDeps) {}

  /** refusal is the error for a request turned away unread while the buffer is (nearly) full. */
  refusal(orgId?: string): AppError | undefined {
    return this.deps.buffer.refusal(orgId);
  }

  async ingest(principal: Principal, traces: TraceInput[]): Promise<string[]> {
    if (principal.agentId !== undefined) {
      const other = traces.find((t) => t.agent_id !== principal.agentId);
      if (other) throw new ForbiddenError(`this agent token belongs to agent "${principal.agentId}" and cannot send traces of "${other.agent_id}"`);
    }
    const orgId = principal.orgId;
    // Checked before the limiter counts them, and again (synchronously) when queued.
    this.deps.buffer.assertRoom(traces.length, orgId);
    const settings = await this.deps.settings.get(orgId);
    await this.deps.admission.admitTraces(orgId, traces.length, settings.rate_limits);
    const receivedAt = new Date().toISOString();
    const rows: TraceRow[] = traces.map((t) => ({
      id: randomUUID(),
      org_id: orgId,
      agent_id: t.agent_id,
      tool_name: t.tool_name,
      arguments: t.arguments,
      result: t.result,
      error: t.error,
      // Milliseconds, as JavaScript dates hold them: listing cursors round-trip exactly.
      started_at: new Date(t.started_at).toISOString(),
      duration_ms: t.duration_ms,
      check_id: t.check_id ?? null,
      blocked: t.blocked,
      trace_id: t.trace_id ?? null,
      span_id: t.span_id ?? null,
      metadata: t.metadata ?? {},
      received_at: receivedAt,
    }));
    this.deps.buffer.push(rows);
    return rows.map((r) => r.id);
  }
}
