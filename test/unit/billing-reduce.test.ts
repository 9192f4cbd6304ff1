import { describe, expect, it } from 'vitest';
import type { SubscriptionStatus } from '../../src/billing/plans.js';
import { reduceBillingEvent, type BillingEvent, type BillingRecord, type PaymentEvent, type SubscriptionEvent } from '../../src/billing/reduce.js';

const ORG = '11111111-1111-4111-8111-111111111111';
const t = (hour: number): Date => new Date(Date.UTC(2026, 10, 1, hour));
let n = 0;

function sub(hour: number, status: SubscriptionStatus, over: Partial<SubscriptionEvent> = {}): SubscriptionEvent {
  return { kind: 'subscription', id: `evt_${++n}`, type: 'customer.subscription.updated', created: t(hour), customerId: 'cus_1', orgIdHint: ORG, subscriptionId: 'sub_1', status, plan: 'team', currentPeriodEnd: t(720), ...over };
}
function pay(hour: number, succeeded: boolean, over: Partial<PaymentEvent> = {}): PaymentEvent {
  return { kind: 'payment', id: `evt_${++n}`, type: succeeded ? 'invoice.payment_succeeded' : 'invoice.payment_failed', created: t(hour), customerId: 'cus_1', orgIdHint: undefined, subscriptionId: 'sub_1', succeeded, ...over };
}

/** replay applies events in the given order and returns the final state and each outcome. */
function replay(events: BillingEvent[]): { state: BillingRecord | undefined; outcomes: string[] } {
  let state: BillingRecord | undefined;
  const outcomes: string[] = [];
  for (const e of events) {
    const r = reduceBillingEvent(ORG, state, e);
    outcomes.push(r.outcome);
    if (r.outcome === 'applied' || r.outcome === 'unchanged') state = r.next;
  }
  return { state, outcomes };
}

const summary = (s: BillingRecord | undefined) => s && { subscription: s.subscription_id, plan: s.plan, status: s.status, past_due_since: s.past_due_since?.getUTCHours() ?? null };

