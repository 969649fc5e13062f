// Per-minute request limits counted in Redis, so every process of a kind
// shares them (rate-limiter-flexible, on the process's own ioredis client),
// for the gateway (gateway/rate-limits.ts) and the partner endpoint
// (adapters/fhir/partner-rate-limits.ts). Each named limit counts one key
// (a session, a certificate, an address, a partner) and allows N requests
// per minute; 0 turns it off.
//
// When Redis is not ready the limiters do not wait for it (a request must not
// hang on a reconnecting client): each falls back to an in-memory limiter of
// the same size, per process, until Redis is back.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type RateLimitDecision<Name extends string> =
  | { ok: true }
  | { ok: false; limit: Name; retryAfterSeconds: number };

export interface NamedRateLimiter<Name extends string> {
  /** Counts one request against every limit whose key is given, in the order the limits were named. */
  check(keys: Partial<Record<Name, string | null>>): Promise<RateLimitDecision<Name>>;
}

const windowSeconds = 60;

export function perMinuteLimiter<Name extends string>(
  redis: Redis,
  perMinute: ReadonlyArray<readonly [Name, number]>,
  keyPrefix: string,
): NamedRateLimiter<Name> {
  const limiters = perMinute.flatMap(([name, points]) =>
    points > 0
      ? [
          [
            name,
            new RateLimiterRedis({
              storeClient: redis,
              keyPrefix: `${keyPrefix}:${name}`,
              points,
              duration: windowSeconds,
              rejectIfRedisNotReady: true,
              insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
            }),
          ] as const,
        ]
      : [],
  );
  return {
    async check(keys) {
      for (const [name, limiter] of limiters) {
        const value = keys[name];
        if (!value) continue;
        try {
          await limiter.consume(value);
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) {
            return { ok: false, limit: name, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
          }
          throw rejection;
        }
      }
      return { ok: true };
    },
  };
}
