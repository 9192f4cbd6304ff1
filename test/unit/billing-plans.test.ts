import { describe, expect, it } from 'vitest';
import { effectiveQuotas, effectiveRateLimits, enforcedPlan, GRACE_PERIOD_MS, nextPeriodStart, periodStart, planFromPrices, type PlanState } from '../../src/billing/plans.js';

const NOW = new Date('2026-11-28T18:00:00Z');
const daysAgo = (d: number): Date => new Date(NOW.getTime() - d * 86_400_000);
const state = (over: Partial<PlanState>): PlanState => ({ plan: 'team', status: 'active', current_period_end: null, past_due_since: null, ...over });

describe('planFromPrices()', () => {
  it.each<[string[], string | undefined, string | null]>([
    [['team'], undefined, 'team'],
    [['team_monthly'], undefined, 'team'],
    [['aegis-enterprise-yearly'], 'free', 'enterprise'],
    [['free', 'team_seats'], undefined, 'team'],
    [['pro_monthly'], 'Enterprise', 'enterprise'],
    [['teamwork'], undefined, null],
    [[], undefined, null],
    [[], 'platinum', null],
  ])('names %j (metadata.plan %s) → %s', (keys, meta, plan) => {
    expect(planFromPrices(keys, meta)).toBe(plan);
  });
});

describe('enforcedPlan()', () => {
  it.each<[string, Partial<PlanState>, string, Date | null]>([
    ['active keeps its plan', {}, 'team', null],
    ['trialing keeps its plan', { status: 'trialing' }, 'team', null],
    ['an unknown plan is free', { plan: null }, 'free', null],
    ['past due within the grace period keeps its plan', { status: 'past_due', past_due_since: daysAgo(6) }, 'team', new Date(daysAgo(6).getTime() + GRACE_PERIOD_MS)],
    ['past due beyond it is free', { status: 'past_due', past_due_since: daysAgo(8) }, 'free', new Date(daysAgo(8).getTime() + GRACE_PERIOD_MS)],
    ['unpaid counts from the period end when no failure time is known', { status: 'unpaid', current_period_end: daysAgo(2) }, 'team', new Date(daysAgo(2).getTime() + GRACE_PERIOD_MS)],
    ['canceled is free', { status: 'canceled' }, 'free', null],
    ['incomplete is free', { status: 'incomplete' }, 'free', null],
    ['paused is free', { status: 'paused', plan: 'enterprise' }, 'free', null],
  ])('%s', (_name, over, plan, graceUntil) => {
    expect(enforcedPlan(state(over), NOW)).toEqual({ plan, grace_until: graceUntil });
  });
});

describe('effectiveRateLimits()', () => {
  const none = { checks_per_minute_per_agent: null, checks_per_second_per_org: null, traces_per_second_per_org: null };

  it('is the org\'s own limits without a plan', () => {
    expect(effectiveRateLimits(null, { ...none, checks_per_second_per_org: 7 })).toEqual({ ...none, checks_per_second_per_org: 7 });
  });

  it('takes the lower of plan and own limit', () => {
    expect(effectiveRateLimits('free', { checks_per_minute_per_agent: 5, checks_per_second_per_org: 1_000, traces_per_second_per_org: null })).toEqual({
      checks_per_minute_per_agent: 5,
      checks_per_second_per_org: 10,
      traces_per_second_per_org: 100,
    });
  });

  it('gives quotas to plans only, none to enterprise', () => {
    expect(effectiveQuotas(null)).toEqual({ checks_per_month: null, traces_per_month: null });
    expect(effectiveQuotas('enterprise')).toEqual({ checks_per_month: null, traces_per_month: null });
    expect(effectiveQuotas('free').checks_per_month).toBe(10_000);
  });
});

describe('calendar periods', () => {
  it.each([
    ['2026-11-28T18:00:00Z', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['2028-02-29T12:00:00Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
  ])('%s is in [%s, %s)', (at, start, end) => {
    expect(periodStart(new Date(at)).toISOString()).toBe(start);
    expect(nextPeriodStart(new Date(at)).toISOString()).toBe(end);
  });
});
