import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { GatewayActivities } from '../activities/index.js';
import { CheckStatus } from './search-attributes.js';

/** What the workflow needs to know about its check (the rest is in PostgreSQL). */
export interface PendingCheckInput {
  check_id: string;
  org_id: string;
  summary: { agent_id: string; tool_name: string; risk_level: string; policy_name: string; reason: string | null };
  /** ISO 8601: when the timeout decision applies. */
  deadline: string;
  timeout_decision: 'allow' | 'block';
}

export interface DecideInput {
  decision: 'allow' | 'block';
  decided_by: string;
  reason?: string | null;
  /** The credential that decided (`api_key:<id>`), stored with the decision. */
  credential?: string | null;
}

export interface DecisionOutcome {
  check_id: string;
  decision: 'allow' | 'block';
  decided_by: string;
  decided_at: string;
  reason: string | null;
}

/** Deciders only the workflow itself (timeout) or the check pipeline (policy, anomaly, system) record. */
const SYSTEM_DECIDERS = /^(?:policy|timeout|anomaly|system(?::.*)?)$/i;

/** The reviewer's decision. The validator rejects anything after the first decision (first wins). */
export const decide = defineUpdate<DecisionOutcome, [DecideInput]>('decide');
/** The decision so far (null while pending); for operators, not for polling (that reads PostgreSQL). */
export const decisionQuery = defineQuery<DecisionOutcome | null>('decision');

const { recordDecision } = proxyActivities<GatewayActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
/**
 * The reviewer's decision is recorded by a local activity: it runs in the workflow task that carries
 * the Update, so the decision reaches PostgreSQL (and wakes long-polls) without the extra server
 * round trips of scheduling, dispatching and completing a normal activity. It is idempotent (the
 * first recorded decision wins), so the at-least-once of local activities is harmless.
 */
const local = proxyLocalActivities<GatewayActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { notifyReviewers } = proxyActivities<GatewayActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

/**
 * pendingCheck waits for a reviewer's `decide` Update or the deadline, whichever comes first, and
 * records the outcome through an activity. The reviewer webhook is notified meanwhile. Workflow id =
 * check id, so there is exactly one per check.
 */
export async function pendingCheck(input: PendingCheckInput): Promise<DecisionOutcome> {
  let chosen: (DecideInput & { decided_at: string }) | undefined;
  let outcome: DecisionOutcome | null = null;

  setHandler(
    decide,
    async (d) => {
      // Set synchronously, before any await, so a racing second update's validator sees it.
      chosen = { ...d, decided_at: new Date().toISOString() };
      // Histories from before the local activity keep replaying with the normal one.
      const record = patched('decide-records-locally') ? local.recordDecision : recordDecision;
      outcome = await record({ check_id: input.check_id, org_id: input.org_id, ...chosen });
      return outcome;
    },
    {
      validator: (d) => {
        if (chosen) throw ApplicationFailure.nonRetryable(`already decided: ${chosen.decision} by ${chosen.decided_by}`, 'AlreadyDecided');
        if (d?.decision !== 'allow' && d?.decision !== 'block') throw ApplicationFailure.nonRetryable('decision must be "allow" or "block"', 'InvalidDecision');
        if (typeof d.decided_by !== 'string' || d.decided_by.length === 0) throw ApplicationFailure.nonRetryable('decided_by is required', 'InvalidDecision');
        // The names the gateway decides under itself: never a reviewer's, and a kill switch only ever blocks.
        // (An Update sent straight to Temporal, past the API, must not read as a timeout or a policy in the log.)
        if (SYSTEM_DECIDERS.test(d.decided_by.trim()) || (/^kill[-_]switch$/i.test(d.decided_by.trim()) && d.decision !== 'block')) {
          throw ApplicationFailure.nonRetryable(`decided_by "${d.decided_by}" is reserved for the gateway`, 'InvalidDecision');
        }
      },
    },
  );
  setHandler(decisionQuery, () => outcome);

  // Notify in the background; a webhook that keeps failing must not fail the check.
  const notification = new CancellationScope();
  const notified = notification.run(() => notifyReviewers({ check_id: input.check_id, org_id: input.org_id })).catch((err: unknown) => {
    if (!isCancellation(err)) log.warn('reviewer webhook gave up', { check_id: input.check_id, error: String(err) });
  });

  const waitMs = Math.max(1, Date.parse(input.deadline) - Date.now());
  const decidedInTime = await condition(() => chosen !== undefined, waitMs);
  if (!decidedInTime && !chosen) {
    chosen = {
      decision: input.timeout_decision,
      decided_by: 'timeout',
      reason: `no reviewer decided before ${input.deadline}`,
      credential: null,
      decided_at: new Date().toISOString(),
    };
    outcome = await recordDecision({ check_id: input.check_id, org_id: input.org_id, ...chosen });
  }
  notification.cancel();
  await notified;
  await condition(allHandlersFinished);
  upsertSearchAttributes([{ key: CheckStatus, value: 'decided' }]);
  return outcome!;
}
