// Boots the gateway, the three subgraphs and the workers as real HTTP
// servers on ephemeral ports, over a private test database and Redis prefix.
import { connectRedis, type Redis } from '../../lib/redis';
import { readSupergraph } from '../../gateway/supergraph-file';
import { startSystem, type RunningSystem } from '../../start/system';
import { redisUrl, uniqueName } from './environment';
import { silentLogger } from './silent-logger';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestSystem {
  system: RunningSystem;
  db: TestDatabase;
  redis: Redis;
  graphqlUrl: string;
  stop(): Promise<void>;
}

export async function startTestSystem(options: { workers?: boolean } = {}): Promise<TestSystem> {
  const db = await createTestDatabase();
  const redis = connectRedis(redisUrl);
  await redis.connect();
  const prefix = uniqueName('renkei-test').replace(/_/g, '-');
  const system = await startSystem({
    db,
    redis,
    host: '127.0.0.1',
    port: 0,
    queuePrefix: prefix,
    supergraphSdl: readSupergraph(),
    subgraphTimeoutMs: 5_000,
    logger: silentLogger,
    workers: options.workers ?? false,
  });
  return {
    system,
    db,
    redis,
    graphqlUrl: `${system.gateway.url}/graphql`,
    stop: async () => {
      await system.stop();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await db.drop();
    },
  };
}
