// The rooms subgraph, built without a port: rooms per subject.
import type { Database } from '../../lib/database';
import type { Logger } from '../../lib/logger';
import { createSubgraphServer, type SubgraphServer } from '../../lib/subgraph-server';
import { createRoomsContext } from './context';
import { resolvers } from './resolvers';

export function createRoomsServer(db: Database, logger: Logger): Promise<SubgraphServer> {
  return createSubgraphServer({
    name: 'rooms',
    resolvers,
    createContext: () => createRoomsContext(db.prisma),
    checkReady: db.ping,
    logger: logger.child({ subgraph: 'rooms' }),
  });
}
