// A test's Redis keys (its queues, rate-limit counters, principal epoch) live
// under its own prefix; this removes them afterwards, on a connection of its own.
import { connectRedis } from '../../lib/redis';
import { redisUrl } from './environment';

export async function clearRedisPrefixes(...prefixes: string[]): Promise<void> {
  const redis = connectRedis(redisUrl);
  await redis.connect();
  try {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}
