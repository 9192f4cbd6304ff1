import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract, type RateLimiterStoreAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RateLimitSettings } from '../orgs/settings.js';

export type LimitName = keyof RateLimitSettings;

/** The window each limit counts over. */
export const WINDOW_SECONDS: Readonly<Record<LimitName, number>> = Object.freeze({
  checks_per_minute_per_agent: 60,
  checks_per_second_per_org: 1,
  traces_per_second_per_org: 1,
});

/**
 * RateLimiter counts requests in fixed windows with rate-limiter-flexible: in this process's memory,
 * or in Redis (shared by every replica) when one is given. Each distinct limit value gets a
 * limiter of its own (a changed limit starts a new window). When Redis cannot be reached, each
 * replica counts in its own memory until it can again (the limits then hold per replica).
 */
export class RateLimiter {
  private readonly limiters = new Map<string, RateLimiterAbstract | RateLimiterStoreAbstract>();

  constructor(private readonly redis?: Redis) {}

  /**
   * consume takes `points` from `key`'s window of the limit `name` (at most `limit` per window);
   * over it → 429 RATE_LIMITED with retry_after_seconds until the window ends. `subject` names
   * who is limited in the message ("agent \"bot\"", "the org").
   */
  async consume(name: LimitName, key: string, limit: number, subject: string, points = 1): Promise<void> {
    const window = WINDOW_SECONDS[name];
    if (points > limit) {
      // Waiting cannot help a request larger than the whole window: 413, which clients do not retry, not
      // a 429 whose Retry-After would have them send the same request again and again.
      throw new AppError('PAYLOAD_TOO_LARGE', `${points} at once is more than ${name} allows (${limit} per ${window} s) for ${subject}; send at most ${limit} per request`, {
        rate_limit: name,
        limit,
      });
    }
    try {
      await this.limiterFor(name, limit).consume(key, points);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retry = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new AppError('RATE_LIMITED', `${subject} is over the rate limit ${name} (${limit} per ${window} s); retry in ${retry} s`, {
        retry_after_seconds: retry,
        rate_limit: name,
        limit,
      });
    }
  }

  private limiterFor(name: LimitName, limit: number): RateLimiterAbstract | RateLimiterStoreAbstract {
    const id = `${name}:${limit}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const opts = { keyPrefix: `aegis:rl:${id}`, points: limit, duration: WINDOW_SECONDS[name] };
      const memory = new RateLimiterMemory(opts);
      limiter = this.redis ? new RateLimiterRedis({ ...opts, storeClient: this.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory }) : memory;
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

/**
 * connectRedis opens the Redis connection of the rate limiters and waits up to `waitMs` for it:
 * commands fail fast while it is down (no offline queue; the limiters fall back to memory), and
 * it reconnects in the background. Errors are logged at most once a minute.
 */
export async function connectRedis(url: string, log: Logger, waitMs = 2_000): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - lastLogged < 60_000) return;
    lastLogged = Date.now();
    log.warn({ err: err.message }, 'Redis cannot be reached: each replica applies the rate limits in its own memory until it can');
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}

/** closeRedis ends the connection gracefully (or at once when Redis does not answer). */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}
