import type { CredentialRow } from './credentials.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** presentApiKey lists the fields an API key exposes (never its hash). */
export function presentApiKey(row: CredentialRow) {
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    role: row.role,
    user_id: row.user_id,
    created_at: iso(row.created_at),
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
  };
}

export function presentScimToken(row: CredentialRow) {
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    created_at: iso(row.created_at),
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
  };
}
