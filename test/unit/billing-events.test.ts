import { describe, expect, it } from 'vitest';
import { billingEventOf } from '../../src/billing/events.js';
import { ValidationError } from '../../src/errors.js';

const ORG = '11111111-1111-4111-8111-111111111111';
const envelope = (type: string, object: unknown) => ({ id: 'evt_1', object: 'event', type, created: 1_795_000_000, data: { object } });

describe('billingEventOf()', () => {
  it('reads a subscription of API 2025-03-31 and later (period on the items)', () => {
    const e = billingEventOf(envelope('customer.subscription.updated', {
      id: 'sub_1', object: 'subscription', customer: 'cus_1', status: 'past_due', metadata: { org_id: ORG },
      items: { data: [{ current_period_end: 1_797_000_000, price: { lookup_key: 'team_monthly' } }, { current_period_end: 1_796_000_000, price: { lookup_key: null } }] },
    }));
    expect(e).toEqual({
      kind: 'subscription', id: 'evt_1', type: 'customer.subscription.updated', created: new Date(1_795_000_000_000), customerId: 'cus_1', orgIdHint: ORG,
      subscriptionId: 'sub_1', status: 'past_due', plan: 'team', currentPeriodEnd: new Date(1_797_000_000_000),
    });
  });

  it('reads an older subscription (period on the subscription, expanded customer) and a deletion as canceled', () => {
    const e = billingEventOf(envelope('customer.subscription.deleted', {
      id: 'sub_1', customer: { id: 'cus_1', object: 'customer' }, status: 'active', current_period_end: 1_797_000_000, metadata: { plan: 'enterprise' }, items: { data: [] },
    }));
    expect(e).toMatchObject({ kind: 'subscription', customerId: 'cus_1', status: 'canceled', plan: 'enterprise', currentPeriodEnd: new Date(1_797_000_000_000), orgIdHint: undefined });
  });

  it.each([
    ['API 2025-03-31 and later', { customer: 'cus_1', parent: { subscription_details: { subscription: 'sub_1', metadata: { org_id: ORG } } } }],
    ['older APIs', { customer: 'cus_1', subscription: 'sub_1', subscription_details: { metadata: { org_id: ORG } } }],
  ])('reads an invoice of %s', (_name, invoice) => {
    expect(billingEventOf(envelope('invoice.payment_failed', { id: 'in_1', object: 'invoice', ...invoice }))).toMatchObject({
      kind: 'payment', customerId: 'cus_1', subscriptionId: 'sub_1', orgIdHint: ORG, succeeded: false,
    });
  });

  it('ignores other event types', () => {
    expect(billingEventOf(envelope('customer.created', { id: 'cus_1' }))).toBeUndefined();
  });

  it('refuses a handled event it cannot read, naming the field', () => {
    expect(() => billingEventOf(envelope('customer.subscription.created', { id: 'sub_1', customer: 'cus_1', status: 'exploded' }))).toThrow(ValidationError);
    expect(() => billingEventOf(envelope('invoice.payment_succeeded', { id: 'in_1' }))).toThrow(/data\.object\.customer/);
    expect(() => billingEventOf({ id: 'evt_1' })).toThrow(/event could not be read/);
  });
});
