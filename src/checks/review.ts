import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError } from '@temporalio/client';
import type { Principal } from '../auth/authenticator.js';
import type { Db } from '../db/knex.js';
import { AppError, ConflictError, ForbiddenError, UnavailableError } from '../errors.js';
import { findActiveReviewer } from '../scim/reviewers.js';
import { activeKillSwitches, matchKillSwitch } from '../killswitch/store.js';
import { recordDecision } from '../../activities/decisions.js';
import type { Logger } from '../log.js';
import type { OutboxDispatcher } from './dispatcher.js';
import { getCheck } from './store.js';
import type { CheckRecord } from './types.js';
import type { DecisionWaiters } from './waiters.js';
import type { DecideInput, PendingWorkflows } from './workflows.js';

export interface ReviewInput {
  decision: 'allow' | 'block';
  decided_by: string;
  reason?: string;
}

const UPDATE_DEADLINE_MS = 10_000;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
const GRPC_FAILED_PRECONDITION = 9;

/** The names the gateway decides under: a reviewer's decision must not read as a timeout or a kill switch in the log. */
export const RESERVED_DECIDERS = /^(?:policy|timeout|kill-switch|kill_switch|anomaly|system(?::.*)?)$/i;

/** asPerson: a provisioned user whose userName is one of the gateway's own deciders (`timeout`) decides as `user:timeout`. */
function asPerson(userName: string): string {
  return RESERVED_DECIDERS.test(userName.trim()) ? `user:${userName}` : userName;
}

/**
 * The server turns down an Update whose workflow task failed before accepting it — typically
 * UNHANDLED_COMMAND, when an activity result (the reviewer webhook's) arrived while that task ran.
 * The Update was never accepted, so sending it again with the same update id is safe.
 */
function isUpdateTaskRace(err: unknown): boolean {
  const e = err as { code?: number; cause?: unknown; details?: string; message?: string };
  if (isGrpcServiceError(err) && e.code === GRPC_FAILED_PRECONDITION && /workflow task failure/i.test(`${e.details ?? ''} ${e.message ?? ''}`)) return true;
  return e?.cause !== undefined && e.cause !== err && isUpdateTaskRace(e.cause);
}

function alreadyDecided(check: CheckRecord): AppError {
  if (check.decided_by === 'policy' || check.expires_at === null) {
    return new AppError('VALIDATION_ERROR', `check ${check.id} was never pending: the policy ${check.policy_name} decided ${check.decision}`, { details: [{ path: 'id', message: 'not a pending check' }] });
  }
  return new ConflictError(`check ${check.id} was already decided: ${check.decision} by ${check.decided_by}`, {
    decision: check.decision,
    decided_by: check.decided_by,
    decided_at: check.decided_at?.toISOString() ?? null,
  });
}

function isUnavailable(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const e = err as { code?: number; cause?: unknown };
  if (isGrpcServiceError(err) && (e.code === GRPC_DEADLINE_EXCEEDED || e.code === GRPC_UNAVAILABLE)) return true;
  return e?.cause !== undefined && e.cause !== err && isUnavailable(e.cause);
}

/**
 * ReviewService answers reviewers and polling agents. Decisions go through the check's workflow
 * (an Update whose validator makes the first decision win); reads come from PostgreSQL only.
 */
export class ReviewService {
  constructor(
    private readonly db: Db,
    private readonly workflows: PendingWorkflows,
    private readonly dispatcher: OutboxDispatcher,
    private readonly waiters: DecisionWaiters,
    private readonly log: Logger,
  ) {}

  /**
   * reviewer names who decides: the person a key is bound to; else, once the org provisions users
   * through SCIM, decided_by must be an active user's userName or e-mail (named by userName); an org
   * without SCIM users records decided_by as given.
   */
  private async reviewer(principal: Principal, decidedBy: string): Promise<string> {
    if (principal.user) return asPerson(principal.user.userName);
    const found = await findActiveReviewer(this.db, principal.orgId, decidedBy);
    if (found === 'no-users') return decidedBy;
    if (!found) throw new ForbiddenError(`decided_by "${decidedBy}" is not an active user of this org (users are provisioned through SCIM)`);
    return asPerson(found.userName);
  }

