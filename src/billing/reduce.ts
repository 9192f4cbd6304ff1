import { isDelinquent, type PlanName, type SubscriptionStatus } from './plans.js';

/** An org's billing state (the `org_billing` row). */
export interface BillingRecord {
  org_id: string;
  stripe_customer_id: string;
  subscription_id: string | null;
  plan: PlanName | null;
  status: SubscriptionStatus | null;
  current_period_end: Date | null;
  /** First failed payment of the current delinquency (null unless past_due or unpaid). */
  past_due_since: Date | null;
  /** `created` of the newest event that set subscription_id, plan and current_period_end. */
  subscription_at: Date | null;
  /** `created` of the newest event that set status. */
  status_at: Date | null;
  last_event_id: string;
}

interface EventBase {
  /** Stripe's event id (evt_…). */
  id: string;
  type: string;
  /** The event's `created` time: the order of events, whatever order they are delivered in. */
  created: Date;
  customerId: string;
  /** `metadata.org_id` of the subscription (or the invoice), when set. */
  orgIdHint: string | undefined;
}

/** A customer.subscription.* event: a full snapshot of the subscription. */
export interface SubscriptionEvent extends EventBase {
  kind: 'subscription';
  subscriptionId: string;
  status: SubscriptionStatus;
  /** The plan its prices name; null when none does (the stored plan is kept). */
  plan: PlanName | null;
  currentPeriodEnd: Date | null;
}

/** An invoice.payment_succeeded / invoice.payment_failed event. */
export interface PaymentEvent extends EventBase {
  kind: 'payment';
  subscriptionId: string | null;
  succeeded: boolean;
}

export type BillingEvent = SubscriptionEvent | PaymentEvent;

export type Outcome = 'applied' | 'unchanged' | 'stale' | 'ignored';

export interface Reduction {
  next: BillingRecord;
  outcome: Outcome;
  /** Why an event changed nothing (stale, ignored). */
  reason?: string;
}

const LIVE: ReadonlySet<SubscriptionStatus | null> = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused']);
const ENDED: ReadonlySet<SubscriptionStatus | null> = new Set(['canceled', 'incomplete_expired']);

/** notOlder: an event at `created` may overwrite a register last written by an event at `at`. */
const notOlder = (created: Date, at: Date | null): boolean => at === null || created.getTime() >= at.getTime();
const minDate = (a: Date | null, b: Date | null): Date | null => (a === null ? b : b === null ? a : a < b ? a : b);

/**
 * reduceBillingEvent applies one Stripe event to an org's billing state (undefined: none yet) and
 * says what it did. Events may arrive late, twice or out of order, so the state is two
 * last-writer-wins registers ordered by the events' `created` time: the subscription (id, plan,
 * period end) and its status. An event older than a register leaves it alone; on a tie, a snapshot
 * whose period ends earlier than the stored one is older. Stripe never revives a canceled
 * subscription, so no event turns one live again; events about a subscription that is not the
 * org's current one are ignored once it ended. An invoice event sets the status only when strictly
 * newer than the last snapshot (the snapshot is authoritative on a tie). `past_due_since` is the
 * earliest failure of the current delinquency, whatever order the failures arrive in.
 */
export function reduceBillingEvent(orgId: string, current: BillingRecord | undefined, e: BillingEvent): Reduction {
  const base: BillingRecord = current ?? {
    org_id: orgId,
    stripe_customer_id: e.customerId,
    subscription_id: null,
    plan: null,
    status: null,
    current_period_end: null,
    past_due_since: null,
    subscription_at: null,
    status_at: null,
    last_event_id: e.id,
  };
  const r = e.kind === 'subscription' ? reduceSubscription(base, e) : reducePayment(base, e);
  if (r.outcome !== 'applied') return { ...r, next: base };
  const next = { ...r.next, stripe_customer_id: e.customerId, last_event_id: e.id };
  return { next, outcome: current === undefined || changed(current, next) ? 'applied' : 'unchanged' };
}

