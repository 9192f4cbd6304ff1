import type { Db } from '../db/knex.js';
import { NotifiedCache } from '../db/notified-cache.js';
import type { PgListener } from '../db/notifications.js';
import type { Logger } from '../log.js';
import { createAjv } from './ajv.js';
import { PLATFORM_DEFAULTS } from './defaults.js';
import { compilePolicy } from './engine.js';
import { listOrgPolicies } from './store.js';
import type { CompiledPolicy } from './types.js';

export const POLICIES_CHANNEL = 'aegis_policies';

/**
 * PolicyCache holds each org's effective policies compiled: the platform defaults (compiled once per
 * process) with the org's overrides in their place, then the org's own. A policy write anywhere
 * notifies `aegis_policies`, so the next check on every replica uses the new set; checks never read
 * policies from the database otherwise.
 *
 * Each org policy is compiled once per version, in an AJV instance of its own: a reload (any policy
 * write, or every second while notifications are down) compiles only what changed, and two policies
 * cannot collide on a schema `$id` (in one shared instance the second failed to compile and went
 * unenforced).
 */
export class PolicyCache {
  private readonly platform: CompiledPolicy[];
  private readonly cache: NotifiedCache<readonly CompiledPolicy[]>;
  /** Compiled org policies by org, then policy id; each entry is for the version it holds. */
  private readonly compiled = new Map<string, Map<string, CompiledPolicy>>();

  constructor(
    private readonly db: Db,
    listener: PgListener,
    private readonly log: Logger,
  ) {
    const ajv = createAjv();
    this.platform = PLATFORM_DEFAULTS.map((def) => compilePolicy(ajv, def));
    this.cache = new NotifiedCache(listener, POLICIES_CHANNEL, (orgId) => this.load(orgId));
  }

  forOrg(orgId: string): Promise<readonly CompiledPolicy[]> {
    return this.cache.get(orgId);
  }

  invalidate(orgId: string): void {
    this.cache.invalidate(orgId);
  }

  private async load(orgId: string): Promise<readonly CompiledPolicy[]> {
    const defs = await listOrgPolicies(this.db, orgId);
    const before = this.compiled.get(orgId);
    const own = new Map<string, CompiledPolicy>();
    for (const def of defs) {
      const prev = before?.get(def.id);
      if (prev && prev.def.version === def.version && prev.def.updated_at?.getTime() === def.updated_at?.getTime()) {
        own.set(def.id, prev);
        continue;
      }
      try {
        own.set(def.id, compilePolicy(createAjv(), def));
      } catch (err) {
        // Stored schemas were compiled when saved; this only happens across an engine upgrade.
        this.log.error({ org_id: orgId, policy: def.id, err: (err as Error).message }, 'a stored policy no longer compiles; it is skipped');
      }
    }
    this.compiled.set(orgId, own);
    const effective = this.platform.map((p) => own.get(p.def.id) ?? p);
    for (const [id, p] of own) if (!this.platform.some((d) => d.def.id === id)) effective.push(p);
    return effective;
  }
}
