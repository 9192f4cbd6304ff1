import type { Db } from '../db/knex.js';
import type { PgListener } from '../db/notifications.js';
import type { Logger } from '../log.js';
import { loadSettings } from '../orgs/settings.js';
import { fromCheckRow } from './store.js';
import type { PendingWorkflows } from './workflows.js';

export const OUTBOX_CHANNEL = 'aegis_outbox';
const LEASE_SECONDS = 30;
const BATCH = 100;
const PARALLEL = 16;

/** backoffMs grows 0.5 s, 1 s, 2 s … up to 30 s between attempts at starting a workflow. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, attempts - 1));
}

/**
 * OutboxDispatcher starts the workflow of every pending check written to the outbox. Rows are
 * leased (not held locked) while Temporal is called, so several replicas can dispatch at once
 * without doubling work; a failed start is retried with backoff until Temporal is back. Workflow ids
 * are check ids and starts use USE_EXISTING, so a repeated start is harmless.
 */
export class OutboxDispatcher {
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    listener: PgListener,
    private readonly workflows: PendingWorkflows,
    private readonly log: Logger,
  ) {
    listener.on(OUTBOX_CHANNEL, () => this.wake());
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), 1_000);
    this.timer.unref();
    this.wake();
  }

  /** wake runs a dispatch pass now (or right after the one in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.pass()
      .catch((err: Error) => this.log.warn({ err: err.message }, 'outbox dispatch pass failed'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async pass(): Promise<void> {
    for (;;) {
      const leased = (await this.db.raw(
        `update check_outbox o set next_attempt_at = now() + make_interval(secs => ?), attempts = o.attempts + 1
         from (select check_id from check_outbox where done_at is null and next_attempt_at <= now()
               order by next_attempt_at limit ? for update skip locked) due
         where o.check_id = due.check_id
         returning o.check_id, o.org_id, o.attempts`,
        [LEASE_SECONDS, BATCH],
      )) as { rows: Array<{ check_id: string; org_id: string; attempts: number }> };
      if (leased.rows.length === 0 || this.stopped) return;
      for (let i = 0; i < leased.rows.length; i += PARALLEL) {
        await Promise.all(leased.rows.slice(i, i + PARALLEL).map((r) => this.dispatch(r.check_id, r.org_id, r.attempts)));
      }
      if (leased.rows.length < BATCH) return;
    }
  }

  private async dispatch(checkId: string, orgId: string, attempts: number): Promise<void> {
    try {
      await this.startWorkflow(checkId, orgId);
      await this.db('check_outbox').where({ check_id: checkId }).update({ done_at: this.db.fn.now(), last_error: null });
    } catch (err) {
      const message = (err as Error).message;
      if (attempts === 1 || attempts % 10 === 0) this.log.warn({ check_id: checkId, attempts, err: message }, 'could not start a pending check workflow; will retry');
      await this.db('check_outbox')
        .where({ check_id: checkId })
        .update({ last_error: message.slice(0, 500), next_attempt_at: this.db.raw("now() + make_interval(secs => ?)", [backoffMs(attempts) / 1000]) });
    }
  }

  /** startWorkflow starts one check's workflow now (also used by PATCH when it finds none yet). */
  async startWorkflow(checkId: string, orgId: string): Promise<void> {
    const row = (await this.db('checks').select('*').where({ id: checkId, org_id: orgId }).first()) as Record<string, unknown> | undefined;
    if (!row) throw new Error(`check ${checkId} does not exist`);
    const check = fromCheckRow(row);
    if (check.status !== 'pending') return;
    const settings = await loadSettings(this.db, orgId);
    await this.workflows.start(check, settings, Date.now() + 5_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.current;
  }
}
