import os from 'node:os';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/database.js';

// The run's database is the embedded server unless DATABASE_URL names another.
describe.skipIf(Boolean(process.env.DATABASE_URL))('embedded PostgreSQL', () => {
  it('is sized for writes: shared_buffers an eighth of memory (128 MB–1 GB), max_wal_size 4 GB', async () => {
    const client = new pg.Client({ connectionString: await testDatabaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ buffers: string; wal: string }>(
        `select pg_size_bytes(current_setting('shared_buffers')) as buffers, current_setting('max_wal_size') as wal`,
      );
      const buffers = Number(rows[0]?.buffers);
      expect(buffers).toBeGreaterThanOrEqual(128 * 2 ** 20);
      expect(buffers).toBeLessThanOrEqual(2 ** 30);
      const limit = process.constrainedMemory();
      if (os.totalmem() >= 8 * 2 ** 30 && !(limit > 0 && limit < 8 * 2 ** 30)) expect(buffers).toBe(2 ** 30);
      expect(rows[0]?.wal).toBe('4GB');
    } finally {
      await client.end();
    }
  });
});
