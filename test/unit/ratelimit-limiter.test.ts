import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { RateLimiter } from '../../src/ratelimit/limiter.js';

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

describe('RateLimiter (in memory)', () => {
  it('rejects the call over the limit with the time until its window ends', async () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 5; i++) await limiter.consume('checks_per_minute_per_agent', 'org:a', 5, 'agent "a"');
    const err = await rejection(limiter.consume('checks_per_minute_per_agent', 'org:a', 5, 'agent "a"'));
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.details).toMatchObject({ rate_limit: 'checks_per_minute_per_agent', limit: 5 });
    expect(err.details.retry_after_seconds).toBeGreaterThanOrEqual(59);
    expect(err.details.retry_after_seconds).toBeLessThanOrEqual(60);
    await limiter.consume('checks_per_minute_per_agent', 'org:b', 5, 'agent "b"');
  });

  it('counts points, and starts a new window when the limit changes', async () => {
    const limiter = new RateLimiter();
    await limiter.consume('traces_per_second_per_org', 'org', 10, 'the org', 8);
    await expect(limiter.consume('traces_per_second_per_org', 'org', 10, 'the org', 3)).rejects.toThrow(/over the rate limit traces_per_second_per_org/);
    await limiter.consume('traces_per_second_per_org', 'org', 20, 'the org', 3);
  });

  it('refuses at once a request larger than the whole limit', async () => {
    const err = await rejection(new RateLimiter().consume('traces_per_second_per_org', 'org', 10, 'the org', 11));
    expect(err.message).toMatch(/11 at once is more than traces_per_second_per_org allows \(10 per 1 s\)/);
    expect(err.code).toBe('PAYLOAD_TOO_LARGE');
    expect(err.details.retry_after_seconds).toBeUndefined();
  });
});
