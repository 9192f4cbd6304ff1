import type { OrgSettings } from '../orgs/settings.js';
import { effectiveQuotas, effectiveRateLimits, enforcedPlan, nextPeriodStart, periodStart } from './plans.js';
import type { BillingView } from './presenter.js';
import type { BillingRecord } from './reduce.js';
import type { UsageMeter } from './usage.js';

export interface OverviewDeps {
  billing: { get(orgId: string): Promise<BillingRecord | null> };
  settings: { get(orgId: string): Promise<OrgSettings> };
  usage: Pick<UsageMeter, 'read'>;
}

/** billingOverview gathers what GET /api/v1/billing shows: the state, the plan enforced now, limits and this month's usage. */
export async function billingOverview(deps: OverviewDeps, orgId: string, now = new Date()): Promise<BillingView> {
  const [record, settings, usage] = await Promise.all([deps.billing.get(orgId), deps.settings.get(orgId), deps.usage.read(orgId)]);
  const enforced = record ? enforcedPlan(record, now) : null;
  const plan = enforced?.plan ?? null;
  return {
    record,
    enforced: plan,
    graceUntil: enforced?.grace_until ?? null,
    rateLimits: effectiveRateLimits(plan, settings.rate_limits),
    quotas: effectiveQuotas(plan),
    usage,
    period: { start: periodStart(now), end: nextPeriodStart(now) },
  };
}
