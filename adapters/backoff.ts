// Retry timing for the exchange jobs (both directions): exponential backoff
// with "equal jitter" (half the exponential delay, plus a random part up to
// the other half), capped. Jitter spreads the retries of many jobs that
// failed together (a partner back after an outage) instead of hitting the
// partner in one burst; the cap keeps a long outage from pushing the next
// try hours away. Registered as the workers' BullMQ custom backoff strategy
// under the type `exchangeBackoffType`; other job types keep BullMQ's
// built-in strategies.
import type { BackoffOptions } from 'bullmq';

export const exchangeBackoffType = 'exchange-exponential-jitter';

export interface ExchangeRetryPolicy {
  /** Tries in all (first try included) before a job becomes a dead letter. */
  attempts: number;
  /** The delay before the first retry, before jitter. */
  baseDelayMs: number;
  /** No retry waits longer than this. */
  maxDelayMs: number;
}

/** About 4.5 hours of retries in all: 2 s, 4 s, ... capped at 30 min, 12 tries. */
export const defaultExchangeRetry: ExchangeRetryPolicy = { attempts: 12, baseDelayMs: 2_000, maxDelayMs: 30 * 60_000 };

/** The delay before retry number `attemptsMade` (1 after the first failure). */
export function exchangeDelay(
  policy: Pick<ExchangeRetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  attemptsMade: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
  const half = exponential / 2;
  return Math.round(half + random() * half);
}

/** The job options an exchange job is added with (the relay passes them on). */
export function exchangeJobOptions(policy: ExchangeRetryPolicy): { attempts: number; backoff: BackoffOptions } {
  return { attempts: policy.attempts, backoff: { type: exchangeBackoffType, delay: policy.baseDelayMs } };
}

/** BullMQ's Worker `settings.backoffStrategy`: only called for non-built-in types. */
export function backoffStrategy(policy: ExchangeRetryPolicy) {
  return (attemptsMade: number, type?: string): number =>
    type === exchangeBackoffType ? exchangeDelay(policy, attemptsMade) : -1;
}
