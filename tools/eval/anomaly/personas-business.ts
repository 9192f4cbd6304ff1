import { freshKey, FIRST_NAMES, LAST_NAMES, paragraph, schedule, sentence, WEEKDAYS, WEEKEND, ALL_DAYS, words, type Persona } from './persona.js';
import type { Random } from './random.js';

const SUPPORT_DOMAINS: ReadonlyArray<readonly [string, number]> = [
  ['acme.com', 40],
  ['globex.com', 20],
  ['initech.io', 15],
  ['umbrella.co.uk', 10],
  ['hooli.com', 10],
  ['example.org', 5],
];

function customer(rng: Random): string {
  // One call in 300 comes from a customer at a domain never seen before: real traffic has that noise.
  const domain = rng.chance(1 / 300) ? `${rng.word()}.com` : rng.weighted(SUPPORT_DOMAINS);
  return `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}${rng.chance(0.2) ? rng.int(1, 99) : ''}@${domain}`;
}

function ticketId(rng: Random): string {
  return `T-${rng.int(100000, 999999)}`;
}

/** A support bot: tickets and e-mail to customers at a handful of domains, office hours on weekdays. */
export const SUPPORT: Persona = {
  name: 'support',
  sessions: schedule([
    [WEEKDAYS, 8, 18, 6],
    [WEEKDAYS, 7, 8, 1.5],
    [WEEKDAYS, 18, 19, 1.5],
    [WEEKEND, 10, 16, 0.3],
  ]),
  sessionCalls: 5,
  gapSeconds: 25,
  chain: {
    '^': [['search_tickets', 0.6], ['get_ticket', 0.3], ['lookup_customer', 0.1]],
    search_tickets: [['get_ticket', 0.8], ['search_tickets', 0.2]],
    get_ticket: [['lookup_customer', 0.3], ['update_ticket', 0.35], ['send_email', 0.35]],
    lookup_customer: [['send_email', 0.6], ['update_ticket', 0.4]],
    send_email: [['update_ticket', 0.7], ['search_tickets', 0.3]],
    update_ticket: [['search_tickets', 0.5], ['get_ticket', 0.47], ['escalate_ticket', 0.03]],
    escalate_ticket: [['search_tickets', 1]],
  },
  args(tool, rng) {
    switch (tool) {
      case 'search_tickets':
        return { query: words(rng, rng.int(1, 4)), status: rng.pick(['open', 'pending', 'closed']), ...(rng.chance(0.3) ? { limit: 20 } : {}) };
      case 'get_ticket':
        return { ticket_id: ticketId(rng) };
      case 'lookup_customer':
        return { email: customer(rng) };
      case 'update_ticket':
        return { ticket_id: ticketId(rng), status: rng.pick(['open', 'pending', 'solved']), ...(rng.chance(0.5) ? { note: sentence(rng) } : {}) };
      case 'send_email':
        return {
          to: rng.chance(0.9) ? customer(rng) : [customer(rng), customer(rng)],
          subject: `Re: [${ticketId(rng)}] ${words(rng, rng.int(2, 6))}`,
          body: paragraph(rng, rng.lognormal(500, 0.5)),
        };
      case 'escalate_ticket':
        return { ticket_id: ticketId(rng), team: rng.pick(['billing', 'engineering', 'legal']), reason: sentence(rng) };
      default:
        throw new Error(`support has no tool ${tool}`);
    }
  },
  offHours: [
    [2, 3],
    [3, 2],
    [4, 23],
    [0, 4],
  ],
  anomalies: {
    new_key_set: (rng, i) => ({
      toolName: 'update_ticket',
      arguments: { ticket_id: ticketId(rng), status: 'solved', [freshKey(['assignee_override', 'skip_notification', 'priority_raw', 'owner_id'], i)]: 'admin' },
    }),
    oversized_args: (rng) => ({
      toolName: 'send_email',
      arguments: { to: customer(rng), subject: `Re: [${ticketId(rng)}] export`, body: paragraph(rng, rng.int(30_000, 80_000)) },
    }),
    odd_value: (rng, i) => ({
      toolName: 'get_ticket',
      arguments: { ticket_id: [`T-${rng.digits(6)}' OR '1'='1`, `../../admin/${rng.hex(24)}`, `T-${rng.digits(6)}; cat /etc/passwd`, `{{7*7}}${rng.hex(40)}`][i % 4]! },
    }),
    new_destination: (rng) => ({
      toolName: 'send_email',
      arguments: { to: `${rng.pick(FIRST_NAMES)}@${rng.word()}-mail.net`, subject: `Re: [${ticketId(rng)}] your data`, body: paragraph(rng, 600) },
    }),
  },
  burst: { calls: 40, seconds: 10 },
};

