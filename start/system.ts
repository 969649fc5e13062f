// The whole system in one process: the three subgraphs on private loopback
// ports, the gateway in front of them and the workers, over one database
// and one Redis. Used by the all-in-one start and by the end-to-end tests.
// Subgraphs are reached over real HTTP even here, so this mode exercises
// exactly the gateway-to-subgraph path that production uses.
import type { Redis } from 'ioredis';
import type { SubgraphName } from '../lib/config';
import type { Database } from '../lib/database';
import { listen, type RunningServer } from '../lib/http-server';
import type { Logger } from '../lib/logger';
import type { SubgraphServer } from '../lib/subgraph-server';
import { createGatewayServer } from '../gateway/server';
import { createIdentityServer } from '../subgraphs/identity/server';
import { createRoomsServer } from '../subgraphs/rooms/server';
import { createConsentServer } from '../subgraphs/consent/server';
import { jobDefinitions } from '../adapters/jobs';
import { startWorkers, type RunningWorkers } from '../adapters/workers';

export interface SystemOptions {
  db: Database;
  redis: Redis;
  host: string;
  port: number;
  queuePrefix: string;
  supergraphSdl: string;
  subgraphTimeoutMs: number;
  logger: Logger;
  /** Start the BullMQ workers too (default true). */
  workers?: boolean;
}

export interface RunningSystem {
  gateway: RunningServer;
  subgraphs: Record<SubgraphName, RunningServer>;
  workers: RunningWorkers | undefined;
  stop(): Promise<void>;
}

const factories: Record<SubgraphName, (db: Database, logger: Logger) => Promise<SubgraphServer>> = {
  identity: createIdentityServer,
  rooms: createRoomsServer,
  consent: createConsentServer,
};

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const subgraphs = {} as Record<SubgraphName, RunningServer>;
    for (const name of Object.keys(factories) as SubgraphName[]) {
      const server = await factories[name](options.db, options.logger);
      stops.push(server.stop);
      const http = await listen(server.app, '127.0.0.1', 0, `the ${name} subgraph`);
      stops.push(http.close);
      subgraphs[name] = http;
    }
    const gatewayServer = await createGatewayServer({
      supergraphSdl: options.supergraphSdl,
      subgraphUrls: {
        identity: `${subgraphs.identity.url}/graphql`,
        rooms: `${subgraphs.rooms.url}/graphql`,
        consent: `${subgraphs.consent.url}/graphql`,
      },
      subgraphTimeoutMs: options.subgraphTimeoutMs,
      pingRedis: () => options.redis.ping(),
      logger: options.logger,
    });
    stops.push(gatewayServer.stop);
    const gateway = await listen(gatewayServer.app, options.host, options.port, 'the gateway');
    stops.push(gateway.close);

    let workers: RunningWorkers | undefined;
    if (options.workers !== false) {
      workers = await startWorkers({
        redis: options.redis,
        prefix: options.queuePrefix,
        deps: { db: options.db.prisma, logger: options.logger },
        definitions: jobDefinitions,
      });
      stops.push(workers.close);
    }
    return { gateway, subgraphs, workers, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
