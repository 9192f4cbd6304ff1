import type { RateLimitSettings } from '../orgs/settings.js';
import type { PlanName, Quotas } from './plans.js';
import type { BillingRecord } from './reduce.js';
import type { UsageKind } from './usage.js';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/** presentBillingState is an org's stored billing state as the audit log and GET /api/v1/billing show it. */
export function presentBillingState(r: BillingRecord) {
  return {
    stripe_customer_id: r.stripe_customer_id,
    subscription_id: r.subscription_id,
    plan: r.plan,
    status: r.status,
    current_period_end: iso(r.current_period_end),
    past_due_since: iso(r.past_due_since),
  };
}

export interface BillingView {
  record: BillingRecord | null;
  /** The plan enforced now; null for an org not billed through Stripe. */
  enforced: PlanName | null;
  graceUntil: Date | null;
  rateLimits: RateLimitSettings;
  quotas: Quotas;
  usage: Record<UsageKind, number>;
  period: { start: Date; end: Date };
}

/** presentBilling is GET /api/v1/billing. */
export function presentBilling(v: BillingView) {
  const state = v.record ? presentBillingState(v.record) : null;
  return {
    billed: v.record !== null,
    plan: state?.plan ?? null,
    status: state?.status ?? null,
    current_period_end: state?.current_period_end ?? null,
    past_due_since: state?.past_due_since ?? null,
    grace_until: iso(v.graceUntil),
    enforced_plan: v.enforced,
    stripe_customer_id: state?.stripe_customer_id ?? null,
    subscription_id: state?.subscription_id ?? null,
    limits: { rate_limits: v.rateLimits, quotas: v.quotas },
    usage: {
      period_start: v.period.start.toISOString(),
      period_end: v.period.end.toISOString(),
      checks: v.usage.checks,
      traces: v.usage.traces,
    },
  };
}
