import fs from 'node:fs';
import path from 'node:path';
import { createCredential } from '../auth/credentials.js';
import type { Db } from '../db/knex.js';
import type { Logger } from '../log.js';
import { ensureOrg } from './orgs.js';

export const DEFAULT_ORG = 'default';

export interface BootstrapOptions {
  apiKey: string | undefined;
  scimToken: string | undefined;
  dataDir: string;
}

/**
 * bootstrap prepares a first start. With AEGIS_BOOTSTRAP_API_KEY / _SCIM_TOKEN it ensures org
 * `default` and those credentials exist (idempotent: a revoked bootstrap key stays revoked). Without
 * them, a database with no org at all gets org `default` and a generated admin key, written to
 * <dataDir>/bootstrap-admin-key (0600). Replicas starting together serialise on an advisory lock.
 */
export async function bootstrap(db: Db, opts: BootstrapOptions, log: Logger): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['aegis:bootstrap']);
    if (opts.apiKey || opts.scimToken) {
      const org = await ensureOrg(trx, DEFAULT_ORG);
      if (opts.apiKey) {
        const { created } = await createCredential(trx, { orgId: org.id, kind: 'api_key', name: 'bootstrap', role: 'admin', secret: opts.apiKey });
        if (created) log.info({ org: org.name }, 'created the bootstrap admin key from AEGIS_BOOTSTRAP_API_KEY');
      }
      if (opts.scimToken) {
        const { created } = await createCredential(trx, { orgId: org.id, kind: 'scim_token', name: 'bootstrap', secret: opts.scimToken });
        if (created) log.info({ org: org.name }, 'created the bootstrap SCIM token from AEGIS_BOOTSTRAP_SCIM_TOKEN');
      }
      return;
    }
    const anyOrg = await trx('orgs').first('id');
    if (anyOrg) return;
    const org = await ensureOrg(trx, DEFAULT_ORG);
    const { secret } = await createCredential(trx, { orgId: org.id, kind: 'api_key', name: 'bootstrap', role: 'admin' });
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const file = path.join(opts.dataDir, 'bootstrap-admin-key');
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    log.info({ file }, 'first start: created org "default" and an admin API key; the key is in this file (read it, then keep it safe)');
  });
}
