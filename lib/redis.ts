// Redis connections. BullMQ needs `maxRetriesPerRequest: null` on the
// connections its workers block on; we use the same options everywhere so a
// connection can be shared by queues and workers alike.
import { Redis } from 'ioredis';

export type { Redis };

export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true });
}

/** Resolves null when Redis answers PING within the timeout, else a sentence saying why not. */
export async function probeRedis(url: string, timeoutMs = 3000): Promise<string | null> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (error) {
    return `REDIS_URL: Redis at ${redactRedisUrl(url)} is not reachable (${(error as Error).message})`;
  } finally {
    probe.disconnect();
  }
}

function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.host;
  } catch {
    return '(unparseable URL)';
  }
}
