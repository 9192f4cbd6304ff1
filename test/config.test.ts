import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig()', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.temporal).toMatchObject({ address: undefined, namespace: 'default', devPort: 7233 });
    expect(c.dataDir).toMatch(/\.aegis$/);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ AEGIS_TEMPORAL_DEV_PORT: '65000' }, /AEGIS_TEMPORAL_DEV_PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ AEGIS_BOOTSTRAP_API_KEY: 'short' }, /AEGIS_BOOTSTRAP_API_KEY/],
    [{ AEGIS_BOOTSTRAP_SCIM_TOKEN: 'aeg_' + 'a'.repeat(40) }, /AEGIS_BOOTSTRAP_SCIM_TOKEN/],
  ])('rejects %o naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: ' ' })).toMatchObject({ databaseUrl: undefined, temporal: { address: undefined } });
  });
});
