// The rooms subgraph, built without a port: rooms per subject. Given metrics,
// it counts break-glass declarations and reports the emergency accesses in
// force at every scrape (one count), until it stops.
import type { VerifyInternalToken } from '../../lib/access/internal-token';
import type { Database } from '../../lib/database';
import type { Logger } from '../../lib/logger';
import { createSubgraphServer, type SubgraphServer } from '../../lib/subgraph-server';
import { createRoomsContext } from './context';
import { resolvers } from './resolvers';
import type { Metrics } from '../../lib/metrics/metrics';
import { countActiveEmergencyAccesses } from './emergency/services/emergency-access-service';
import { emergencyReasons } from './emergency/domain/emergency-access-rules';

export async function createRoomsServer(options: {
  db: Database;
  logger: Logger;
  verifyToken: VerifyInternalToken;
  /** The clock emergency accesses are read with (consent's server takes the same). */
  now?: () => Date;
  metrics?: Metrics;
}): Promise<SubgraphServer> {
  const logger = options.logger.child({ subgraph: 'rooms' });
  const { metrics } = options;
  const server = await createSubgraphServer({
    name: 'rooms',
    resolvers,
    createContext: (principal) =>
      createRoomsContext(options.db.prisma, principal, { now: options.now, logger, metrics }),
    verifyToken: options.verifyToken,
    checkReady: options.db.ping,
    logger,
  });
  if (!metrics) return server;
  // Each reason's series exists from the start at 0, so the alert's increase() sees the first declaration.
  for (const reason of emergencyReasons) metrics.emergencyAccessDeclared.inc({ reason }, 0);
  const now = options.now ?? (() => new Date());
  const stopReading = metrics.onScrape({
    name: 'emergency_accesses',
    gauge: metrics.emergencyAccessesActive,
    read: async () => [{ value: await countActiveEmergencyAccesses(options.db.prisma, now()) }],
  });
  return {
    ...server,
    stop: async () => {
      stopReading();
      await server.stop();
    },
  };
}
