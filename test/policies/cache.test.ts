import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/knex.js';
import { PgListener } from '../../src/db/notifications.js';
import { createLogger } from '../../src/log.js';
import { createOrg } from '../../src/orgs/orgs.js';
import { PolicyCache } from '../../src/policies/cache.js';
import { createPolicy, replacePolicy, type PolicyInput } from '../../src/policies/store.js';
import { testDatabaseUrl } from '../helpers/database.js';

let db: Db;
let listener: PgListener;
let cache: PolicyCache;
let orgId: string;
const actor = { id: 'system:test' };

beforeAll(async () => {
  const url = await testDatabaseUrl();
  db = createDb(url, 2);
  listener = new PgListener(url, createLogger('silent'));
  await listener.start();
  cache = new PolicyCache(db, listener, createLogger('silent'));
  orgId = (await createOrg(db, `cache-${randomUUID()}`)).id;
});
afterAll(async () => {
  await listener?.stop();
  await db?.destroy();
});

const policy = (id: string, max: number): PolicyInput => ({
  id, name: id, description: '', risk_level: 'HIGH', enabled: true, mode: 'enforce',
  policy_schema: { properties: { arguments: { properties: { amount: { type: 'number', maximum: max } } } } },
});

describe('PolicyCache', () => {
  it('compiles an org policy once per version: a write recompiles only what it changed', async () => {
    await createPolicy(db, { orgId, actor }, policy('limit-a', 10));
    const first = (await cache.forOrg(orgId)).find((p) => p.def.id === 'limit-a');
    expect(first?.def.version).toBe(1);

    await createPolicy(db, { orgId, actor }, policy('limit-b', 20));
    cache.invalidate(orgId);
    const second = await cache.forOrg(orgId);
    // The same compiled object: limit-a was not compiled again for limit-b's sake.
    expect(second.find((p) => p.def.id === 'limit-a')).toBe(first);
    expect(second.find((p) => p.def.id === 'limit-b')?.validate({ arguments: { amount: 25 } })).toBe(false);

    await replacePolicy(db, { orgId, actor }, policy('limit-a', 100));
    cache.invalidate(orgId);
    const third = (await cache.forOrg(orgId)).find((p) => p.def.id === 'limit-a');
    expect(third).not.toBe(first);
    expect(third?.def.version).toBe(2);
    expect(third?.validate({ arguments: { amount: 50 } })).toBe(true);
    expect(first?.validate({ arguments: { amount: 50 } })).toBe(false);
  });
});
