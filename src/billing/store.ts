import type { Db } from '../db/knex.js';
import type { BillingRecord, Outcome } from './reduce.js';

/** Changes to org_billing notify this channel (payload: org id). */
export const BILLING_CHANNEL = 'aegis_org_billing';

const COLUMNS = [
  'org_id', 'stripe_customer_id', 'subscription_id', 'plan', 'status', 'current_period_end', 'past_due_since', 'subscription_at', 'status_at', 'last_event_id',
] as const;

/** loadBilling returns an org's billing state; null for an org without a Stripe customer. */
export async function loadBilling(db: Db, orgId: string): Promise<BillingRecord | null> {
  const row = (await db('org_billing').select(COLUMNS).where({ org_id: orgId }).first()) as BillingRecord | undefined;
  return row ?? null;
}

/** orgOfCustomer returns the org a Stripe customer is linked to. */
export async function orgOfCustomer(db: Db, customerId: string): Promise<string | undefined> {
  const row = (await db('org_billing').select('org_id').where({ stripe_customer_id: customerId }).first()) as { org_id: string } | undefined;
  return row?.org_id;
}

/** orgExists: an org with this id exists (a malformed id does not). */
export async function orgExists(db: Db, orgId: string): Promise<boolean> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(orgId)) return false;
  return (await db('orgs').select('id').where({ id: orgId }).first()) !== undefined;
}

/**
 * claimEvent records a Stripe event as processed inside the caller's transaction; false when it
 * already was (a redelivery). A concurrent delivery of the same event waits on the first one's row.
 */
export async function claimEvent(trx: Db, e: { id: string; type: string; created: Date; orgId: string }): Promise<boolean> {
  const inserted = await trx('stripe_events').insert({ id: e.id, type: e.type, created: e.created, org_id: e.orgId, outcome: 'processing' }).onConflict('id').ignore().returning('id');
  return inserted.length > 0;
}

export async function settleEvent(trx: Db, id: string, outcome: Outcome): Promise<void> {
  await trx('stripe_events').where({ id }).update({ outcome });
}

/** lockBilling serialises billing changes of one org (transaction-scoped) and reads its state. */
export async function lockBilling(trx: Db, orgId: string): Promise<BillingRecord | undefined> {
  await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`org_billing:${orgId}`]);
  return (await loadBilling(trx, orgId)) ?? undefined;
}

export async function saveBilling(trx: Db, r: BillingRecord): Promise<void> {
  const row = Object.fromEntries(COLUMNS.map((c) => [c, r[c]]));
  await trx('org_billing').insert(row).onConflict('org_id').merge({ ...row, updated_at: trx.fn.now() });
}
