import type { ObservedCall } from '../../src/anomaly/types.js';
import type { OrgAnomalyModel } from '../../src/anomaly/model.js';

/** Monday 2025-01-06 00:00 UTC. */
export const MONDAY = Date.parse('2025-01-06T00:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A tiny seeded generator (mulberry32): fixtures must be the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOMAINS = ['acme.com', 'globex.com', 'initech.io'];
const NAMES = ['anna', 'ben', 'carla', 'dev', 'elena', 'farid'];
const WORDS = ['refund', 'login', 'invoice', 'delay', 'password', 'shipping', 'upgrade', 'export'];

/**
 * supportAgent is a steady support bot: search → read → (e-mail a customer at one of three domains)
 * → update, weekdays 09:00–17:00 UTC, a call every 20–90 s. Yields calls forever, in time order.
 */
export function* supportAgent(agentId: string, seed = 1, start = MONDAY): Generator<ObservedCall> {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const words = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  let t = start + 9 * HOUR;
  for (;;) {
    const ticket = `T-${100000 + Math.floor(rnd() * 900000)}`;
    const session: Array<[string, Record<string, unknown>, string]> = [
      ['search_tickets', { query: words(1 + Math.floor(rnd() * 3)), status: pick(['open', 'pending']) }, 'general'],
      ['get_ticket', { ticket_id: ticket }, 'general'],
    ];
    if (rnd() < 0.6) {
      session.push(['send_email', { to: `${pick(NAMES)}@${pick(DOMAINS)}`, subject: `Re: [${ticket}] ${words(3)}`, body: `Hello, ${words(40 + Math.floor(rnd() * 40))}.` }, 'email']);
    }
    session.push(['update_ticket', { ticket_id: ticket, status: pick(['pending', 'solved']) }, 'general']);
    for (const [toolName, args, category] of session) {
      yield { agentId, toolName, arguments: args, category, at: new Date(t) };
      t += 20_000 + Math.floor(rnd() * 70_000);
      // Weekdays 09–17 only: jump to the next working morning.
      const day = Math.floor((t - MONDAY) / DAY);
      const hour = (t - MONDAY - day * DAY) / HOUR;
      const weekday = ((day % 7) + 7) % 7; // 0 = Monday
      if (hour >= 17 || weekday >= 5) {
        let next = day + 1;
        while (((next % 7) + 7) % 7 >= 5) next += 1;
        t = MONDAY + next * DAY + 9 * HOUR + Math.floor(rnd() * 600_000);
      }
    }
  }
}

/** take returns the next n calls of a generator. */
export function take(calls: Iterator<ObservedCall>, n: number): ObservedCall[] {
  const out: ObservedCall[] = [];
  for (let i = 0; i < n; i++) out.push(calls.next().value as ObservedCall);
  return out;
}

/** train feeds n calls to the model and returns the last call (its time is "now"). */
export function train(model: OrgAnomalyModel, calls: Iterator<ObservedCall>, n: number): ObservedCall {
  let last: ObservedCall | undefined;
  for (const call of take(calls, n)) {
    model.assess(call);
    last = call;
  }
  return last!;
}

/** after is a copy of `call` made `ms` later, with other fields replaced. */
export function after(call: ObservedCall, ms: number, changes: Partial<ObservedCall> = {}): ObservedCall {
  return { ...call, at: new Date(call.at.getTime() + ms), ...changes };
}
