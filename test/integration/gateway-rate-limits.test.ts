// The gateway's rate limiter against real Redis (a unique key prefix per
// test): each limit counts its own key, 0 turns a limit off, and a Redis
// client that is not ready falls back to an in-memory limit instead of
// making the request wait.
import { randomBytes } from 'node:crypto';
import { connectRedis, type Redis } from '../../lib/redis';
import { createRateLimiter } from '../../gateway/rate-limits';
import { redisUrl } from '../support/environment';

let redis: Redis;
const prefixes: string[] = [];
const prefix = () => {
  const p = `renkei-rl-test-${randomBytes(5).toString('hex')}`;
  prefixes.push(p);
  return p;
};

beforeAll(async () => {
  redis = connectRedis(redisUrl);
  await redis.connect();
});
afterAll(async () => {
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}:*`);
    if (keys.length) await redis.del(...keys);
  }
  await redis.quit();
});

it('limits each session, certificate and sign-in address separately, with a Retry-After within the minute', async () => {
  const p = prefix();
  const limiter = createRateLimiter(redis, { sessionPerMinute: 2, certificatePerMinute: 3, signInPerMinute: 1 }, p);
  expect(await limiter.check({ session: 's1' })).toEqual({ ok: true });
  expect(await limiter.check({ session: 's1' })).toEqual({ ok: true });
  const refused = await limiter.check({ session: 's1' });
  expect(refused).toMatchObject({ ok: false, limit: 'session' });
  const retryAfter = refused.ok ? 0 : refused.retryAfterSeconds;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await limiter.check({ session: 's2' })).toEqual({ ok: true });

  // A terminal's certificate counts across its sessions.
  expect(await limiter.check({ certificate: 'c1', session: 'a' })).toEqual({ ok: true });
  expect(await limiter.check({ certificate: 'c1', session: 'b' })).toEqual({ ok: true });
  expect(await limiter.check({ certificate: 'c1', session: 'c' })).toEqual({ ok: true });
  expect(await limiter.check({ certificate: 'c1', session: 'd' })).toMatchObject({ ok: false, limit: 'certificate' });

  expect(await limiter.check({ signInAddress: '192.0.2.1' })).toEqual({ ok: true });
  expect(await limiter.check({ signInAddress: '192.0.2.1' })).toMatchObject({ ok: false, limit: 'signIn' });
  expect(await limiter.check({ signInAddress: '192.0.2.2' })).toEqual({ ok: true });
  expect((await redis.keys(`${p}:*`)).length).toBeGreaterThan(0);
});

it('shares counts between gateway processes through Redis', async () => {
  const p = prefix();
  const limits = { sessionPerMinute: 2, certificatePerMinute: 0, signInPerMinute: 0 };
  const one = createRateLimiter(redis, limits, p);
  const two = createRateLimiter(redis, limits, p);
  expect(await one.check({ session: 's' })).toEqual({ ok: true });
  expect(await two.check({ session: 's' })).toEqual({ ok: true });
  expect(await one.check({ session: 's' })).toMatchObject({ ok: false });
});

it('turns a limit off with 0', async () => {
  const limiter = createRateLimiter(
    redis,
    { sessionPerMinute: 0, certificatePerMinute: 0, signInPerMinute: 0 },
    prefix(),
  );
  for (let i = 0; i < 20; i += 1)
    expect(await limiter.check({ session: 's', certificate: 'c', signInAddress: 'a' })).toEqual({ ok: true });
});

it('does not wait for a Redis that is not ready: an in-memory limit of the same size applies', async () => {
  const notConnected = connectRedis('redis://127.0.0.1:1'); // lazy, never connected
  notConnected.on('error', () => undefined);
  const limiter = createRateLimiter(
    notConnected,
    { sessionPerMinute: 2, certificatePerMinute: 0, signInPerMinute: 0 },
    prefix(),
  );
  const started = Date.now();
  expect(await limiter.check({ session: 's' })).toEqual({ ok: true });
  expect(await limiter.check({ session: 's' })).toEqual({ ok: true });
  expect(await limiter.check({ session: 's' })).toMatchObject({ ok: false, limit: 'session' });
  expect(Date.now() - started).toBeLessThan(1000);
  notConnected.disconnect();
});
