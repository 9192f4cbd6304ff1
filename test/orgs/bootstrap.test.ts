import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, startTestGateway } from '../helpers/gateway.js';

describe('bootstrap from AEGIS_BOOTSTRAP_API_KEY / AEGIS_BOOTSTRAP_SCIM_TOKEN', () => {
  it('creates org default with that admin key and SCIM token, idempotently', async () => {
    const env = {
      AEGIS_BOOTSTRAP_API_KEY: `aeg_${randomBytes(32).toString('base64url')}`,
      AEGIS_BOOTSTRAP_SCIM_TOKEN: `scim_${randomBytes(32).toString('base64url')}`,
    };
    for (let start = 0; start < 2; start++) {
      const gw = await startTestGateway(env, { bootstrap: true, worker: false });
      try {
        const me = await call(gw.url, 'GET', '/api/v1/me', { key: env.AEGIS_BOOTSTRAP_API_KEY });
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({ org_name: 'default', role: 'admin' });
        const { rows } = await gw.db.raw('select count(*)::int as n from credentials where org_id = ? and name = ?', [me.body.org_id, 'bootstrap']);
        expect(rows[0].n).toBeGreaterThanOrEqual(2);
        const scim = await call(gw.url, 'GET', '/scim/v2/Nothing', { scimToken: env.AEGIS_BOOTSTRAP_SCIM_TOKEN });
        expect(scim.status).toBe(404); // authenticated; no such resource
      } finally {
        await gw.shutdown();
      }
    }
  });

  it('never resurrects a revoked bootstrap key', async () => {
    const env = { AEGIS_BOOTSTRAP_API_KEY: `aeg_${randomBytes(32).toString('base64url')}` };
    const first = await startTestGateway(env, { bootstrap: true, worker: false });
    const list = await call(first.url, 'GET', '/api/v1/api-keys?limit=1000', { key: env.AEGIS_BOOTSTRAP_API_KEY });
    const id = list.body.data.find((k: { prefix: string }) => env.AEGIS_BOOTSTRAP_API_KEY.startsWith(k.prefix)).id;
    // Revoke it with another admin key of the org, then restart with the same environment.
    expect((await call(first.url, 'DELETE', `/api/v1/api-keys/${id}`, { key: env.AEGIS_BOOTSTRAP_API_KEY })).status).toBe(204);
    await first.shutdown();
    const second = await startTestGateway(env, { bootstrap: true, worker: false });
    try {
      expect((await call(second.url, 'GET', '/api/v1/me', { key: env.AEGIS_BOOTSTRAP_API_KEY })).status).toBe(401);
    } finally {
      await second.shutdown();
    }
  });
});
