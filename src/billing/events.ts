import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { problemsOf } from '../http/validate.js';
import { planFromPrices, SUBSCRIPTION_STATUSES } from './plans.js';
import type { BillingEvent } from './reduce.js';

/** The Stripe event types the gateway acts on; every other type is acknowledged and ignored. */
export const HANDLED_EVENT_TYPES = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
] as const;
export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

export function isHandledEventType(type: string): type is HandledEventType {
  return (HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}

// Only the fields the gateway reads; Stripe's objects carry many more (loose objects keep them out of the way).
const Id = z.string().min(1).max(255);
const Ref = z.union([Id, z.looseObject({ id: Id })]).transform((v) => (typeof v === 'string' ? v : v.id));
const Metadata = z.record(z.string(), z.string()).nullish();
const UnixTime = z.number().int().nonnegative();

const Subscription = z.looseObject({
  id: Id,
  customer: Ref,
  status: z.enum(SUBSCRIPTION_STATUSES),
  metadata: Metadata,
  // API versions before 2025-03-31 carry the period on the subscription, later ones on each item.
  current_period_end: UnixTime.nullish(),
  items: z
    .looseObject({
      data: z.array(z.looseObject({ current_period_end: UnixTime.nullish(), price: z.looseObject({ lookup_key: z.string().nullish() }).nullish() })),
    })
    .nullish(),
});

const Invoice = z.looseObject({
  customer: Ref,
  metadata: Metadata,
  // Before 2025-03-31: `subscription` and `subscription_details`; later: `parent.subscription_details`.
  subscription: Ref.nullish(),
  subscription_details: z.looseObject({ metadata: Metadata }).nullish(),
  parent: z.looseObject({ subscription_details: z.looseObject({ subscription: Ref.nullish(), metadata: Metadata }).nullish() }).nullish(),
});

const Event = z.looseObject({ id: Id, type: z.string(), created: UnixTime, data: z.looseObject({ object: z.unknown() }) });

const seconds = (t: number): Date => new Date(t * 1000);

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error, 'body').map((p) => ({ ...p, path: p.path.startsWith('(') ? what : `${what}.${p.path}` }));
  throw new ValidationError(`${what} could not be read: ${problems[0]!.path}: ${problems[0]!.message}`, problems);
}

/**
 * billingEventOf reads the parts of a (verified) Stripe event that billing acts on; undefined for a
 * type it does not handle. An event of a handled type whose object lacks what it needs is a
 * VALIDATION_ERROR, so Stripe shows the delivery as failed and retries it.
 */
export function billingEventOf(raw: unknown): BillingEvent | undefined {
  const event = parse(Event, raw, 'event');
  if (!isHandledEventType(event.type)) return undefined;
  const base = { id: event.id, type: event.type, created: seconds(event.created) };
  const what = `event ${event.id} (${event.type}): data.object`;
  if (event.type.startsWith('customer.subscription.')) {
    const s = parse(Subscription, event.data.object, what);
    const items = s.items?.data ?? [];
    const itemEnds = items.map((i) => i.current_period_end).filter((t): t is number => typeof t === 'number');
    const periodEnd = s.current_period_end ?? (itemEnds.length > 0 ? Math.max(...itemEnds) : null);
    const lookupKeys = items.map((i) => i.price?.lookup_key).filter((k): k is string => typeof k === 'string');
    return {
      ...base,
      kind: 'subscription',
      customerId: s.customer,
      orgIdHint: s.metadata?.org_id,
      subscriptionId: s.id,
      status: event.type === 'customer.subscription.deleted' ? 'canceled' : s.status,
      plan: planFromPrices(lookupKeys, s.metadata?.plan),
      currentPeriodEnd: periodEnd === null ? null : seconds(periodEnd),
    };
  }
  const invoice = parse(Invoice, event.data.object, what);
  const details = invoice.parent?.subscription_details;
  return {
    ...base,
    kind: 'payment',
    customerId: invoice.customer,
    orgIdHint: details?.metadata?.org_id ?? invoice.subscription_details?.metadata?.org_id ?? invoice.metadata?.org_id,
    subscriptionId: details?.subscription ?? invoice.subscription ?? null,
    succeeded: event.type === 'invoice.payment_succeeded',
  };
}
