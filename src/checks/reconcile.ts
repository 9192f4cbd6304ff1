import type { Db } from '../db/knex.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { loadSettings } from '../orgs/settings.js';
import type { KillSwitch } from '../killswitch/store.js';
import type { OutboxDispatcher } from './dispatcher.js';
import type { ReviewService } from './review.js';
import { fromCheckRow } from './store.js';

const BATCH = 100;

/**
 * PendingReconciler repairs what a missed moment leaves behind, every `intervalMs`:
 * - a pending check past its deadline whose workflow has ended without a decision (terminated by an
 *   operator, or failed) gets the org's timeout decision, recorded once with its log entry; one whose
 *   workflow was never started gets it started (it then times out at once);
 * - a kill switch that could not resolve every check it covers when it was engaged (Temporal down)
 *   tries again, until none is left pending.
 * Both are idempotent: the first decision recorded for a check wins, wherever it comes from.
 */
export class PendingReconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly reviews: ReviewService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly killSwitches: { resolvePending(s: KillSwitch): Promise<{ resolved: number; unresolved: number }> },
    private readonly log: Logger,
    private readonly intervalMs = 30_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((err: Error) => this.log.warn({ err: err.message }, 'pending-check reconciliation failed; will retry'))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** sweep runs one pass of both repairs. */
  async sweep(): Promise<void> {
    await this.overdue();
    await this.switches();
  }

  private async overdue(): Promise<void> {
    const rows = (await this.db('checks')
      .select('*')
      .where({ status: 'pending' })
      // One interval past its deadline: a running workflow records its own timeout well within that.
      .andWhereRaw('expires_at < now() - make_interval(secs => ?)', [this.intervalMs / 1000])
      .orderBy('expires_at')
      .limit(BATCH)) as Array<Record<string, unknown>>;
    for (const row of rows) {
      const check = fromCheckRow(row);
      if (await this.reviews.workflowClosed(check.id)) {
        const { timeout_decision } = await loadSettings(this.db, check.org_id);
        await this.reviews
          .recordWithoutWorkflow({ orgId: check.org_id }, check, {
            decision: timeout_decision,
            decided_by: 'timeout',
            reason: `no reviewer decided before ${check.expires_at?.toISOString() ?? 'the deadline'} (the check's workflow had ended)`,
            credential: null,
          })
          // Decided meanwhile (409) or never pending: nothing to repair. A database failure goes to the pass's warning.
          .catch((err: unknown) => {
            if (!(err instanceof AppError)) throw err;
          });
      } else {
        // Missing (never started, or its history is gone): started now, it times out at once. A running
        // workflow is left to its own timer.
        try {
          await this.dispatcher.startWorkflow(check.id, check.org_id);
        } catch (err) {
          // Temporal unreachable, most likely: the next pass tries again (one warning, not one per check).
          this.log.warn({ check_id: check.id, err: (err as Error).message }, 'could not start an overdue check workflow; will retry');
          return;
        }
      }
    }
  }

  private async switches(): Promise<void> {
    // Active switches of orgs with pending checks (resolvePending picks the ones each covers).
    const active = (await this.db('kill_switches as s')
      .select('s.*')
      .whereNull('s.released_at')
      .whereExists(function pendingInOrg() {
        void this.select(this.client.raw('1')).from('checks as c').whereRaw('c.org_id = s.org_id').andWhere('c.status', 'pending');
      })) as KillSwitch[];
    for (const s of active) {
      const { resolved, unresolved } = await this.killSwitches.resolvePending(s);
      if (resolved > 0 || unresolved > 0) this.log.info({ kill_switch: s.id, resolved, unresolved }, 'kill switch resolved pending checks it could not resolve before');
    }
  }
}
