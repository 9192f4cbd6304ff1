import type { RateLimitSettings } from '../orgs/settings.js';

export const PLAN_NAMES = ['free', 'team', 'enterprise'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

/** Stripe's subscription statuses. */
export const SUBSCRIPTION_STATUSES = ['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface Quotas {
  /** Checks per calendar month (UTC); null = unlimited. */
  checks_per_month: number | null;
  /** Traces per calendar month (UTC); null = unlimited. */
  traces_per_month: number | null;
}

export interface Plan {
  quotas: Quotas;
  rate_limits: RateLimitSettings;
}

/** What each plan allows. Only orgs billed through Stripe have a plan; others have their own rate_limits alone. */
export const PLANS: Readonly<Record<PlanName, Plan>> = Object.freeze({
  free: {
    quotas: { checks_per_month: 10_000, traces_per_month: 100_000 },
    rate_limits: { checks_per_minute_per_agent: 60, checks_per_second_per_org: 10, traces_per_second_per_org: 100 },
  },
  team: {
    quotas: { checks_per_month: 1_000_000, traces_per_month: 10_000_000 },
    rate_limits: { checks_per_minute_per_agent: 600, checks_per_second_per_org: 100, traces_per_second_per_org: 2_000 },
  },
  enterprise: {
    quotas: { checks_per_month: null, traces_per_month: null },
    rate_limits: { checks_per_minute_per_agent: 6_000, checks_per_second_per_org: 1_000, traces_per_second_per_org: 20_000 },
  },
});

/** How long a subscription whose payment failed keeps its plan, counted from the first failed payment. */
export const GRACE_PERIOD_MS = 7 * 24 * 3600 * 1000;

const RANK: Record<PlanName, number> = { free: 0, team: 1, enterprise: 2 };

/**
 * planFromPrices names the plan a subscription pays for: the highest plan named by a token of one
 * of its prices' lookup keys (`team`, `team_monthly`, `aegis-enterprise-yearly`), else its
 * `metadata.plan`; null when neither names a plan.
 */
export function planFromPrices(lookupKeys: ReadonlyArray<string>, metadataPlan: string | undefined): PlanName | null {
  let best: PlanName | null = null;
  for (const key of lookupKeys) {
    for (const token of key.toLowerCase().split(/[^a-z0-9]+/)) {
      if (isPlanName(token) && (best === null || RANK[token] > RANK[best])) best = token;
    }
  }
  if (best) return best;
  const named = metadataPlan?.trim().toLowerCase();
  return named !== undefined && isPlanName(named) ? named : null;
}

function isPlanName(s: string): s is PlanName {
  return (PLAN_NAMES as readonly string[]).includes(s);
}

/** The part of an org's billing state that decides which plan is enforced. */
export interface PlanState {
  plan: PlanName | null;
  status: SubscriptionStatus | null;
  current_period_end: Date | null;
  past_due_since: Date | null;
}

const DELINQUENT: ReadonlySet<SubscriptionStatus | null> = new Set(['past_due', 'unpaid']);

/** isDelinquent: the subscription's payment failed and has not succeeded since. */
export function isDelinquent(status: SubscriptionStatus | null): boolean {
  return DELINQUENT.has(status);
}

/**
 * enforcedPlan is the plan an org billed through Stripe is held to at `now`: its plan while active
 * or trialing; while a payment is overdue (past_due, unpaid) its plan until the grace period after
 * the first failed payment (or the period end, when no failure time is known) ends, then free;
 * free when canceled, incomplete, expired or paused, or when the plan is unknown.
 */
export function enforcedPlan(s: PlanState, now: Date): { plan: PlanName; grace_until: Date | null } {
  const plan = s.plan ?? 'free';
  if (s.status === 'active' || s.status === 'trialing') return { plan, grace_until: null };
  if (isDelinquent(s.status)) {
    const since = s.past_due_since ?? s.current_period_end;
    const graceUntil = new Date((since ?? now).getTime() + GRACE_PERIOD_MS);
    return { plan: now < graceUntil ? plan : 'free', grace_until: graceUntil };
  }
  return { plan: 'free', grace_until: null };
}

const NO_QUOTAS: Quotas = Object.freeze({ checks_per_month: null, traces_per_month: null });
const lower = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

/**
 * effectiveRateLimits: each limit is the lower of the plan's and the org's own (null = none), so an
 * org's admin can tighten what its plan allows, never loosen it. Without a plan (an org not billed
 * through Stripe) only the org's own limits apply.
 */
export function effectiveRateLimits(plan: PlanName | null, own: RateLimitSettings): RateLimitSettings {
  if (plan === null) return own;
  const p = PLANS[plan].rate_limits;
  return {
    checks_per_minute_per_agent: lower(p.checks_per_minute_per_agent, own.checks_per_minute_per_agent),
    checks_per_second_per_org: lower(p.checks_per_second_per_org, own.checks_per_second_per_org),
    traces_per_second_per_org: lower(p.traces_per_second_per_org, own.traces_per_second_per_org),
  };
}

/** effectiveQuotas: the plan's monthly quotas; none without a plan. */
export function effectiveQuotas(plan: PlanName | null): Quotas {
  return plan === null ? NO_QUOTAS : PLANS[plan].quotas;
}

/** periodStart is the first instant of the calendar month (UTC) holding `at`. */
export function periodStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** nextPeriodStart is the first instant of the calendar month (UTC) after the one holding `at`. */
export function nextPeriodStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}
