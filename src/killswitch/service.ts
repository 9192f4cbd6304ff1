import { escapeLike } from '../audit/audit.js';
import type { ReviewService } from '../checks/review.js';
import type { Db } from '../db/knex.js';
import { NotifiedCache } from '../db/notified-cache.js';
import type { PgListener } from '../db/notifications.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { toolKey } from '../util/tool-key.js';
import { KILL_SWITCH_CHANNEL, activeKillSwitches, engageKillSwitch, releaseKillSwitch, toolMatches, type KillSwitch, type KillSwitchScope, type Writer } from './store.js';

const globToLike = (glob: string): string => glob.split('*').map(escapeLike).join('%');

/**
 * KillSwitchService engages and releases kill switches. Engaged switches are cached per org and
 * invalidated through NOTIFY, so the next check on every replica is blocked; checks still pending
 * when a switch is engaged are resolved as block through their workflows (decided_by "kill-switch").
 */
export class KillSwitchService {
  private readonly cache: NotifiedCache<KillSwitch[]>;
  /** Recent block times per org/agent, for automatic engagement. */
  private readonly blocked = new Map<string, number[]>();

  constructor(
    private readonly db: Db,
    listener: PgListener,
    private readonly reviews: ReviewService,
    private readonly log: Logger,
  ) {
    this.cache = new NotifiedCache(listener, KILL_SWITCH_CHANNEL, (orgId) => activeKillSwitches(db, orgId));
  }

  active(orgId: string): Promise<KillSwitch[]> {
    return this.cache.get(orgId);
  }

  async engage(w: Writer, input: { scope: KillSwitchScope; target: string | null; reason: string }): Promise<{ killSwitch: KillSwitch; resolved: number; unresolved: number }> {
    const killSwitch = await engageKillSwitch(this.db, w, input);
    this.cache.invalidate(w.orgId);
    const { resolved, unresolved } = await this.resolvePending(killSwitch);
    return { killSwitch, resolved, unresolved };
  }

  async release(w: Writer, id: string): Promise<KillSwitch> {
    const released = await releaseKillSwitch(this.db, w, id);
    this.cache.invalidate(w.orgId);
    return released;
  }

  /**
   * noteBlocked counts a blocked check of an agent; once `blocked_calls` fall within `window_seconds`
   * (as seen by this replica), an agent kill switch is engaged automatically (actor system:auto-kill),
   * for that agent id only: never for an id holding the glob wildcard `*`.
   */
  noteBlocked(orgId: string, agentId: string, rule: { blocked_calls: number; window_seconds: number }): void {
    // A kill switch's target is a glob: engaged for the agent id `*` (or `billing*`) it would stop every
    // agent it matches, which no caller of the check API may decide. Such an id is still blocked call by call.
    if (agentId.includes('*')) return;
    const key = `${orgId}\u0000${agentId}`;
    const now = Date.now();
    const times = (this.blocked.get(key) ?? []).filter((t) => now - t < rule.window_seconds * 1000);
    times.push(now);
    this.blocked.set(key, times);
    if (times.length < rule.blocked_calls) return;
    this.blocked.delete(key);
    void (async () => {
      const active = await this.active(orgId);
      if (active.some((s) => s.scope === 'org' || (s.scope === 'agent' && s.target === agentId))) return;
      await this.engage(
        { orgId, actor: { id: 'system:auto-kill', name: 'automatic kill switch' } },
        { scope: 'agent', target: agentId, reason: `${times.length} blocked calls within ${rule.window_seconds} s` },
      );
    })().catch((err: Error) => this.log.error({ org_id: orgId, agent_id: agentId, err: err.message }, 'automatic kill switch failed'));
  }

  /** resolvePending blocks every pending check the switch covers, through each check's workflow. */
  async resolvePending(s: KillSwitch): Promise<{ resolved: number; unresolved: number }> {
    const q = this.db('checks').select('id', 'tool_name').where({ org_id: s.org_id, status: 'pending' });
    if (s.scope === 'agent' && s.target) q.andWhereRaw("agent_id like ? escape '\\'", [globToLike(s.target)]);
    // Tool names compared as matchKillSwitch compares them (toolKey, toolMatches), here rather than in SQL:
    // an org's pending checks are few, and the comparison folds Unicode that SQL would have to copy.
    const rows = (await q) as Array<{ id: string; tool_name: string }>;
    const ids = (s.scope === 'tool' && s.target ? rows.filter((r) => toolMatches(s.target!, toolKey(r.tool_name))) : rows).map((r) => r.id);
    let resolved = 0;
    let unresolved = 0;
    const queue = [...ids];
    await Promise.all(
      Array.from({ length: Math.min(8, queue.length) }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          try {
            await this.reviews.deliver({ orgId: s.org_id }, id, { decision: 'block', decided_by: 'kill-switch', reason: `kill switch ${s.id} (${s.scope}${s.target ? ` ${s.target}` : ''}): ${s.reason}`, credential: s.engaged_by });
            resolved++;
          } catch (err) {
            // Someone decided it first: nothing left to resolve.
            if (err instanceof AppError && err.code === 'CONFLICT') continue;
            unresolved++;
            this.log.warn({ check_id: id, kill_switch: s.id, err: (err as Error).message }, 'could not resolve a pending check for a kill switch');
          }
        }
      }),
    );
    return { resolved, unresolved };
  }
}
