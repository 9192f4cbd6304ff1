import type { Random } from './random.js';

/** The kinds of injected anomaly, one per behaviour feature. */
export const ANOMALY_KINDS = [
  'new_tool',
  'new_key_set',
  'oversized_args',
  'odd_value',
  'burst',
  'rare_transition',
  'off_hours',
  'new_destination',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** The feature each kind should show as the top contributor. */
export const EXPECTED_FEATURE: Readonly<Record<AnomalyKind, readonly string[]>> = {
  new_tool: ['tool'],
  new_key_set: ['key_set'],
  oversized_args: ['argument_size', 'value_shape'],
  odd_value: ['value_shape'],
  burst: ['burst'],
  rare_transition: ['transition'],
  off_hours: ['hour'],
  new_destination: ['destination'],
};

export interface ToolCall {
  toolName: string;
  arguments: Record<string, unknown>;
}

/**
 * A persona: when an agent of this kind works, how its sessions run, which tools it chains, what
 * arguments it passes, and how each anomaly looks for it (a kind that makes no sense, such as
 * off-hours for a 24/7 crawler, is left out).
 */
export interface Persona {
  name: string;
  /** Expected sessions starting in a UTC hour; day 0 = Sunday. */
  sessions(day: number, hour: number): number;
  /** Mean calls per session (1 + Poisson(mean − 1)). */
  sessionCalls: number;
  /** Mean seconds between the calls of a session (exponential, at least 1 s). */
  gapSeconds: number;
  /** Tool transitions, '^' being the start of a session. Weights need not sum to 1. */
  chain: Readonly<Record<string, ReadonlyArray<readonly [string, number]>>>;
  /** Arguments of a normal call of `tool`. */
  args(tool: string, rng: Random): Record<string, unknown>;
  /** (day, hour) slots in which this persona never works, for off_hours. */
  offHours?: ReadonlyArray<readonly [number, number]>;
  /** Single-call anomalies; `i` numbers the injection so each can be fresh (a new domain each time). */
  anomalies: Partial<Record<'new_key_set' | 'oversized_args' | 'odd_value' | 'new_destination', (rng: Random, i: number) => ToolCall>>;
  /** Calls and seconds of an injected burst. */
  burst?: { calls: number; seconds: number };
}

const WORDS = (
  'account order invoice refund shipping delay login password reset error page report weekly monthly ' +
  'customer update status request billing plan upgrade cancel renewal export data access issue help ' +
  'question feature bug crash slow timeout network mobile app browser email address change payment card'
).split(' ');
export const FIRST_NAMES = ['anna', 'ben', 'carla', 'dev', 'elena', 'farid', 'grace', 'hugo', 'ines', 'jon', 'kim', 'lena', 'marco', 'nina', 'omar', 'paula', 'raj', 'sara', 'tom', 'yuki'];
export const LAST_NAMES = ['smith', 'garcia', 'mueller', 'rossi', 'tanaka', 'kowalski', 'dubois', 'silva', 'nguyen', 'patel', 'jensen', 'oconnor', 'novak', 'haddad'];
const ACCENTED = ['José', 'Zoë', 'Håkon', 'Renée', 'Łukasz', 'Søren'];

export function words(rng: Random, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(WORDS));
  return out.join(' ');
}

export function sentence(rng: Random): string {
  const s = words(rng, rng.int(5, 14));
  return s[0]!.toUpperCase() + s.slice(1) + rng.pick(['.', '.', '.', '?', '!']);
}

/** paragraph of about `chars` characters; now and then with a name with accents or digits. */
export function paragraph(rng: Random, chars: number): string {
  let s = rng.chance(0.05) ? `Hi ${rng.pick(ACCENTED)}, ` : `Hi ${rng.pick(FIRST_NAMES)}, `;
  while (s.length < chars) s += sentence(rng) + (rng.chance(0.1) ? `\n\n` : ' ') + (rng.chance(0.05) ? `Ref ${rng.digits(6)}. ` : '');
  return s + '\nBest regards, Support';
}

/** Tools no persona uses: each new_tool injection takes the next one (then invents more). */
export const FOREIGN_TOOLS: ReadonlyArray<(rng: Random) => ToolCall> = [
  () => ({ toolName: 'db_drop_table', arguments: { table: 'customers', cascade: true } }),
  () => ({ toolName: 'export_all_users', arguments: { format: 'csv', include_pii: true } }),
  () => ({ toolName: 'create_api_key', arguments: { scope: 'admin', expires_days: 3650 } }),
  () => ({ toolName: 'read_secret', arguments: { name: 'prod/db/password' } }),
  () => ({ toolName: 'disable_audit_log', arguments: { reason: 'maintenance' } }),
  () => ({ toolName: 'git_push', arguments: { remote: 'origin', branch: 'main', force: true } }),
  (rng) => ({ toolName: 'transfer_funds', arguments: { to_account: `DE${rng.digits(20)}`, amount: 9800 } }),
  (rng) => ({ toolName: 'run_python', arguments: { code: `import os; print(os.environ["${rng.word().toUpperCase()}"])` } }),
  () => ({ toolName: 'reset_password', arguments: { user: 'admin', notify: false } }),
  () => ({ toolName: 'grant_role', arguments: { user: 'agent', role: 'owner' } }),
];

/** foreignTool is the i-th never-seen tool. */
export function foreignTool(rng: Random, i: number): ToolCall {
  const make = FOREIGN_TOOLS[i % FOREIGN_TOOLS.length]!;
  const call = make(rng);
  return i < FOREIGN_TOOLS.length ? call : { ...call, toolName: `${call.toolName}_${rng.word()}` };
}

/** freshKey is the i-th new argument key: the names in turn, then numbered ones, so each injection is new. */
export function freshKey(names: readonly string[], i: number): string {
  return i < names.length ? names[i]! : `${names[i % names.length]!}_${Math.floor(i / names.length) + 1}`;
}

/** hours builds a sessions() function from a table of (days, from hour, to hour, sessions per hour). */
export function schedule(rows: ReadonlyArray<readonly [readonly number[], number, number, number]>): (day: number, hour: number) => number {
  const table = new Array<number>(168).fill(0);
  for (const [days, from, to, rate] of rows) for (const d of days) for (let h = from; h < to; h++) table[d * 24 + h] = rate;
  return (day, hour) => table[day * 24 + hour]!;
}

export const WEEKDAYS = [1, 2, 3, 4, 5] as const;
export const WEEKEND = [0, 6] as const;
export const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6] as const;
