import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { daysFromNow, deliver, event, invoiceEvent, newId, signatureFor, subscriptionEvent, WEBHOOK_SECRET } from './stripe.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET }, { worker: false });
});
afterAll(async () => gw?.shutdown());

const billing = (o: TestOrg, key = o.adminKey) => call(gw.url, 'GET', '/api/v1/billing', { key });
const billingAudit = async (o: TestOrg) => (await call(gw.url, 'GET', '/api/v1/audit-log?resource_type=billing', { key: o.adminKey })).body.data as Array<Record<string, any>>;

/** subscribed creates an org with a Stripe customer and an active subscription of `plan`. */
async function subscribed(lookupKey = 'team_monthly'): Promise<{ org: TestOrg; customer: string; subscription: string }> {
  const org = await newOrg(gw);
  const customer = newId('cus');
  const subscription = newId('sub');
  const res = await deliver(gw.url, subscriptionEvent('created', { customer, subscription, orgId: org.orgId, lookupKey, created: daysFromNow(-1) }));
  expect(res.body.outcome, res.text).toBe('applied');
  return { org, customer, subscription };
}

describe('POST /api/v1/stripe/webhook', () => {
  it('follows a subscription through its life: created, updated, payment failed and succeeded, deleted — each change audited', async () => {
    const org = await newOrg(gw);
    const customer = newId('cus');
    const subscription = newId('sub');
    const periodEnd = daysFromNow(30);
    const steps: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [subscriptionEvent('created', { customer, subscription, orgId: org.orgId, status: 'trialing', lookupKey: 'team_monthly', periodEnd, created: daysFromNow(-5) }), { plan: 'team', status: 'trialing', enforced_plan: 'team' }],
      // Found by the stored customer id (no metadata); the plan from metadata.plan when no lookup key names one; the legacy period field.
      [subscriptionEvent('updated', { customer, subscription, lookupKey: null, metadataPlan: 'enterprise', periodEnd, created: daysFromNow(-4), legacyShape: true }), { plan: 'enterprise', status: 'active' }],
      [invoiceEvent('payment_failed', { customer, subscription, created: daysFromNow(-3) }), { status: 'past_due', enforced_plan: 'enterprise' }],
      [invoiceEvent('payment_succeeded', { customer, subscription, created: daysFromNow(-2) }), { status: 'active', past_due_since: null }],
      [subscriptionEvent('deleted', { customer, subscription, lookupKey: 'enterprise', periodEnd, created: daysFromNow(-1) }), { plan: 'enterprise', status: 'canceled', enforced_plan: 'free' }],
    ];
    for (const [ev, expected] of steps) {
      const res = await deliver(gw.url, ev);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ received: true, event_id: ev.id, type: ev.type, outcome: 'applied', org_id: org.orgId });
      expect((await billing(org)).body).toMatchObject({ billed: true, stripe_customer_id: customer, subscription_id: subscription, current_period_end: new Date(Math.floor(periodEnd.getTime() / 1000) * 1000).toISOString(), ...expected });
    }
    const audit = await billingAudit(org);
    expect(audit.map((e) => e.action)).toEqual([
      'billing.subscription.delete',
      'billing.invoice.payment_succeeded',
      'billing.invoice.payment_failed',
      'billing.subscription.update',
      'billing.subscription.create',
    ]);
    expect(audit.map((e) => e.actor)).toEqual(steps.map(([ev]) => `stripe:${ev.id}`).reverse());
    expect(audit[2]).toMatchObject({ resource_type: 'billing', resource_id: org.orgId, before: { status: 'active', past_due_since: null }, after: { status: 'past_due', past_due_since: expect.any(String) } });
    expect(audit[4]!.before).toBeNull();
  });

  it('refuses a bad, missing, stale or future-dated signature with 400 and changes nothing', async () => {
    const { org, customer, subscription } = await subscribed();
    const before = (await billing(org)).body;
    const downgrade = subscriptionEvent('updated', { customer, subscription, lookupKey: 'free' });
    const cases = [
      await deliver(gw.url, downgrade, { secret: `whsec_${'wrong'.repeat(7)}` }),
      await deliver(gw.url, downgrade, { signature: null }),
      await deliver(gw.url, downgrade, { signature: 't=1,v1=deadbeef' }),
      await deliver(gw.url, downgrade, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
      // Signed in the future: no fresher than one signed in the past.
      await deliver(gw.url, downgrade, { timestamp: Math.floor(Date.now() / 1000) + 600 }),
    ];
    // A second, older t= ahead of the signed future one: the library verifies the last, the future check must not read the first.
    const signedInFuture = signatureFor(downgrade, Math.floor(Date.now() / 1000) + 7200);
    cases.push(await deliver(gw.url, downgrade, { signature: `t=${Math.floor(Date.now() / 1000)},${signedInFuture}` }));
    for (const res of cases) {
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect(cases[0]!.body.error.message).toMatch(/signature/i);
    expect(cases[1]!.body.error.message).toMatch(/missing Stripe-Signature/);
    expect(cases[3]!.body.error.message).toMatch(/tolerance/i);
    expect(cases[4]!.body.error.message).toMatch(/in the future/);
    expect(cases[5]!.body.error.message).toMatch(/2 timestamps/);
    // The same bytes, properly signed, go through: nothing above was recorded as processed.
    expect((await deliver(gw.url, downgrade)).body.outcome).toBe('applied');
    expect((await billing(org)).body.plan).toBe('free');
    expect(before.plan).toBe('team');
    expect((await billingAudit(org)).length).toBe(2);
  });

  it('processes a redelivered event once', async () => {
    const { org, customer, subscription } = await subscribed();
    const failed = invoiceEvent('payment_failed', { customer, subscription });
    expect((await deliver(gw.url, failed)).body.outcome).toBe('applied');
    const again = await deliver(gw.url, failed);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('duplicate');
    expect((await billingAudit(org)).length).toBe(2);
  });

  it('never lets an older event overwrite newer state, whatever the delivery order', async () => {
    const { org, customer, subscription } = await subscribed();
    const newer = subscriptionEvent('updated', { customer, subscription, status: 'past_due', lookupKey: 'team', created: daysFromNow(-0.1) });
    const older = subscriptionEvent('updated', { customer, subscription, status: 'active', lookupKey: 'enterprise', created: daysFromNow(-0.5) });
    expect((await deliver(gw.url, newer)).body.outcome).toBe('applied');
    expect((await deliver(gw.url, older)).body.outcome).toBe('stale');
    expect((await billing(org)).body).toMatchObject({ plan: 'team', status: 'past_due' });

    // A cancellation delivered before an earlier update: the subscription stays canceled.
    const deleted = subscriptionEvent('deleted', { customer, subscription, lookupKey: 'team', created: daysFromNow(-0.01) });
    const lateUpdate = subscriptionEvent('updated', { customer, subscription, status: 'active', lookupKey: 'team', created: daysFromNow(-0.05) });
    expect((await deliver(gw.url, deleted)).body.outcome).toBe('applied');
    expect((await deliver(gw.url, lateUpdate)).body.outcome).toBe('stale');
    expect((await billing(org)).body).toMatchObject({ status: 'canceled', enforced_plan: 'free' });
  });

  it('acknowledges events of unknown customers and unknown types without keeping anything', async () => {
    const stranger = subscriptionEvent('created', { customer: newId('cus'), subscription: newId('sub') });
    const unknownCustomer = await deliver(gw.url, stranger);
    expect(unknownCustomer.status).toBe(200);
    expect(unknownCustomer.body).toMatchObject({ received: true, outcome: 'unknown_customer' });
    expect(gw.logs.some((l) => l.includes(stranger.id as string) && l.includes('no org is linked'))).toBe(true);

    const unknownType = await deliver(gw.url, event('charge.refunded', undefined, { id: newId('ch'), object: 'charge' }));
    expect(unknownType.status).toBe(200);
    expect(unknownType.body).toMatchObject({ received: true, outcome: 'unhandled_type' });

    const missingOrg = await deliver(gw.url, subscriptionEvent('created', { customer: newId('cus'), subscription: newId('sub'), orgId: '00000000-0000-4000-8000-000000000000' }));
    expect(missingOrg.body.outcome).toBe('unknown_customer');

    const kept = await gw.db('stripe_events').whereIn('id', [stranger.id as string]).count({ n: '*' });
    expect(Number(kept[0]!.n)).toBe(0);
  });

  it('reads events of every API shape but refuses one it cannot read', async () => {
    const { org, customer, subscription } = await subscribed();
    const bogus = subscriptionEvent('updated', { customer, subscription, status: 'on_fire' });
    const res = await deliver(gw.url, bogus);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/data\.object\.status/);
    expect((await billing(org)).body.status).toBe('active');
  });

  it('keeps tenants apart: an event naming another org than its customer belongs to is ignored', async () => {
    const a = await subscribed('team');
    const b = await newOrg(gw);
    const hijack = subscriptionEvent('updated', { customer: a.customer, subscription: a.subscription, orgId: b.orgId, lookupKey: 'enterprise' });
    const res = await deliver(gw.url, hijack);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('ignored');
    expect((await billing(a.org)).body.plan).toBe('team');
    expect((await billing(b)).body.billed).toBe(false);
    expect(await billingAudit(b)).toEqual([]);
  });
});

