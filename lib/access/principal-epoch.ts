// The principal epoch: one counter in Redis that identity increments after
// every change that may change who a session's bearer is or what the system
// allows (a sign-in or sign-out, a suspension, a retirement, a role change, a
// facility stopped, a password change, a certificate revoked, a restriction
// put in force or lifted: every identity mutation, so none can be forgotten).
// A gateway replica caches a resolved principal for at most a second and
// only while the epoch it was resolved under is still the current one, so
// such a change takes effect on the next request at every replica; the
// second is the bound for what does not pass through identity (a session's
// idle or absolute expiry, a certificate's end, an edit made in the database
// by hand) and for a bump that Redis did not take.
import type { Redis } from 'ioredis';

export interface PrincipalEpoch {
  /** The current epoch; null when Redis cannot say (then nothing cached may be used). */
  current(): Promise<string | null>;
  /** Moves the epoch on: every principal cached before is stale. */
  bump(): Promise<void>;
}

export function redisPrincipalEpoch(redis: Redis, keyPrefix: string): PrincipalEpoch {
  const key = `${keyPrefix}:principal-epoch`;
  return {
    async current() {
      // A replica must not trust its cache while Redis is away: it cannot see bumps.
      if (redis.status !== 'ready') return null;
      try {
        return (await redis.get(key)) ?? '0';
      } catch {
        return null;
      }
    },
    async bump() {
      // Never queue a bump behind a reconnect: the caller (a mutation's answer) must not wait for Redis.
      if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
      await redis.incr(key);
    },
  };
}
