import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodStart } from '../../src/billing/plans.js';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { daysFromNow, deliver, invoiceEvent, newId, subscriptionEvent, WEBHOOK_SECRET } from './stripe.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET }, { worker: false });
});
afterAll(async () => gw?.shutdown());

const check = (o: TestOrg, agent = 'bot') => call(gw.url, 'POST', '/api/v1/check', { key: o.adminKey, body: { agent_id: agent, tool_name: 'read_docs', arguments: {} } });
const traces = (o: TestOrg, n: number) =>
  call(gw.url, 'POST', '/api/v1/traces', { key: o.adminKey, body: Array.from({ length: n }, () => ({ agent_id: 'bot', tool_name: 'read_docs', arguments: {}, started_at: new Date().toISOString(), duration_ms: 1 })) });
const billing = async (o: TestOrg) => (await call(gw.url, 'GET', '/api/v1/billing', { key: o.adminKey })).body;

/** subscribe gives a new org a Stripe subscription of the plan its price's lookup key names. */
async function subscribe(lookupKey: string, opts: { status?: string; created?: Date } = {}): Promise<{ org: TestOrg; customer: string; subscription: string }> {
  const org = await newOrg(gw);
  const customer = newId('cus');
  const subscription = newId('sub');
  const res = await deliver(gw.url, subscriptionEvent('created', { customer, subscription, orgId: org.orgId, lookupKey, status: opts.status, created: opts.created ?? daysFromNow(-1) }));
  expect(res.body.outcome, res.text).toBe('applied');
  return { org, customer, subscription };
}

/** used seeds this month's usage counter, as if other replicas had counted it (before the org's first request). */
async function used(o: TestOrg, kind: 'checks' | 'traces', count: number): Promise<void> {
  await gw.db('usage_counters').insert({ org_id: o.orgId, period: periodStart(new Date()).toISOString().slice(0, 10), kind, count });
}

describe('plan quotas', () => {
  it('stop checks once the month quota is used, until the month rolls over', async () => {
    const { org } = await subscribe('free');
    await used(org, 'checks', 9_999);
    expect((await check(org)).status).toBe(200);
    const over = await check(org);
    expect(over.status).toBe(429);
    const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1));
    expect(over.body.error).toMatchObject({ code: 'RATE_LIMITED', quota: 'checks_per_month', limit: 10_000, used: 10_000, resets_at: nextMonth.toISOString() });
    expect(over.body.error.message).toMatch(/free plan's quota of 10000 checks per month is used up/);
    const retry = Number(over.headers.get('retry-after'));
    expect(Math.abs(retry - (nextMonth.getTime() - Date.now()) / 1000)).toBeLessThan(5);
    expect((await billing(org)).usage.checks).toBe(10_000);
  });

  it('stop trace batches that would go over the quota', async () => {
    const { org } = await subscribe('free');
    await used(org, 'traces', 99_998);
    const batch = await traces(org, 3);
    expect(batch.status).toBe(429);
    expect(batch.body.error.quota).toBe('traces_per_month');
    expect((await traces(org, 2)).status).toBe(201);
    expect((await traces(org, 1)).status).toBe(429);
  });

  it('do not apply to enterprise, nor to an org without a subscription', async () => {
    const { org: enterprise } = await subscribe('enterprise');
    await used(enterprise, 'checks', 50_000_000);
    expect((await check(enterprise)).status).toBe(200);
    expect((await billing(enterprise)).limits.quotas).toEqual({ checks_per_month: null, traces_per_month: null });
    const selfHosted = await newOrg(gw);
    await used(selfHosted, 'checks', 50_000_000);
    expect((await check(selfHosted)).status).toBe(200);
  });
});

describe('plan rate limits', () => {
  it('hold a free org to 10 checks per second', async () => {
    const { org } = await subscribe('free');
    const answers = await Promise.all(Array.from({ length: 12 }, () => check(org)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(2);
    expect(limited[0]!.body.error).toMatchObject({ rate_limit: 'checks_per_second_per_org', limit: 10 });
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
  });

  it('can be tightened by the org, never loosened', async () => {
    const { org } = await subscribe('team');
    await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { rate_limits: { checks_per_second_per_org: 3, traces_per_second_per_org: 1_000_000 } } });
    expect((await billing(org)).limits.rate_limits).toEqual({ checks_per_minute_per_agent: 600, checks_per_second_per_org: 3, traces_per_second_per_org: 2000 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => check(org)));
    expect(answers.filter((a) => a.status === 429)).toHaveLength(2);
  });
});

describe('subscription status', () => {
  it('keeps the plan through the grace period after a failed payment, then falls back to free', async () => {
    const recent = await subscribe('team');
    await deliver(gw.url, invoiceEvent('payment_failed', { customer: recent.customer, subscription: recent.subscription, created: daysFromNow(-0.5) }));
    expect(await billing(recent.org)).toMatchObject({ status: 'past_due', enforced_plan: 'team', grace_until: expect.any(String) });

    const lapsed = await subscribe('team', { created: daysFromNow(-40) });
    await deliver(gw.url, invoiceEvent('payment_failed', { customer: lapsed.customer, subscription: lapsed.subscription, created: daysFromNow(-8) }));
    const view = await billing(lapsed.org);
    expect(view).toMatchObject({ status: 'past_due', plan: 'team', enforced_plan: 'free' });
    expect(Date.parse(view.grace_until)).toBeLessThan(Date.now());
    expect(view.limits.quotas.checks_per_month).toBe(10_000);

    // Paying again restores the plan.
    await deliver(gw.url, invoiceEvent('payment_succeeded', { customer: lapsed.customer, subscription: lapsed.subscription }));
    expect(await billing(lapsed.org)).toMatchObject({ status: 'active', enforced_plan: 'team', grace_until: null });
  });

  it('falls back to free limits when canceled', async () => {
    const { org, customer, subscription } = await subscribe('enterprise');
    await deliver(gw.url, subscriptionEvent('deleted', { customer, subscription, lookupKey: 'enterprise' }));
    expect(await billing(org)).toMatchObject({ plan: 'enterprise', status: 'canceled', enforced_plan: 'free', limits: { quotas: { checks_per_month: 10_000 } } });
    const answers = await Promise.all(Array.from({ length: 11 }, () => check(org)));
    expect(answers.filter((a) => a.status === 429)).toHaveLength(1);
  });
});
