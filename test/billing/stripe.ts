import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { call, type ApiResponse } from '../helpers/gateway.js';

/** The webhook signing secret the billing tests' gateways are configured with. */
export const WEBHOOK_SECRET = `whsec_${'test'.repeat(8)}`;

const unix = (d: Date): number => Math.floor(d.getTime() / 1000);
export const daysFromNow = (days: number): Date => new Date(Date.now() + days * 86_400_000);
export const newId = (prefix: string): string => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 24)}`;

export interface SubscriptionOpts {
  customer: string;
  subscription: string;
  status?: string;
  orgId?: string;
  lookupKey?: string | null;
  metadataPlan?: string;
  periodEnd?: Date;
  created?: Date;
  /** Stripe API versions before 2025-03-31 carry current_period_end on the subscription, later ones on its items. */
  legacyShape?: boolean;
}

/** subscriptionEvent builds a customer.subscription.* event as Stripe sends it (the fields billing reads, and some it does not). */
export function subscriptionEvent(type: 'created' | 'updated' | 'deleted', o: SubscriptionOpts): Record<string, unknown> {
  const periodEnd = unix(o.periodEnd ?? daysFromNow(30));
  const item = {
    id: newId('si'),
    object: 'subscription_item',
    price: { id: newId('price'), object: 'price', lookup_key: o.lookupKey === undefined ? 'team_monthly' : o.lookupKey, unit_amount: 4900, currency: 'usd' },
    quantity: 1,
    ...(o.legacyShape ? {} : { current_period_start: periodEnd - 30 * 86_400, current_period_end: periodEnd }),
  };
  return event(`customer.subscription.${type}`, o.created, {
    id: o.subscription,
    object: 'subscription',
    customer: o.customer,
    status: o.status ?? (type === 'deleted' ? 'canceled' : 'active'),
    metadata: { ...(o.orgId ? { org_id: o.orgId } : {}), ...(o.metadataPlan ? { plan: o.metadataPlan } : {}) },
    items: { object: 'list', data: [item], has_more: false },
    cancel_at_period_end: false,
    ...(o.legacyShape ? { current_period_start: periodEnd - 30 * 86_400, current_period_end: periodEnd } : {}),
  });
}

/** invoiceEvent builds an invoice.payment_succeeded / invoice.payment_failed event (API 2025-03-31 and later: parent.subscription_details). */
export function invoiceEvent(type: 'payment_succeeded' | 'payment_failed', o: { customer: string; subscription: string | null; orgId?: string; created?: Date }): Record<string, unknown> {
  return event(`invoice.${type}`, o.created, {
    id: newId('in'),
    object: 'invoice',
    customer: o.customer,
    status: type === 'payment_succeeded' ? 'paid' : 'open',
    attempt_count: 1,
    metadata: {},
    parent: o.subscription
      ? { type: 'subscription_details', subscription_details: { subscription: o.subscription, metadata: o.orgId ? { org_id: o.orgId } : {} } }
      : null,
  });
}

export function event(type: string, created: Date | undefined, object: Record<string, unknown>): Record<string, unknown> {
  return {
    id: newId('evt'),
    object: 'event',
    api_version: '2025-09-30.clover',
    created: unix(created ?? new Date()),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** deliver POSTs an event to the gateway's webhook as Stripe would, signed with the stripe package's test helper. */
/** signatureFor is the Stripe-Signature header Stripe would send for this event (`t=…,v1=…`). */
export function signatureFor(ev: unknown, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(ev), secret: WEBHOOK_SECRET, timestamp });
}

export function deliver(base: string, ev: unknown, opts: { secret?: string; timestamp?: number; signature?: string | null } = {}): Promise<ApiResponse> {
  const payload = JSON.stringify(ev);
  const header = opts.signature !== undefined ? opts.signature : Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WEBHOOK_SECRET, timestamp: opts.timestamp });
  return call(base, 'POST', '/api/v1/stripe/webhook', { raw: payload, headers: { 'content-type': 'application/json; charset=utf-8', ...(header === null ? {} : { 'stripe-signature': header }) } });
}