describe('GET /api/v1/billing', () => {
  it('shows plan, status, limits and usage to admins and viewers only', async () => {
    const { org } = await subscribed('team_yearly');
    for (const role of ['reviewer', 'agent'] as const) expect((await billing(org, await org.keyFor(role))).status).toBe(403);
    const res = await billing(org, await org.keyFor('viewer'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      billed: true,
      plan: 'team',
      status: 'active',
      enforced_plan: 'team',
      grace_until: null,
      limits: {
        rate_limits: { checks_per_minute_per_agent: 600, checks_per_second_per_org: 100, traces_per_second_per_org: 2000 },
        quotas: { checks_per_month: 1_000_000, traces_per_month: 10_000_000 },
      },
      usage: { checks: 0, traces: 0 },
    });
    expect(Date.parse(res.body.usage.period_end) - Date.parse(res.body.usage.period_start)).toBeGreaterThanOrEqual(28 * 86_400_000);
  });

  it('shows an org without a subscription as unbilled, limited by its own rate_limits alone', async () => {
    const org = await newOrg(gw);
    await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { rate_limits: { checks_per_second_per_org: 50 } } });
    await call(gw.url, 'POST', '/api/v1/check', { key: org.adminKey, body: { agent_id: 'a', tool_name: 'read_docs', arguments: {} } });
    const res = await billing(org);
    expect(res.body).toMatchObject({
      billed: false,
      plan: null,
      status: null,
      enforced_plan: null,
      limits: { rate_limits: { checks_per_minute_per_agent: null, checks_per_second_per_org: 50, traces_per_second_per_org: null }, quotas: { checks_per_month: null, traces_per_month: null } },
      usage: { checks: 1, traces: 0 },
    });
  });
});

describe('without STRIPE_WEBHOOK_SECRET', () => {
  it('answers 503 naming the variable', async () => {
    const bare = await startTestGateway({}, { worker: false });
    try {
      const res = await deliver(bare.url, subscriptionEvent('created', { customer: newId('cus'), subscription: newId('sub') }));
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/STRIPE_WEBHOOK_SECRET/) });
    } finally {
      await bare.shutdown();
    }
  });
});
