import { hash, randomBytes } from 'node:crypto';

export type SecretKind = 'api_key' | 'scim_token';

const PREFIX: Record<SecretKind, string> = { api_key: 'aeg_', scim_token: 'scim_' };

/** generateSecret returns a new credential: the kind's prefix and 32 random bytes, base64url. */
export function generateSecret(kind: SecretKind): string {
  return `${PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
}

/** kindOfSecret tells an API key from a SCIM token by its prefix. */
export function kindOfSecret(secret: string): SecretKind | undefined {
  if (secret.startsWith(PREFIX.api_key)) return 'api_key';
  if (secret.startsWith(PREFIX.scim_token)) return 'scim_token';
  return undefined;
}

/**
 * hashSecret is what is stored and looked up: SHA-256 of the whole secret. The secrets are 256-bit
 * random, so a fast hash is right (no password stretching needed), and lookup by hash compares no
 * secret bytes in JavaScript at all.
 */
export function hashSecret(secret: string): Buffer {
  // The one-shot hash: no Hash object per request (~3× cheaper than createHash().update().digest()).
  return hash('sha256', secret, 'buffer');
}

/** displayPrefix is the part of a secret shown in lists and used by `aegis keys revoke <prefix>`. */
export function displayPrefix(secret: string): string {
  const kind = kindOfSecret(secret);
  const head = kind ? PREFIX[kind].length : 0;
  return secret.slice(0, head + 8);
}

/** looksLikeSecret bounds what is hashed at all: well-formed, not megabytes of header. */
export function looksLikeSecret(value: string, kind: SecretKind): boolean {
  return value.length <= 256 && value.startsWith(PREFIX[kind]) && /^[A-Za-z0-9_-]+$/.test(value);
}