function reduceSubscription(base: BillingRecord, e: SubscriptionEvent): Reduction {
  const sameSubscription = base.subscription_id === e.subscriptionId;
  // Another subscription replaces the org's current one once it is live; one still `incomplete` (its
  // first payment not made: an upgrade whose card failed) does not displace one the org pays for.
  if (!sameSubscription && base.subscription_id !== null && LIVE.has(base.status) && (!LIVE.has(e.status) || (e.status === 'incomplete' && base.status !== 'incomplete'))) {
    return { next: base, outcome: 'ignored', reason: `subscription ${e.subscriptionId} is ${e.status}, and the org's current subscription is ${base.subscription_id}` };
  }
  let subscription = notOlder(e.created, base.subscription_at);
  if (subscription && sameSubscription && base.subscription_at?.getTime() === e.created.getTime() && base.current_period_end && e.currentPeriodEnd && e.currentPeriodEnd < base.current_period_end) {
    subscription = false;
  }
  // A different subscription brings its own status; the same one's status has a register of its own.
  let status = sameSubscription ? notOlder(e.created, base.status_at) : subscription;
  if (sameSubscription && ENDED.has(base.status) && !ENDED.has(e.status)) status = false;
  const failedAt = isDelinquent(e.status) ? e.created : null;
  if (!subscription && !status) {
    // Too old to change anything but the start of the delinquency it reports.
    const pastDue = isDelinquent(base.status) && sameSubscription ? minDate(base.past_due_since, failedAt) : base.past_due_since;
    if (pastDue === base.past_due_since) return { next: base, outcome: 'stale', reason: `event created ${e.created.toISOString()} is older than the stored state` };
    return { next: { ...base, past_due_since: pastDue }, outcome: 'applied' };
  }
  const next: BillingRecord = { ...base };
  if (subscription) {
    next.subscription_id = e.subscriptionId;
    next.plan = e.plan ?? base.plan;
    next.current_period_end = e.currentPeriodEnd ?? (sameSubscription ? base.current_period_end : null);
    next.subscription_at = e.created;
  }
  if (status) {
    next.status = e.status;
    next.status_at = e.created;
  }
  const carried = sameSubscription && isDelinquent(base.status) ? base.past_due_since : null;
  next.past_due_since = isDelinquent(next.status) ? minDate(carried, failedAt ?? (status ? null : base.past_due_since)) ?? e.created : null;
  return { next, outcome: 'applied' };
}

function reducePayment(base: BillingRecord, e: PaymentEvent): Reduction {
  // A one-off invoice (no subscription) never changes a subscription's status in Stripe, nor here.
  if (e.subscriptionId === null) return { next: base, outcome: 'ignored', reason: 'the invoice is not for a subscription' };
  if (base.subscription_id !== null && e.subscriptionId !== base.subscription_id) {
    return { next: base, outcome: 'ignored', reason: `invoice of subscription ${e.subscriptionId}, and the org's current subscription is ${base.subscription_id}` };
  }
  if (ENDED.has(base.status)) return { next: base, outcome: 'ignored', reason: `the subscription is ${base.status}` };
  const next: BillingRecord = { ...base, subscription_id: base.subscription_id ?? e.subscriptionId };
  const newer = base.status_at === null || e.created > base.status_at;
  if (newer) {
    if (e.succeeded && (base.status === null || isDelinquent(base.status) || base.status === 'incomplete')) next.status = 'active';
    if (!e.succeeded && (base.status === null || base.status === 'active' || base.status === 'trialing')) next.status = 'past_due';
    next.status_at = e.created;
  }
  if (!isDelinquent(next.status)) next.past_due_since = null;
  else if (!e.succeeded) next.past_due_since = minDate(isDelinquent(base.status) ? base.past_due_since : null, e.created);
  if (!newer && next.past_due_since === base.past_due_since && next.subscription_id === base.subscription_id) {
    return { next: base, outcome: 'stale', reason: `event created ${e.created.toISOString()} is older than the stored status` };
  }
  return { next, outcome: 'applied' };
}

function changed(a: BillingRecord, b: BillingRecord): boolean {
  const t = (d: Date | null): number | null => d?.getTime() ?? null;
  return (
    a.stripe_customer_id !== b.stripe_customer_id ||
    a.subscription_id !== b.subscription_id ||
    a.plan !== b.plan ||
    a.status !== b.status ||
    t(a.current_period_end) !== t(b.current_period_end) ||
    t(a.past_due_since) !== t(b.past_due_since)
  );
}
