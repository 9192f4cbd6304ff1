import { createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningKeys {
  /** Signs checkpoints of the transparency log. */
  readonly logKey: KeyObject;
  /** Signs agent JWTs: derived from the same secret with HKDF, so one secret never signs two protocols. */
  readonly tokenKey: KeyObject;
  readonly tokenPublicKey: KeyObject;
}

export function ed25519FromSeed(seed: Buffer): KeyObject {
  if (seed.length !== 32) throw new Error(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function seedOf(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') throw new Error('the signing key must be an Ed25519 private key');
  return Buffer.from(jwk.d, 'base64url');
}

/** parseSigningKey accepts a PEM private key or base64/base64url of a 32-byte seed. */
export function parseSigningKey(value: string): KeyObject {
  if (value.includes('-----BEGIN')) {
    const key = createPrivateKey(value);
    seedOf(key);
    return key;
  }
  const raw = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  return ed25519FromSeed(raw);
}

/**
 * loadSigningKeys returns the gateway's Ed25519 keys: from AEGIS_SIGNING_KEY, else from
 * <dataDir>/signing-key.pem, generated there (0600) on first use. Replicas must share one key, so
 * production sets AEGIS_SIGNING_KEY.
 */
export function loadSigningKeys(configured: string | undefined, dataDir: string): SigningKeys {
  let logKey: KeyObject;
  if (configured) {
    try {
      logKey = parseSigningKey(configured);
    } catch (err) {
      throw new Error(`AEGIS_SIGNING_KEY is not an Ed25519 private key (PEM or base64 32-byte seed): ${(err as Error).message}`);
    }
  } else {
    const file = path.join(dataDir, 'signing-key.pem');
    if (fs.existsSync(file)) {
      logKey = parseSigningKey(fs.readFileSync(file, 'utf8'));
    } else {
      fs.mkdirSync(dataDir, { recursive: true });
      logKey = generateKeyPairSync('ed25519').privateKey;
      const pem = logKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      try {
        fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        logKey = parseSigningKey(fs.readFileSync(file, 'utf8'));
      }
    }
  }
  const tokenSeed = Buffer.from(hkdfSync('sha256', seedOf(logKey), 'aegis', 'aegis agent-token signing key v1', 32));
  const tokenKey = ed25519FromSeed(tokenSeed);
  return Object.freeze({ logKey, tokenKey, tokenPublicKey: createPublicKey(tokenKey) });
}
