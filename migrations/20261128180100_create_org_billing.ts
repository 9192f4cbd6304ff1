import type { Knex } from 'knex';

/**
 * An org's Stripe subscription as the billing webhook last learned it; only orgs with a Stripe
 * customer have a row (plans and quotas apply to them alone). Two groups of fields are each a
 * last-writer-wins register ordered by the Stripe event's `created` time: the subscription
 * (id, plan, period end) at `subscription_at`, its status at `status_at` — so a late, older event
 * never overwrites newer state. Changes notify `aegis_org_billing` (payload: org id) so every
 * replica's cache follows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table org_billing (
      org_id uuid primary key references orgs(id),
      stripe_customer_id text not null unique,
      subscription_id text,
      plan text check (plan in ('free', 'team', 'enterprise')),
      status text,
      current_period_end timestamptz,
      past_due_since timestamptz,
      subscription_at timestamptz,
      status_at timestamptz,
      last_event_id text not null,
      updated_at timestamptz not null default now()
    )`);
  await knex.raw(`
    create function notify_org_billing() returns trigger language plpgsql as $$
    begin
      perform pg_notify('aegis_org_billing', coalesce(new.org_id, old.org_id)::text);
      return null;
    end $$`);
  await knex.raw('create trigger org_billing_notify after insert or update or delete on org_billing for each row execute function notify_org_billing()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger org_billing_notify on org_billing');
  await knex.raw('drop function notify_org_billing()');
  await knex.raw('drop table org_billing');
}
