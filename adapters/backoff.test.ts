import { backoffStrategy, exchangeBackoffType, exchangeDelay } from './backoff';

const policy = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 10_000 };

describe('exchange backoff', () => {
  it('doubles per attempt, with the jitter between half and all of it', () => {
    expect(exchangeDelay(policy, 1, () => 0)).toBe(500);
    expect(exchangeDelay(policy, 1, () => 1)).toBe(1_000);
    expect(exchangeDelay(policy, 3, () => 0)).toBe(2_000);
    expect(exchangeDelay(policy, 3, () => 1)).toBe(4_000);
  });

  it('never waits longer than the cap', () => {
    expect(exchangeDelay(policy, 30, () => 1)).toBe(10_000);
    expect(exchangeDelay(policy, 30, () => 0)).toBe(5_000);
  });

  it('spreads retries of jobs that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => exchangeDelay(policy, 4)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('answers only for its own type (BullMQ fails a job at once on -1)', () => {
    const strategy = backoffStrategy(policy);
    expect(strategy(2, exchangeBackoffType)).toBeGreaterThanOrEqual(1_000);
    expect(strategy(2, 'something-else')).toBe(-1);
  });
});
