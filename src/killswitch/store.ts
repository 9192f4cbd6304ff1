import { toolKey, toolKeyGlobs } from '../util/tool-key.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import type { Page } from '../auth/credentials.js';
import type { Db } from '../db/knex.js';
import { NotFoundError } from '../errors.js';
import { globMatcher } from '../util/glob.js';

export type KillSwitchScope = 'org' | 'agent' | 'tool';

export interface KillSwitch {
  id: string;
  org_id: string;
  scope: KillSwitchScope;
  /** Agent id or tool name (globs with `*` allowed); null for the whole org. */
  target: string | null;
  reason: string;
  engaged_by: string;
  created_at: Date;
  released_at: Date | null;
  released_by: string | null;
}

export const KILL_SWITCH_CHANNEL = 'aegis_kill_switches';
const COLUMNS = ['id', 'org_id', 'scope', 'target', 'reason', 'engaged_by', 'created_at', 'released_at', 'released_by'];

export async function activeKillSwitches(db: Db, orgId: string): Promise<KillSwitch[]> {
  return (await db('kill_switches').select(COLUMNS).where({ org_id: orgId }).whereNull('released_at').orderBy('created_at')) as KillSwitch[];
}

/** listKillSwitches pages an org's switches, newest first: `active` true the engaged ones, false the released ones, undefined all. */
export async function listKillSwitches(db: Db, orgId: string, active: boolean | undefined, limit: number, offset: number): Promise<Page<KillSwitch>> {
  const q = db('kill_switches').where({ org_id: orgId });
  if (active === true) q.whereNull('released_at');
  if (active === false) q.whereNotNull('released_at');
  const [rows, counts] = await Promise.all([
    q.clone().select(COLUMNS).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit).offset(offset),
    q.clone().count<{ total: number }[]>({ total: '*' }),
  ]);
  return { data: rows as KillSwitch[], limit, offset, total: Number(counts[0]?.total ?? 0) };
}

export interface Writer {
  orgId: string;
  actor: Actor;
  requestId?: string;
}

/** engageKillSwitch records an engaged switch and its audit entry in one transaction. */
export async function engageKillSwitch(db: Db, w: Writer, s: { scope: KillSwitchScope; target: string | null; reason: string }): Promise<KillSwitch> {
  return db.transaction(async (trx) => {
    const [row] = (await trx('kill_switches')
      .insert({ org_id: w.orgId, scope: s.scope, target: s.scope === 'org' ? null : s.target, reason: s.reason, engaged_by: w.actor.name ? `${w.actor.id} (${w.actor.name})` : w.actor.id })
      .returning(COLUMNS)) as KillSwitch[];
    await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: 'kill_switch.engage', resourceType: 'kill_switch', resourceId: row!.id, before: null, after: presentKillSwitch(row!), requestId: w.requestId });
    return row!;
  });
}

/** releaseKillSwitch releases an engaged switch (idempotent) and audits it. */
export async function releaseKillSwitch(db: Db, w: Writer, id: string): Promise<KillSwitch> {
  return db.transaction(async (trx) => {
    const before = (await trx('kill_switches').select(COLUMNS).where({ id, org_id: w.orgId }).forUpdate().first()) as KillSwitch | undefined;
    if (!before) throw new NotFoundError(`no kill switch ${id}`);
    if (before.released_at) return before;
    const [row] = (await trx('kill_switches')
      .where({ id, org_id: w.orgId })
      .update({ released_at: trx.fn.now(), released_by: w.actor.name ? `${w.actor.id} (${w.actor.name})` : w.actor.id })
      .returning(COLUMNS)) as KillSwitch[];
    await recordAudit(trx, { orgId: w.orgId, actor: w.actor, action: 'kill_switch.release', resourceType: 'kill_switch', resourceId: id, before: presentKillSwitch(before), after: presentKillSwitch(row!), requestId: w.requestId });
    return row!;
  });
}

const matches = (pattern: string, value: string): boolean => globMatcher([pattern])!(value);

/**
 * matchKillSwitch returns the engaged switch that stops this call (org, then agent, then tool), if
 * any. `tools` are the names the call goes by: its tool name, and for a proxied call the upstream it
 * is sent to (the agent picks the label, the admin the upstream).
 */
export function matchKillSwitch(switches: readonly KillSwitch[], agentId: string, ...tools: string[]): KillSwitch | undefined {
  const whole = switches.find((s) => s.scope === 'org') ?? switches.find((s) => s.scope === 'agent' && s.target !== null && matches(s.target, agentId));
  if (whole || !switches.some((s) => s.scope === 'tool')) return whole;
  const keys = tools.map(toolKey);
  return switches.find((s) => s.scope === 'tool' && s.target !== null && keys.some((k) => toolMatches(s.target!, k)));
}

/** toolMatches: a tool kill switch's target (a name or glob) stops the tool of that key, also under a namespace (toolKeyGlobs). */
export function toolMatches(target: string, key: string): boolean {
  return globMatcher(toolKeyGlobs([target]))!(key);
}

export function presentKillSwitch(s: KillSwitch) {
  return {
    id: s.id,
    scope: s.scope,
    target: s.target,
    reason: s.reason,
    engaged_by: s.engaged_by,
    active: s.released_at === null,
    created_at: s.created_at.toISOString(),
    released_at: s.released_at?.toISOString() ?? null,
    released_by: s.released_by,
  };
}
