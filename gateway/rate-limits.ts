// Request rate limits at the gateway, counted in Redis so every gateway
// process shares them (lib/rate-limiter.ts): per session, per client
// certificate (a terminal, whoever signs in on it) and, for sign-in, per
// client address (guessing passwords across many accounts from one place;
// the per-account lockout covers guessing one account's). Each is "N
// requests per minute"; 0 turns that limit off.
import type { Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import type { GatewayRateLimits } from '../lib/config';
import { perMinuteLimiter } from '../lib/rate-limiter';
import { sendError } from '../lib/http-errors';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics/metrics';
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

export function createRateLimiter(redis: Redis, limits: GatewayRateLimits, keyPrefix: string): RateLimiter {
  const limiter = perMinuteLimiter<RateLimitName>(
    redis,
    [
      ['certificate', limits.certificatePerMinute],
      ['session', limits.sessionPerMinute],
      ['signIn', limits.signInPerMinute],
    ],
    keyPrefix,
  );
  return {
    check: ({ session, certificate, signInAddress }) => limiter.check({ session, certificate, signIn: signInAddress }),
  };
}

/** Express step: 429 with Retry-After and code RATE_LIMITED once a limit is used up. */
export function rateLimitRequests(
  limiter: RateLimiter,
  keysOf: (req: Request, res: Response) => RateLimitKeys,
  logger: Logger,
  metrics?: Metrics,
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
      metrics?.rateLimitRefusals.inc({ limit: decision.limit });
      res.setHeader('Retry-After', String(decision.retryAfterSeconds));
      sendError(res, 429, 'RATE_LIMITED', genericMessages.RATE_LIMITED);
    } catch (error) {
      next(error);
    }
  };
}
