import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/knex.js';

/** signWebhook returns the X-AEGIS-Signature value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`. */
export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** webhookSecret returns the org's reviewer-webhook signing secret, creating it on first use. */
export async function webhookSecret(db: Db, orgId: string, rotate = false): Promise<string> {
  const fresh = `whsec_${randomBytes(32).toString('base64url')}`;
  const [row] = (await db('orgs')
    .where({ id: orgId })
    .update({ webhook_secret: rotate ? fresh : db.raw('coalesce(webhook_secret, ?)', [fresh]) })
    .returning(['webhook_secret'])) as Array<{ webhook_secret: string }>;
  if (!row) throw new Error(`no org ${orgId}`);
  return row.webhook_secret;
}
