import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';

describe('migrations/', () => {
  it('lists every migration file in order, named by timestamp and verb phrase', () => {
    const files = fs
      .readdirSync(new URL('../../migrations/', import.meta.url))
      .filter((f) => f !== 'index.ts' && f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(MIGRATIONS.map(([name]) => name)).toEqual(files);
    for (const f of files) expect(f).toMatch(/^\d{14}_[a-z0-9_]+$/);
  });
});
