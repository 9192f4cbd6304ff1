import Stripe from 'stripe';
import { recordAudit } from '../audit/audit.js';
import type { Db } from '../db/knex.js';
import { UnavailableError, ValidationError } from '../errors.js';
import type { Logger } from '../log.js';
import { billingEventOf } from './events.js';
import { presentBillingState } from './presenter.js';
import { reduceBillingEvent, type BillingEvent, type Outcome } from './reduce.js';
import { claimEvent, lockBilling, orgExists, orgOfCustomer, saveBilling, settleEvent } from './store.js';

/** Stripe's own default: a signature older than five minutes is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type WebhookOutcome = Outcome | 'duplicate' | 'unhandled_type' | 'unknown_customer';

export interface WebhookResult {
  event_id: string;
  type: string;
  outcome: WebhookOutcome;
  org_id?: string;
}

const AUDIT_ACTIONS: Record<string, string> = {
  'customer.subscription.created': 'billing.subscription.create',
  'customer.subscription.updated': 'billing.subscription.update',
  'customer.subscription.deleted': 'billing.subscription.delete',
  'invoice.payment_succeeded': 'billing.invoice.payment_succeeded',
  'invoice.payment_failed': 'billing.invoice.payment_failed',
};

/**
 * StripeWebhook verifies and applies Stripe's billing events. Each event is processed at most once
 * (its id is recorded in the transaction that applies it), in any delivery order (see
 * reduceBillingEvent), and every change of an org's billing state is audited with the actor
 * `stripe:<event id>`. Events for customers no org is linked to are acknowledged and logged only.
 */
export class StripeWebhook {
  constructor(
    private readonly deps: {
      db: Db;
      /** The endpoint's signing secret; undefined = webhooks are not configured (503). */
      secret: string | undefined;
      log: Logger;
      /** Called after an org's billing state changed (the local cache drops it before NOTIFY arrives). */
      onChange: (orgId: string) => void;
    },
  ) {}

  /**
   * verify checks the Stripe-Signature header over the raw body (HMAC-SHA256 with the endpoint
   * secret, timestamp within five minutes) and returns the event. 400 when it does not verify.
   */
  verify(rawBody: Buffer | undefined, signature: string | undefined): Stripe.Event {
    if (!this.deps.secret) throw new UnavailableError('Stripe webhooks are not configured on this gateway: set STRIPE_WEBHOOK_SECRET to the endpoint\'s signing secret');
    if (!signature) throw new ValidationError('missing Stripe-Signature header', [{ path: '(headers).stripe-signature', message: 'required' }]);
    if (!rawBody || rawBody.length === 0) throw new ValidationError('the webhook has no body', [{ path: '(body)', message: 'required' }]);
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(rawBody, signature, this.deps.secret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (err) {
      throw new ValidationError(`Stripe signature verification failed: ${(err as Error).message}`, [{ path: '(headers).stripe-signature', message: 'does not verify' }]);
    }
    // Stripe sends one timestamp; the library verifies against the last `t=`, so a header holding two
    // (an old one first) must not pass the check below on the other.
    const stamps = [...signature.matchAll(/(?:^|,)\s*t=([^,]*)/g)].map((m) => Number(m[1]!.trim()));
    if (stamps.length !== 1) {
      throw new ValidationError(`Stripe signature verification failed: the header holds ${stamps.length} timestamps (t=); Stripe sends one`, [{ path: '(headers).stripe-signature', message: 'one t= expected' }]);
    }
    // The library only refuses timestamps too far in the past; a signed one from the future is no
    // fresher (the tolerance window is both ways).
    const signedAt = stamps[0]!;
    if (!Number.isFinite(signedAt) || signedAt > Date.now() / 1000 + SIGNATURE_TOLERANCE_SECONDS) {
      throw new ValidationError('Stripe signature verification failed: the signature timestamp is in the future', [{ path: '(headers).stripe-signature', message: 'timestamp outside the tolerance zone' }]);
    }
    return event;
  }

  async handle(raw: Stripe.Event, requestId?: string): Promise<WebhookResult> {
    const event = billingEventOf(raw);
    const result = { event_id: raw.id, type: raw.type };
    if (!event) return { ...result, outcome: 'unhandled_type' };
    const orgId = await this.resolveOrg(event);
    if (orgId === null) return { ...result, outcome: 'ignored' };
    if (orgId === undefined) {
      this.deps.log.warn({ event_id: event.id, type: event.type, customer: event.customerId }, 'Stripe event for a customer no org is linked to: acknowledged, not applied');
      return { ...result, outcome: 'unknown_customer' };
    }
    const outcome = await this.deps.db.transaction(async (trx): Promise<WebhookOutcome> => {
      if (!(await claimEvent(trx, { id: event.id, type: event.type, created: event.created, orgId }))) return 'duplicate';
      const current = await lockBilling(trx, orgId);
      const { next, outcome, reason } = reduceBillingEvent(orgId, current, event);
      if (outcome === 'applied' || outcome === 'unchanged') await saveBilling(trx, next);
      if (outcome === 'applied') {
        await recordAudit(trx, {
          orgId,
          actor: { id: `stripe:${event.id}`, name: event.type },
          action: AUDIT_ACTIONS[event.type] ?? 'billing.update',
          resourceType: 'billing',
          resourceId: orgId,
          before: current ? presentBillingState(current) : null,
          after: presentBillingState(next),
          requestId,
        });
      }
      if (reason) this.deps.log.info({ event_id: event.id, type: event.type, org_id: orgId, outcome, reason }, 'Stripe event not applied');
      await settleEvent(trx, event.id, outcome);
      return outcome;
    });
    if (outcome === 'applied' || outcome === 'unchanged') this.deps.onChange(orgId);
    return { ...result, outcome, org_id: orgId };
  }

  /**
   * resolveOrg finds the event's org: `metadata.org_id` (set when the subscription was created for
   * it), else the org the Stripe customer is linked to; undefined when neither exists. One customer
   * pays for one org: an event whose metadata names another org than its customer is linked to is
   * logged and ignored (null) — acknowledged, since redelivering it cannot make it right.
   */
  private async resolveOrg(e: BillingEvent): Promise<string | null | undefined> {
    const { db } = this.deps;
    const [linked, hinted] = await Promise.all([orgOfCustomer(db, e.customerId), e.orgIdHint !== undefined ? orgExists(db, e.orgIdHint) : false]);
    if (!hinted) return linked;
    if (linked !== undefined && linked !== e.orgIdHint) {
      this.deps.log.error({ event_id: e.id, customer: e.customerId, linked_org: linked, metadata_org: e.orgIdHint }, 'Stripe event names another org than its customer is linked to: ignored');
      return null;
    }
    return e.orgIdHint;
  }
}
