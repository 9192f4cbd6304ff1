import { ApplicationFailure } from '@temporalio/activity';
import { presentCheck } from '../src/checks/presenter.js';
import { ssrfProblem } from '../src/classify/detectors/urls.js';
import { fromCheckRow } from '../src/checks/store.js';
import { signWebhook, webhookSecret } from '../src/checks/webhook.js';
import type { Db } from '../src/db/knex.js';
import type { Logger } from '../src/log.js';
import { loadSettings } from '../src/orgs/settings.js';
import { recordDecision, type RecordDecisionInput } from './decisions.js';

/** The narrow dependencies activities need; the worker passes the real ones. */
export interface ActivityDeps {
  db: Db;
  log: Logger;
  /** HTTP client for webhooks (fetch by default; tests may pass their own). */
  fetch?: typeof fetch;
  /** AEGIS_WEBHOOK_ALLOW_PRIVATE: deliver to loopback/private addresses too. */
  allowPrivateWebhooks?: boolean;
}

/** createActivities builds the activity implementations over their dependencies. */
export function createActivities(deps: ActivityDeps) {
  const doFetch = deps.fetch ?? fetch;
  return {
    /** probeDatabase reads the database clock (a round trip through the worker's pool). */
    async probeDatabase(): Promise<{ now: string }> {
      const { rows } = await deps.db.raw<{ rows: Array<{ now: Date }> }>('select now() as now');
      return { now: rows[0]!.now.toISOString() };
    },

    /** recordDecision stores a pending check's decision (idempotent; first one wins). */
    recordDecision(input: RecordDecisionInput) {
      return recordDecision(deps.db, input);
    },

    /**
     * notifyReviewers POSTs the pending check to the org's reviewer webhook, signed with HMAC-SHA256
     * over "timestamp.body". 5xx, 408, 429 and network errors are retried by Temporal; other 4xx are
     * permanent.
     */
    async notifyReviewers({ check_id, org_id }: { check_id: string; org_id: string }): Promise<{ delivered: boolean; status?: number }> {
      const settings = await loadSettings(deps.db, org_id);
      if (!settings.reviewer_webhook_url) return { delivered: false };
      const problem = deps.allowPrivateWebhooks ? undefined : ssrfProblem(settings.reviewer_webhook_url);
      if (problem) throw ApplicationFailure.nonRetryable(`reviewer webhook refused: ${problem}`, 'WebhookRefused');
      const row = (await deps.db('checks').select('*').where({ id: check_id, org_id }).first()) as Record<string, unknown> | undefined;
      if (!row) throw ApplicationFailure.nonRetryable(`check ${check_id} does not exist`);
      const check = fromCheckRow(row);
      if (check.status !== 'pending') return { delivered: false };
      const body = JSON.stringify({ type: 'check.pending', org_id, check: presentCheck(check) });
      const secret = await webhookSecret(deps.db, org_id);
      const res = await doFetch(settings.reviewer_webhook_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'aegis-gateway', 'x-aegis-signature': signWebhook(secret, body), 'x-aegis-event': 'check.pending' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (res.ok) return { delivered: true, status: res.status };
      const message = `reviewer webhook answered ${res.status}`;
      if (res.status >= 500 || res.status === 408 || res.status === 429) throw new Error(message);
      throw ApplicationFailure.nonRetryable(message, 'WebhookRejected');
    },
  };
}

export type GatewayActivities = ReturnType<typeof createActivities>;
