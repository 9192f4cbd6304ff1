import { effectiveQuotas, effectiveRateLimits, enforcedPlan, nextPeriodStart, type PlanName } from '../billing/plans.js';
import type { BillingRecord } from '../billing/reduce.js';
import type { UsageKind, UsageMeter } from '../billing/usage.js';
import { AppError } from '../errors.js';
import type { RateLimitSettings } from '../orgs/settings.js';
import type { RateLimiter } from './limiter.js';

export interface AdmissionDeps {
  limiter: RateLimiter;
  /** An org's billing state (null: not billed through Stripe), from memory. */
  billing: { get(orgId: string): Promise<BillingRecord | null> };
  usage: Pick<UsageMeter, 'add' | 'used'>;
  now?: () => Date;
}

/**
 * Admission decides whether an org may make a check or send traces now — rate limits (its own and
 * its plan's) and its plan's monthly quota — and counts what it admits. Everything it consults is
 * in memory (limits, billing state, usage totals), except one usage read per org and month and,
 * with REDIS_URL, the shared counters.
 */
export class Admission {
  private readonly now: () => Date;

  constructor(private readonly deps: AdmissionDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** planOf is the plan an org is held to now; null when it is not billed through Stripe. */
  async planOf(orgId: string): Promise<{ plan: PlanName | null; graceUntil: Date | null; record: BillingRecord | null }> {
    const record = await this.deps.billing.get(orgId);
    if (!record) return { plan: null, graceUntil: null, record };
    const { plan, grace_until } = enforcedPlan(record, this.now());
    return { plan, graceUntil: grace_until, record };
  }

  /** admitCheck admits one check of `agentId`, or throws 429 RATE_LIMITED. */
  async admitCheck(orgId: string, agentId: string, own: RateLimitSettings): Promise<void> {
    const { plan } = await this.planOf(orgId);
    const limits = effectiveRateLimits(plan, own);
    const { limiter } = this.deps;
    const consumed: Array<Promise<void>> = [];
    if (limits.checks_per_minute_per_agent !== null) {
      consumed.push(limiter.consume('checks_per_minute_per_agent', `${orgId}:${agentId}`, limits.checks_per_minute_per_agent, `agent "${agentId}"`));
    }
    if (limits.checks_per_second_per_org !== null) consumed.push(limiter.consume('checks_per_second_per_org', orgId, limits.checks_per_second_per_org, 'the org'));
    if (consumed.length > 0) await Promise.all(consumed);
    await this.withinQuota(orgId, plan, 'checks', 1);
    this.deps.usage.add(orgId, 'checks', 1);
  }

  /** admitTraces admits `count` traces (one request), or throws 429 RATE_LIMITED. */
  async admitTraces(orgId: string, count: number, own: RateLimitSettings): Promise<void> {
    const { plan } = await this.planOf(orgId);
    const perOrg = effectiveRateLimits(plan, own).traces_per_second_per_org;
    if (perOrg !== null) await this.deps.limiter.consume('traces_per_second_per_org', orgId, perOrg, 'the org', count);
    await this.withinQuota(orgId, plan, 'traces', count);
    this.deps.usage.add(orgId, 'traces', count);
  }

  private async withinQuota(orgId: string, plan: PlanName | null, kind: UsageKind, count: number): Promise<void> {
    const quota = kind === 'checks' ? effectiveQuotas(plan).checks_per_month : effectiveQuotas(plan).traces_per_month;
    if (quota === null) return;
    const used = await this.deps.usage.used(orgId, kind);
    if (used + count <= quota) return;
    const now = this.now();
    const resets = nextPeriodStart(now);
    throw new AppError('RATE_LIMITED', `the ${plan} plan's quota of ${quota} ${kind} per month is used up (${used} used this month); it resets at ${resets.toISOString()}`, {
      retry_after_seconds: Math.max(1, Math.ceil((resets.getTime() - now.getTime()) / 1000)),
      quota: `${kind}_per_month`,
      limit: quota,
      used,
      resets_at: resets.toISOString(),
    });
  }
}
