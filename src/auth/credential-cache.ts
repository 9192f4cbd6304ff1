import type { Db } from '../db/knex.js';
import type { PgListener } from '../db/notifications.js';
import type { Logger } from '../log.js';
import { findCredentialByHash, touchCredentials, type CredentialIdentity } from './credentials.js';
import { hashSecret } from './secrets.js';

export const CREDENTIALS_CHANNEL = 'aegis_credentials';

interface Entry {
  identity: CredentialIdentity;
  expires: number;
}

/**
 * CredentialCache answers "whose secret is this?" from memory after the first lookup, so the hot
 * path does no database round trip for auth. Revocations reach it through NOTIFY (the credentials
 * table's trigger) within milliseconds on every replica; while the LISTEN connection is down it
 * asks the database every time, and only if the database cannot answer either does it fall back to
 * what it knew (no key can be revoked while the database is down). `last_used_at` is written in
 * batches every few seconds.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped on every invalidation, so a lookup that raced with a revocation is not cached. */
  private generation = 0;
  /** Credential id → when it was last used (ms), since the last flush. */
  private readonly used = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly listener: PgListener,
    private readonly log: Logger,
    private readonly opts: { ttlMs: number; maxEntries: number; flushMs: number } = { ttlMs: 60_000, maxEntries: 50_000, flushMs: 5_000 },
  ) {
    listener.on(CREDENTIALS_CHANNEL, (id) => this.invalidate(id));
    listener.onDisconnect(() => this.clear());
  }

  start(): void {
    this.flushTimer = setInterval(() => void this.flushUsage(), this.opts.flushMs);
    this.flushTimer.unref();
  }

  /** lookup returns the live credential for a secret, or undefined (unknown or revoked). */
  async lookup(secret: string): Promise<CredentialIdentity | undefined> {
    const key = hashSecret(secret);
    const cacheKey = key.toString('base64');
    const now = Date.now();
    const hit = this.entries.get(cacheKey);
    let identity: CredentialIdentity | undefined;
    if (hit && hit.expires > now && this.listener.connected) {
      identity = hit.identity;
    } else {
      const generation = this.generation;
      try {
        identity = await findCredentialByHash(this.db, key);
      } catch (err) {
        if (this.listener.connected || !hit) throw err;
        identity = hit.identity;
      }
      if (identity && this.listener.connected && generation === this.generation) {
        if (this.entries.size >= this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(cacheKey, { identity, expires: now + this.opts.ttlMs });
      }
    }
    if (!identity || identity.revoked) return undefined;
    this.used.set(identity.id, Date.now());
    return identity;
  }

  private invalidate(id: string): void {
    this.generation++;
    for (const [k, e] of this.entries) if (e.identity.id === id) this.entries.delete(k);
  }

  /** clear forgets nothing: entries stay as a fallback for a database outage, but are re-checked. */
  private clear(): void {
    this.generation++;
    for (const e of this.entries.values()) e.expires = 0;
  }

  /** flushUsage writes last_used_at for credentials used since the last flush. */
  async flushUsage(): Promise<void> {
    if (this.used.size === 0) return;
    const uses = [...this.used];
    this.used.clear();
    try {
      await touchCredentials(this.db, uses);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not record credential use');
    }
  }

  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.flushUsage();
  }
}
