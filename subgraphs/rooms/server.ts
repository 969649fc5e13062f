// The rooms subgraph, built without a port: rooms per subject.
import type { VerifyInternalToken } from '../../lib/access/internal-token';
import type { Database } from '../../lib/database';
import type { Logger } from '../../lib/logger';
import { createSubgraphServer, type SubgraphServer } from '../../lib/subgraph-server';
import { createRoomsContext } from './context';
import { resolvers } from './resolvers';

export function createRoomsServer(options: {
  db: Database;
  logger: Logger;
  verifyToken: VerifyInternalToken;
  /** The clock emergency accesses are read with (consent's server takes the same). */
  now?: () => Date;
}): Promise<SubgraphServer> {
  const logger = options.logger.child({ subgraph: 'rooms' });
  return createSubgraphServer({
    name: 'rooms',
    resolvers,
    createContext: (principal) => createRoomsContext(options.db.prisma, principal, { now: options.now, logger }),
    verifyToken: options.verifyToken,
    checkReady: options.db.ping,
    logger,
  });
}
