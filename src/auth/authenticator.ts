import type { Db } from '../db/knex.js';
import { UnauthorizedError } from '../errors.js';
import type { AgentTokens } from './agent-tokens.js';
import type { TokenRevocations } from './token-revocations.js';
import type { CredentialCache } from './credential-cache.js';
import type { Role } from './roles.js';
import { looksLikeSecret } from './secrets.js';

/** Who is calling /api/v1: an org's API key, or an agent's JWT. */
export interface Principal {
  orgId: string;
  orgName: string;
  role: Role;
  /** API key id, or the agent token's jti. */
  credentialId: string;
  /** The API key's name, or the agent id of a token. */
  credentialName: string;
  kind: 'api_key' | 'agent_token';
  /** Set for agent tokens: the only agent_id this caller may act as. */
  agentId?: string;
  /** Set for API keys bound to a SCIM user: the person who acts (and decides) with this key. */
  user?: { id: string; userName: string };
}

/** Who is calling /scim/v2: a SCIM token of one org. */
export interface ScimPrincipal {
  orgId: string;
  orgName: string;
  tokenId: string;
  tokenName: string;
}

/**
 * Authenticator resolves credentials. A credential of the wrong kind for a realm (a SCIM token on
 * /api/v1, an API key on /scim/v2) is treated exactly like no credential.
 */
export class Authenticator {
  private readonly orgNames = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly cache: CredentialCache,
    private readonly tokens: AgentTokens,
    private readonly revocations: Pick<TokenRevocations, 'revoked'>,
  ) {}

  async authenticateApi(apiKey: string | undefined, agentToken: string | undefined): Promise<Principal> {
    if (apiKey !== undefined) {
      if (!looksLikeSecret(apiKey, 'api_key')) throw new UnauthorizedError('invalid API key');
      const c = await this.cache.lookup(apiKey);
      if (!c || c.kind !== 'api_key' || !c.role) throw new UnauthorizedError('invalid or revoked API key');
      return { orgId: c.orgId, orgName: c.orgName, role: c.role, credentialId: c.id, credentialName: c.name, kind: 'api_key', ...(c.user ? { user: c.user } : {}) };
    }
    if (agentToken !== undefined) {
      const claims = await this.tokens.verify(agentToken);
      const orgName = claims && (await this.orgName(claims.orgId));
      if (!claims || !orgName) throw new UnauthorizedError('invalid or expired agent token');
      if (await this.revocations.revoked(claims)) throw new UnauthorizedError('this agent token was revoked');
      return { orgId: claims.orgId, orgName, role: 'agent', credentialId: claims.tokenId, credentialName: claims.agentId, kind: 'agent_token', agentId: claims.agentId };
    }
    throw new UnauthorizedError('missing credentials: send X-AEGIS-API-Key or X-AEGIS-Agent-Token');
  }

  async authenticateScim(authorization: string | undefined): Promise<ScimPrincipal> {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const token = match?.[1];
    if (!token) throw new UnauthorizedError('missing credentials: send Authorization: Bearer scim_…');
    if (!looksLikeSecret(token, 'scim_token')) throw new UnauthorizedError('invalid SCIM token');
    const c = await this.cache.lookup(token);
    if (!c || c.kind !== 'scim_token') throw new UnauthorizedError('invalid or revoked SCIM token');
    return { orgId: c.orgId, orgName: c.orgName, tokenId: c.id, tokenName: c.name };
  }

  /** orgName resolves an org id from a token (orgs are never deleted, so names are cached for good). */
  private async orgName(orgId: string): Promise<string | undefined> {
    const cached = this.orgNames.get(orgId);
    if (cached) return cached;
    if (!/^[0-9a-f-]{36}$/i.test(orgId)) return undefined;
    const row = (await this.db('orgs').select('name').where({ id: orgId }).first()) as { name: string } | undefined;
    if (row) this.orgNames.set(orgId, row.name);
    return row?.name;
  }
}