const BILLING_CUSTOMERS = Array.from({ length: 30 }, (_, i) => `cus_${(i * 7919 + 1000).toString(36).padStart(6, '0')}`);
const BILLING_DOMAINS = ['acme.com', 'globex.com', 'initech.io', 'hooli.com', 'vandelay.com', 'wonka.co.uk', 'stark.io', 'wayne.com', 'tyrell.ai', 'cyberdyne.net'];

/** A billing bot: a nightly charging run every day plus some office-hours work; amounts in a range. */
export const BILLING: Persona = {
  name: 'billing',
  sessions: schedule([
    [ALL_DAYS, 1, 3, 8],
    [WEEKDAYS, 9, 17, 1],
  ]),
  sessionCalls: 7,
  gapSeconds: 8,
  chain: {
    '^': [['list_due_invoices', 0.85], ['get_invoice', 0.15]],
    list_due_invoices: [['get_invoice', 1]],
    get_invoice: [['create_charge', 0.85], ['refund', 0.04], ['get_invoice', 0.11]],
    create_charge: [['send_receipt', 0.9], ['get_invoice', 0.1]],
    send_receipt: [['get_invoice', 0.8], ['list_due_invoices', 0.2]],
    refund: [['send_receipt', 1]],
  },
  args(tool, rng) {
    const invoice = `in_${rng.hex(14)}`;
    switch (tool) {
      case 'list_due_invoices':
        return { due_before: `2025-0${rng.int(1, 2)}-${String(rng.int(1, 28)).padStart(2, '0')}`, limit: 50 };
      case 'get_invoice':
        return { invoice_id: invoice };
      case 'create_charge':
        return {
          customer_id: rng.zipf(BILLING_CUSTOMERS, 0.8),
          invoice_id: invoice,
          amount: Math.round(rng.lognormal(120, 0.8) * 100) / 100,
          currency: rng.chance(0.8) ? 'usd' : 'eur',
          description: `${rng.pick(['Subscription', 'Usage', 'Seats', 'Support plan'])} ${rng.pick(['January', 'February', 'March'])} ${rng.chance(0.3) ? words(rng, rng.int(2, 8)) : ''}`.trim(),
        };
      case 'send_receipt':
        return { to: `billing@${rng.zipf(BILLING_DOMAINS, 0.8)}`, invoice_id: invoice };
      case 'refund':
        return { charge_id: `ch_${rng.hex(14)}`, amount: Math.round(rng.lognormal(40, 0.8) * 100) / 100, reason: rng.pick(['duplicate', 'requested_by_customer', 'fraudulent']) };
      default:
        throw new Error(`billing has no tool ${tool}`);
    }
  },
  offHours: [
    [2, 22],
    [3, 6],
    [6, 14],
    [0, 19],
  ],
  anomalies: {
    new_key_set: (rng, i) => ({
      toolName: 'create_charge',
      arguments: {
        customer_id: rng.pick(BILLING_CUSTOMERS),
        invoice_id: `in_${rng.hex(14)}`,
        amount: 80,
        currency: 'usd',
        description: 'Usage March',
        [freshKey(['destination_account', 'on_behalf_of', 'transfer_group', 'application_fee'], i)]: `acct_${rng.hex(16)}`,
      },
    }),
    oversized_args: (rng) => ({
      toolName: 'create_charge',
      arguments: { customer_id: rng.pick(BILLING_CUSTOMERS), invoice_id: `in_${rng.hex(14)}`, amount: 120, currency: 'usd', description: words(rng, rng.int(4000, 9000)) },
    }),
    odd_value: (rng, i) => ({
      toolName: 'create_charge',
      arguments: { customer_id: rng.pick(BILLING_CUSTOMERS), invoice_id: `in_${rng.hex(14)}`, amount: [250_000, -480, 99_999_999, 0.0001][i % 4]!, currency: 'usd', description: 'Usage March' },
    }),
    new_destination: (rng) => ({ toolName: 'send_receipt', arguments: { to: `billing@${rng.word()}.biz`, invoice_id: `in_${rng.hex(14)}` } }),
  },
  burst: { calls: 60, seconds: 10 },
};
