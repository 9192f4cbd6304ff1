import type { Db } from '../db/knex.js';
import { NotifiedCache } from '../db/notified-cache.js';
import type { PgListener } from '../db/notifications.js';
import type { AgentTokenClaims } from './agent-tokens.js';

export const AGENT_TOKEN_REVOCATIONS_CHANNEL = 'aegis_agent_token_revocations';

interface OrgRevocations {
  tokens: Set<string>;
  /** Per agent: tokens issued before this instant (milliseconds) are revoked. */
  issuedBefore: Map<string, number>;
}

/**
 * TokenRevocations answers whether an agent token was revoked, from memory: each org's revocations
 * are loaded once and reloaded when any replica revokes (LISTEN/NOTIFY), so a revoked token is
 * refused on every replica from its next request on.
 */
export class TokenRevocations {
  private readonly cache: NotifiedCache<OrgRevocations>;

  constructor(
    private readonly db: Db,
    listener: PgListener,
  ) {
    this.cache = new NotifiedCache(listener, AGENT_TOKEN_REVOCATIONS_CHANNEL, (orgId) => this.load(orgId));
  }

  private async load(orgId: string): Promise<OrgRevocations> {
    const rows = (await this.db('agent_token_revocations').select('agent_id', 'token_id', 'revoked_at').where({ org_id: orgId })) as Array<{ agent_id: string; token_id: string | null; revoked_at: Date }>;
    const out: OrgRevocations = { tokens: new Set(), issuedBefore: new Map() };
    for (const r of rows) {
      if (r.token_id) out.tokens.add(r.token_id);
      else {
        const at = r.revoked_at.getTime();
        out.issuedBefore.set(r.agent_id, Math.max(out.issuedBefore.get(r.agent_id) ?? 0, at));
      }
    }
    return out;
  }

  async revoked(claims: AgentTokenClaims): Promise<boolean> {
    const r = await this.cache.get(claims.orgId);
    if (r.tokens.has(claims.tokenId)) return true;
    const before = r.issuedBefore.get(claims.agentId);
    return before !== undefined && claims.issuedAtMs < before;
  }

  /** changed drops this replica's copy at once (the others hear the notification). */
  changed(orgId: string): void {
    this.cache.invalidate(orgId);
  }
}
