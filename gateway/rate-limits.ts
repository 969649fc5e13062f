// Request rate limits at the gateway, counted in Redis so every gateway
// process shares them (rate-limiter-flexible, on the process's own ioredis
// client): per session, per client certificate (a terminal, whoever signs
// in on it) and, for sign-in, per client address (guessing passwords across
// many accounts from one place; the per-account lockout covers guessing one
// account's). Each is "N requests per minute"; 0 turns that limit off.
//
// When Redis is not ready the limiters do not wait for it (a request must not
// hang on a reconnecting client): each falls back to an in-memory limiter of
// the same size, per process, until Redis is back.
import type { Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimits } from '../lib/config';
import { sendError } from '../lib/http-errors';
import type { Logger } from '../lib/logger';
import { genericMessages } from '../lib/messages/generic-messages';

export type RateLimitName = 'session' | 'certificate' | 'signIn';

export interface RateLimitKeys {
  session?: string | null;
  certificate?: string | null;
  /** Set only for requests that sign in. */
  signInAddress?: string | null;
}

export type RateLimitDecision = { ok: true } | { ok: false; limit: RateLimitName; retryAfterSeconds: number };

export interface RateLimiter {
  check(keys: RateLimitKeys): Promise<RateLimitDecision>;
}

const windowSeconds = 60;

export function createRateLimiter(redis: Redis, limits: RateLimits, keyPrefix: string): RateLimiter {
  const make = (name: RateLimitName, points: number) =>
    points > 0
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${keyPrefix}:${name}`,
          points,
          duration: windowSeconds,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
        })
      : null;
  const limiters: Array<[RateLimitName, RateLimiterRedis | null, keyof RateLimitKeys]> = [
    ['certificate', make('certificate', limits.certificatePerMinute), 'certificate'],
    ['session', make('session', limits.sessionPerMinute), 'session'],
    ['signIn', make('signIn', limits.signInPerMinute), 'signInAddress'],
  ];
  return {
    async check(keys) {
      for (const [name, limiter, key] of limiters) {
        const value = keys[key];
        if (!limiter || !value) continue;
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

/** Express step: 429 with Retry-After and code RATE_LIMITED once a limit is used up. */
export function rateLimitRequests(
  limiter: RateLimiter,
  keysOf: (req: Request, res: Response) => RateLimitKeys,
  logger: Logger,
): RequestHandler {
  return async (req, res, next) => {
    try {
      const decision = await limiter.check(keysOf(req, res));
      if (decision.ok) {
        next();
        return;
      }
      logger.warn(
        { limit: decision.limit, retryAfterSeconds: decision.retryAfterSeconds },
        'request refused: rate limit',
      );
      res.setHeader('Retry-After', String(decision.retryAfterSeconds));
      sendError(res, 429, 'RATE_LIMITED', genericMessages.RATE_LIMITED);
    } catch (error) {
      next(error);
    }
  };
}
