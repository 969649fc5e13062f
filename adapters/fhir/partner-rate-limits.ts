// Abuse limits at the partner endpoint (/fhir), counted in Redis like the
// gateway's (lib/rate-limiter.ts), so every process serving /fhir shares
// them: token requests per client address, before the assertion is read
// (guessing at client assertions, or a partner stuck in a loop, costs a
// signature check and a jti row each); and every authenticated request per
// partner (a partner polling its Tasks in a tight loop). Each is "N per
// minute"; 0 turns it off. A refusal answers 429 with Retry-After: at the
// token endpoint in OAuth's error shape, elsewhere as an OperationOutcome
// (issue type `throttled`). Behind a TLS-terminating proxy the client
// address is the proxy's, so raise the token limit or set it to 0 and limit
// at the proxy.
import type { Redis } from 'ioredis';
import type { PartnerRateLimits } from '../../lib/config';
import { perMinuteLimiter, type NamedRateLimiter } from '../../lib/rate-limiter';

export type PartnerLimitName = 'tokenAddress' | 'partner';
export type PartnerRateLimiter = NamedRateLimiter<PartnerLimitName>;

export interface PartnerRateLimitOptions {
  redis: Redis;
  keyPrefix: string;
  limits: PartnerRateLimits;
}

export function partnerRateLimiter(options: PartnerRateLimitOptions): PartnerRateLimiter {
  return perMinuteLimiter<PartnerLimitName>(
    options.redis,
    [
      ['tokenAddress', options.limits.partnerTokenPerMinute],
      ['partner', options.limits.partnerPerMinute],
    ],
    options.keyPrefix,
  );
}