describe('reduceBillingEvent()', () => {
  it.each<[string, BillingEvent[], ReturnType<typeof summary>, string[]]>([
    ['creates the state from a first subscription event', [sub(1, 'active')], { subscription: 'sub_1', plan: 'team', status: 'active', past_due_since: null }, ['applied']],
    ['ignores an older snapshot delivered after a newer one', [sub(5, 'past_due'), sub(3, 'active', { plan: 'enterprise' })], { subscription: 'sub_1', plan: 'team', status: 'past_due', past_due_since: 5 }, ['applied', 'stale']],
    ['applies snapshots in order', [sub(3, 'active', { plan: 'enterprise' }), sub(5, 'past_due')], { subscription: 'sub_1', plan: 'team', status: 'past_due', past_due_since: 5 }, ['applied', 'applied']],
    ['never revives a canceled subscription', [sub(2, 'active'), sub(6, 'canceled'), sub(9, 'active')], { subscription: 'sub_1', plan: 'team', status: 'canceled', past_due_since: null }, ['applied', 'applied', 'unchanged']],
    ['moves to a newer subscription', [sub(2, 'canceled'), sub(4, 'active', { subscriptionId: 'sub_2', plan: 'enterprise' })], { subscription: 'sub_2', plan: 'enterprise', status: 'active', past_due_since: null }, ['applied', 'applied']],
    [
      'ignores the end of a replaced subscription',
      [sub(4, 'active', { subscriptionId: 'sub_2' }), sub(5, 'canceled', { subscriptionId: 'sub_1' })],
      { subscription: 'sub_2', plan: 'team', status: 'active', past_due_since: null },
      ['applied', 'ignored'],
    ],
    ['keeps the plan when the prices name none', [sub(1, 'active'), sub(2, 'active', { plan: null })], { subscription: 'sub_1', plan: 'team', status: 'active', past_due_since: null }, ['applied', 'unchanged']],
    ['marks a failed payment past due from its time', [sub(1, 'active'), pay(3, false)], { subscription: 'sub_1', plan: 'team', status: 'past_due', past_due_since: 3 }, ['applied', 'applied']],
    ['keeps the first failure as the start of the delinquency', [sub(1, 'active'), pay(3, false), pay(6, false)], { subscription: 'sub_1', plan: 'team', status: 'past_due', past_due_since: 3 }, ['applied', 'applied', 'unchanged']],
    ['learns of an earlier failure delivered late', [sub(1, 'active'), sub(5, 'past_due'), pay(4, false)], { subscription: 'sub_1', plan: 'team', status: 'past_due', past_due_since: 4 }, ['applied', 'applied', 'applied']],
    ['restores a past-due subscription on payment', [sub(1, 'active'), pay(3, false), pay(5, true)], { subscription: 'sub_1', plan: 'team', status: 'active', past_due_since: null }, ['applied', 'applied', 'applied']],
    ['ignores a failure older than the payment that followed it', [sub(1, 'active'), pay(5, true), pay(3, false)], { subscription: 'sub_1', plan: 'team', status: 'active', past_due_since: null }, ['applied', 'unchanged', 'stale']],
    ['lets a snapshot win a tie with an invoice', [sub(1, 'active'), pay(4, false), sub(4, 'active')], { subscription: 'sub_1', plan: 'team', status: 'active', past_due_since: null }, ['applied', 'applied', 'applied']],
    ['ignores an invoice of another subscription', [sub(1, 'active'), pay(3, false, { subscriptionId: 'sub_9' })], { subscription: 'sub_1', plan: 'team', status: 'active', past_due_since: null }, ['applied', 'ignored']],
    ['ignores payments once canceled', [sub(1, 'canceled'), pay(3, true)], { subscription: 'sub_1', plan: 'team', status: 'canceled', past_due_since: null }, ['applied', 'ignored']],
    // One-off invoices never change a subscription's status.
    ['ignores a failed one-off invoice', [sub(1, 'active'), pay(3, false, { subscriptionId: null })], { subscription: 'sub_1', plan: 'team', status: 'active', past_due_since: null }, ['applied', 'ignored']],
    ['ignores a paid one-off invoice of a past-due org', [sub(1, 'active'), pay(3, false), pay(4, true, { subscriptionId: null })], { subscription: 'sub_1', plan: 'team', status: 'past_due', past_due_since: 3 }, ['applied', 'applied', 'ignored']],
    [
      'keeps the paid subscription while an upgrade is incomplete, and moves once it is active',
      [sub(1, 'active'), sub(2, 'incomplete', { subscriptionId: 'sub_2', plan: 'enterprise' }), sub(3, 'incomplete_expired', { subscriptionId: 'sub_2', plan: 'enterprise' }), pay(4, true)],
      { subscription: 'sub_1', plan: 'team', status: 'active', past_due_since: null },
      ['applied', 'ignored', 'ignored', 'unchanged'],
    ],
    [
      'moves to an upgrade that became active',
      [sub(1, 'active'), sub(2, 'incomplete', { subscriptionId: 'sub_2', plan: 'enterprise' }), sub(3, 'active', { subscriptionId: 'sub_2', plan: 'enterprise' })],
      { subscription: 'sub_2', plan: 'enterprise', status: 'active', past_due_since: null },
      ['applied', 'ignored', 'applied'],
    ],
    [
      'starts from an invoice delivered before its subscription, which later fills the plan in',
      [pay(5, true), sub(2, 'incomplete', { plan: 'enterprise' })],
      { subscription: 'sub_1', plan: 'enterprise', status: 'active', past_due_since: null },
      ['applied', 'applied'],
    ],
    [
      'treats a same-second snapshot with an earlier period end as older',
      [sub(3, 'active', { currentPeriodEnd: t(800) }), sub(3, 'active', { currentPeriodEnd: t(700), plan: 'free' })],
      { subscription: 'sub_1', plan: 'team', status: 'active', past_due_since: null },
      ['applied', 'unchanged'],
    ],
  ])('%s', (_name, events, expected, outcomes) => {
    const { state, outcomes: got } = replay(events);
    expect(summary(state)).toEqual(expected);
    expect(got).toEqual(outcomes);
  });

  it('reaches the same state from every delivery order of one history', () => {
    const history = [sub(1, 'active', { plan: 'free' }), sub(2, 'active', { plan: 'team' }), pay(3, false), sub(3, 'past_due'), pay(6, true), sub(6, 'active'), sub(8, 'active', { plan: 'enterprise' })];
    const permutations = (xs: BillingEvent[]): BillingEvent[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
    const finals = new Set(permutations(history).map((order) => JSON.stringify(summary(replay(order).state))));
    expect([...finals]).toEqual([JSON.stringify({ subscription: 'sub_1', plan: 'enterprise', status: 'active', past_due_since: null })]);
  });

  it('records the customer and the last event', () => {
    const first = sub(1, 'active');
    const { next } = reduceBillingEvent(ORG, undefined, first);
    expect(next).toMatchObject({ org_id: ORG, stripe_customer_id: 'cus_1', last_event_id: first.id, subscription_at: t(1), status_at: t(1), current_period_end: t(720) });
  });
});