  /** decide resolves a pending check: 200 with the final record, 409 if someone (or the timeout) was first. */
  async decide(principal: Principal, checkId: string, input: ReviewInput): Promise<CheckRecord> {
    const check = await getCheck(this.db, principal, checkId);
    if (check.status !== 'pending') throw alreadyDecided(check);
    if (input.decision === 'allow') {
      // An engaged kill switch resolves what it covers as block (retried until it can be): no reviewer may let it through meanwhile.
      const stop = matchKillSwitch(await activeKillSwitches(this.db, check.org_id), check.agent_id, check.tool_name);
      if (stop) throw new ConflictError(`check ${check.id} is covered by kill switch ${stop.id} (${stop.scope}${stop.target ? ` ${stop.target}` : ''}), engaged by ${stop.engaged_by}: it can only be blocked until the switch is released`, { kill_switch: stop.id });
    }
    const decidedBy = await this.reviewer(principal, input.decided_by);
    await this.deliver(principal, checkId, { ...input, decided_by: decidedBy, reason: input.reason ?? null, credential: `${principal.kind}:${principal.credentialId}` });
    return getCheck(this.db, principal, checkId);
  }

  /**
   * deliver sends a decision to a pending check's workflow (starting the workflow first if the
   * dispatcher has not yet), mapping Temporal's answers to the API's errors.
   */
  async deliver(scope: Pick<Principal, 'orgId' | 'agentId'>, checkId: string, input: DecideInput): Promise<void> {
    const updateId = randomUUID();
    const deadline = Date.now() + UPDATE_DEADLINE_MS;
    const decide = async (): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.workflows.decide(checkId, input, updateId, deadline);
          return;
        } catch (err) {
          const pause = Math.min(25 * 2 ** attempt, 400) * (0.5 + Math.random() / 2);
          if (!isUpdateTaskRace(err) || Date.now() + pause >= deadline) throw err;
          await new Promise((r) => setTimeout(r, pause));
        }
      }
    };
    try {
      try {
        await decide();
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // The workflow is not there: not dispatched yet (Temporal was down), or already finished.
        const fresh = await getCheck(this.db, scope, checkId);
        if (fresh.status !== 'pending') throw alreadyDecided(fresh);
        await this.dispatcher.startWorkflow(checkId, scope.orgId);
        await decide();
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) {
        const fresh = await getCheck(this.db, scope, checkId);
        if (fresh.status !== 'pending') throw alreadyDecided(fresh);
        // The workflow ended without recording a decision (terminated by an operator, or failed):
        // PostgreSQL is the record, and its first writer wins there as the workflow's Update would.
        if (await this.workflowClosed(checkId)) return this.recordWithoutWorkflow(scope, fresh, input);
        // The validator refused for another reason (or the recording is still under way).
        throw new ConflictError(`check ${checkId} could not be decided: ${(err.cause as Error | undefined)?.message ?? err.message}`);
      }
      if (isUnavailable(err)) throw new UnavailableError(`Temporal did not accept the decision within ${UPDATE_DEADLINE_MS / 1000} s; try again`);
      this.log.error({ err, check_id: checkId }, 'deciding a check failed');
      throw new UnavailableError('the decision could not be delivered to the workflow; try again');
    }
  }

  /** workflowClosed: the check's workflow exists and has ended (not running, not missing). */
  async workflowClosed(checkId: string): Promise<boolean> {
    try {
      const d = await this.workflows.client.workflow.getHandle(checkId).describe();
      return d.status.name !== 'RUNNING';
    } catch {
      return false;
    }
  }

  /** recordWithoutWorkflow decides a pending check whose workflow is gone, directly and once, with its log entry. */
  async recordWithoutWorkflow(scope: Pick<Principal, 'orgId' | 'agentId'>, check: CheckRecord, input: DecideInput): Promise<void> {
    const decidedAt = new Date().toISOString();
    const recorded = await recordDecision(this.db, { check_id: check.id, org_id: check.org_id, decision: input.decision, decided_by: input.decided_by, decided_at: decidedAt, reason: input.reason, credential: input.credential });
    this.log.warn({ check_id: check.id, decided_by: recorded.decided_by }, 'a pending check whose workflow had ended was decided without it');
    if (recorded.decided_at !== decidedAt || recorded.decided_by !== input.decided_by) throw alreadyDecided(await getCheck(this.db, scope, check.id));
  }

  /** decision returns the check's current verdict, waiting up to waitSeconds for a pending one. */
  async decision(principal: Principal, checkId: string, waitSeconds: number): Promise<CheckRecord> {
    let check = await getCheck(this.db, principal, checkId);
    const deadline = Date.now() + waitSeconds * 1000;
    while (check.status === 'pending' && Date.now() < deadline && !this.waiters.closed) {
      const remaining = deadline - Date.now();
      const waiter = this.waiters.wait(checkId, this.waiters.live ? remaining : Math.min(remaining, 1_000));
      // Re-read after registering, so a decision landing in between is not missed.
      check = await getCheck(this.db, principal, checkId);
      if (check.status !== 'pending') {
        waiter.cancel();
        break;
      }
      await waiter.done;
      check = await getCheck(this.db, principal, checkId);
    }
    return check;
  }
}
