import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

const ISSUER = 'aegis-gateway';
const AUDIENCE = 'aegis-api';

export interface AgentTokenClaims {
  agentId: string;
  orgId: string;
  tokenId: string;
  expiresAt: Date;
  /** When it was minted, in milliseconds since the epoch (`iat_ms`; `iat`, whole seconds, for tokens without one). */
  issuedAtMs: number;
}

/**
 * AgentTokens mints and verifies agent JWTs: EdDSA (Ed25519), `sub` = agent id, `org` = org id,
 * `exp`, `jti`. The gateway is both issuer and audience; nothing but EdDSA is accepted.
 */
export class AgentTokens {
  constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
  ) {}

  async mint(orgId: string, agentId: string, ttlSeconds: number): Promise<{ token: string; claims: AgentTokenClaims }> {
    const nowMs = Date.now();
    const now = Math.floor(nowMs / 1000);
    const tokenId = randomUUID();
    // iat_ms: a revocation of every token of an agent minted before an instant must not depend on a whole second.
    const token = await new SignJWT({ org: orgId, iat_ms: nowMs })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setSubject(agentId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(tokenId)
      .sign(this.privateKey);
    return { token, claims: { agentId, orgId, tokenId, expiresAt: new Date((now + ttlSeconds) * 1000), issuedAtMs: nowMs } };
  }

  /** verify returns the claims of a valid, unexpired token, or undefined (never throws on bad input). */
  async verify(token: string): Promise<AgentTokenClaims | undefined> {
    if (token.length > 4096) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE, clockTolerance: 5 });
      const { sub, org, jti, exp, iat } = payload;
      if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) return undefined;
      if (typeof org !== 'string' || typeof jti !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') return undefined;
      const issuedAtMs = typeof payload.iat_ms === 'number' && Number.isFinite(payload.iat_ms) ? payload.iat_ms : iat * 1000;
      return { agentId: sub, orgId: org, tokenId: jti, expiresAt: new Date(exp * 1000), issuedAtMs };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return undefined;
      throw err;
    }
  }
}
