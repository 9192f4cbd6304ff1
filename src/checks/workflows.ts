import { Client, WorkflowExecutionAlreadyStartedError, type Connection } from '@temporalio/client';
import type { CheckRecord } from './types.js';
import type { OrgSettings } from '../orgs/settings.js';
import { AgentId, CheckStatus, OrgId, RiskLevel, ToolName } from '../../workflows/search-attributes.js';
import type { DecideInput, DecisionOutcome, PendingCheckInput } from '../../workflows/pending-check.js';
import { decide } from '../../workflows/pending-check.js';
import { SpanKind, inSpan } from '../telemetry/tracing.js';

export type { DecideInput, DecisionOutcome };

/**
 * PendingWorkflows is the gateway's Temporal client for pending checks: start a check's workflow
 * (idempotently: workflow id = check id) and deliver a reviewer's decision as an Update.
 */
export class PendingWorkflows {
  readonly client: Client;

  constructor(
    connection: Connection,
    namespace: string,
    private readonly taskQueue: string,
  ) {
    this.client = new Client({ connection, namespace });
  }

  /** start starts the check's workflow; a running or finished one with that id counts as started. */
  async start(check: CheckRecord, settings: Pick<OrgSettings, 'timeout_decision'>, deadlineMs: number): Promise<void> {
    const input: PendingCheckInput = {
      check_id: check.id,
      org_id: check.org_id,
      summary: { agent_id: check.agent_id, tool_name: check.tool_name, risk_level: check.risk_level, policy_name: check.policy_name, reason: check.reason },
      deadline: (check.expires_at ?? new Date()).toISOString(),
      timeout_decision: settings.timeout_decision,
    };
    try {
      await inSpan('temporal start pendingCheck', { 'temporal.workflow_id': check.id }, () => this.client.withDeadline(deadlineMs, () =>
        this.client.workflow.start('pendingCheck', {
          workflowId: check.id,
          taskQueue: this.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: OrgId, value: check.org_id },
            { key: AgentId, value: check.agent_id },
            { key: ToolName, value: check.tool_name },
            { key: RiskLevel, value: check.risk_level },
            { key: CheckStatus, value: 'pending' },
          ],
          memo: { tool_name: check.tool_name, agent_id: check.agent_id, policy_name: check.policy_name, reason: check.reason ?? '' },
          staticSummary: `${check.tool_name} by ${check.agent_id}: ${check.policy_name} (${check.risk_level})`,
          staticDetails: check.reason ?? undefined,
        }),
      ), SpanKind.CLIENT);
    } catch (err) {
      // REJECT_DUPLICATE: the workflow ran and finished already.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }

  /** decide executes the `decide` Update with a fresh update id (a repeated id would replay the first result). */
  decide(checkId: string, input: DecideInput, updateId: string, deadlineMs: number): Promise<DecisionOutcome> {
    return inSpan('temporal update decide', { 'temporal.workflow_id': checkId }, () => this.client.withDeadline(deadlineMs, () => this.client.workflow.getHandle(checkId).executeUpdate(decide, { args: [input], updateId })), SpanKind.CLIENT);
  }
}
